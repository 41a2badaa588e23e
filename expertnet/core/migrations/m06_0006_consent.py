"""Step 6 of the migrations, recorded as ``0006_consent``."""
from expertnet.core.models import (
    CONSENT_MODELS,
)

NAME = "0006_consent"


def apply(migrator, db):
    db.create_tables(CONSENT_MODELS, safe=True)
