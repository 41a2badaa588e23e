"""Step 33 of the migrations, recorded as ``0033_saved_searches``."""
from expertnet.core.models import (
    SAVED_SEARCH_MODELS,
)

NAME = "0033_saved_searches"


def apply(migrator, db):
    db.create_tables(SAVED_SEARCH_MODELS, safe=True)
