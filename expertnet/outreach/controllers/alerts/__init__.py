"""Notifications (``/notifications``, every signed-in account) and saved searches with
their alerts (``/saved-searches``, officials, curators and admins)."""
from flask import Blueprint

bp = Blueprint("alerts", __name__)

from expertnet.outreach.controllers.alerts import routes  # noqa: E402,F401  (registers the views)
