"""Step 36 of the migrations, recorded as ``0070_term_pairs``."""
from expertnet.core.models import (
    TERM_MODELS,
)

NAME = "0070_term_pairs"


def apply(migrator, db):
    # The bilingual term list (taxonomy/terms.py): created only when missing.
    db.create_tables(TERM_MODELS, safe=True)
