"""Needs for expertise: an official describes a need, gets a ranked proposal of
experts with the reasons for each, and keeps a shortlist shared with colleagues of
the same department."""
from flask import Blueprint

bp = Blueprint("needs", __name__)

from expertnet.outreach.controllers.needs import routes  # noqa: E402,F401  (registers the views)
