"""Step 1 of the migrations, recorded as ``0001_initial``."""
from expertnet.core.models import (
    MODELS,
)

NAME = "0001_initial"


def apply(migrator, db):
    # These model classes are the schema of 0001; later changes go in new migrations.
    db.create_tables(MODELS, safe=True)
