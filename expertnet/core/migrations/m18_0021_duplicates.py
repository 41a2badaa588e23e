"""Step 18 of the migrations, recorded as ``0021_duplicates``."""
from expertnet.core.models import (
    DUPLICATE_MODELS,
)

NAME = "0021_duplicates"


def apply(migrator, db):
    db.create_tables(DUPLICATE_MODELS, safe=True)
