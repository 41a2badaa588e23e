"""Administration: accounts (admins) and the audit log (curators and admins)."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from expertnet.accounts.controllers.admin import routes  # noqa: E402,F401  (registers the views)
