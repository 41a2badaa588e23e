"""Budgets: each record's planned and actual costs (``/budget/<kind>/<id>``) and the
finance view summed per year and department (``/budget``). Every write goes through
``expertnet.programme.budget``."""
from flask import Blueprint

bp = Blueprint("budget", __name__)

from expertnet.programme.controllers.budget import routes  # noqa: E402,F401  (registers the views)
