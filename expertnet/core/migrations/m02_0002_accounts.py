"""Step 2 of the migrations, recorded as ``0002_accounts``."""
from peewee import AutoField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m01_0001_initial import Expert

NAME = "0002_accounts"


class User(FrozenModel):
    id = AutoField()
    email = CharField(max_length=254, unique=True)
    role = CharField(max_length=16)
    active = BooleanField(default=True)
    password_hash = CharField(max_length=255, default="")
    session_generation = IntegerField(default=1)
    language = CharField(max_length=8, default="")
    department = CharField(max_length=200, default="")
    expert = ForeignKeyField(Expert, null=True, unique=True, backref="owners", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)


def apply(migrator, db):
    db.create_tables([User], safe=True)
