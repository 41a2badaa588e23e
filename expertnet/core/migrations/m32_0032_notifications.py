"""Step 32 of the migrations, recorded as ``0032_notifications``."""
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m02_0002_accounts import User

NAME = "0032_notifications"


class Notification(FrozenModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=40)
    params = TextField(default="{}")
    link = CharField(max_length=500, default="")
    read_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "read_at"), False), (("user", "created_at"), False))


def apply(migrator, db):
    db.create_tables([Notification], safe=True)
