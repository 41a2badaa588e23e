"""Imports in the browser: one uploaded file is one batch, staged, previewed, decided,
committed as a whole and rolled back as a whole afterwards.

1. ``create``: the upload is saved in the instance folder, its type read from its
   content, its header read (``importer.read_header``). Headers that are not the
   contract's go through a column mapping first (``columns``).
2. ``stage``: every row is read, validated and matched (new, update, unchanged,
   possible duplicate, invalid) into ``ImportRow``, with its plan in the batch's mode
   (who will see the profile and why, the fields it changes: ``resolve_rows``, the
   same computation as the commit's) — nothing is written to profiles.
   The file is deleted afterwards: the staged rows are what the curator works on.
3. The curator decides per possible duplicate (new / update the matched profile /
   skip) and corrects or excludes invalid rows, one row at a time or every invalid
   cell of the batch on one page (``corrections``, ``correct_rows``); the commit is
   refused until every such row is decided.
4. ``apply``: the rows are written through ``writes`` (audited as ``import``, with
   the batch's id), each row linked to its profile with the values it replaced.
5. ``roll_back``: created profiles are deleted and updated ones get their replaced
   values back, except profiles somebody changed since (shown and kept).

All or nothing without holding SQLite's write lock for minutes: a single transaction
over thousands of rows would keep every other writer waiting (SQLite has one write
lock for the whole database; the busy timeout is 15 s). So rows are written in
chunks of ``IMPORT_CHUNK_ROWS``, each chunk one short transaction (that links its
rows to the batch in the same transaction), and other users' writes run between
chunks. If a chunk fails, the chunks already written are undone the way a rollback
undoes them, before the batch is marked failed: the database is left as it was. The
price: for the seconds a commit runs, its first chunks are visible to others, and a
profile that somebody edits in that window is kept rather than overwritten (the
failure message says how many). Staging every row first means a commit can only
fail for reasons outside the file (a profile deleted meanwhile, a full disk).
"""
import hashlib
import json
import logging
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from peewee import fn

from expertnet.accounts import consent, data_rights
from expertnet.core import (
    audit,
    tasks,
)
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import fold
from expertnet.curation import (
    columns,
    import_modes,
    importer,
)
from expertnet.curation.models import ImportBatch, ImportRow
from expertnet.directory import search_documents, validation, writes
from expertnet.directory.models import Expert
from expertnet.taxonomy import store as catalog

log = logging.getLogger(__name__)

OUTCOMES = ("new", "update", "unchanged", "duplicate", "invalid")
# What a curator may decide per outcome ("" imports the row as its outcome says; for a
# duplicate "" is undecided and for an invalid row "not excluded": both block the commit).
CHOICES = {
    "new": ("", "skip"),
    "update": ("", "skip"),
    "unchanged": ("", "skip"),
    "duplicate": ("new", "update", "skip"),
    "invalid": ("skip",),
}
# Statuses in which the batch's rows are being worked on by a task.
BUSY = ("staging", "committing", "rolling_back")
STAGE_CHUNK = 500
# Invalid rows shown at once on the correction page (each with its own form fields:
# a browser posts a few hundred fields comfortably, not tens of thousands).
CORRECTION_ROWS = 100


class BatchError(Exception):
    """Something the curator must be told (in their language)."""


def _config(name):
    return current_app.config[name]


def upload_folder():
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_path(batch):
    return upload_folder() / f"{batch.id}.upload"


def _source(batch):
    return f"import:{batch.file_name}"[:200]


def _set(batch_id, **values):
    with database.atomic():
        ImportBatch.update(**values).where(ImportBatch.id == batch_id).execute()


def _move(batch_id, start, end, **values):
    """Compare-and-swap of the status: one request or task wins a transition."""
    with database.atomic():
        return ImportBatch.update(status=end, **values).where(
            (ImportBatch.id == batch_id) & (ImportBatch.status == start)).execute() == 1


def _batch_in(batch_id, status):
    """The batch if it is (still) in ``status``: a task started twice, or after the
    curator moved on, does nothing."""
    batch = ImportBatch.get_or_none(ImportBatch.id == batch_id)
    return batch if batch is not None and batch.status == status else None


def _record(action, batch, actor, **changes):
    audit.record(action, actor_id=actor, source="screen",
                 changes={"batch": batch.id, **changes})


# -- 1. upload -----------------------------------------------------------------------------
def create(stream, file_name, user_id, language, mode=import_modes.DEFAULT_MODE,
           consented_visibility="public"):
    """Save ``stream`` (an uploaded file), read its header and create the batch (in
    ``mode``, with the visibility for consenting rows); stage it at once when its
    headers are the contract's. Raises ``importer.ImportFileError`` (nothing is kept
    then)."""
    if mode not in import_modes.MODES or consented_visibility not in import_modes.VISIBILITIES:
        raise ValueError((mode, consented_visibility))
    file_name = Path(file_name or "upload").name[:255] or "upload"
    temporary = upload_folder() / f"incoming-{secrets.token_hex(8)}"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(temporary, "wb") as handle:
            while chunk := stream.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
    except BaseException:  # a refused (413) or broken upload leaves nothing behind
        temporary.unlink(missing_ok=True)
        raise
    try:
        if size == 0:
            raise importer.ImportFileError(_("the file is empty"))
        header, estimate, file_type = importer.read_header(temporary, name=file_name)
        limit = _config("IMPORT_MAX_ROWS")
        # The estimate counts lines (a cell may hold several): counted exactly only when
        # it is over the limit, so that a file too long is refused before staging.
        if estimate > limit and importer.count_rows(temporary, name=file_name) > limit:
            raise importer.ImportFileError(_("the file has more than %(limit)s rows: split it "
                                             "into several files", limit=limit))
        needs_mapping = columns.needs_mapping(header)
        if not needs_mapping:
            importer.map_header(header, importer.ImportReport())  # required columns there?
    except importer.ImportFileError:
        temporary.unlink(missing_ok=True)
        raise
    with database.atomic():
        batch = ImportBatch.create(
            user_id=user_id, language=language, file_name=file_name, sha256=digest.hexdigest(),
            size=size, file_type=file_type, header=json.dumps(header, ensure_ascii=False),
            status="mapping" if needs_mapping else "staging", total_rows=estimate, mode=mode,
            consented_visibility=consented_visibility)
        _record("import.upload", batch, user_id, file=file_name, sha256=batch.sha256, mode=mode,
                consented_visibility=consented_visibility)
    temporary.replace(upload_path(batch))
    if not needs_mapping:
        batch.mapping = json.dumps([importer.contract_column(name) for name in header])
        _set(batch.id, mapping=batch.mapping)
        start_staging(batch)
    return ImportBatch.get_by_id(batch.id)


def same_file_batches(batch):
    """Earlier batches of the same file (same SHA-256) that were committed."""
    return list(ImportBatch.select().where(
        (ImportBatch.sha256 == batch.sha256) & (ImportBatch.id != batch.id)
        & (ImportBatch.status.in_(("committed", "rolled_back")))).order_by(ImportBatch.id))


def set_mapping(batch, chosen, user_id):
    """The curator's column mapping (one contract column or "" per header cell):
    checked, remembered for the next file, and the rows staged."""
    header = batch.header_cells
    chosen = [column if column in columns.IMPORT_COLUMNS else "" for column in chosen]
    chosen += [""] * (len(header) - len(chosen))
    used = [column for column in chosen if column]
    if len(used) != len(set(used)):
        raise BatchError(_("Each column of the directory can be chosen for one header only."))
    missing = [str(columns.LABELS[column]) for column in validation.REQUIRED
               if column not in used]
    if missing:
        raise BatchError(_("Choose the headers holding: %(columns)s.",
                           columns=", ".join(missing)))
    columns.remember(header, chosen, user_id)
    if not _move(batch.id, "mapping", "staging", mapping=json.dumps(chosen[:len(header)])):
        raise BatchError(_("This import is no longer waiting for its columns."))
    start_staging(ImportBatch.get_by_id(batch.id))


# -- 2. staging ----------------------------------------------------------------------------
def _run(work, task, batch_id, rows):
    """``work(batch_id)`` now, or as the background ``task`` when ``rows`` are many
    (a small file needs no worker running, a long one must not hold a request)."""
    (task if rows > _config("IMPORT_BACKGROUND_ROWS") else work)(batch_id)


def start_staging(batch):
    _run(stage, stage_task, batch.id, batch.total_rows)


@tasks.task("expertnet.batches.stage_task")
def stage_task(batch_id):
    stage(batch_id)


def stage(batch_id):
    """Read, validate and match every row of the batch's file into ``ImportRow``."""
    batch = _batch_in(batch_id, "staging")
    if batch is None:
        return
    path = upload_path(batch)
    with force_locale(batch.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            _stage_file(batch, path)
        except Exception as exc:  # noqa: BLE001 - a batch must never stay "staging"
            if not isinstance(exc, (importer.ImportFileError, BatchError)):
                log.exception("staging import batch %s failed", batch.id)
            reason = str(exc) if isinstance(exc, (importer.ImportFileError, BatchError)) else _(
                "an unexpected error (details are in the server's log)")
            with database.atomic():
                ImportRow.delete().where(ImportRow.batch == batch.id).execute()
            _move(batch.id, "staging", "failed",
                  error=_("The file could not be read: %(reason)s", reason=reason))
            return
        finally:
            path.unlink(missing_ok=True)
    _move(batch.id, "staging", "ready", counts=json.dumps(_tally(batch.id)),
          total_rows=ImportRow.select().where(ImportRow.batch == batch.id).count())


def _stage_file(batch, path):
    header, rows, _estimate = importer.read_rows(path, name=batch.file_name)
    try:
        mapping = importer.map_header(header, importer.ImportReport(), batch.columns)
        stager = _Stager(batch)
        limit = _config("IMPORT_MAX_ROWS")
        for number, row_cells in rows:
            if not any(str(cell).strip() for cell in row_cells):
                continue
            if stager.count >= limit:
                raise BatchError(_("The file has more than %(limit)s rows: split it into "
                                   "several files.", limit=limit))
            stager.add(number, {column: (row_cells[index] if index < len(row_cells) else "")
                                for index, column in mapping.items()})
        stager.flush()
        if not stager.count:
            raise BatchError(_("The file has no rows under its header row."))
    finally:
        rows.close()


def _name_key(values):
    return f"{fold(values['full_name'])}|{values.get('birth_year') or ''}"


class _Stager:
    """Classifies rows in chunks: one query for the profiles a chunk's import keys name,
    one short transaction to store the chunk."""

    def __init__(self, batch):
        self.batch = batch
        self.taxonomy = catalog.load()
        self.seen_external = {}
        self.seen_names = {}
        self.pending = []
        self.count = 0

    def add(self, number, raw):
        self.pending.append((number, raw))
        self.count += 1
        if len(self.pending) >= STAGE_CHUNK:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        checked = [(number, raw, *importer.check_row(raw, self.taxonomy))
                   for number, raw in self.pending]
        keys = [values.get("external_id") for _n, _r, values, errors in checked
                if not errors and values.get("external_id")]
        existing = {expert.external_id: expert for expert in
                    Expert.select().where(Expert.external_id.in_(keys))} if keys else {}
        rows, valid = [], []
        for number, raw, values, errors in checked:
            row = ImportRow(batch=self.batch.id, number=number,
                            raw=json.dumps(raw, ensure_ascii=False), external_id=None,
                            name_key="", match_id=None, match_row=None)
            if errors:
                row.outcome = "invalid"
            else:
                key = values.get("external_id")
                repeated = self.seen_external.get(key) if key else None
                if key and repeated is None:
                    self.seen_external[key] = number
                _classify(row, values, repeated, existing.get(key) if key else None,
                          self.seen_names)
                if row.outcome != "invalid":
                    valid.append((row, values))
            rows.append(row)
        _plan(self.batch, valid)
        rows = [row.__data__ for row in rows]
        with database.atomic():
            ImportRow.insert_many(rows).execute()
            (ImportBatch.update(done_rows=ImportBatch.done_rows + len(rows))
             .where(ImportBatch.id == self.batch.id).execute())
        self.pending = []


def _classify(row, values, repeated_row, expert, seen_names):
    """Set what importing ``values`` (valid) would do: ``repeated_row`` is an earlier row
    of the file with the same import key, ``expert`` the profile holding that key (an
    update, or unchanged once :func:`_plan` finds nothing to write)."""
    row.external_id = values.get("external_id") or None
    row.name_key = _name_key(values)
    row.match_id = row.match_row = None
    if repeated_row is not None:
        row.outcome, row.match_row = "invalid", repeated_row
        return
    if expert is not None:
        row.outcome, row.match_id = "update", expert.id
        return
    found = importer.find_duplicate(values, row.number, seen_names)
    if found is None:
        row.outcome = "new"
    elif found[0] == "row":
        row.outcome, row.match_row = "duplicate", found[1]
    else:
        row.outcome, row.match_id = "duplicate", found[1].id


def resolve_rows(batch, items):
    """``[(importer.RowToWrite, profile or None)]`` of valid staged rows (``items``:
    ``[(ImportRow, values)]``), each with its ``resolution``: what writing it does in the
    batch's mode (``import_modes.resolve``, through ``importer.apply_consent`` as on the
    command line), with the profiles as stored now."""
    chosen = {row.match_id for row, _values in items
              if row.outcome == "duplicate" and row.decision == "update"}
    keys = {values["external_id"] for _row, values in items if values.get("external_id")}
    found = list(Expert.select().where(Expert.id.in_(list(chosen))
                                       | Expert.external_id.in_(list(keys)))) \
        if chosen or keys else []
    codes = search_documents.field_codes_by_expert([expert.id for expert in found])
    for expert in found:
        expert.codes = codes[expert.id]
    by_id = {expert.id: expert for expert in found}
    by_key = {expert.external_id: expert for expert in found if expert.external_id}
    to_write = []
    for row, values in items:
        values = dict(values)
        if row.outcome == "duplicate":
            target = by_id.get(row.match_id) if row.decision == "update" else None
            if target is not None and not values.get("external_id"):
                values.pop("external_id", None)  # keep the matched profile's own key
        else:
            # The profile holding the row's import key now (one may have been created
            # or deleted since the file was staged).
            target = by_key.get(values.get("external_id")) if values.get("external_id") else None
        to_write.append((importer.row_to_write(row.number, row.cells, values), target))
    report = importer.ImportReport(mode=batch.mode,
                                   consented_visibility=batch.consented_visibility)
    importer.apply_consent(to_write, report, consent.import_notice_version(_source(batch)))
    return to_write


def plan_of(resolution):
    """What the preview counts of a row (stored as ``ImportRow.plan``)."""
    return {"visibility": resolution.visibility, "reason": resolution.reason,
            "fields": len(resolution.written),
            "erased": sum(change.kind == import_modes.ERASED for change in resolution.changes),
            "narrows": resolution.narrows_published}


def _plan(batch, items):
    """Set ``plan`` (and update or unchanged) of the valid rows ``items``
    (``[(ImportRow, values)]``); the rows are not saved."""
    for (row, _values), (item, _target) in zip(items, resolve_rows(batch, items), strict=True):
        if row.outcome in ("update", "unchanged"):
            row.outcome = "update" if item.resolution.written else "unchanged"
        row.plan = json.dumps(plan_of(item.resolution))


def _tally(batch_id, column=ImportRow.outcome):
    return {value: count for value, count in
            ImportRow.select(column, fn.COUNT(ImportRow.id))
            .where(ImportRow.batch == batch_id).group_by(column).tuples() if value}


# -- 3. the preview and the curator's decisions -----------------------------------------------
def problems(row, taxonomy=None):
    """``[(column, message)]`` of an invalid row, in the reader's language (computed
    afresh, so that a curator reading in English sees English)."""
    if row.outcome != "invalid":
        return []
    _values, errors = importer.check_row(row.cells, taxonomy or catalog.load())
    if not errors and row.match_row:
        errors = [("external_id", _("“%(value)s” already appears in row %(row)s",
                                    value=row.external_id or row.cells.get("external_id", ""),
                                    row=row.match_row))]
    return errors


def rows_page(batch, outcome=None, page=1, per_page=50):
    query = ImportRow.select().where(ImportRow.batch == batch.id)
    if outcome in OUTCOMES:
        query = query.where(ImportRow.outcome == outcome)
    elif outcome == "undecided":
        query = query.where(_blocking_condition())
    return list(query.order_by(ImportRow.number).paginate(page, per_page)), query.count()


def _blocking_condition():
    return (((ImportRow.outcome == "duplicate") & (ImportRow.decision == ""))
            | ((ImportRow.outcome == "invalid") & (ImportRow.decision != "skip")))


def blocking(batch):
    """How many rows still need the curator (undecided duplicates, invalid rows neither
    corrected nor excluded)."""
    return ImportRow.select().where((ImportRow.batch == batch.id) & _blocking_condition()).count()


def _allowed(row, decision):
    if decision not in CHOICES.get(row.outcome, ()):
        return False
    return not (decision == "update" and not row.match_id)


def decide(batch, decisions):
    """Store ``{row id: decision}`` for rows of this batch; unknown rows and decisions
    that do not fit a row's outcome are ignored. Returns how many were stored."""
    if batch.status != "ready":
        raise BatchError(_("This import can no longer be changed."))
    rows = ImportRow.select().where((ImportRow.batch == batch.id)
                                    & (ImportRow.id.in_(list(decisions))))
    stored, replanned = 0, []
    for row in rows:
        decision = decisions[row.id] or ""
        if decision and not _allowed(row, decision):
            continue
        if row.outcome == "duplicate" and decision != row.decision:
            # Updating the matched profile does something else than creating one.
            row.decision = decision
            values, _errors = importer.check_row(row.cells, catalog.load())
            replanned.append((row, values))
        row.decision = decision
        stored += 1
    _plan(batch, replanned)
    with database.atomic():
        for row in rows:
            ImportRow.update(decision=row.decision, plan=row.plan).where(
                ImportRow.id == row.id).execute()
    return stored


def decide_all(batch, outcome, decision):
    """The same decision for every row of one outcome (skip every possible duplicate,
    exclude every invalid row)."""
    if batch.status != "ready":
        raise BatchError(_("This import can no longer be changed."))
    if outcome not in CHOICES or decision not in CHOICES[outcome] or decision == "update":
        raise BatchError(_("This decision does not apply to these rows."))
    with database.atomic():
        return ImportRow.update(decision=decision).where(
            (ImportRow.batch == batch.id) & (ImportRow.outcome == outcome)).execute()


def correct(batch, row, raw):
    """The curator's corrected cells for one row: validated and matched again. Returns
    the row's problems (empty when it is now valid)."""
    if batch.status != "ready":
        raise BatchError(_("This import can no longer be changed."))
    cells = row.cells
    cells.update({column: str(raw.get(column, "")) for column in cells})
    taxonomy = catalog.load()
    values, errors = importer.check_row(cells, taxonomy)
    row.raw = json.dumps(cells, ensure_ascii=False)
    row.decision = ""
    if errors:
        row.outcome, row.match_id, row.match_row = "invalid", None, None
        row.external_id, row.name_key, row.plan = None, "", ""
    else:
        key = values.get("external_id")
        others = ImportRow.select(ImportRow.number).where(
            (ImportRow.batch == batch.id) & (ImportRow.id != row.id)
            & (ImportRow.outcome != "invalid"))
        repeated = others.where(ImportRow.external_id == key).order_by(ImportRow.number).first() \
            if key else None
        expert = Expert.get_or_none(Expert.external_id == key) if key else None
        seen_names = {}
        twin = others.where(ImportRow.name_key == _name_key(values)).order_by(
            ImportRow.number).first()
        if twin is not None:
            seen_names[(fold(values["full_name"]), values.get("birth_year"))] = twin.number
        _classify(row, values, repeated.number if repeated else None, expert, seen_names)
        if row.outcome != "invalid":
            _plan(batch, [(row, values)])
    with database.atomic():
        row.save()
        _set(batch.id, counts=json.dumps(_tally(batch.id)))
    return problems(row, taxonomy)


def corrections(batch, limit=None):
    """The invalid rows still to correct (not excluded), at most ``limit`` (default
    ``CORRECTION_ROWS``), each with its
    refused cells: ``[(row, [{"column", "value", "messages", "allowed", "proposal"}])]``.
    ``allowed`` lists ``(code, label)`` of a closed column (empty for free text) and
    ``proposal`` the cell with the closest allowed values ("" when there is none)."""
    rows = list(_to_correct(batch).order_by(ImportRow.number).limit(limit or CORRECTION_ROWS))
    taxonomy = catalog.load()
    found = []
    for row in rows:
        cells = row.cells
        bad = {}
        for column, message in problems(row, taxonomy):
            cell = bad.setdefault(column, {"column": column, "value": cells.get(column, ""),
                                           "messages": [], "allowed": [], "proposal": ""})
            cell["messages"].append(message)
        for cell in bad.values():
            cell["allowed"], cell["proposal"] = choices(cell["column"], cell["value"], taxonomy)
        found.append((row, list(bad.values())))
    return found


def _to_correct(batch):
    return ImportRow.select().where((ImportRow.batch == batch.id)
                                    & (ImportRow.outcome == "invalid")
                                    & (ImportRow.decision != "skip"))


def to_correct_count(batch):
    """How many invalid rows are neither corrected nor excluded."""
    return _to_correct(batch).count()


def choices(column, value, taxonomy):
    """``(allowed values, proposal)`` for a refused cell of ``column``."""
    if column in importer.PURPOSE_COLUMNS:
        return [("yes", _("Yes")), ("no", _("No"))], ""
    if column in validation.CLOSED_COLUMNS:
        return (validation.allowed_values(column, taxonomy),
                validation.proposal(column, value, taxonomy))
    return [], ""


def correct_rows(batch, corrected, excluded, actor):
    """The correction page's answer: ``corrected`` is ``{row id: {column: text}}`` (cells
    of invalid rows of this batch; other columns and rows are ignored), ``excluded`` the
    ids of rows to leave out. Every row is validated and matched again (``correct``) in
    one transaction, audited once with the row numbers and columns (no values). Returns
    ``{row id: problems}`` of the rows still invalid."""
    if batch.status != "ready":
        raise BatchError(_("This import can no longer be changed."))
    ids = set(corrected) | set(excluded)
    rows = list(ImportRow.select().where(
        (ImportRow.batch == batch.id) & (ImportRow.id.in_(list(ids)))
        & (ImportRow.outcome == "invalid")).order_by(ImportRow.number)) if ids else []
    remaining, numbers, left_out, changed_columns = {}, [], [], set()
    with database.atomic():
        for row in rows:
            if row.id in excluded:
                ImportRow.update(decision="skip").where(ImportRow.id == row.id).execute()
                left_out.append(row.number)
                continue
            cells = row.cells
            changes = {column: str(text) for column, text in corrected.get(row.id, {}).items()
                       if column in cells and str(text) != cells[column]}
            if not changes:
                remaining[row.id] = problems(row)
                continue
            numbers.append(row.number)
            changed_columns.update(changes)
            still = correct(batch, row, {**cells, **changes})
            if still:
                remaining[row.id] = still
        if numbers or left_out:
            _record("import.correct", batch, actor, rows=numbers,
                    columns=sorted(changed_columns), excluded=left_out)
    return remaining


def discard(batch, actor):
    """Drop a batch that was not committed: its staged rows (personal data) go, the
    record of the upload stays."""
    if batch.status not in ("mapping", "ready", "failed"):
        raise BatchError(_("Only an import that was not committed can be discarded."))
    with database.atomic():
        if not _move(batch.id, batch.status, "discarded"):
            raise BatchError(_("This import changed meanwhile; open it again."))
        ImportRow.delete().where(ImportRow.batch == batch.id).execute()
        _record("import.discard", batch, actor)
    upload_path(batch).unlink(missing_ok=True)


def summary(batch):
    """The counts at the top of the preview, and of the report once committed: rows to
    create, update, leave unchanged, reject (invalid, not excluded) and skip, possible
    duplicates still undecided, fields to change, rows replacing values they erase,
    published profiles made less visible, and how many rows end up visible to whom
    and why (``{(visibility, reason): rows}``). Once committed, what was written."""
    found = {"create": 0, "update": 0, "unchanged": 0, "reject": 0, "skip": 0,
             "undecided": 0, "fields": 0, "erasing": 0, "narrows": 0, "visibility": {}}
    committed = batch.status in ("committed", "rolled_back")
    query = (ImportRow.select(ImportRow.outcome, ImportRow.decision, ImportRow.result,
                              ImportRow.plan)
             .where(ImportRow.batch == batch.id).tuples())
    for outcome, decision, result, plan in query.iterator():
        kind = _kind(outcome, decision, result, committed)
        found[kind] += 1
        if kind not in ("create", "update", "unchanged") or not plan:
            continue
        planned = json.loads(plan)
        group = (planned["visibility"], planned["reason"])
        found["visibility"][group] = found["visibility"].get(group, 0) + 1
        if kind == "update":
            found["fields"] += planned["fields"]
            found["erasing"] += bool(planned["erased"])
            found["narrows"] += bool(planned["narrows"])
    found["visibility"] = dict(sorted(found["visibility"].items(),
                                      key=lambda item: (-import_modes.RANK[item[0][0]],
                                                        item[0][1])))
    return found


def _kind(outcome, decision, result, committed):
    if committed:
        return {"created": "create", "updated": "update", "unchanged": "unchanged"}.get(
            result, "skip")
    if decision == "skip":
        return "skip"
    if outcome == "invalid":
        return "reject"
    if outcome == "duplicate":
        return {"new": "create", "update": "update"}.get(decision, "undecided")
    return {"new": "create"}.get(outcome, outcome)


def set_options(batch, mode, consented_visibility, actor):
    """Change the batch's mode and visibility for consenting rows before its commit:
    every valid row is planned again (an update may become unchanged and back)."""
    if mode not in import_modes.MODES or consented_visibility not in import_modes.VISIBILITIES:
        raise BatchError(_("This choice does not exist."))
    if batch.status != "ready":
        raise BatchError(_("This import can no longer be changed."))
    batch.mode, batch.consented_visibility = mode, consented_visibility
    taxonomy = catalog.load()
    last = 0
    while True:
        rows = list(ImportRow.select().where(
            (ImportRow.batch == batch.id) & (ImportRow.outcome != "invalid")
            & (ImportRow.id > last)).order_by(ImportRow.id).limit(STAGE_CHUNK))
        if not rows:
            break
        items = [(row, importer.check_row(row.cells, taxonomy)[0]) for row in rows]
        _plan(batch, items)
        with database.atomic():
            for row in rows:
                ImportRow.update(outcome=row.outcome, plan=row.plan).where(
                    ImportRow.id == row.id).execute()
        last = rows[-1].id
    with database.atomic():
        _set(batch.id, mode=mode, consented_visibility=consented_visibility,
             counts=json.dumps(_tally(batch.id)))
        _record("import.options", batch, actor, mode=mode,
                consented_visibility=consented_visibility)


# -- 4. commit -------------------------------------------------------------------------------
def _to_write():
    return ImportRow.decision != "skip"


def commit(batch, actor, erase_confirmed=False):
    """Start writing the batch (in the background when it is long). In ``replace``
    mode, rows that erase values need the curator's explicit ``erase_confirmed``."""
    if batch.status != "ready":
        raise BatchError(_("This import cannot be committed now."))
    if blocking(batch):
        raise BatchError(_("Decide first what to do with every possible duplicate and every "
                           "invalid row."))
    if batch.mode == "replace" and not erase_confirmed and summary(batch)["erasing"]:
        raise BatchError(_("In the mode “replace” this import erases values: confirm that "
                           "the values listed as erased may go."))
    if not _move(batch.id, "ready", "committing", committed_by=actor, done_rows=0, error=""):
        raise BatchError(_("This import changed meanwhile; open it again."))
    _record("import.commit", batch, actor, mode=batch.mode,
            consented_visibility=batch.consented_visibility)
    count = ImportRow.select().where((ImportRow.batch == batch.id) & _to_write()).count()
    _run(apply, apply_task, batch.id, count)


@tasks.task("expertnet.batches.apply_task")
def apply_task(batch_id):
    apply(batch_id)


def apply(batch_id):
    """Write the batch's rows in chunks (see the module's docstring); on any failure,
    undo the chunks written and mark the batch failed."""
    batch = _batch_in(batch_id, "committing")
    if batch is None:
        return
    with force_locale(batch.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        ImportRow.update(result="skipped").where(
            (ImportRow.batch == batch.id) & (ImportRow.decision == "skip")).execute()
        last = 0
        size = _config("IMPORT_CHUNK_ROWS")
        try:
            while True:
                chunk = list(ImportRow.select().where(
                    (ImportRow.batch == batch.id) & _to_write() & (ImportRow.number > last))
                    .order_by(ImportRow.number).limit(size))
                if not chunk:
                    break
                _apply_chunk(batch, chunk)
                last = chunk[-1].number
                (ImportBatch.update(done_rows=ImportBatch.done_rows + len(chunk))
                 .where(ImportBatch.id == batch.id).execute())
        except Exception as exc:  # noqa: BLE001 - any failure undoes the whole batch
            log.exception("import batch %s failed at row %s", batch.id, last)
            reason = str(exc) if isinstance(exc, BatchError) else _(
                "an unexpected error (details are in the server's log)")
            row = last + 1 if last else 2
            try:
                kept = _undo(batch, actor=batch.committed_by, via="import")
            except Exception:  # noqa: BLE001 - the database itself is failing
                log.exception("undoing import batch %s failed", batch.id)
                # What is left can be rolled back from the page once the cause is mended.
                _move(batch.id, "committing", "committed", committed_at=utcnow(), error=_(
                    "The import stopped after row %(row)s: %(reason)s. It could not be undone "
                    "completely: roll it back from this page.", row=row, reason=reason))
                return
            message = _("The import stopped after row %(row)s: %(reason)s. Nothing was "
                        "imported.", row=row, reason=reason)
            if kept:
                message += " " + _("%(count)s profiles changed by someone else meanwhile were "
                                   "kept as they are now.", count=kept)
            _move(batch.id, "committing", "failed", error=message)
            return
    _move(batch.id, "committing", "committed", committed_at=utcnow(),
          counts=json.dumps({**_tally(batch.id), **{
              f"result_{key}": value for key, value in _tally(batch.id, ImportRow.result).items()}}))


def _apply_chunk(batch, chunk, attempts=3):
    for attempt in range(attempts):
        try:
            return _write_chunk(batch, chunk)
        except writes.VersionConflict:
            # A profile changed between reading it and writing it: read again.
            if attempt == attempts - 1:
                raise
    return None


def _write_chunk(batch, chunk):
    taxonomy = catalog.load()
    prepared = []
    for row in chunk:
        values, errors = importer.check_row(row.cells, taxonomy)
        if errors:
            raise BatchError(_("row %(row)s is no longer valid (%(column)s: %(message)s)",
                               row=row.number, column=errors[0][0], message=errors[0][1]))
        prepared.append((row, values))
    for row, _values in prepared:
        if row.outcome == "duplicate" and row.decision == "update" and not Expert.select().where(
                Expert.id == row.match_id).exists():
            raise BatchError(_("the profile that row %(row)s was to update no longer "
                               "exists", row=row.number))
    # The same plan as the preview's, on the profiles as stored now: the mode's rules,
    # privacy by default (the file's consent recorded with the profiles, a visibility no
    # consent allows narrowed to curators) and a withdrawal never undone by a file.
    to_write = resolve_rows(batch, prepared)
    expected = {target.id: target.version for _item, target in to_write if target is not None}

    def link(outcomes):
        for ((row, _values), (item, _target)), outcome in zip(
                zip(prepared, to_write, strict=True), outcomes, strict=True):
            before = {name: change[0] for name, change in (outcome.changes or {}).items()} \
                if outcome.status == "updated" else {}
            ImportRow.update(
                result=outcome.status, expert_id=outcome.expert.id,
                before=json.dumps(before, ensure_ascii=False, default=str) if before else "",
                plan=json.dumps(plan_of(item.resolution)),
                version_after=outcome.expert.version).where(ImportRow.id == row.id).execute()

    writes.upsert_profiles([(item.values, target) for item, target in to_write],
                             source=_source(batch), actor=batch.committed_by, via="import",
                             expected_versions=expected, note={"batch": batch.id},
                             consents=[item.record for item, _target in to_write],
                             notes=[importer.audit_note(item, batch.mode)
                                    for item, _target in to_write],
                             in_transaction=link)


# -- 5. rollback ------------------------------------------------------------------------------
def _applied(batch):
    return ImportRow.select().where((ImportRow.batch == batch.id)
                                    & (ImportRow.result.in_(("created", "updated")))
                                    & (ImportRow.rolled_back == ""))


def rollback_plan(batch, limit=500):
    """What a rollback would do: ``{"delete": n, "restore": n, "kept": [(row, expert,
    reason)], "gone": n}``; ``kept`` lists the profiles changed since the import."""
    plan = {"delete": 0, "restore": 0, "gone": 0, "kept": []}
    last = 0
    while True:
        rows = list(_applied(batch).where(ImportRow.id > last).order_by(ImportRow.id).limit(1000))
        if not rows:
            return plan
        experts = {expert.id: expert for expert in Expert.select().where(
            Expert.id.in_([row.expert_id for row in rows]))}
        for row in rows:
            expert = experts.get(row.expert_id)
            verdict = _verdict(row, expert)
            if verdict in ("delete", "restore", "gone"):
                plan[verdict] += 1
            elif len(plan["kept"]) < limit:
                plan["kept"].append((row, expert, verdict))
        last = rows[-1].id


def _verdict(row, expert):
    """delete, restore, gone, or why the profile is kept: edited (changed since the
    import), claimed (an expert owns the profile the import created)."""
    if expert is None:
        return "gone"
    if expert.version != row.version_after:
        return "edited"
    if row.result == "created":
        return "claimed" if expert.owners.exists() else "delete"
    return "restore"


def start_rollback(batch, actor):
    if not _move(batch.id, "committed", "rolling_back", rolled_back_by=actor, done_rows=0,
                 error=""):
        raise BatchError(_("Only a committed import can be rolled back."))
    _record("import.rollback", batch, actor)
    _run(roll_back, rollback_task, batch.id, _applied(batch).count())


@tasks.task("expertnet.batches.rollback_task")
def rollback_task(batch_id):
    roll_back(batch_id)


def roll_back(batch_id):
    batch = _batch_in(batch_id, "rolling_back")
    if batch is None:
        return
    _undo(batch, actor=batch.rolled_back_by, via="screen")
    counts = {**batch.tally, **{f"rollback_{key}": value for key, value in
                                _tally(batch.id, ImportRow.rolled_back).items()}}
    _move(batch.id, "rolling_back", "rolled_back", rolled_back_at=utcnow(),
          counts=json.dumps(counts))


def _undo(batch, actor, via):
    """Delete what the batch created and restore what it updated, profile by profile
    (each its own short transaction); returns how many profiles were kept because they
    changed since."""
    kept = 0
    while True:
        rows = list(_applied(batch).order_by(ImportRow.id).limit(200))
        if not rows:
            return kept
        for row in rows:
            outcome = _undo_row(batch, row, actor, via)
            kept += outcome not in ("deleted", "restored", "gone")
            with database.atomic():
                ImportRow.update(rolled_back=outcome).where(ImportRow.id == row.id).execute()
                (ImportBatch.update(done_rows=ImportBatch.done_rows + 1)
                 .where(ImportBatch.id == batch.id).execute())


def _undo_row(batch, row, actor, via):
    expert = Expert.get_or_none(Expert.id == row.expert_id)
    verdict = _verdict(row, expert)
    note = {"batch": batch.id}
    if verdict == "delete":
        data_rights.delete_profile(expert, actor=actor, via=via, changes=note)
        return "deleted"
    if verdict != "restore":
        return "gone" if verdict == "gone" else "kept"
    values = row.before_values
    # Never publish again what the person has withdrawn since (consent.py).
    for purpose in consent.withdrawn([expert.id]).get(expert.id, ()):
        values.update(consent.RESTRICTIONS[purpose])
    try:
        writes.upsert_profiles([(values, expert)], actor=actor, via=via,
                                 expected_versions={expert.id: row.version_after},
                                 action="profile.restore", note=note)
    except writes.VersionConflict:
        return "kept"
    return "restored"


def kept_rows(batch, limit=500):
    """Rows whose profile a rollback kept (changed since), with the profile."""
    rows = list(ImportRow.select().where((ImportRow.batch == batch.id)
                                         & (ImportRow.rolled_back == "kept"))
                .order_by(ImportRow.number).limit(limit))
    experts = {expert.id: expert for expert in Expert.select().where(
        Expert.id.in_([row.expert_id for row in rows]))}
    return [(row, experts.get(row.expert_id)) for row in rows]


# -- progress ---------------------------------------------------------------------------------
def progress(batch):
    """What the progress page and its JSON show."""
    if batch.status == "committing":
        total = ImportRow.select().where((ImportRow.batch == batch.id) & _to_write()).count()
    elif batch.status == "rolling_back":
        total = ImportRow.select().where((ImportRow.batch == batch.id)
                                         & (ImportRow.result.in_(("created", "updated")))).count()
    else:
        total = batch.total_rows
    done = min(batch.done_rows, total) if total else batch.done_rows
    return {"status": batch.status, "done": done, "total": total,
            "percent": int(100 * done / total) if total else 0,
            "busy": batch.status in BUSY}
