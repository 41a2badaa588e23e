"""Step 7 of the migrations, recorded as ``0007_deletion_requests``."""
from peewee import AutoField, CharField, DateTimeField, IntegerField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel

NAME = "0007_deletion_requests"


class DeletionRequest(FrozenModel):
    id = AutoField()
    expert_id = IntegerField(index=True)
    requested_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    status = CharField(max_length=16, default="pending")
    handled_by = IntegerField(null=True)
    handled_at = DateTimeField(null=True)


def apply(migrator, db):
    db.create_tables([DeletionRequest], safe=True)
