"""Step 35 of the migrations, recorded as ``0063_department_contact``."""
from peewee import CharField, IntegerField, TextField

from expertnet.core.migrations.helpers import _add_missing_columns

NAME = "0063_department_contact"


def apply(migrator, db):
    # Contact requests through the Department: who answers, and what
    # the curator recorded of the person's answer.
    _add_missing_columns(migrator, db, "contact_request", {
        "channel": CharField(max_length=16, default="expert"),
        "handled_by": IntegerField(null=True),
        "shared_fields": CharField(max_length=32, default=""),
        "outcome_note": TextField(default=""),
    })
    db.execute_sql("CREATE INDEX IF NOT EXISTS contact_request_channel "
                   "ON contact_request (channel)")
