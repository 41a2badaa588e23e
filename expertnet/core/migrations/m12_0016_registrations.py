"""Step 12 of the migrations, recorded as ``0016_registrations``."""
from expertnet.core.models import (
    REGISTRATION_MODELS,
)

NAME = "0016_registrations"


def apply(migrator, db):
    db.create_tables(REGISTRATION_MODELS, safe=True)
