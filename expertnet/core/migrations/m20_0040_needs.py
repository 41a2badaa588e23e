"""Step 20 of the migrations, recorded as ``0040_needs``."""
from peewee import CharField

from expertnet.core.migrations.helpers import _add_missing_columns
from expertnet.core.models import (
    NEED_MODELS,
)

NAME = "0040_needs"


def apply(migrator, db):
    _add_missing_columns(migrator, db, "user", {"department": CharField(max_length=200, default="")})
    db.create_tables(NEED_MODELS, safe=True)
