"""Step 30 of the migrations, recorded as ``0028_jobs``."""
from expertnet.core.models import (
    JOB_MODELS,
)

NAME = "0028_jobs"


def apply(migrator, db):
    db.create_tables(JOB_MODELS, safe=True)
