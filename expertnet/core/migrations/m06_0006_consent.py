"""Step 6 of the migrations, recorded as ``0006_consent``."""
from peewee import AutoField, BooleanField, CharField, DateTimeField, ForeignKeyField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m01_0001_initial import Expert
from expertnet.core.migrations.m02_0002_accounts import User

NAME = "0006_consent"


class Consent(FrozenModel):
    id = AutoField()
    expert = ForeignKeyField(Expert, backref="consents", on_delete="CASCADE")
    user = ForeignKeyField(User, null=True, backref="consents", on_delete="SET NULL")
    purpose = CharField(max_length=16)
    granted = BooleanField()
    notice_version = CharField(max_length=200)
    created_at = DateTimeField(default=utcnow, index=True)


def apply(migrator, db):
    db.create_tables([Consent], safe=True)
