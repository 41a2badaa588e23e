"""Links that leave the site in e-mail: their absolute address and the signed tokens
they carry; the site's own paths that notifications keep.

An absolute address needs the site's own: ``BASE_URL`` (``EXPERTNET_BASE_URL``) when it
is configured, which the worker and the commands need since they run outside any
request. Otherwise the address of the current request is used, but only when it can
be trusted: a Host header is whatever the client sends, and a password reset asked for
with ``Host: evil.example`` would otherwise e-mail the person a link that hands the
token to that host. A logged-in curator's request is trusted (their own browser); an
anonymous one only when Flask's ``TRUSTED_HOSTS`` refuses other hosts.

Tokens are signed with the secret key under a salt per purpose, so that a token made
for one purpose (an invitation) is never accepted for another (a password reset).
"""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from itsdangerous import BadSignature, URLSafeTimedSerializer


def base_url(anonymous=True):
    """The site's address without a trailing slash, or None when it is not known in a
    way that can be trusted. ``anonymous=False`` for a request of a logged-in account
    that acts for someone else (a curator's invitation)."""
    configured = (current_app.config.get("BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if has_request_context() and (not anonymous or current_app.config.get("TRUSTED_HOSTS")):
        return request.url_root.rstrip("/")
    return None


def external_url(base, endpoint, **values):
    """The absolute address of ``endpoint`` on the site at ``base`` (from
    :func:`base_url`), buildable without a request."""
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def site_path(endpoint, **values):
    """A path on this site (for a notification's link), without the prefix the site may
    be mounted under (the page adds it): the same from a request, a worker or a
    command."""
    return current_app.url_map.bind("localhost", script_name="/").build(endpoint, values)


def _serializer(salt):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(salt, data):
    return _serializer(salt).dumps(data)


def unsign(salt, token, max_age_seconds):
    """The dict a token carries, or None: a wrong signature or salt, too old, or not a
    dict."""
    try:
        data = _serializer(salt).loads(token, max_age=max_age_seconds)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    return data if isinstance(data, dict) else None
