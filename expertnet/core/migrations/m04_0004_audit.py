"""Step 4 of the migrations, recorded as ``0004_audit``."""
from peewee import AutoField, CharField, DateTimeField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel

NAME = "0004_audit"


class Audit(FrozenModel):
    id = AutoField()
    actor_id = IntegerField(null=True, index=True)
    action = CharField(max_length=40, index=True)
    expert_id = IntegerField(null=True, index=True)
    changes = TextField(default="{}")
    source = CharField(max_length=16)
    created_at = DateTimeField(default=utcnow, index=True)


def apply(migrator, db):
    db.create_tables([Audit], safe=True)
