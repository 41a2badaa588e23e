"""Engagements: officials and curators record what happened with an expert (with
attachments), and read a profile's history and a need's progress."""
from flask import Blueprint

bp = Blueprint("engagements", __name__)

from expertnet.cooperation.controllers.engagements import routes  # noqa: E402,F401  (registers the views)
