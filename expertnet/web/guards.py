"""Guards every blueprint shares: a role for a view, and a redirect target that stays on
this site. They live here, below the modules' pages, so that no page imports another
module's routes to reach them."""
from functools import wraps
from urllib.parse import urlsplit

from flask import abort
from flask_login import login_required

from expertnet.core.access import current_viewer


def role_required(*roles):
    """Anonymous → the login page; a logged-in account without the role → 403."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_viewer().role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def safe_next(target, fallback="/"):
    """Only a path on this site: never ``//host``, ``/\\host`` or a scheme."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    return target


def record_or_404(model, record_id):
    """The row of ``model`` with this id, or 404."""
    record = model.get_or_none(model.id == record_id)
    if record is None:
        abort(404)
    return record


def editable_or_403(model, record_id, may_edit):
    """The row (404 if none) that the current viewer may change (``may_edit(viewer,
    record)``), else 403."""
    record = record_or_404(model, record_id)
    if not may_edit(current_viewer(), record):
        abort(403)
    return record
