"""Step 24 of the migrations, recorded as ``0011_consent_notice_length``."""
from expertnet.core.db import is_postgres

NAME = "0011_consent_notice_length"


def apply(migrator, db):
    # Consents read from an import name their file ("import:<file>"): longer than the
    # 32 characters of a notice version. SQLite does not enforce VARCHAR lengths.
    if is_postgres(db):
        db.execute_sql("ALTER TABLE consent ALTER COLUMN notice_version TYPE VARCHAR(200)")
