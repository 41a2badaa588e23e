"""Step 4 of the migrations, recorded as ``0004_audit``."""
from expertnet.core.models import (
    AUDIT_MODELS,
)

NAME = "0004_audit"


def apply(migrator, db):
    db.create_tables(AUDIT_MODELS, safe=True)
