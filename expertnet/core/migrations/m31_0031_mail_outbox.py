"""Step 31 of the migrations, recorded as ``0031_mail_outbox``."""
from peewee import DateTimeField, TextField

from expertnet.core.migrations.helpers import _add_missing_columns

NAME = "0031_mail_outbox"


def apply(migrator, db):
    # The outbox: a message waits in mail_message with its text until a worker sends it.
    # Rows recorded before have no text; one still queued then is sent by the task that
    # carries its text (mail.deliver takes it).
    _add_missing_columns(migrator, db, "mail_message", {
        "subject": TextField(default=""),
        "body": TextField(default=""),
        "next_attempt_at": DateTimeField(null=True),
        "claimed_at": DateTimeField(null=True),
    })
    db.execute_sql('CREATE INDEX IF NOT EXISTS "mail_message_next_attempt_at" '
                   'ON "mail_message" ("next_attempt_at")')
