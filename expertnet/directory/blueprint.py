"""The profile's blueprint (``profiles``): its URL rules are the directory's, but pages that
act on what a higher module keeps about the profile (accounts' reviews, registrations,
invitations, consent, data rights and delegates; curation's ORCID records) live in that
module's controllers and register on this same object, so that their endpoints and URLs
stay ``profiles.*``. ``create_app`` imports those controllers before registering it."""
from flask import Blueprint

bp = Blueprint("profiles", __name__)
