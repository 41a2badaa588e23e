"""Step 15 of the migrations, recorded as ``0025_import_batches``."""
from expertnet.core.models import (
    IMPORT_MODELS,
)

NAME = "0025_import_batches"


def apply(migrator, db):
    db.create_tables(IMPORT_MODELS, safe=True)
