"""Step 11 of the migrations, recorded as ``0015_mail``."""
from expertnet.core.models import (
    MAIL_MODELS,
)

NAME = "0015_mail"


def apply(migrator, db):
    db.create_tables(MAIL_MODELS, safe=True)
