"""Step 32 of the migrations, recorded as ``0032_notifications``."""
from expertnet.core.models import (
    NOTIFICATION_MODELS,
)

NAME = "0032_notifications"


def apply(migrator, db):
    db.create_tables(NOTIFICATION_MODELS, safe=True)
