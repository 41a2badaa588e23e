"""``/healthz`` for load balancers and monitoring: counts only, never personal data."""
from flask import Blueprint

bp = Blueprint("health", __name__)

from expertnet.ops.controllers.health import routes  # noqa: E402,F401  (registers the route)
