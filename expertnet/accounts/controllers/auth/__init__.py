"""Logging in and out, sessions that can be revoked, CSRF, API tokens."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from expertnet.accounts.controllers.auth import registration, routes  # noqa: E402,F401  (registers the views)
from expertnet.accounts.controllers.auth.setup import init_app  # noqa: E402

__all__ = ["bp", "init_app"]
