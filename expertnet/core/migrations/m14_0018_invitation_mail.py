"""Step 14 of the migrations, recorded as ``0018_invitation_mail``."""
from peewee import IntegerField

from expertnet.core.migrations.helpers import _add_missing_columns

NAME = "0018_invitation_mail"


def apply(migrator, db):
    _add_missing_columns(migrator, db, "invitation", {
        "mail_message_id": IntegerField(null=True),
    })
