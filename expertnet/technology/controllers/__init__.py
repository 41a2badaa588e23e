"""The marketplace's pages (``/technology/...``): public browsing of offers and demands,
the forms of those who post them, moderation, brokering and supply–demand sessions.
Every write goes through ``expertnet.technology``."""
from flask import Blueprint

bp = Blueprint("technology", __name__, url_prefix="/technology")

from expertnet.technology.controllers import routes  # noqa: E402,F401  (registers the views)
