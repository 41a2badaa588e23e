"""Guards every blueprint shares: a role for a view, a redirect target that stays on this
site, and the record a page is about (or a 404). They live here, below the modules'
pages, so that no page imports another module's routes to reach them."""
from functools import wraps
from urllib.parse import urlsplit

from flask import abort
from flask_login import login_required

from expertnet.core.access import current_viewer
from expertnet.core.text import parse_id


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


def get_or_404(model, record_id, *conditions, visible=None):
    """The row of ``model`` whose id is ``record_id`` and that meets every ``conditions``
    (peewee expressions: the parent a file belongs to, the profile a request was sent
    to) and, when given, ``visible(row)``; else 404, exactly like a row that does not
    exist, so that a page never tells what it hides. ``record_id`` may be an int from
    a URL rule or a posted string: both go through ``parse_id``, so an odd or too large
    id is a 404, never a 500."""
    record_id = parse_id(record_id)
    row = None if record_id is None else model.get_or_none(model.id == record_id, *conditions)
    if row is None or (visible is not None and not visible(row)):
        abort(404)
    return row


def editable_or_403(model, record_id, may_edit):
    """The row (404 if none) that the current viewer may change (``may_edit(viewer,
    record)``), else 403."""
    record = get_or_404(model, record_id)
    if not may_edit(current_viewer(), record):
        abort(403)
    return record
