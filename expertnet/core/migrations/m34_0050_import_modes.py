"""Step 34 of the migrations, recorded as ``0050_import_modes``."""
from peewee import CharField, TextField

from expertnet.core.migrations.helpers import _add_missing_columns

NAME = "0050_import_modes"


def apply(migrator, db):
    # A browser import's mode and visibility for consenting rows, and what
    # each staged row would do (its visibility and the fields it changes, JSON).
    _add_missing_columns(migrator, db, "import_batch", {
        "mode": CharField(max_length=16, default="update"),
        "consented_visibility": CharField(max_length=16, default="public"),
    })
    _add_missing_columns(migrator, db, "import_row", {"plan": TextField(default="")})
