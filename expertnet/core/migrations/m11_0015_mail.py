"""Step 11 of the migrations, recorded as ``0015_mail``."""
from peewee import AutoField, CharField, DateTimeField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel

NAME = "0015_mail"


class MailMessage(FrozenModel):
    id = AutoField()
    recipient = CharField(max_length=254, index=True)
    kind = CharField(max_length=40, index=True)
    language = CharField(max_length=8, default="")
    status = CharField(max_length=16, default="queued")
    attempts = IntegerField(default=0)
    error = CharField(max_length=500, default="")
    created_at = DateTimeField(default=utcnow, index=True)
    sent_at = DateTimeField(null=True)
    subject = TextField(default="")
    body = TextField(default="")
    next_attempt_at = DateTimeField(null=True, index=True)
    claimed_at = DateTimeField(null=True)

    class Meta:
        table_name = "mail_message"


def apply(migrator, db):
    db.create_tables([MailMessage], safe=True)
