"""Step 3 of the migrations, recorded as ``0003_api_tokens``."""
from expertnet.core.models import (
    TOKEN_MODELS,
)

NAME = "0003_api_tokens"


def apply(migrator, db):
    db.create_tables(TOKEN_MODELS, safe=True)
