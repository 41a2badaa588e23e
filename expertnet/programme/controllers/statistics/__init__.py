"""``/statistics``: the statistics dashboard for officials and curators (charts, tables,
a world map and CSV downloads); the counts come from ``expertnet.programme.statistics``."""
from flask import Blueprint

bp = Blueprint("statistics", __name__)

from expertnet.programme.controllers.statistics import routes  # noqa: E402,F401  (registers the views)
