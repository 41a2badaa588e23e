"""Downloads of personal data: the current search as CSV or XLSX (officials, curators,
admins) and a profile as a vCard. Each needs a recent password and is audited. Large
exports and invitations run as background jobs: ``/jobs`` shows them to whoever asked."""
from flask import Blueprint

bp = Blueprint("downloads", __name__)

from expertnet.downloads import job_pages, routes  # noqa: E402,F401  (registers the views)
