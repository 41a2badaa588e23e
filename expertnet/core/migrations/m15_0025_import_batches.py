"""Step 15 of the migrations, recorded as ``0025_import_batches``."""
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel

NAME = "0025_import_batches"


class ImportBatch(FrozenModel):
    id = AutoField()
    user_id = IntegerField(null=True, index=True)
    language = CharField(max_length=8, default="")
    file_name = CharField(max_length=255)
    sha256 = CharField(max_length=64, index=True)
    size = IntegerField(default=0)
    file_type = CharField(max_length=8, default="")
    header = TextField(default="[]")
    mapping = TextField(default="")
    status = CharField(max_length=16, default="staging", index=True)
    error = TextField(default="")
    total_rows = IntegerField(default=0)
    done_rows = IntegerField(default=0)
    counts = TextField(default="{}")
    created_at = DateTimeField(default=utcnow, index=True)
    committed_at = DateTimeField(null=True)
    committed_by = IntegerField(null=True)
    rolled_back_at = DateTimeField(null=True)
    rolled_back_by = IntegerField(null=True)
    mode = CharField(max_length=16, default="update")
    consented_visibility = CharField(max_length=16, default="public")

    class Meta:
        table_name = "import_batch"


class ImportRow(FrozenModel):
    id = AutoField()
    batch = ForeignKeyField(ImportBatch, backref="rows", on_delete="CASCADE")
    number = IntegerField()
    raw = TextField(default="{}")
    outcome = CharField(max_length=16, index=True)
    external_id = CharField(max_length=64, null=True)
    name_key = CharField(max_length=220, default="")
    match_id = IntegerField(null=True)
    match_row = IntegerField(null=True)
    decision = CharField(max_length=16, default="")
    result = CharField(max_length=16, default="")
    expert_id = IntegerField(null=True, index=True)
    before = TextField(default="")
    version_after = IntegerField(null=True)
    rolled_back = CharField(max_length=16, default="")
    plan = TextField(default="")

    class Meta:
        table_name = "import_row"
        indexes = ((("batch", "number"), True),)


class ColumnMapping(FrozenModel):
    header_key = CharField(max_length=200, primary_key=True)
    column = CharField(max_length=40, default="")
    user_id = IntegerField(null=True)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "column_mapping"


def apply(migrator, db):
    db.create_tables([ImportBatch, ImportRow, ColumnMapping], safe=True)
