"""Step 13 of the migrations, recorded as ``0017_profile_freshness``."""
from peewee import DateTimeField

from expertnet.core.migrations.helpers import _add_missing_columns

NAME = "0017_profile_freshness"


def apply(migrator, db):
    _add_missing_columns(migrator, db, "expert", {
        "owner_confirmed_at": DateTimeField(null=True),
        "stale_reminded_at": DateTimeField(null=True),
    })
