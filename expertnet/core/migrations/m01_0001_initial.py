"""Step 1 of the migrations, recorded as ``0001_initial``.

The steps that create tables declare them as frozen copies (``helpers.FrozenModel``), so
that no step imports a module above the ground. The copies were taken when the models
moved into their domains' ``models.py``, with every column the models had then: a fresh
database gets those columns here and the later steps that add them find them present,
as they did when this step created tables from the live model classes."""
from peewee import AutoField, CharField, CompositeKey, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.models import JSONListField

NAME = "0001_initial"


class Field(FrozenModel):
    code = CharField(primary_key=True, max_length=40)
    parent = ForeignKeyField("self", null=True, backref="children", column_name="parent_code",
                             object_id_name="parent_id", on_delete="RESTRICT")
    name_vi = CharField(max_length=200)
    name_en = CharField(max_length=200)
    synonyms_vi = JSONListField(default=list)
    synonyms_en = JSONListField(default=list)
    position = IntegerField(default=0)


class Expert(FrozenModel):
    id = AutoField()
    external_id = CharField(max_length=64, null=True, unique=True)
    kind = CharField(max_length=16, index=True)
    full_name = CharField(max_length=200)
    name_key = CharField(max_length=200, default="", index=True)
    other_names = JSONListField(default=list)
    title = CharField(max_length=16, default="")
    degree = CharField(max_length=16, default="")
    gender = CharField(max_length=16, default="")
    birth_year = IntegerField(null=True)
    hometown = CharField(max_length=200, default="")
    country = CharField(max_length=2, default="", index=True)
    city = CharField(max_length=120, default="")
    organization = CharField(max_length=300, default="")
    position = CharField(max_length=200, default="")
    sector = CharField(max_length=16, default="")
    keywords = JSONListField(default=list)
    languages = JSONListField(default=list)
    available_for = JSONListField(default=list)
    bio_vi = TextField(default="")
    bio_en = TextField(default="")
    email = CharField(max_length=254, default="", index=True)
    phone = CharField(max_length=40, default="")
    website = CharField(max_length=500, default="")
    orcid = CharField(max_length=19, default="")
    visibility = CharField(max_length=16, default="curators", index=True)
    email_visibility = CharField(max_length=16, default="officials")
    phone_visibility = CharField(max_length=16, default="officials")
    source = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow, index=True)
    version = IntegerField(default=1)
    confirmed_by = IntegerField(null=True)
    confirmed_at = DateTimeField(null=True)
    owner_confirmed_at = DateTimeField(null=True)
    stale_reminded_at = DateTimeField(null=True)


class ExpertField(FrozenModel):
    expert = ForeignKeyField(Expert, backref="field_links", on_delete="CASCADE")
    field = ForeignKeyField(Field, column_name="field_code", object_id_name="field_id",
                            backref="expert_links", on_delete="RESTRICT")
    position = IntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("expert", "field")


class PendingIndex(FrozenModel):
    expert_id = IntegerField(primary_key=True)
    version = IntegerField()
    queued_at = DateTimeField(default=utcnow)


def apply(migrator, db):
    db.create_tables([Field, Expert, ExpertField, PendingIndex], safe=True)
