"""Step 8 of the migrations, recorded as ``0008_invitations``."""
from expertnet.core.models import (
    INVITATION_MODELS,
)

NAME = "0008_invitations"


def apply(migrator, db):
    db.create_tables(INVITATION_MODELS, safe=True)
