from flask import Blueprint

bp = Blueprint("api", __name__)

from expertnet.api import organisations, routes  # noqa: E402,F401,I001  (registers the routes)
