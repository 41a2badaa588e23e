"""Training courses: the officials' pages (``/trainings``). Every write goes through
``expertnet.cooperation.trainings``."""
from flask import Blueprint

bp = Blueprint("trainings", __name__)

from expertnet.cooperation.controllers.trainings import routes  # noqa: E402,F401  (registers the views)
