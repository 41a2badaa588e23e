"""Step 3 of the migrations, recorded as ``0003_api_tokens``."""
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m02_0002_accounts import User

NAME = "0003_api_tokens"


class ApiToken(FrozenModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="api_tokens", on_delete="CASCADE")
    name = CharField(max_length=100, default="")
    prefix = CharField(max_length=16)
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)


def apply(migrator, db):
    db.create_tables([ApiToken], safe=True)
