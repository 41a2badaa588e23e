"""Step 12 of the migrations, recorded as ``0016_registrations``."""
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m01_0001_initial import Expert

NAME = "0016_registrations"


class Registration(FrozenModel):
    id = AutoField()
    email = CharField(max_length=254, default="", index=True)
    password_hash = CharField(max_length=255, default="")
    full_name = CharField(max_length=200, default="")
    kind = CharField(max_length=16, default="")
    country = CharField(max_length=2, default="")
    consents = TextField(default="{}")
    notice_version = CharField(max_length=32, default="")
    wanted_visibility = CharField(max_length=16, default="curators")
    language = CharField(max_length=8, default="")
    nonce = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    status = CharField(max_length=16, default="unverified", index=True)
    verified_at = DateTimeField(null=True)
    user_id = IntegerField(null=True, index=True)
    expert = ForeignKeyField(Expert, null=True, backref="registrations", on_delete="CASCADE")
    decided_by = IntegerField(null=True)
    decided_at = DateTimeField(null=True)
    reason = TextField(default="")


def apply(migrator, db):
    db.create_tables([Registration], safe=True)
