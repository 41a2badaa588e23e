"""Events, delegations and cooperation agreements: the officials' pages (``/events``,
``/delegations``, ``/agreements``) and the experts' invitations (``/account/events``).
Every write goes through ``expertnet.cooperation``."""
from flask import Blueprint

bp = Blueprint("programme", __name__)

from expertnet.cooperation.controllers.programme import routes  # noqa: E402,F401  (registers the views)
