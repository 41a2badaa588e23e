"""Officials sent abroad: the officials' pages (``/officials-abroad``). Every write goes
through ``expertnet.cooperation.officials_abroad``."""
from flask import Blueprint

bp = Blueprint("officials_abroad", __name__)

from expertnet.cooperation.controllers.officials_abroad import routes  # noqa: E402,F401  (registers the views)
