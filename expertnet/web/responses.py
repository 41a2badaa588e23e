"""What every response shares: security headers, error pages (JSON under /api/),
and the helpers templates use to show codes in the reader's language."""
from flask import Response, abort, current_app, jsonify, render_template, request
from flask_babel import format_decimal
from markupsafe import Markup
from werkzeug.exceptions import HTTPException, SecurityError

from expertnet.core import access, archives, places, vocab
from expertnet.core.db import database
from expertnet.core.i18n import (
    LANGUAGE_NAMES,
    _,
    current_language,
    format_ago,
    format_day,
    format_moment,
    zone_name,
)
from expertnet.core.text import initials

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Features no page uses, switched off for this site and anything it might embed.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"))


def json_error(status, message, **extra):
    response = jsonify({"error": {"status": status, "message": str(message), **extra}})
    response.status_code = status
    return response


def _wants_json():
    return request.path.startswith("/api/")


def _error_message(status):
    messages = {
        400: _("The request could not be understood."),
        401: _("Please log in, or give a valid API token."),
        403: _("You may not open this page."),
        404: _("This page does not exist."),
        405: _("This method is not allowed here."),
        413: _("The file is too large: at most %(size)s MB can be uploaded.",
               size=current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024)),
        429: _("Too many requests. Please wait a moment and try again."),
    }
    return messages.get(status, _("Something went wrong on our side. Please try again later."))


def _holds_nul(multidict):
    return any("\x00" in key or any("\x00" in value for value in values)
               for key, values in multidict.lists())


def init_app(app):
    @app.before_request
    def refuse_nul_characters():
        """No text anyone types into a form holds a NUL character, and PostgreSQL refuses
        one in a string (the driver raises, which answered 500 wherever a posted value
        reached a query unchanged): a NUL in the path or in a posted form field is a 400
        for every route. Uploaded files are bytes and are not concerned. Query strings
        keep their contract (a search cleans control characters: ``q=%00`` searches);
        their values are checked against vocabularies before any query."""
        if "\x00" in request.path:
            abort(400)
        if request.method not in ("GET", "HEAD", "OPTIONS") and _holds_nul(request.form):
            abort(400)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        status = exc.code or 500
        message = _error_message(status)
        if _wants_json():
            return json_error(status, message)
        if isinstance(exc, SecurityError):
            # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page.
            return Response(str(message), status=status, mimetype="text/plain")
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(Exception)
    def unexpected_error(exc):
        app.logger.exception("unhandled error on %s", request.path)
        if not database.is_closed() and database.in_transaction():
            database.rollback()
        message = _error_message(500)
        if _wants_json():
            return json_error(500, message)
        return render_template("error.html", status=500, message=message), 500

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # same-origin: stricter than strict-origin-when-cross-origin (nothing at all is
        # sent to other sites), while Flask-WTF's CSRF check over HTTPS, which compares the
        # Referer with the host, still gets it on the site's own forms (no-referrer would
        # refuse every form served over HTTPS).
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        hsts = str(app.config.get("HSTS", "auto")).lower()
        if hsts == "always" or (hsts == "auto" and request.is_secure):
            headers.setdefault("Strict-Transport-Security",
                               f"max-age={int(app.config['HSTS_MAX_AGE'])}; includeSubDomains")
        if not request.path.startswith("/static/"):
            # Pages and API answers may hold personal data: never cache them.
            headers.setdefault("Cache-Control", "no-store")
        headers.add("Vary", "Cookie, Accept-Language")
        return response

    app.jinja_env.globals.update(
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        current_language=current_language,
        country_name=lambda code: places.country_name(code, current_language()),
        language_name=lambda code: places.language_name(code, current_language()),
        vocab=vocab,
        initials=initials,
        viewer=access.current_viewer,
        zone_name=zone_name,
        # The packing an attached Office file was refused for, named by the refusal.
        max_unpacking_ratio=archives.MAX_RATIO,
    )
    app.jinja_env.filters.update(
        number=lambda value: format_decimal(value),
        # The one way a page writes a date or a time (i18n.py): the reader's language,
        # the city's zone. ``|datetime(zone=True)`` names the zone, ``|ago`` says "3 days ago".
        date=format_day,
        datetime=format_moment,
        ago=format_ago,
        paragraphs=paragraphs,
    )


def paragraphs(text):
    """Plain text with blank lines → escaped ``<p>`` paragraphs."""
    parts = [part.strip() for part in (text or "").split("\n\n") if part.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(part) for part in parts)
