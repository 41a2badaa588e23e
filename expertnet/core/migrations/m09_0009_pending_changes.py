"""Step 9 of the migrations, recorded as ``0009_pending_changes``."""
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m01_0001_initial import Expert

NAME = "0009_pending_changes"


class PendingChange(FrozenModel):
    id = AutoField()
    expert = ForeignKeyField(Expert, backref="pending_changes", on_delete="CASCADE")
    user_id = IntegerField(null=True)
    proposed = TextField(default="{}")
    original = TextField(default="{}")
    base_version = IntegerField()
    created_at = DateTimeField(default=utcnow)
    status = CharField(max_length=16, default="pending", index=True)
    reviewer_id = IntegerField(null=True)
    decided_at = DateTimeField(null=True)
    reason = TextField(default="")


def apply(migrator, db):
    db.create_tables([PendingChange], safe=True)
