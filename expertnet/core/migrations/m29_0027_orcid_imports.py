"""Step 29 of the migrations, recorded as ``0027_orcid_imports``."""
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m01_0001_initial import Expert

NAME = "0027_orcid_imports"


class OrcidImport(FrozenModel):
    id = AutoField()
    expert = ForeignKeyField(Expert, backref="orcid_imports", on_delete="CASCADE")
    orcid = CharField(max_length=19)
    user_id = IntegerField(null=True)
    source = CharField(max_length=8, default="upload")
    sha256 = CharField(max_length=64)
    record = TextField(default="{}")
    base_version = IntegerField()
    status = CharField(max_length=16, default="previewed", index=True)
    applied_fields = TextField(default="[]")
    created_at = DateTimeField(default=utcnow)
    applied_at = DateTimeField(null=True)

    class Meta:
        table_name = "orcid_import"


def apply(migrator, db):
    db.create_tables([OrcidImport], safe=True)
