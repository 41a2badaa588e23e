"""Self-service: an expert edits their own profile, gives or withdraws consent,
downloads their data and asks for deletion; curators edit any profile and confirm
deletions. Every write goes through ``writes`` (validate → commit → index)."""
from expertnet.directory.blueprint import bp  # noqa: F401  (create_app registers it)
from expertnet.directory.controllers.profiles import (  # noqa: F401  (registers the views)
    routes,
    stale,
)
