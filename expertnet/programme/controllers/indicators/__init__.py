"""``/programme/indicators`` (the indicator board, an indicator's records, its edit page
and its entered values) and ``/programme/reports`` (the yearly reports and their
exports); the numbers come from ``expertnet.programme.indicators`` and ``reports``."""
from flask import Blueprint

bp = Blueprint("indicators", __name__)

from expertnet.programme.controllers.indicators import routes  # noqa: E402,F401  (registers the views)
