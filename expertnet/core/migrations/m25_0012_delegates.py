"""Step 25 of the migrations, recorded as ``0012_delegates``."""
from peewee import AutoField, DateTimeField, ForeignKeyField, IntegerField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m01_0001_initial import Expert
from expertnet.core.migrations.m02_0002_accounts import User

NAME = "0012_delegates"


class ProfileDelegate(FrozenModel):
    id = AutoField()
    expert = ForeignKeyField(Expert, backref="delegations", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="delegations", on_delete="CASCADE")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "delegation"  # its name before the class was renamed
        indexes = ((("expert", "user"), True),)


def apply(migrator, db):
    db.create_tables([ProfileDelegate], safe=True)
