from flask import Blueprint

bp = Blueprint("api", __name__)

from expertnet.api import routes  # noqa: E402,F401  (registers the routes)
from expertnet.api.organisations import routes as organisation_routes  # noqa: E402,F401,I001
