"""Step 23 of the migrations, recorded as ``0043_engagements``."""
from expertnet.core.models import (
    ENGAGEMENT_MODELS,
)

NAME = "0043_engagements"


def apply(migrator, db):
    db.create_tables(ENGAGEMENT_MODELS, safe=True)
