"""``/organisations``: the register's search and pages for everyone (as the records'
visibility allows), and the curators' forms, reconciliation, duplicates and import.
Every write goes through ``expertnet.organisations``."""
from flask import Blueprint

bp = Blueprint("organisations", __name__)

from expertnet.organisations.controllers.pages import routes  # noqa: E402,F401  (registers the views)
