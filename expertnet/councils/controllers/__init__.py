"""Advisory and review councils: the officials' pages (``/councils``) and the experts'
invitations with their declaration (``/account/councils``). Every write goes through
``expertnet.councils.operations``."""
from flask import Blueprint

bp = Blueprint("councils", __name__)

from expertnet.councils.controllers import routes  # noqa: E402,F401  (registers the views)
