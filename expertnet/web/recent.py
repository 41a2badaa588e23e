"""A recent login: what exporting asks for (SECURITY.md: "exporting needs a fresh
login"). Flask-Login's "fresh" only says the session began with a password, however
long ago; here the password must also have been given within ``RECENT_LOGIN_MINUTES``.
Otherwise the person types their password again on ``/auth/confirm`` and comes back."""
import time
from functools import wraps

from flask import current_app, redirect, request, session, url_for
from flask_login import confirm_login, current_user, login_fresh

SESSION_KEY = "_password_at"


def mark_password_given():
    """Called when the person has just typed their password (log in, confirm)."""
    session[SESSION_KEY] = int(time.time())


def confirmed_fresh():
    confirm_login()
    mark_password_given()


def is_recent():
    given = session.get(SESSION_KEY)
    if not current_user.is_authenticated or not login_fresh() or not isinstance(given, int):
        return False
    return time.time() - given <= 60 * int(current_app.config["RECENT_LOGIN_MINUTES"])


def recent_login_required(view):
    """The view runs only after a recent password; else to the confirmation page and
    back. Put it under ``login_required`` (or ``role_required``)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not is_recent():
            return redirect(url_for("auth.confirm", next=request.full_path
                                    if request.query_string else request.path))
        return view(*args, **kwargs)
    return wrapped
