"""Step 21 of the migrations, recorded as ``0041_shortlists``."""
from expertnet.core.models import (
    SHORTLIST_MODELS,
)

NAME = "0041_shortlists"


def apply(migrator, db):
    db.create_tables(SHORTLIST_MODELS, safe=True)
