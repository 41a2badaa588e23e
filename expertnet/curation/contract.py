"""The import contract's columns: the profile's (``validation.COLUMNS``) and the survey's
consent, and how a header names one exactly. The importer, the column mapping of the
browser (``columns``) and the exports read it."""
from expertnet.core.text import clean
from expertnet.directory import validation

# Columns the importer reads besides the profile's own (validation.COLUMNS): the
# survey's consent, as one cell listing purposes or as one yes/no column per purpose.
CONSENT_COLUMN = "consent"
PURPOSE_COLUMNS = {"consent_publish": "publish", "consent_contact": "contact"}
# Every column a file may hold: the profile's and the survey's consent.
IMPORT_COLUMNS = (*validation.COLUMNS, CONSENT_COLUMN, *PURPOSE_COLUMNS)


def column_key(name):
    """A header as the contract spells its columns (``Full name`` → ``full_name``)."""
    return clean(name).lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def contract_column(name):
    """The contract column a header names exactly (``Full name`` → ``full_name``), or ""."""
    key = column_key(name)
    return key if key in IMPORT_COLUMNS else ""
