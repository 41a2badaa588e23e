"""Wiring of accounts into the application: Flask-Login with revocable sessions,
CSRF on every unsafe request, Secure cookies over HTTPS, rate limits, ProxyFix."""
from flask import abort, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, user_loaded_from_cookie
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from expertnet.accounts import users as accounts
from expertnet.core import ratelimit

login_manager = LoginManager()
csrf = CSRFProtect()

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@login_manager.user_loader
def _load_user(session_key):
    # The key carries the session generation: an old cookie names an old generation.
    return accounts.user_for_session(session_key)


@user_loaded_from_cookie.connect
def _bind_restored_session(app, user):
    """A session restored from the remember-me cookie gets the identifier that
    ``login_user`` would have given it. Without it, "strong" session protection sees
    a mismatch on the next request and logs the person out after one page."""
    session["_id"] = login_manager._session_identifier_generator()


def init_app(app):
    if app.config.get("PROXY_FIX"):
        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    app.session_interface = _SessionInterface()
    # Registered first so that it runs before anything reads the user of this request.
    app.before_request(_forget_previous_user)
    app.before_request(_authenticate_bearer)
    # after_request functions run in reverse order of registration: registered before
    # Flask-Login, this one runs after it has set the remember-me cookie.
    app.after_request(_secure_cookies)

    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.refresh_view = "auth.login"
    # The login page says what to do; Flask-Login's English flash would not be translated.
    login_manager.login_message = None
    login_manager.needs_refresh_message = None

    csrf.init_app(app)
    app.before_request(_check_csrf)
    ratelimit.init_app(app)


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, Secure whenever the request is."""

    def get_cookie_secure(self, app):
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def _forget_previous_user():
    """Flask-Login caches the user in ``g``; an application context shared by several
    requests (tests, CLI) must not carry one request's user into the next, nor the
    CSRF token Flask-WTF caches there (it belongs to the previous session)."""
    for name in ("_login_user", "viewer", "csrf_valid", "authenticated_by_token",
                 current_app.config["WTF_CSRF_FIELD_NAME"]):
        g.pop(name, None)


# The blueprint whose routes a token may call: the API under /api/v1.
API_BLUEPRINT = "api"


def _authenticate_bearer():
    """``Authorization: Bearer <token>`` authenticates a call of the API alone: the
    session and remember-me cookies are not consulted, and no CSRF token is needed (a
    cross-site form cannot set this header). A wrong token is a 401, never anonymous.
    Every other route ignores the header and answers as it answers anyone without it:
    a token is a script's key to the API, and it would otherwise open the account's
    pages and post their buttons without a CSRF token."""
    if request.blueprint != API_BLUEPRINT:
        return
    scheme, _sep, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return
    user = accounts.user_for_token(credentials.strip())
    if user is None:
        abort(401)
    g.authenticated_by_token = True
    # Flask-Login's own way of setting the request's user without touching the session.
    login_manager._update_request_context_with_user(user)


def _check_csrf():
    if request.method in SAFE_METHODS or g.get("authenticated_by_token"):
        return
    if request.routing_exception is not None:
        # No view will run (404, 405): answer that rather than a CSRF error.
        return
    csrf.protect()


def _secure_cookies(response):
    """Cookies go over HTTPS only when the site is served over HTTPS: ``Secure`` is
    added to every cookie of a secure request (the config flags force it always)."""
    if not request.is_secure:
        return response
    cookies = response.headers.getlist("Set-Cookie")
    if cookies and any("; secure" not in cookie.lower() for cookie in cookies):
        response.headers.remove("Set-Cookie")
        for cookie in cookies:
            response.headers.add("Set-Cookie", cookie if "; secure" in cookie.lower()
                                 else f"{cookie}; Secure")
    return response
