"""The engagements' blueprint (``engagements``): its URL rules are cooperation's, but the
programme report that officials open from the engagements (``/engagements/report``) is
the programme's page and registers on this same object, so that its endpoints and URLs
stay ``engagements.*``. ``create_app`` imports it before registering the blueprint."""
from flask import Blueprint

engagements = Blueprint("engagements", __name__)
