"""Curators' tools for the whole database: likely duplicates, their comparison side by
side, "not a duplicate", and the merge of two profiles of one person."""
from flask import Blueprint

bp = Blueprint("curate", __name__)

from expertnet.curate import routes  # noqa: E402,F401  (registers the views)
