"""Self-service: an expert edits their own profile, gives or withdraws consent,
downloads their data and asks for deletion; curators edit any profile and confirm
deletions. Every write goes through ``writes`` (validate → commit → index)."""
from flask import Blueprint

bp = Blueprint("profiles", __name__)

from expertnet.directory.controllers.profiles import (  # noqa: E402,F401  (registers the views)
    curation,
    delegation,
    orcid_pages,
    registration_queue,
    routes,
    stale,
)
