"""Contact requests: an official asks an expert for their contact details for a need;
the expert answers, blocks, or revokes on ``/account/requests``."""
from flask import Blueprint

bp = Blueprint("contacts", __name__)

from expertnet.outreach.controllers.contacts import routes  # noqa: E402,F401  (registers the views)
