from flask import Blueprint

bp = Blueprint("main", __name__)

from expertnet.directory.controllers.main import routes  # noqa: E402,F401  (registers the routes)
