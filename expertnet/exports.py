"""Exports: a search's profiles as CSV or XLSX in the import contract's columns (so an
export re-imports losslessly), and one profile as a vCard 4.0.

An export holds what its reader may see and nothing more (``access``): profiles of
their visibility levels, the contact details each profile shows them, and the birth
year, gender and contact visibilities only for curators and the owner (as in the API).
Cells are neutralised against formula injection (``cells.neutralise``). The last
column, ``consent``, lists the purposes the person's consent on record allows (for
curators and the owner; empty for others): re-importing the file then keeps what the
consent allows published, where a file without it would keep everything for curators
(privacy by default).
"""
import csv
import datetime
import io
import tempfile

from expertnet import access, audit, catalog, cells, consent, importer, places, validation
from expertnet.text import clean, fold

# Columns only those who keep the record see (the profile page does not show them).
RECORD_KEEPERS_ONLY = ("gender", "birth_year", "email_visibility", "phone_visibility")
LIST_JOIN = "; "


# The import contract's columns, consents as the combined ``consent`` cell (the yes/no
# column per purpose is for survey sheets; one cell re-imports the same).
HEADER = (*validation.COLUMNS, importer.CONSENT_COLUMN)
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


def contract_row(expert, viewer):
    """The profile as one row of the import contract, as ``viewer`` may see it.
    ``expert.codes`` holds its field codes (``finder.load_in_order`` sets it) and
    ``expert.consented`` its purposes with consent (:func:`_with_consents`)."""
    contact = access.visible_contact_fields(viewer, expert)
    keeper = viewer.is_curator or expert.id in viewer.own_expert_ids
    row = []
    for column in validation.COLUMNS:
        value = expert.codes if column == "fields" else getattr(expert, column)
        if column in access.CONTACT_FIELDS and column not in contact:
            value = ""
        if column in RECORD_KEEPERS_ONLY and not keeper:
            value = ""
        if isinstance(value, list):
            value = LIST_JOIN.join(value)
        row.append(cells.neutralise("" if value is None else str(value)))
    row.append(LIST_JOIN.join(sorted(getattr(expert, "consented", []))) if keeper else "")
    return row


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


def write(experts, viewer, kind, handle):
    (write_xlsx if kind == "xlsx" else write_csv)(experts, viewer, handle)


def write_csv(experts, viewer, handle):
    """UTF-8 with a BOM (so that Excel reads the diacritics), comma separated."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(HEADER)
    for expert in _with_consents(experts):
        writer.writerow(contract_row(expert, viewer))
    text.flush()
    text.detach()


def write_xlsx(experts, viewer, handle):
    """One sheet, the header row then one row per profile; write-only mode keeps the
    memory bounded whatever the number of rows. Every cell is text."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("experts")
    sheet.append(list(HEADER))
    for expert in _with_consents(experts):
        sheet.append(contract_row(expert, viewer))
    workbook.save(handle)


def spreadsheet(experts, viewer, kind):
    """A temporary file holding the export (deleted when closed), rewound."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that sends it
    write(experts, viewer, kind, handle)
    handle.seek(0)
    return handle


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

