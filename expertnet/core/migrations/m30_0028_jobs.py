"""Step 30 of the migrations, recorded as ``0028_jobs``."""
from peewee import AutoField, CharField, DateTimeField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel

NAME = "0028_jobs"


class Job(FrozenModel):
    id = AutoField()
    kind = CharField(max_length=16)
    owner_id = IntegerField(index=True)
    status = CharField(max_length=16, default="queued", index=True)
    done = IntegerField(default=0)
    total = IntegerField(default=0)
    params = TextField(default="{}")
    result_file = CharField(max_length=100, default="")
    result_name = CharField(max_length=100, default="")
    result_size = IntegerField(default=0)
    error = CharField(max_length=40, default="")
    detail = TextField(default="")
    created_at = DateTimeField(default=utcnow, index=True)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    expires_at = DateTimeField(null=True, index=True)


def apply(migrator, db):
    db.create_tables([Job], safe=True)
