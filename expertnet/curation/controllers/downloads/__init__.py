"""Downloads of personal data: the current search as CSV or XLSX (officials, curators,
admins) and a profile as a vCard. Each needs a recent password and is audited. Large
exports and invitations run as background jobs: ``/jobs`` shows them to whoever asked."""
from flask import Blueprint

bp = Blueprint("downloads", __name__)

from expertnet.curation.controllers.downloads import (  # noqa: E402  (registers the views)
    job_pages,  # noqa: F401
    routes,  # noqa: F401
)
