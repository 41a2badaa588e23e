"""Checks and normalises profile values, whatever their origin (an import row, a form,
the API). Every value arrives as text (lists separated by ``;``) or as a list, and
leaves NFC-normalised, trimmed and coded; every problem is reported with its column
and a reason in the reader's language. A value outside a closed list (kind, fields,
country…) is reported with the closest allowed value and the allowed values, so that it
can be corrected without looking anything up (``hint``, ``proposal``).
"""
import datetime
import re

from expertnet.core import places, vocab
from expertnet.core.i18n import _, current_language
from expertnet.core.text import clean, clean_multiline, fold
from expertnet.directory.models import MAX_LENGTHS
from expertnet.taxonomy import hometowns

COLUMNS = (
    "external_id", "kind", "full_name", "other_names", "title", "degree", "gender", "birth_year",
    "hometown", "country", "city", "organization", "position", "sector", "fields", "keywords",
    "languages", "available_for", "bio_vi", "bio_en", "email", "phone", "website", "orcid",
    "visibility", "email_visibility", "phone_visibility",
)
# Optional columns with a default when a cell is empty (the model's defaults).
EMPTY_DEFAULTS = {"email_visibility": "officials", "phone_visibility": "officials"}
LIST_COLUMNS = frozenset({"other_names", "fields", "keywords", "languages", "available_for"})
REQUIRED = ("kind", "full_name")
# Special categories of personal data that the directory must never hold (Law 91/2025):
# columns with these names are refused by name, not silently dropped.
SENSITIVE_COLUMNS = frozenset({
    "ethnicity", "ethnic", "dan toc", "religion", "ton giao", "political", "politics",
    "dang vien", "party", "chinh tri", "id card", "cccd", "cmnd", "can cuoc", "passport",
    "ho chieu", "health", "suc khoe", "criminal", "tien an",
})
LIST_SEPARATOR = ";"
# Columns whose values come from a closed list (codes with labels in both languages).
CLOSED_COLUMNS = (*vocab.VOCABULARIES, "country", "fields", "languages")
# A closed list longer than this is not written whole in a message (countries,
# languages): its values closest to the one refused are.
MAX_LISTED = 40
CLOSEST_LISTED = 5


def is_sensitive_column(name):
    return fold(name.replace("_", " ")) in SENSITIVE_COLUMNS
MIN_BIRTH_YEAR = 1900

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_PHONE = re.compile(r"^\+?[0-9 ().-]{6,40}$")
_ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$", re.IGNORECASE)
# A scheme such as "javascript:" (but not "host:8080", where a port follows the colon).
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def orcid_checksum_ok(orcid):
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1].upper() == ("X" if check == 10 else str(check))


def split_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = str(value).split(LIST_SEPARATOR)
    result = []
    for item in items:
        item = clean(item)
        if item and item not in result:
            result.append(item)
    return result


class ProfileErrors(Exception):
    """``errors`` is a list of ``(column, message)``."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{column}: {message}" for column, message in errors))
        self.errors = errors


def normalize(raw, taxonomy, today=None):
    """``(values, errors)``: ``values`` holds every contract column that ``raw`` has,
    coded and cleaned; ``errors`` lists ``(column, message)``. Columns absent from
    ``raw`` are absent from ``values`` (an update leaves them alone)."""
    today = today or datetime.date.today()
    values, errors = {}, []

    def fail(column, message):
        errors.append((column, message))

    for column in COLUMNS:
        if column not in raw:
            continue
        value = raw[column]
        if column in LIST_COLUMNS:
            items = split_list(value)
            values[column] = _check_list(column, items, taxonomy, fail)
            continue
        text = clean_multiline(value) if column in ("bio_vi", "bio_en") else clean(value)
        limit = MAX_LENGTHS.get(column)
        if limit and len(text) > limit:
            fail(column, _("is too long (%(length)s characters; at most %(limit)s)",
                           length=len(text), limit=limit))
            continue
        values[column] = _check_value(column, text, today, fail)
    for column in REQUIRED:
        if column in raw and not values.get(column) and not any(c == column for c, _m in errors):
            fail(column, _("is required"))
    if "visibility" in raw and not values.get("visibility") and "visibility" in values:
        # An empty cell means the same as a missing column: curators only.
        values["visibility"] = "curators"
    for column, default in EMPTY_DEFAULTS.items():
        if column in values and not values[column]:
            values[column] = default
    return values, errors


def _check_value(column, text, today, fail):
    if not text:
        # No import key is NULL, not "": the column is unique, and NULLs never collide.
        return None if column in ("birth_year", "external_id") else ""
    if column in vocab.VOCABULARIES:
        code = vocab.parse(column, text)
        if code is None:
            fail(column, _joined(_("“%(value)s” is not a known value", value=text),
                                 hint(column, [text])))
        return code or ""
    if column == "birth_year":
        try:
            year = int(text)
        except ValueError:
            fail(column, _("“%(value)s” is not a year", value=text))
            return None
        if year < MIN_BIRTH_YEAR or year > today.year:
            fail(column, _("must be between %(first)s and %(last)s",
                           first=MIN_BIRTH_YEAR, last=today.year))
            return None
        return year
    if column == "hometown":
        # A recognised Hai Phong hometown is stored as spelled in the table (in the
        # person's own scheme); anything else is kept as written.
        return hometowns.canonical(text)
    if column == "country":
        code = closed_code(column, text)
        if code is None:
            fail(column, _joined(_("“%(value)s” is not a known country", value=text),
                                 hint(column, [text])))
        return code or ""
    if column == "email":
        address = text.lower()
        if not _EMAIL.match(address):
            fail(column, _("“%(value)s” is not a valid e-mail address", value=text))
            return ""
        return address
    if column == "phone":
        if not _PHONE.match(text) or sum(ch.isdigit() for ch in text) < 6:
            fail(column, _("“%(value)s” is not a valid phone number", value=text))
            return ""
        return text
    if column == "website":
        if _SCHEME.match(text) and not text.lower().startswith(("http://", "https://")):
            fail(column, _("“%(value)s” is not a web address (http or https)", value=text))
            return ""
        url = text if "://" in text else f"https://{text}"
        # Only http(s): a javascript: or data: link would run in the reader's browser.
        if not _URL.match(url) or " " in url:
            fail(column, _("“%(value)s” is not a web address (http or https)", value=text))
            return ""
        return url
    if column == "orcid":
        match = _ORCID.match(text)
        if not match or not orcid_checksum_ok(match.group(1)):
            fail(column, _("“%(value)s” is not a valid ORCID iD", value=text))
            return ""
        return match.group(1).upper()
    return text


def _check_list(column, items, taxonomy, fail):
    if column in ("other_names", "keywords"):
        joined = LIST_SEPARATOR.join(items)
        if len(joined) > MAX_LENGTHS[column]:
            fail(column, _("is too long (%(length)s characters; at most %(limit)s)",
                           length=len(joined), limit=MAX_LENGTHS[column]))
            return []
        return items
    codes, unknown = [], []
    for item in items:
        code = closed_code(column, item, taxonomy)
        if code is None:
            unknown.append(item)
        elif code not in codes:
            codes.append(code)
    if unknown:
        messages = {
            "fields": _("unknown field: %(values)s", values=", ".join(unknown)),
            "languages": _("unknown language: %(values)s", values=", ".join(unknown)),
            "available_for": _("unknown kind of help: %(values)s", values=", ".join(unknown)),
        }
        fail(column, _joined(messages[column], hint(column, unknown, taxonomy)))
    return codes


def _joined(reason, advice):
    """A reason and what to write instead, as two sentences."""
    return f"{reason}. {advice}" if advice else reason


def _matcher(column, taxonomy):
    if column == "fields":
        return taxonomy.matcher()
    if column == "languages":
        return places.language_matcher()
    if column == "country":
        return places.country_matcher()
    return vocab.matcher(column)


def closed_code(column, text, taxonomy=None):
    """The code of ``text`` in a closed column (``CLOSED_COLUMNS``), or ``None``: the
    column's own lookup first (its tie-breaks, such as "Mỹ" for the United States and
    not Malaysia), then the same words in another order."""
    if column == "fields":
        code = taxonomy.lookup(text)
    elif column == "languages":
        code = places.parse_language(text)
    elif column == "country":
        code = places.parse_country(text)
    else:
        return vocab.parse(column, text)
    return code or _matcher(column, taxonomy).by_words.get(vocab.words_key(text))


def value_label(column, code, taxonomy=None, language=None):
    """How a code of a closed column is written for the reader (accepted back on import)."""
    language = language or current_language()
    if column == "fields":
        field = taxonomy.fields.get(code)
        return field.name(language) if field else code
    if column == "languages":
        return places.language_name(code, language)
    if column == "country":
        return places.country_name(code, language)
    return str(vocab.label(column, code))


def allowed_values(column, taxonomy=None):
    """``[(code, label)]`` of a closed column, labels in the reader's language."""
    if column == "fields":
        codes = list(taxonomy.fields)
    elif column == "languages":
        codes = places.language_codes()
    elif column == "country":
        codes = places.country_codes()
    else:
        codes = list(vocab.VOCABULARIES[column])
    return [(code, value_label(column, code, taxonomy)) for code in codes]


def closest(column, text, taxonomy=None, limit=1):
    """The codes of a closed column closest to ``text`` (best first; none when nothing is
    close enough to be recognised at once)."""
    return _matcher(column, taxonomy).closest(text, limit)


def hint(column, unknown, taxonomy=None):
    """What to write instead of the ``unknown`` values of a closed column: the closest
    allowed value of each, then the allowed values (the closest few of a long list)."""
    sentences = []
    proposed = [(value, found[0]) for value in unknown
                if (found := closest(column, value, taxonomy))]
    if len(unknown) == 1 and proposed:
        sentences.append(_("Did you mean “%(value)s”?",
                           value=value_label(column, proposed[0][1], taxonomy)))
    elif proposed:
        sentences.append(_("Did you mean: %(pairs)s?", pairs=", ".join(
            f"“{value}” → “{value_label(column, code, taxonomy)}”" for value, code in proposed)))
    allowed = allowed_values(column, taxonomy)
    if len(allowed) <= MAX_LISTED:
        sentences.append(_("Allowed values: %(values)s.",
                           values=", ".join(f"“{label}”" for _code, label in allowed)))
    else:
        near = closest(column, unknown[0], taxonomy, limit=CLOSEST_LISTED)
        if near and near != [code for _value, code in proposed]:
            sentences.append(_("Closest allowed values: %(values)s.", values=", ".join(
                f"“{value_label(column, code, taxonomy)}”" for code in near)))
    return " ".join(sentences)


def proposal(column, cell, taxonomy=None):
    """``cell`` of a closed column with each unknown value replaced by its closest allowed
    value, or "" when nothing would change (no value close enough)."""
    items = split_list(cell) if column in LIST_COLUMNS else [clean(cell)]
    proposed, codes, changed = [], set(), False
    for item in items:
        code = closed_code(column, item, taxonomy) if item else None
        if code is None and item:
            found = closest(column, item, taxonomy)
            if found:
                code, item, changed = found[0], value_label(column, found[0], taxonomy), True
        if code is not None:
            if code in codes:
                continue  # "tiếng Nhật; japnese" proposes Japanese once
            codes.add(code)
        proposed.append(item)
    return f"{LIST_SEPARATOR} ".join(proposed) if changed else ""
