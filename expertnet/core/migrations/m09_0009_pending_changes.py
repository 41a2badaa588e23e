"""Step 9 of the migrations, recorded as ``0009_pending_changes``."""
from expertnet.core.models import (
    REVIEW_MODELS,
)

NAME = "0009_pending_changes"


def apply(migrator, db):
    db.create_tables(REVIEW_MODELS, safe=True)
