"""Import profiles from CSV (UTF-8, with or without BOM) or XLSX (first sheet).

parse → validate every row → match (``external_id``, else likely duplicates) → write
valid rows through ``writes`` in batches → a report of every rejected row with its
spreadsheet row number (the header is row 1), its column and the reason.
Re-importing a file changes nothing the second time: rows are matched on
``external_id`` and an identical row is "unchanged" (no new version). What a row does
to a stored profile depends on the import's mode (``import_modes``: ``update`` keeps
what an empty cell does not say and adds list items, ``fill`` only fills empty values,
``replace`` is the whole truth), the same for the command line and the browser.

Headers are recognised as people write them ("Họ và tên", "Nước cư trú"), the same
way as in the browser (``columns.propose``); a column that is not recognised ("STT",
"Ghi chú") is reported once and ignored.

Privacy by default: the optional ``consent`` column holds the purposes the person
consented to in the survey (``consent.parse_import_cell``), and a column whose header
names one purpose ("Đồng ý công bố thông tin": ``consent_publish``, "Đồng ý cho liên
hệ": ``consent_contact``) says yes or no for that purpose (``row_consent`` reads both
into the same purposes). They are recorded with the profile; a row asking for more
visibility than its consents (in the row or on record) allow is imported with that
visibility narrowed to curators, and the report says so.
A withdrawal on record always wins over the file.
"""
import csv
import datetime
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, has_app_context

from expertnet.accounts import consent
from expertnet.core import archives, cells
from expertnet.core.i18n import _
from expertnet.core.text import clean, fold
from expertnet.curation import columns, import_modes
from expertnet.curation.contract import (
    CONSENT_COLUMN,
    IMPORT_COLUMNS,
    PURPOSE_COLUMNS,
    column_key,
    contract_column,
)
from expertnet.directory import search_documents, validation, writes
from expertnet.directory.models import Expert
from expertnet.taxonomy import store as catalog

BATCH_SIZE = 500
MAX_COLUMNS = 200
# Limits of an XLSX archive (a "zip bomb" of a few kilobytes can unpack to gigabytes):
# its parts, counted in its ZIP directory, and the bytes they really unpack to, counted
# by inflating them before the workbook is opened (``archives``, which also refuses a
# part packed more than archives.MAX_RATIO times). The app's configuration
# (IMPORT_MAX_UNPACKED_BYTES, IMPORT_MAX_ZIP_ENTRIES) overrides them.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
WORKBOOK_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class RowToWrite:
    """A valid row on its way to the database (the command line's import and a
    browser import's commit)."""

    number: int
    values: dict
    # Columns whose cell was filled in (an empty cell takes the default silently).
    explicit: frozenset
    # Purposes the person consented to in the survey, and when (a date or None).
    purposes: frozenset = frozenset()
    given_on: datetime.date | None = None
    # Consents to record with the profile (dicts for writes.upsert_profiles).
    record: list = field(default_factory=list)
    # What the row does to its profile (import_modes.Resolution), set by apply_consent.
    resolution: object = None


class ImportFileError(Exception):
    """The file cannot be read at all (exit code 2)."""


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # row number → [(column, message)]
    problems: dict = field(default_factory=lambda: defaultdict(list))
    unknown_columns: list = field(default_factory=list)
    sensitive_columns: list = field(default_factory=list)
    # (header, contract column) of headers recognised under another name ("Họ và tên").
    recognised_columns: list = field(default_factory=list)
    # (row, column, message): values imported in a narrower form than the file asked.
    notices: list = field(default_factory=list)
    dry_run: bool = False
    mode: str = import_modes.DEFAULT_MODE
    # The visibility of a row consenting to publication without a visibility cell.
    consented_visibility: str = "public"
    # Fields the written rows change (kept values not counted).
    fields_changed: int = 0
    # (visibility, reason) → rows: who will see the profiles, and why.
    visibility: dict = field(default_factory=lambda: defaultdict(int))
    # Published profiles the import makes less visible.
    narrowed_published: int = 0
    # (row, name, [import_modes.Change]) of every created or updated row.
    changes: list = field(default_factory=list)

    def count(self, row, status):
        """Count a written row (``status``: created, updated or unchanged)."""
        setattr(self, status, getattr(self, status) + 1)
        resolution = row.resolution
        self.visibility[(resolution.visibility, resolution.reason)] += 1
        if status == "unchanged":
            return
        self.narrowed_published += resolution.narrows_published
        self.fields_changed += len(resolution.written) if status == "updated" else 0
        self.changes.append((row.number, row.values.get("full_name", ""), resolution.changes))

    @property
    def rejected(self):
        return len(self.problems)

    @property
    def exit_code(self):
        return 1 if self.problems else 0


# -- reading -----------------------------------------------------------------------
def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _limit(name, default):
    return current_app.config.get(name, default) if has_app_context() else default


def read_rows(path, name=None):
    """``(header, rows, estimate)``: the header's cells, an iterator of
    ``(row_number, cells)`` and roughly how many rows follow (for a progress bar).
    ``name`` is the file's name as uploaded (default: the path's)."""
    path = Path(path)
    name = name or path.name
    try:
        with open(path, "rb") as handle:
            start = handle.read(8)
    except OSError as exc:
        raise ImportFileError(_("cannot open the file: %(reason)s", reason=exc.strerror)) from exc
    # The type is read from the content, not the name: an XLSX file is a ZIP archive
    # holding a workbook, and anything else must be UTF-8 text. The name may only
    # agree: a file named .xlsx that is not a workbook is refused, not read as text.
    if start.startswith(b"PK\x03\x04"):
        check_workbook_archive(path)
        return _read_xlsx(path)
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("the file is an old Excel workbook (XLS); save it as XLSX or "
                                "CSV UTF-8"))
    if Path(name).suffix.lower() in XLSX_SUFFIXES:
        raise ImportFileError(_("the file is named as an XLSX workbook but is not one"))
    if b"\x00" in start:
        raise ImportFileError(_("the file is neither CSV (UTF-8) nor XLSX"))
    return _read_csv(path)


def check_workbook_archive(path):
    """Refuse a ZIP file that is not an XLSX workbook, that holds too many parts, or
    that really unpacks to too much: every part is inflated and counted (``archives``),
    whatever sizes the directory declares, and the count stops at the limit. The
    refusal names the limit that was passed."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(_("the file is not a readable XLSX workbook")) from exc
    if len(entries) > _limit("IMPORT_MAX_ZIP_ENTRIES", MAX_ZIP_ENTRIES):
        raise ImportFileError(_("the workbook holds too many parts (%(count)s)",
                                count=len(entries)))
    names = {entry.filename for entry in entries}
    if not all(part in names for part in WORKBOOK_PARTS):
        raise ImportFileError(_("the file is a ZIP archive but not an XLSX workbook"))
    limit = _limit("IMPORT_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES)
    try:
        with open(path, "rb") as handle:
            archives.check_unpacked_size(handle, limit)
    except archives.Refused as exc:
        raise ImportFileError(_unpacking_refusal(exc, limit)) from exc


def _unpacking_refusal(exc, limit):
    """What a curator reads about the limit that ``exc`` (``archives.Refused``) passed."""
    if exc.reason == "total":
        return _("the workbook unpacks to more than %(limit)s MB, the most accepted: split "
                 "it into several files, or save it as CSV UTF-8", limit=_megabytes(limit))
    if exc.reason == "ratio":
        return _("a part of the workbook (%(part)s) unpacks to more than %(ratio)s times its "
                 "packed size, which real spreadsheets never do (a “zip bomb”): open the file "
                 "in Excel or LibreOffice and save it again", part=exc.part[:100],
                 ratio=archives.MAX_RATIO)
    return _("the file is not a readable XLSX workbook")


def _megabytes(size):
    return f"{round(size / (1024 * 1024), 1):g}"


def _read_csv(path):
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("the file is not UTF-8 text (byte %(position)s); save it as “CSV UTF-8”",
              position=exc.start)) from exc
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in Vietnamese or European locales save CSV with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(_("the file is empty")) from None
    except csv.Error as exc:
        raise ImportFileError(_("the file is not valid CSV: %(reason)s", reason=str(exc))) from exc

    return header, _guard_csv(enumerate(reader, start=2)), text.count("\n")


def _guard_csv(rows):
    try:
        for number, values in rows:
            yield number, [cells.restore(value) for value in values]
    except csv.Error as exc:
        raise ImportFileError(_("the file is not valid CSV: %(reason)s", reason=str(exc))) from exc


def _read_xlsx(path):
    import openpyxl  # imported here: only XLSX imports pay for it
    from defusedxml import DefusedXmlException

    # openpyxl parses with defusedxml when it is installed (a dependency): an XML
    # "billion laughs" or an external entity raises instead of expanding.
    unreadable = (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, TypeError,
                  DefusedXmlException, SyntaxError)
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (*unreadable, InvalidFileException)
    # Opened here and given as a file: openpyxl would otherwise judge it by its name.
    handle = open(path, "rb")  # noqa: SIM115 - closed by _SheetRows.close
    workbook = None
    try:
        # Formulas stay formulas (``data_only=False``): a cell "=HYPERLINK(...)" is data
        # to keep verbatim, never something to evaluate.
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        merged = merged_ranges(path, sheet._worksheet_path)
        if merged:
            shown = ", ".join(merged[:5]) + (", …" if len(merged) > 5 else "")
            raise ImportFileError(_("the first sheet has merged cells (%(cells)s): a merged "
                                    "cell holds its value in its first row only. Unmerge them "
                                    "so that each row holds its own values, then upload the "
                                    "file again", cells=shown))
        iterator = sheet.iter_rows(values_only=True)
        try:
            header = [_cell_text(value) for value in next(iterator)]
        except StopIteration:
            other = next((other.title for other in workbook.worksheets[1:]
                          if next(other.iter_rows(values_only=True), None) is not None), None)
            if other is not None:
                raise ImportFileError(_("the first sheet is empty; the rows are read from the "
                                        "first sheet only (move the sheet “%(sheet)s” first)",
                                        sheet=other)) from None
            raise ImportFileError(_("the file is empty")) from None
    except (ImportFileError, *unreadable) as exc:
        if workbook is not None:
            workbook.close()
        handle.close()
        if isinstance(exc, ImportFileError):
            raise
        raise ImportFileError(_("the file is not a readable XLSX workbook")) from exc

    rows = _SheetRows(workbook, handle, iterator, unreadable)
    return header, rows, max(0, (sheet.max_row or 1) - 1)


_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def merged_ranges(path, member, chunk=1024 * 1024):
    """The merged ranges (``A2:A3``) of the worksheet ``member`` of the workbook at
    ``path``, read from its XML in pieces (their ``<mergeCell>`` elements follow the
    rows). The archive's sizes were checked before (``check_workbook_archive``), and
    ``zipfile`` stops at the size a part declares."""
    found = []
    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as stream:
        tail = b""
        while piece := stream.read(chunk):
            text = tail + piece
            end = 0
            for match in _MERGE_CELL.finditer(text):
                found.append(match.group(1).decode("ascii"))
                end = match.end()
            # Keep what may be the start of an element cut between two pieces.
            tail = text[max(end, len(text) - 200):]
    return found


class _SheetRows:
    """The rows after the header; ``close()`` closes the workbook even when the rows
    were never read (a generator's ``finally`` would not run then)."""

    def __init__(self, workbook, handle, iterator, unreadable):
        self.workbook, self.handle = workbook, handle
        self.iterator, self.unreadable = iterator, unreadable

    def __iter__(self):
        try:
            for number, values in enumerate(self.iterator, start=2):
                yield number, [cells.restore(_cell_text(value)) for value in values]
        except self.unreadable as exc:
            raise ImportFileError(_("the file is not a readable XLSX workbook")) from exc
        finally:
            self.close()

    def close(self):
        self.workbook.close()
        self.handle.close()


def read_header(path, name=None):
    """``(header, estimated rows, file type)`` of a file that can be read; raises
    :class:`ImportFileError` like :func:`read_rows`."""
    header, rows, estimate = read_rows(path, name=name)
    rows.close()
    return header, estimate, "xlsx" if isinstance(rows, _SheetRows) else "csv"


def count_rows(path, name=None):
    """How many rows with a filled cell follow the header (a pass without checks: a
    file too long to import is refused before anything is staged)."""
    _header, rows, _estimate = read_rows(path, name=name)
    try:
        return sum(1 for _number, values in rows if any(str(value).strip() for value in values))
    finally:
        rows.close()


# -- importing ---------------------------------------------------------------------
def map_header(header, report, chosen=None):
    """Column index → contract column; unknown and sensitive columns are reported.
    ``chosen`` (one entry per header cell: a contract column, or "" to ignore it) is a
    curator's mapping from the browser; without it, the headers are read as the browser
    proposes them (``columns.propose``: contract names, remembered choices, usual
    spellings in both languages), so that a file means the same in both places."""
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(_("the file has too many columns (%(count)s)", count=len(header)))
    if chosen is None:
        chosen = [proposal["column"] for proposal in columns.propose(header)]
        for name, column in zip(header, chosen, strict=True):
            if column and not contract_column(name):
                report.recognised_columns.append((clean(name), column))
    mapping = {}
    for index, name in enumerate(header):
        key = column_key(name)
        column = chosen[index] if index < len(chosen) else ""
        if validation.is_sensitive_column(key):
            # Never imported, whatever a mapping says (Law 91/2025).
            report.sensitive_columns.append(clean(name))
        elif column in IMPORT_COLUMNS and column not in mapping.values():
            mapping[index] = column
        elif key and clean(name) not in report.unknown_columns:
            report.unknown_columns.append(clean(name))
    missing = [column for column in validation.REQUIRED if column not in mapping.values()]
    if missing:
        raise ImportFileError(_("required columns are missing: %(columns)s",
                                columns=", ".join(missing)))
    return mapping


def import_file(path, dry_run=False, allow_duplicates=False, progress=None, source=None,
                mode=import_modes.DEFAULT_MODE, consented_visibility="public"):
    """Import ``path``; returns an :class:`ImportReport`. Raises :class:`ImportFileError`
    when the file cannot be read at all. ``progress(done_rows, estimated_rows)`` is
    called as rows are processed; ``mode`` and ``consented_visibility`` as in
    ``import_modes.resolve``."""
    header, rows, estimate = read_rows(path)
    return import_rows(header, rows, dry_run=dry_run, allow_duplicates=allow_duplicates,
                       progress=progress, estimate=estimate,
                       source=source or f"import:{Path(path).name}", mode=mode,
                       consented_visibility=consented_visibility)


def import_rows(header, rows, dry_run=False, allow_duplicates=False, progress=None,
                estimate=0, source="import", mode=import_modes.DEFAULT_MODE,
                consented_visibility="public"):
    """Import ``rows`` (``(row_number, cells)``) laid out as ``header``. The rows are
    closed afterwards, also when the header is refused before any row is read (an XLSX
    workbook would otherwise stay open)."""
    if mode not in import_modes.MODES or consented_visibility not in import_modes.VISIBILITIES:
        raise ValueError((mode, consented_visibility))
    report = ImportReport(dry_run=dry_run, mode=mode, consented_visibility=consented_visibility)
    try:
        return _import_rows(report, header, rows, allow_duplicates, progress, estimate, source)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _import_rows(report, header, rows, allow_duplicates, progress, estimate, source):
    dry_run = report.dry_run
    mapping = map_header(header, report)
    taxonomy = catalog.load()
    seen_external = {}
    seen_names = {}
    batch = []
    for number, row_cells in rows:
        if not any(str(cell).strip() for cell in row_cells):
            continue
        report.total += 1
        raw = {column: (row_cells[index] if index < len(row_cells) else "")
               for index, column in mapping.items()}
        values, errors = check_row(raw, taxonomy)
        if errors:
            report.problems[number].extend(errors)
        else:
            batch.append(row_to_write(number, raw, values))
        if len(batch) >= BATCH_SIZE:
            _write_batch(batch, report, dry_run, allow_duplicates, source, seen_external, seen_names)
            batch = []
        if progress:
            progress(number - 1, max(estimate, number - 1))
    if batch:
        _write_batch(batch, report, dry_run, allow_duplicates, source, seen_external, seen_names)
    report.problems = dict(sorted(report.problems.items()))
    return report


def row_to_write(number, raw, values):
    """The :class:`RowToWrite` of a valid row: its values, the columns whose cell was
    filled in, and the consent it gives (parsed once, here, whichever columns hold it)."""
    purposes, given_on, _errors = row_consent(raw)
    explicit = frozenset(column for column, cell in raw.items() if str(cell).strip())
    return RowToWrite(number, values, explicit, frozenset(purposes), given_on)


def check_row(raw, taxonomy):
    """``(values, errors)`` of one row's cells (contract column → text): the profile's
    columns as ``validation.normalize`` checks them, and the consent columns."""
    values, errors = validation.normalize(raw, taxonomy)
    errors.extend(row_consent(raw)[2])
    return values, errors


def row_consent(raw):
    """``(purposes, given_on, errors)`` of a row's consent cells, the combined ``consent``
    cell and the yes/no column of each purpose read into one set of purposes (what
    ``apply_consent`` records).

    Together they combine as a curator reads them: a purpose is consented to when either
    says so; an empty yes/no cell adds nothing; a "no" written in a purpose's column
    while the ``consent`` cell names that purpose is a contradiction, and the row is
    rejected rather than guessed (it would publish somebody, or hide them)."""
    purposes, given_on, unknown = consent.parse_import_cell(raw.get(CONSENT_COLUMN, ""))
    errors = []
    if unknown:
        errors.append((CONSENT_COLUMN, _("unknown consent: %(values)s (write publish, "
                                         "contact and optionally the date)",
                                         values=", ".join(unknown))))
    listed = set(purposes)
    for column, purpose in PURPOSE_COLUMNS.items():
        cell = clean(raw.get(column, ""))
        answer = consent.parse_yes_no(cell)
        if answer is None:
            errors.append((column, _("“%(value)s” is neither yes nor no: write Có, x or ✓ if "
                                     "the person agreed; Không or an empty cell if not",
                                     value=cell)))
        elif answer:
            purposes.add(purpose)
        elif cell and purpose in listed:
            errors.append((column, _("says no, but the consent column gives “%(purpose)s”: "
                                     "correct one of them", purpose=purpose)))
    return purposes, given_on, errors


def _write_batch(batch, report, dry_run, allow_duplicates, source, seen_external, seen_names):
    external_ids = [row.values["external_id"] for row in batch if row.values.get("external_id")]
    existing = {expert.external_id: expert
                for expert in Expert.select().where(Expert.external_id.in_(external_ids))} \
        if external_ids else {}
    # The field codes read with the rows: the write merges onto a profile edited
    # meanwhile by what this file changes (writes.upsert_profiles).
    codes = search_documents.field_codes_by_expert([expert.id for expert in existing.values()])
    for expert in existing.values():
        expert.codes = codes[expert.id]
    to_write = []
    for row in batch:
        number, values = row.number, row.values
        external_id = values.get("external_id")
        if external_id:
            if external_id in seen_external:
                report.problems[number].append(
                    ("external_id", _("“%(value)s” already appears in row %(row)s",
                                      value=external_id, row=seen_external[external_id])))
                continue
            seen_external[external_id] = number
            expert = existing.get(external_id)
            if expert is None and not allow_duplicates:
                duplicate = _likely_duplicate(values, number, seen_names)
                if duplicate:
                    report.problems[number].append(duplicate)
                    continue
            to_write.append((row, expert))
            continue
        if not allow_duplicates:
            duplicate = _likely_duplicate(values, number, seen_names)
            if duplicate:
                report.problems[number].append(duplicate)
                continue
        to_write.append((row, None))
    apply_consent(to_write, report, consent.import_notice_version(source))
    if dry_run:
        for row, expert in to_write:
            status = "created" if expert is None else \
                "updated" if row.resolution.written else "unchanged"
            report.count(row, status)
        return
    outcomes = writes.upsert_profiles([(row.values, expert) for row, expert in to_write],
                                        source=source,
                                        consents=[row.record for row, _expert in to_write],
                                        notes=[audit_note(row, report.mode)
                                               for row, _expert in to_write])
    for (row, _expert), outcome in zip(to_write, outcomes, strict=True):
        if outcome.status == "gone":
            report.problems[row.number].append(
                ("external_id", _("the profile was deleted while the file was imported; "
                                  "the row was not written")))
            continue
        report.count(row, outcome.status)


def apply_consent(to_write, report, notice_version):
    """What every row does to its profile, in the report's mode (``import_modes``), and
    the consents to record with it.

    Per purpose (``consent.RESTRICTIONS``), the decision on record wins: a withdrawal
    keeps what the purpose covers for curators only even if the file says the person
    consented; a consent on record allows it. Without a decision on record, the row's
    consent (its parsed ``purposes``, whichever columns they came from) decides, and
    its consents are recorded with the profile. A filled visibility cell asking for
    more than the consent allows is narrowed to curators and the report says why; a
    consenting row without a visibility cell gets the batch's visibility for
    consenting rows. ``row.values`` become the values to write."""
    experts = [expert for _row, expert in to_write if expert is not None]
    on_record = consent.latest_decisions([expert.id for expert in experts])
    missing = [expert.id for expert in experts if getattr(expert, "codes", None) is None]
    codes = search_documents.field_codes_by_expert(missing) if missing else {}
    for row, expert in to_write:
        decisions = on_record.get(expert.id, {}) if expert is not None else {}
        for purpose in consent.RESTRICTIONS:
            if purpose not in row.purposes:
                continue
            if decisions.get(purpose) is None:
                row.record.append({"purpose": purpose, "notice_version": notice_version,
                                   "created_at": _midnight(row.given_on)})
            elif decisions[purpose] is False:
                report.notices.append((row.number, CONSENT_COLUMN, _(
                    "“%(purpose)s” not recorded: the person withdrew this consent, and only "
                    "they can give it again", purpose=purpose)))
        allowed, withdrawn = import_modes.consent_state(decisions, row.purposes)
        stored = None
        if expert is not None:
            expert_codes = getattr(expert, "codes", None)
            stored = writes.stored_values(
                expert, codes[expert.id] if expert_codes is None else expert_codes)
        row.resolution = import_modes.resolve(
            stored, row.values, row.explicit, report.mode, allowed, withdrawn,
            report.consented_visibility)
        row.values = row.resolution.values
        for column, why in row.resolution.narrowed:
            report.notices.append((row.number, column, NARROWED[why]()))
        if row.resolution.narrows_published:
            report.notices.append((row.number, "visibility", _(
                "the published profile becomes visible to %(who)s only",
                who=visibility_label(row.resolution.visibility))))


def audit_note(row, mode):
    """What the audit entry of a row's write adds to the changed values, under
    ``import``: the mode, the row, who sees the profile and why, and the values the
    file held but the import kept (personal: erased with the profile's history)."""
    resolution = row.resolution
    note = {"mode": mode, "row": row.number, "visibility": resolution.reason}
    kept = {change.column: change.new for change in resolution.changes
            if change.kind == import_modes.KEPT}
    if kept:
        note["kept"] = kept
    return {"import": note}


# Why a filled visibility cell was narrowed (import_modes.Resolution.narrowed).
NARROWED = {
    "withdrawn": lambda: _("kept for curators only: the person withdrew their consent"),
    "no_consent": lambda: _("kept for curators only: no consent to this on record (see the "
                            "consent column)"),
}


def mode_label(mode):
    return {"update": _("update"), "fill": _("fill"), "replace": _("replace")}.get(mode, mode)


def describe_change(change, show, labels=None):
    """One change of a field as a sentence (``show(column, value)`` writes a value as a
    reader would; ``labels`` names the columns, else their contract names): old → new,
    added, kept, erased."""
    label = str((labels or {}).get(change.column, change.column))
    if change.kind == import_modes.ADDED:
        return _("%(column)s: added %(values)s", column=label,
                 values=show(change.column, change.new))
    if change.kind == import_modes.KEPT:
        return _("%(column)s: kept %(old)s (the file's %(new)s not applied)", column=label,
                 old=show(change.column, change.old) or "—", new=show(change.column, change.new))
    if change.kind == import_modes.ERASED:
        erased = change.new if change.column in validation.LIST_COLUMNS else change.old
        return _("%(column)s: erased %(values)s", column=label,
                 values=show(change.column, erased))
    return _("%(column)s: %(old)s → %(new)s", column=label,
             old=show(change.column, change.old) or "—", new=show(change.column, change.new))


def visibility_label(value):
    return {"public": _("everyone"), "officials": _("officials"),
            "curators": _("curators")}.get(value, value)


def reason_label(reason):
    """Why a group of rows ends up with its visibility, in the reader's language."""
    return {"cell": _("as the visibility cell says"),
            "consented": _("consent to publish, no visibility cell: the import's choice for "
                           "consenting rows"),
            "no_consent": _("no consent to publish"),
            "withdrawn": _("consent to publish withdrawn"),
            "kept": _("existing profile, visibility kept")}.get(reason, reason)


def _midnight(day):
    return datetime.datetime(day.year, day.month, day.day) if day else None


def find_duplicate(values, number, seen_names):
    """What a new row looks like: ``("row", number of an earlier row of the file)`` (same
    folded name and birth year), ``("profile", expert)`` (same folded name and birth
    year, or same e-mail) or ``None``. The row is remembered in ``seen_names``."""
    key = (fold(values["full_name"]), values.get("birth_year"))
    if key in seen_names:
        return ("row", seen_names[key])
    seen_names[key] = number
    query = Expert.select(Expert.id, Expert.full_name)
    match = None
    if values.get("birth_year"):
        match = query.where((Expert.name_key == key[0])
                            & (Expert.birth_year == values["birth_year"])).first()
    if match is None and values.get("email"):
        match = query.where(Expert.email == values["email"]).first()
    return ("profile", match) if match is not None else None


def _likely_duplicate(values, number, seen_names):
    """A ``(column, message)`` when a new row looks like an existing profile or like an
    earlier row of the file."""
    found = find_duplicate(values, number, seen_names)
    if found is None:
        return None
    kind, match = found
    if kind == "row":
        return ("full_name", _("looks like row %(row)s of this file (same name and birth year)",
                               row=match))
    return ("full_name", _("possible duplicate of profile #%(id)s (%(name)s); give it an "
                           "external_id to update it, or import with --allow-duplicates",
                           id=match.id, name=match.full_name))
