"""Step 5 of the migrations, recorded as ``0005_contact_visibility``."""
from peewee import CharField

from expertnet.core.migrations.helpers import _add_missing_columns

NAME = "0005_contact_visibility"


def apply(migrator, db):
    _add_missing_columns(migrator, db, "expert", {
        "email_visibility": CharField(max_length=16, default="officials"),
        "phone_visibility": CharField(max_length=16, default="officials"),
    })
