"""Step 21 of the migrations, recorded as ``0041_shortlists``."""
from peewee import AutoField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m01_0001_initial import Expert
from expertnet.core.migrations.m20_0040_needs import Need

NAME = "0041_shortlists"


class ShortlistEntry(FrozenModel):
    id = AutoField()
    need = ForeignKeyField(Need, backref="shortlist", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="shortlisted", on_delete="CASCADE")
    position = IntegerField(default=0)
    note = TextField(default="")
    added_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "shortlist_entry"
        indexes = ((("need", "expert"), True),)


def apply(migrator, db):
    db.create_tables([ShortlistEntry], safe=True)
