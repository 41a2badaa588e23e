"""Step 29 of the migrations, recorded as ``0027_orcid_imports``."""
from expertnet.core.models import (
    ORCID_MODELS,
)

NAME = "0027_orcid_imports"


def apply(migrator, db):
    db.create_tables(ORCID_MODELS, safe=True)
