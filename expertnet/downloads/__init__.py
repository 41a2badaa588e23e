"""Downloads of personal data: the current search as CSV or XLSX (officials, curators,
admins) and a profile as a vCard. Each needs a recent password and is audited."""
from flask import Blueprint

bp = Blueprint("downloads", __name__)

from expertnet.downloads import routes  # noqa: E402,F401  (registers the views)
