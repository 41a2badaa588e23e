"""Step 25 of the migrations, recorded as ``0012_delegates``."""
from expertnet.core.models import (
    DELEGATION_MODELS,
)

NAME = "0012_delegates"


def apply(migrator, db):
    db.create_tables(DELEGATION_MODELS, safe=True)
