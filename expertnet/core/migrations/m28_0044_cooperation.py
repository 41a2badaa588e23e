"""Step 28 of the migrations, recorded as ``0044_cooperation``."""
from expertnet.core.models import (
    COOPERATION_MODELS,
)

NAME = "0044_cooperation"


def apply(migrator, db):
    # Events, delegations and agreements.
    db.create_tables(COOPERATION_MODELS, safe=True)
