"""The profile's pages the directory keeps (blueprint ``profiles``, in ``blueprint.py``):
an expert's own profile, a curator's confirmation, the owner's "still correct". The
profile's other pages (edit, consent, data rights, invitations, reviews, registrations,
delegates, stale reminders; ORCID) act on what accounts and curation keep and live in
those modules' controllers, on this same blueprint. Every profile write goes through
``writes`` (validate → commit → index)."""
from expertnet.directory.blueprint import bp  # noqa: F401  (create_app registers it)
from expertnet.directory.controllers.profiles import (  # noqa: F401  (registers the views)
    routes,
    stale,
)
