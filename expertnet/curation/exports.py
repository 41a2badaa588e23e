"""Exports: a search's profiles as CSV or XLSX, and one profile as a vCard 4.0.

A search export comes in two layouts (``LAYOUTS``):

- ``readable`` (the default): headers in the reader's language ("Họ và tên", "Quốc gia
  cư trú"), kinds, countries, fields, languages and the other codes as labels in that
  language, lists joined by "; ", and the profile's creation and last update dates;
- ``import``: the import contract's headers and codes, so that the file re-imports
  losslessly through ``import-profiles`` (what a curator edits and loads back).

An export holds what its reader may see and nothing more (``access``): profiles of
their visibility levels, the contact details each profile shows them, and the birth
year, gender and contact visibilities only for curators and the owner (as in the API).
Text cells are neutralised against formula injection (``cells.neutralise``); in XLSX the
birth year is a number and dates are dates. The last contract column, ``consent``, lists
the purposes the person's consent on record allows (for curators and the owner; empty
for others): re-importing the file then keeps what the consent allows published, where a
file without it would keep everything for curators (privacy by default).
"""
import csv
import datetime
import io
import re
import tempfile
from urllib.parse import quote

from flask_babel import to_user_timezone

from expertnet.accounts import consent
from expertnet.core import (
    access,
    audit,
    cells,
    places,
    vocab,
)
from expertnet.core.i18n import _, _l, current_language
from expertnet.core.text import clean, fold
from expertnet.curation import (
    columns,
    importer,
)
from expertnet.directory import (
    finder,
    validation,
)
from expertnet.taxonomy import store as catalog

# Columns only those who keep the record see (the profile page does not show them).
RECORD_KEEPERS_ONLY = ("gender", "birth_year", "email_visibility", "phone_visibility")
LIST_JOIN = "; "
LAYOUTS = ("readable", "import")

# The import contract's columns, consents as the combined ``consent`` cell.
HEADER = (*validation.COLUMNS, importer.CONSENT_COLUMN)
# The readable layout: the name first (kept in view while the reader scrolls sideways),
# the contract's other columns, then the profile's dates.
DATE_COLUMNS = ("created_at", "updated_at")
READABLE_COLUMNS = ("full_name", *(column for column in HEADER if column != "full_name"),
                    *DATE_COLUMNS)
# Headers of the readable layout: the import form's labels (so that the browser import
# recognises them), worded for a reader where the form's label explains how to fill it.
READABLE_HEADERS = {
    **columns.LABELS,
    "other_names": _l("Other names"),
    "keywords": _l("Keywords"),
    "consent": _l("Consent on record"),
    "created_at": _l("Profile created on"),
    "updated_at": _l("Last updated"),
}
CONSENT_LABELS = {"publish": _l("publishing the profile"),
                  "contact": _l("sharing contact details")}
# Columns whose codes are shown as their labels in the readable layout.
LABELLED = {**vocab.VOCABULARIES, "consent": CONSENT_LABELS}
# XLSX date formats per language (the dates of the readable layout).
DATE_FORMATS = {"vi": "dd/mm/yyyy", "en": "yyyy-mm-dd"}
# Column widths (characters) of the readable sheet; others get DEFAULT_WIDTH.
WIDTHS = {"full_name": 26, "organization": 30, "position": 22, "fields": 34, "bio_vi": 60,
          "bio_en": 60, "email": 28, "website": 28}
DEFAULT_WIDTH = 16
# Profiles whose consents are read in one query.
CONSENT_CHUNK = 500


def _with_consents(experts):
    """``experts`` with ``consented`` (the purposes granted on record) set, read in chunks."""
    chunk = []
    for expert in experts:
        chunk.append(expert)
        if len(chunk) >= CONSENT_CHUNK:
            yield from _read_consents(chunk)
            chunk = []
    yield from _read_consents(chunk)


def _read_consents(chunk):
    decisions = consent.latest_decisions(expert.id for expert in chunk)
    for expert in chunk:
        expert.consented = [purpose for purpose, granted in decisions.get(expert.id, {}).items()
                            if granted]
        yield expert


def visible_values(expert, viewer):
    """Contract column → the profile's value as ``viewer`` may see it (codes, lists, the
    birth year as a number; None or "" where hidden or empty). ``expert.codes`` holds its
    field codes (``finder.load_in_order`` sets it) and ``expert.consented`` its purposes
    with consent (:func:`_with_consents`)."""
    contact = access.visible_contact_fields(viewer, expert)
    keeper = viewer.is_curator or expert.id in viewer.own_expert_ids
    values = {}
    for column in validation.COLUMNS:
        value = expert.codes if column == "fields" else getattr(expert, column)
        if column in access.CONTACT_FIELDS and column not in contact:
            value = ""
        if column in RECORD_KEEPERS_ONLY and not keeper:
            value = ""
        values[column] = value
    values["consent"] = sorted(getattr(expert, "consented", [])) if keeper else []
    return values


def _cell(value):
    """A spreadsheet cell: numbers and dates as they are, text neutralised."""
    if isinstance(value, (int, datetime.date)):
        return value
    if isinstance(value, list):
        value = LIST_JOIN.join(value)
    return cells.neutralise("" if value is None else str(value))


def contract_row(expert, viewer):
    """The profile as one row of the import contract (codes), as ``viewer`` may see it."""
    values = visible_values(expert, viewer)
    return [_cell(values[column]) for column in HEADER]


def readable_row(expert, viewer, language, taxonomy):
    """The profile as one row of the readable layout, labels in ``language``."""
    values = visible_values(expert, viewer)
    values["country"] = places.country_name(values["country"], language)
    values["languages"] = [places.language_name(code, language) for code in values["languages"]]
    values["fields"] = [taxonomy.fields[code].name(language) if code in taxonomy.fields else code
                        for code in values["fields"]]
    for column, labels in LABELLED.items():
        value = values[column]
        if isinstance(value, list):
            values[column] = [str(labels.get(code, code)) for code in value]
        elif value:
            values[column] = str(labels.get(value, value))
    for column in DATE_COLUMNS:
        moment = getattr(expert, column)
        values[column] = to_user_timezone(moment.replace(tzinfo=datetime.UTC)).date() \
            if moment else None
    return [_cell(values[column]) for column in READABLE_COLUMNS]


def shown_contact(expert, viewer):
    """The contact fields with a value that the export gives ``viewer`` (logged)."""
    return [name for name in access.visible_contact_fields(viewer, expert)
            if getattr(expert, name, "")]


class Logged:
    """The exported profiles, counted, with the audit entries of an official's views of
    contact details (one per profile, like ``audit.contact_view``). ``progress(count)``
    is called every ``every`` profiles (a background export's progress bar)."""

    def __init__(self, experts, viewer, progress=None, every=200, via="screen"):
        self.experts, self.viewer = experts, viewer
        self.progress, self.every, self.via = progress, every, via
        self.count, self.views = 0, []

    def __iter__(self):
        for expert in self.experts:
            self.count += 1
            shown = shown_contact(expert, self.viewer)
            if shown and self.viewer.role == "official":
                self.views.append(audit.entry("contact.view", actor_id=self.viewer.user_id,
                                              expert_id=expert.id, source=self.via,
                                              changes={"fields": shown}))
            if self.progress is not None and self.count % self.every == 0:
                self.progress(self.count)
            yield expert


class Layout:
    """What a layout writes: its header and a row per profile, in the current language."""

    def __init__(self, layout, viewer):
        self.readable = layout != "import"
        self.viewer, self.language = viewer, current_language()
        self.taxonomy = catalog.load() if self.readable else None

    def header(self):
        if not self.readable:
            return list(HEADER)
        return [str(READABLE_HEADERS[column]) for column in READABLE_COLUMNS]

    def row(self, expert):
        if not self.readable:
            return contract_row(expert, self.viewer)
        return readable_row(expert, self.viewer, self.language, self.taxonomy)


def write(experts, viewer, kind, handle, layout="readable"):
    (write_xlsx if kind == "xlsx" else write_csv)(experts, Layout(layout, viewer), handle)


def write_csv(experts, layout, handle):
    """UTF-8 with a BOM (so that Excel reads the diacritics), comma separated; dates
    as ISO dates (2026-12-06), which every spreadsheet reads as dates."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(layout.header())
    for expert in _with_consents(experts):
        writer.writerow(layout.row(expert))
    text.flush()
    text.detach()


def write_xlsx(experts, layout, handle):
    """One sheet, the header row then one row per profile; write-only mode keeps the
    memory bounded whatever the number of rows. Text is text, the birth year a number
    and dates real dates in the reader's date format."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("experts")
    date_format = DATE_FORMATS.get(layout.language, DATE_FORMATS["en"])
    if layout.readable:
        for index, column in enumerate(READABLE_COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = \
                WIDTHS.get(column, DEFAULT_WIDTH)
        sheet.freeze_panes = "B2"
    header = []
    for name in layout.header():
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for expert in _with_consents(experts):
        row = []
        for value in layout.row(expert):
            if isinstance(value, datetime.date):
                value = WriteOnlyCell(sheet, value=value)
                value.number_format = date_format
            row.append(value)
        sheet.append(row)
    workbook.save(handle)


def spreadsheet(experts, viewer, kind, layout="readable"):
    """A temporary file holding the export (deleted when closed), rewound."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that sends it
    write(experts, viewer, kind, handle, layout)
    handle.seek(0)
    return handle


# -- file names ----------------------------------------------------------------------------
# The longest stem of an export's file name (a job keeps the name in 100 characters).
MAX_STEM = 90
_NOT_WORD = re.compile(r"[^\w]+")
# How each search filter is named in a file name (before the label of its value).
FILTER_WORDS = {"field": _l("field"), "language": _l("language")}


def _slug(text):
    """``Lĩnh vực AI`` → ``lĩnh-vực-ai``: words in lower case joined by hyphens."""
    return "-".join(word for word in _NOT_WORD.sub(" ", clean(text).lower()).replace("_", " ")
                    .split())


def _filter_label(name, value, language):
    if name == "country":
        return places.country_name(value, language)
    labels = {"kind": vocab.KINDS_PLURAL, "available_for": vocab.AVAILABILITY,
              "trust": vocab.TRUST}.get(name)
    label = str(labels.get(value, value)) if labels else value
    return f"{FILTER_WORDS[name]} {label}" if name in FILTER_WORDS else label


def local_today():
    """Today in the site's time zone (Hai Phong's), as the reader's calendar says."""
    return to_user_timezone(datetime.datetime.now(datetime.UTC)).date()


def file_name(criteria, file_format, layout, today=None):
    """The export's file name in the reader's language: what it holds, the date and the
    search (``chuyên-gia_2026-12-06_lĩnh-vực-ai_nhật-bản.xlsx``). :func:`ascii_name`
    gives the form every browser accepts."""
    language = current_language()
    parts = [_slug(_("experts")), (today or local_today()).isoformat()]
    if clean(criteria.q):
        parts.append(_slug(criteria.q)[:30].strip("-"))
    for name in finder.FILTERS:
        for value in (criteria.filters or {}).get(name, []):
            parts.append(_slug(_filter_label(name, value, language)))
    if layout == "import":
        parts.append(_slug(_("for re-import")))
    stem = "_".join(part for part in parts if part)
    if len(stem) > MAX_STEM:
        stem = stem[:MAX_STEM].rstrip("-_")
    return f"{stem}.{file_format}"


def ascii_name(name):
    """The name without diacritics (đ → d), in ASCII only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", fold(name)).strip("-") or "export"


def attachment_header(name):
    """``Content-Disposition`` of a download named ``name``: the ASCII form as
    ``filename`` and the exact one as ``filename*`` (RFC 6266), which browsers prefer."""
    return f'attachment; filename="{ascii_name(name)}"; filename*=UTF-8\'\'{quote(name, safe="")}'


# -- vCard 4.0 (RFC 6350) ------------------------------------------------------------------
def _escape(value):
    return (str(value).replace("\\", "\\\\").replace("\r\n", "\n").replace("\n", "\\n")
            .replace(",", "\\,").replace(";", "\\;"))


def _fold(line):
    """Lines longer than 75 octets are folded (CRLF and a space), never inside a
    multi-byte character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def name_parts(expert):
    """``(family, given, middle)``: Vietnamese names put the family name first, foreign
    experts' names (Western order) last."""
    words = clean(expert.full_name).split(" ")
    if len(words) == 1:
        return words[0], "", ""
    if expert.kind == "foreign":
        return words[-1], words[0], " ".join(words[1:-1])
    return words[0], words[-1], " ".join(words[1:-1])


def vcard(expert, viewer, url, language):
    """The profile as a vCard 4.0, holding what ``viewer`` may see."""
    taxonomy = catalog.load()
    contact = access.visible_contact_fields(viewer, expert)
    keeper = viewer.is_curator or expert.id in viewer.own_expert_ids
    family, given, middle = name_parts(expert)
    lines = ["BEGIN:VCARD", "VERSION:4.0", "KIND:individual",
             f"FN:{_escape(expert.full_name)}",
             "N:" + ";".join(_escape(part) for part in (family, given, middle, "", ""))]
    if expert.other_names:
        lines.append("NICKNAME:" + ",".join(_escape(name) for name in expert.other_names))
    if expert.organization:
        lines.append(f"ORG:{_escape(expert.organization)}")
    if expert.position:
        lines.append(f"TITLE:{_escape(expert.position)}")
    if "email" in contact and expert.email:
        lines.append(f"EMAIL;TYPE=work:{_escape(expert.email)}")
    if "phone" in contact and expert.phone:
        number = "".join(ch for ch in expert.phone if ch.isdigit() or ch == "+")
        lines.append(f"TEL;VALUE=uri;TYPE=work:tel:{number}")
    for link in (expert.website, f"https://orcid.org/{expert.orcid}" if expert.orcid else ""):
        if link:
            lines.append(f"URL:{_escape(link)}")
    if expert.city or expert.country:
        country = places.country_name(expert.country, language) if expert.country else ""
        lines.append("ADR;TYPE=home:" + ";".join(
            _escape(part) for part in ("", "", "", expert.city, "", "", country)))
    for preference, code in enumerate(expert.languages, start=1):
        lines.append(f"LANG;PREF={min(preference, 100)}:{_escape(code)}")
    fields = [taxonomy.fields[code].name(language) for code in expert.codes
              if code in taxonomy.fields]
    if fields or expert.keywords:
        lines.append("CATEGORIES:" + ",".join(_escape(item) for item in [*fields, *expert.keywords]))
    other = "en" if language == "vi" else "vi"
    bio = getattr(expert, f"bio_{language}") or getattr(expert, f"bio_{other}")
    if bio:
        lines.append(f"NOTE:{_escape(bio)}")
    if keeper and expert.birth_year:
        lines.append(f"BDAY:{expert.birth_year:04d}")
    if keeper and expert.gender:
        lines.append("GENDER:" + {"male": "M", "female": "F", "other": "O"}.get(expert.gender, "U"))
    updated = expert.updated_at or datetime.datetime(1970, 1, 1)
    lines += [f"UID:{_escape(url)}", f"SOURCE:{_escape(url)}",
              f"REV:{updated.strftime('%Y%m%dT%H%M%SZ')}", "END:VCARD"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def file_stem(expert):
    """``nguyen-van-duc``: a plain file name for the download."""
    stem = "-".join(part for part in "".join(
        ch if ch.isalnum() else " " for ch in fold(expert.full_name)).split())
    return stem[:60] or f"expert-{expert.id}"

