"""Step 22 of the migrations, recorded as ``0042_contact_requests``."""
from expertnet.core.models import (
    CONTACT_REQUEST_MODELS,
)

NAME = "0042_contact_requests"


def apply(migrator, db):
    db.create_tables(CONTACT_REQUEST_MODELS, safe=True)
