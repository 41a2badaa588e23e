"""Step 8 of the migrations, recorded as ``0008_invitations``."""
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m01_0001_initial import Expert

NAME = "0008_invitations"


class Invitation(FrozenModel):
    id = AutoField()
    expert = ForeignKeyField(Expert, backref="invitations", on_delete="CASCADE")
    email = CharField(max_length=254)
    nonce = CharField(max_length=64, unique=True)
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    user_id = IntegerField(null=True)
    mail_message_id = IntegerField(null=True)


def apply(migrator, db):
    db.create_tables([Invitation], safe=True)
