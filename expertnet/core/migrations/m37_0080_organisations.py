"""Step 37 of the migrations, recorded as ``0080_organisations``.

The table is declared here as it stands at this step (a frozen copy, not an import of
``expertnet.organisations.models``): the migrations sit on the ground floor, and a later
change to the model must not change what this step created."""
from peewee import AutoField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.models import JSONListField

NAME = "0080_organisations"


class Organisation(FrozenModel):
    id = AutoField()
    external_id = CharField(max_length=64, null=True, unique=True)
    name_vi = CharField(max_length=300, default="")
    name_en = CharField(max_length=300, default="")
    acronym = CharField(max_length=40, default="")
    other_names = JSONListField(default=list)
    name_key = CharField(max_length=300, default="", index=True)
    type = CharField(max_length=32, index=True)
    country = CharField(max_length=2, default="", index=True)
    city = CharField(max_length=120, default="")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="SET NULL")
    website = CharField(max_length=500, default="")
    fields = JSONListField(default=list)
    strategic_partner = BooleanField(default=False, index=True)
    description_vi = TextField(default="")
    description_en = TextField(default="")
    visibility = CharField(max_length=16, default="curators", index=True)
    source = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow, index=True)
    version = IntegerField(default=1)

    class Meta:
        table_name = "organisation"


def apply(migrator, db):
    db.create_tables([Organisation], safe=True)
