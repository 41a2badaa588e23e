"""Step 19 of the migrations, recorded as ``0022_merged_profiles``."""
from expertnet.core.models import (
    MERGE_MODELS,
)

NAME = "0022_merged_profiles"


def apply(migrator, db):
    db.create_tables(MERGE_MODELS, safe=True)
