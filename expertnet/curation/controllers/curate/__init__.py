"""Curators' tools for the database as a whole: likely duplicates and merges, imports in the browser (batches,
column mapping, preview, commit, rollback) and the data quality page with its bulk
actions, and the bilingual term list search reads. Profiles are written only through
``writes`` (via ``batches`` and ``quality``); the term list through ``terms``."""
from flask import Blueprint

bp = Blueprint("curate", __name__, url_prefix="/curate")


@bp.record_once
def _limit_uploads(state):
    # The whole request is bounded before anything reads it (the CSRF check parses the
    # form before a view runs): the largest import plus room for the form's fields.
    config = state.app.config
    if config.get("MAX_CONTENT_LENGTH") is None:
        config["MAX_CONTENT_LENGTH"] = config["IMPORT_MAX_BYTES"] + 64 * 1024


from expertnet.curation.controllers.curate import (  # noqa: E402  (registers the views)
    duplicate_pages,  # noqa: F401
    imports,  # noqa: F401
    quality,  # noqa: F401
    term_pages,  # noqa: F401
)
