"""Languages: ``_`` and ``_l``, the locale of each request, and compiled catalogues.

The locale is the reader's explicit choice (a cookie set by the language switch,
then the account's setting), else the browser's Accept-Language, else
Vietnamese. Catalogues live in the top-level ``translations/`` folder (or inside the
installed package); their ``.mo`` files are compiled into the instance folder when
missing or older than the ``.po`` they come from, so they are never committed.
"""
import io
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, has_request_context, request
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext, refresh

_ = gettext
_l = lazy_gettext
_n = ngettext

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}

babel = Babel()


def select_locale():
    languages = current_app.config["LANGUAGES"]
    chosen = getattr(g, "forced_locale", None)
    if chosen in languages:
        return chosen
    if has_request_context():
        chosen = request.cookies.get(LANGUAGE_COOKIE)
        if chosen in languages:
            return chosen
        chosen = _account_language()
        if chosen in languages:
            return chosen
        best = request.accept_languages.best_match(languages)
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _account_language():
    if not hasattr(current_app, "login_manager"):
        return None
    from flask_login import current_user
    return getattr(current_user, "language", None)


def current_language():
    return str(get_locale() or "vi")


def source_catalogues():
    """The folder holding ``<lang>/LC_MESSAGES/messages.po``: the checkout's
    ``translations/`` when running from source, else the copy built into the package."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "translations", package / "translations"):
        if any(candidate.glob("*/LC_MESSAGES/messages.po")):
            return candidate
    raise RuntimeError("translation catalogues not found")


# Compiled catalogues by (path, mtime, size) of their ``.po``: a process that creates
# many apps (tests, one per test) parses each catalogue once instead of once per app.
_compiled = {}


def _compile(po_path):
    stat = po_path.stat()
    key = (str(po_path), stat.st_mtime_ns, stat.st_size)
    if key not in _compiled:
        with open(po_path, "rb") as handle:
            catalog = read_po(handle, locale=po_path.parts[-3])
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        _compiled[key] = buffer.getvalue()
    return _compiled[key]


def compile_catalogues(target):
    """Compile every ``.po`` into ``target`` when its ``.mo`` is missing or stale."""
    source = source_catalogues()
    for po_path in source.glob("*/LC_MESSAGES/messages.po"):
        mo_path = Path(target) / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = mo_path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(_compile(po_path))
        temporary.replace(mo_path)
    return str(Path(target))


def init_app(app):
    compiled = compile_catalogues(Path(app.instance_path) / "translations")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = compiled
    babel.init_app(app, locale_selector=select_locale,
                   default_timezone=app.config["BABEL_DEFAULT_TIMEZONE"])
    # Flask-Babel caches the locale on the application context, which a request
    # shares with an outer context (tests, CLI): choose it afresh for every request.
    app.before_request(refresh)
