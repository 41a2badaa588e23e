"""Step 26 of the migrations, recorded as ``0030_change_log``."""
from expertnet.core.models import (
    CHANGE_LOG_MODELS,
)

NAME = "0030_change_log"


def apply(migrator, db):
    db.create_tables(CHANGE_LOG_MODELS, safe=True)
