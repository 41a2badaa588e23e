"""Step 20 of the migrations, recorded as ``0040_needs``."""
from peewee import AutoField, BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel, _add_missing_columns
from expertnet.core.migrations.m02_0002_accounts import User
from expertnet.core.models import JSONListField

NAME = "0040_needs"


class Need(FrozenModel):
    id = AutoField()
    owner = ForeignKeyField(User, null=True, backref="needs", on_delete="SET NULL")
    title = CharField(max_length=200)
    description = TextField(default="")
    organization = CharField(max_length=300)
    fields = JSONListField(default=list)
    available_for = JSONListField(default=list)
    language = CharField(max_length=8, default="")
    starts_on = DateField(null=True)
    ends_on = DateField(null=True)
    location = CharField(max_length=200, default="")
    online = BooleanField(default=False)
    shared = BooleanField(default=True)
    status = CharField(max_length=16, default="open", index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


def apply(migrator, db):
    _add_missing_columns(migrator, db, "user", {"department": CharField(max_length=200, default="")})
    db.create_tables([Need], safe=True)
