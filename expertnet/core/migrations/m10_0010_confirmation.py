"""Step 10 of the migrations, recorded as ``0010_confirmation``."""
from peewee import DateTimeField, IntegerField

from expertnet.core.migrations.helpers import _add_missing_columns

NAME = "0010_confirmation"


def apply(migrator, db):
    _add_missing_columns(migrator, db, "expert", {
        "confirmed_by": IntegerField(null=True),
        "confirmed_at": DateTimeField(null=True),
    })
