"""Languages: ``_`` and ``_l``, the locale of each request, and compiled catalogues.

The locale is the reader's explicit choice (a cookie set by the language switch,
then the account's setting), else the browser's Accept-Language, else
Vietnamese. Catalogues live in the top-level ``translations/`` folder (or inside the
installed package); their ``.mo`` files are compiled into the instance folder when
missing or older than the ``.po`` they come from, so they are never committed.
"""
import datetime
import io
import os
from pathlib import Path

from babel import dates as babel_dates
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, has_request_context, request
from flask_babel import (
    Babel,
    format_timedelta,
    get_locale,
    get_timezone,
    gettext,
    lazy_gettext,
    lazy_pgettext,
    ngettext,
    refresh,
)

_ = gettext
_l = lazy_gettext
# A word with two meanings in English carries a context: _lp("engagement", "Outcome").
_lp = lazy_pgettext
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


# How a day is written: a Vietnamese office writes 06/12/2026, an English reader 6 Dec 2026.
# A moment is "15:50, 06/12/2026" (the time first, as Vietnamese administrative text does).
DAY_PATTERNS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
TIME_PATTERNS = {False: "HH:mm", True: "HH:mm:ss"}


def _day_pattern():
    return DAY_PATTERNS.get(current_language().split("_")[0], DAY_PATTERNS["en"])


def _parsed(value):
    """A value read back as text (an aggregate on SQLite) as the day or moment it is."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        return datetime.datetime.fromisoformat(text)
    return value


def _in_city_zone(moment):
    """A stored moment (naive UTC, like every timestamp of the database) in the city's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(get_timezone())


def format_day(value):
    """A date (or the day of a moment, in the city's zone) in the reader's language;
    ``""`` for none."""
    if not value:
        return ""
    value = _parsed(value)
    if isinstance(value, datetime.datetime):
        value = _in_city_zone(value).date()
    return babel_dates.format_date(value, _day_pattern(), locale=get_locale())


def zone_name():
    """The city's time zone as the reader calls it ("Giờ Việt Nam", "Vietnam Time")."""
    return babel_dates.get_timezone_name(get_timezone(), locale=get_locale())


def format_moment(value, zone=False, seconds=False):
    """A stored moment in the city's zone and the reader's language: "15:50, 06/12/2026"
    (with the zone named after it when ``zone``: deadlines and expiries)."""
    if not value:
        return ""
    pattern = f"{TIME_PATTERNS[bool(seconds)]}, {_day_pattern()}"
    text = babel_dates.format_datetime(_in_city_zone(_parsed(value)), pattern, locale=get_locale())
    return f"{text} ({zone_name()})" if zone else text


def format_ago(value, now=None):
    """How long ago a stored moment was, in words: "3 ngày trước", "3 days ago"."""
    if not value:
        return ""
    now = now or datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    return format_timedelta(_parsed(value) - now, add_direction=True)


def source_catalogues():
    """The folder holding ``<lang>/LC_MESSAGES/messages.po``: the checkout's
    ``translations/`` when running from source, else the copy built into the package."""
    package = Path(__file__).resolve().parent.parent
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
    # The city's zone (EXPERTNET_TIMEZONE): an unknown name stops the start, not a page.
    babel_dates.get_timezone(app.config["TIMEZONE"])
    babel.init_app(app, locale_selector=select_locale, default_timezone=app.config["TIMEZONE"])
    # Flask-Babel caches the locale on the application context, which a request
    # shares with an outer context (tests, CLI): choose it afresh for every request.
    app.before_request(refresh)
