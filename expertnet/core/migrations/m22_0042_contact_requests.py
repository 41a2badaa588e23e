"""Step 22 of the migrations, recorded as ``0042_contact_requests``."""
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m01_0001_initial import Expert
from expertnet.core.migrations.m02_0002_accounts import User
from expertnet.core.migrations.m20_0040_needs import Need

NAME = "0042_contact_requests"


class ContactRequest(FrozenModel):
    id = AutoField()
    need = ForeignKeyField(Need, backref="contact_requests", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="contact_requests", on_delete="CASCADE")
    official = ForeignKeyField(User, null=True, backref="contact_requests_sent",
                               on_delete="SET NULL")
    department = CharField(max_length=200, default="")
    purpose = CharField(max_length=32)
    message = TextField(default="")
    status = CharField(max_length=16, default="pending", index=True)
    created_at = DateTimeField(default=utcnow, index=True)
    decided_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)
    channel = CharField(max_length=16, default="expert", index=True)
    handled_by = IntegerField(null=True)
    shared_fields = CharField(max_length=32, default="")
    outcome_note = TextField(default="")

    class Meta:
        table_name = "contact_request"
        indexes = ((("need", "expert"), True),)


class ContactBlock(FrozenModel):
    id = AutoField()
    expert = ForeignKeyField(Expert, backref="contact_blocks", on_delete="CASCADE")
    department = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "contact_block"
        indexes = ((("expert", "department"), True),)


def apply(migrator, db):
    db.create_tables([ContactRequest, ContactBlock], safe=True)
