"""The signed-in person's own pages: account, password, language, tokens, profile."""
from flask import Blueprint

bp = Blueprint("account", __name__)

from expertnet.accounts.controllers.account import routes  # noqa: E402,F401  (registers the views)
