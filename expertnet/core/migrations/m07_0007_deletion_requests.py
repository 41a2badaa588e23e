"""Step 7 of the migrations, recorded as ``0007_deletion_requests``."""
from expertnet.core.models import (
    DELETION_MODELS,
)

NAME = "0007_deletion_requests"


def apply(migrator, db):
    db.create_tables(DELETION_MODELS, safe=True)
