"""Step 2 of the migrations, recorded as ``0002_accounts``."""
from expertnet.core.models import (
    USER_MODELS,
)

NAME = "0002_accounts"


def apply(migrator, db):
    db.create_tables(USER_MODELS, safe=True)
