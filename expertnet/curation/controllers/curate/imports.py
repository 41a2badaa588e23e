"""``/curate/imports``: upload a CSV or XLSX file, map its columns, preview each row's
outcome, decide, commit as one batch, watch the progress, roll the batch back."""
from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.accounts import users as accounts
from expertnet.core.i18n import _, current_language
from expertnet.core.text import parse_id, parse_page
from expertnet.curation import batches, columns, import_modes, importer
from expertnet.curation.controllers.curate import bp
from expertnet.curation.controllers.curate.forms import (
    MODE_CHOICES,
    ConfirmForm,
    ImportOptionsForm,
    TokenForm,
    UploadForm,
)
from expertnet.curation.models import ImportBatch, ImportRow
from expertnet.directory.editing import display
from expertnet.directory.models import Expert
from expertnet.taxonomy import store as catalog
from expertnet.web.guards import get_or_404, role_required

CURATORS = ("curator", "admin")
PER_PAGE = 50
def outcome_labels():
    """Built per request: labels follow the reader's language."""
    return {"new": _("New profile"), "update": _("Update"), "unchanged": _("Unchanged"),
            "duplicate": _("Possible duplicate"), "invalid": _("Invalid")}


def status_labels():
    return {"mapping": _("Waiting for its columns"), "staging": _("Reading the file"),
            "ready": _("Preview: waiting for a decision"), "committing": _("Importing"),
            "committed": _("Imported"), "rolling_back": _("Rolling back"),
            "rolled_back": _("Rolled back"), "failed": _("Failed"), "discarded": _("Discarded")}


def _confirmed():
    """A posted ConfirmForm (CSRF and ``confirm=1``), else 400: nothing happens."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.route("/imports", methods=["GET", "POST"])
@role_required(*CURATORS)
def imports():
    form = UploadForm()
    error = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            batch = batches.create(_bounded(upload.stream), upload.filename, current_user.id,
                                   current_language(), mode=form.mode.data or "update",
                                   consented_visibility=form.consented_visibility.data
                                   or "public")
        except importer.ImportFileError as exc:
            error = str(exc)
        else:
            return redirect(url_for("curate.import_batch", batch_id=batch.id))
    recent = list(ImportBatch.select().order_by(ImportBatch.id.desc()).limit(50))
    return render_template("curate/imports.html", form=form, error=error, recent=recent,
                           statuses=status_labels(),
                           emails=accounts.emails_by_id(batch.user_id for batch in recent),
                           limit=current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024),
                           columns=columns.IMPORT_COLUMNS)


class _bounded:
    """The upload's stream, refusing (413) past ``IMPORT_MAX_BYTES`` while it is copied:
    the request's own limit leaves room for the other fields of the form."""

    def __init__(self, stream):
        self.stream = stream
        self.read_so_far = 0
        self.limit = current_app.config["IMPORT_MAX_BYTES"]

    def read(self, size):
        chunk = self.stream.read(size)
        self.read_so_far += len(chunk)
        if self.read_so_far > self.limit:
            abort(413)
        return chunk


@bp.route("/imports/<int:batch_id>/columns", methods=["GET", "POST"])
@role_required(*CURATORS)
def import_columns(batch_id):
    batch = get_or_404(ImportBatch, batch_id)
    if batch.status != "mapping":
        return redirect(url_for("curate.import_batch", batch_id=batch.id))
    proposals = columns.propose(batch.header_cells)
    error = None
    form = TokenForm()
    if form.validate_on_submit():
        chosen = [request.form.get(f"column-{index}", "") for index in range(len(proposals))]
        for index, proposal in enumerate(proposals):
            proposal["column"] = chosen[index] if chosen[index] in columns.IMPORT_COLUMNS else ""
            if proposal["sensitive"]:
                chosen[index] = ""
        try:
            batches.set_mapping(batch, chosen, current_user.id)
        except batches.BatchError as exc:
            error = str(exc)
        else:
            return redirect(url_for("curate.import_batch", batch_id=batch.id))
    elif request.method == "POST":
        abort(400)
    return render_template("curate/import_columns.html", batch=batch, proposals=proposals,
                           labels=columns.LABELS, columns=columns.IMPORT_COLUMNS, form=form,
                           error=error), 400 if error else 200


@bp.get("/imports/<int:batch_id>")
@role_required(*CURATORS)
def import_batch(batch_id):
    batch = get_or_404(ImportBatch, batch_id)
    if batch.status == "mapping":
        return redirect(url_for("curate.import_columns", batch_id=batch.id))
    if batch.status in batches.BUSY:
        return render_template("curate/import_progress.html", batch=batch,
                               progress=batches.progress(batch), statuses=status_labels())
    return _preview(batch)


def _preview(batch, error=None, status=200):
    outcome = request.args.get("outcome", "")
    page = parse_page(request.args.get("page"))
    rows, total = batches.rows_page(batch, outcome or None, page, PER_PAGE)
    taxonomy = catalog.load()
    language = current_language()
    ids = {row.match_id for row in rows if row.match_id} | {
        row.expert_id for row in rows if row.expert_id}
    experts = {expert.id: expert for expert in Expert.select().where(Expert.id.in_(list(ids)))}
    resolved = _resolutions(batch, rows, taxonomy)
    details = {row.id: _details(row, resolved.get(row.id), taxonomy, language) for row in rows}
    options = ImportOptionsForm(formdata=None, mode=batch.mode,
                                consented_visibility=batch.consented_visibility)
    return render_template(
        "curate/import.html", batch=batch, rows=rows, total=total, page=page,
        summary=batches.summary(batch), options=options, reasons=_reason_labels(),
        who=_who_labels(), modes={name: label for name, label in MODE_CHOICES},
        pages=max(1, -(-total // PER_PAGE)), outcome=outcome, details=details, experts=experts,
        tally=batch.tally, blocking=batches.blocking(batch) if batch.status == "ready" else 0,
        outcomes=outcome_labels(), statuses=status_labels(), error=error,
        uploader=accounts.emails_by_id([batch.user_id]).get(batch.user_id, ""),
        earlier=batches.same_file_batches(batch), labels=columns.LABELS,
        kept=batches.kept_rows(batch) if batch.status == "rolled_back" else []), status


def _resolutions(batch, rows, taxonomy):
    """``{row id: import_modes.Resolution}`` of the page's rows not written yet, as the
    commit would write them now."""
    if batch.status != "ready":
        return {}
    items = []
    for row in rows:
        if row.outcome == "invalid" or row.decision == "skip":
            continue
        values, errors = importer.check_row(row.cells, taxonomy)
        if not errors:
            items.append((row, values))
    return {row.id: item.resolution for (row, _values), (item, _target)
            in zip(items, batches.resolve_rows(batch, items), strict=True)}


def _details(row, resolution, taxonomy, language):
    """What the preview says about a row: its name, the reasons per cell of an invalid
    row, each field an update changes (old → new, added, kept, erased), and who will
    see the profile."""
    cells = row.cells
    info = {"name": cells.get("full_name", ""), "problems": [], "changes": [], "erased": [],
            "visibility": None, "narrowed": []}
    if row.outcome == "invalid":
        info["problems"] = [(str(columns.LABELS.get(column, column)), message)
                            for column, message in batches.problems(row, taxonomy)]
    if resolution is None:
        return info

    def show(column, value):
        return display(column, value, language)

    if row.outcome != "new" and not (row.outcome == "duplicate" and row.decision != "update"):
        info["changes"] = [importer.describe_change(change, show, columns.LABELS)
                           for change in resolution.changes]
        info["erased"] = [importer.describe_change(change, show, columns.LABELS)
                          for change in resolution.changes
                          if change.kind == import_modes.ERASED]
    info["visibility"] = (resolution.visibility, resolution.reason)
    info["narrowed"] = [(str(columns.LABELS.get(column, column)), importer.NARROWED[why]())
                        for column, why in resolution.narrowed]
    info["narrows"] = resolution.narrows_published
    return info


def _reason_labels():
    return {reason: importer.reason_label(reason) for reason in import_modes.REASONS}


def _who_labels():
    return {"public": _("Public"), "officials": _("Officials only"),
            "curators": _("Curators only")}


@bp.post("/imports/<int:batch_id>/options")
@role_required(*CURATORS)
def import_options(batch_id):
    batch = get_or_404(ImportBatch, batch_id)
    form = ImportOptionsForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        batches.set_options(batch, form.mode.data or "update",
                            form.consented_visibility.data or "public", current_user.id)
    except batches.BatchError as exc:
        return _preview(batch, error=str(exc), status=409)
    return redirect(_batch_page(batch))


@bp.get("/imports/<int:batch_id>/status.json")
@role_required(*CURATORS)
def import_status(batch_id):
    batch = get_or_404(ImportBatch, batch_id)
    data = batches.progress(batch)
    data["label"] = status_labels().get(batch.status, batch.status)
    data["url"] = url_for("curate.import_batch", batch_id=batch.id)
    return jsonify(data)


@bp.post("/imports/<int:batch_id>/decisions")
@role_required(*CURATORS)
def import_decisions(batch_id):
    batch = get_or_404(ImportBatch, batch_id)
    if not TokenForm().validate_on_submit():
        abort(400)
    try:
        everything = request.form.get("all", "")
        if everything:
            outcome, _sep, decision = everything.partition(":")
            batches.decide_all(batch, outcome, decision)
        else:
            decisions = {}
            for name, value in request.form.items():
                row_id = parse_id(name[9:]) if name.startswith("decision-") else None
                if row_id is not None:
                    decisions[row_id] = value
            batches.decide(batch, decisions)
    except batches.BatchError as exc:
        return _preview(batch, error=str(exc), status=409)
    return redirect(_back(batch))


def _back(batch):
    """The preview page the decisions were posted from (its filter and page)."""
    args = {"batch_id": batch.id}
    if request.form.get("outcome") in (*batches.OUTCOMES, "undecided"):
        args["outcome"] = request.form["outcome"]
    page = parse_id(request.form.get("page", ""))
    if page is not None and page > 1:
        args["page"] = page
    return url_for("curate.import_batch", **args)


@bp.route("/imports/<int:batch_id>/rows/<int:row_id>", methods=["GET", "POST"])
@role_required(*CURATORS)
def import_row(batch_id, row_id):
    batch = get_or_404(ImportBatch, batch_id)
    row = get_or_404(ImportRow, row_id, ImportRow.batch == batch.id)
    form = TokenForm()
    problems = batches.problems(row)
    error = None
    if form.validate_on_submit():
        raw = {column: request.form.get(f"cell-{column}", "") for column in row.cells}
        try:
            problems = batches.correct(batch, row, raw)
        except batches.BatchError as exc:
            error = str(exc)
        else:
            if not problems:
                return redirect(url_for("curate.import_batch", batch_id=batch.id,
                                        outcome="undecided"))
    elif request.method == "POST":
        abort(400)
    wrong = {column for column, _message in problems}
    taxonomy = catalog.load()
    # The allowed values of each refused closed column, offered as the cell is typed.
    lists = {column: allowed for column in wrong
             if (allowed := batches.choices(column, row.cells.get(column, ""), taxonomy)[0])}
    return render_template("curate/import_row.html", batch=batch, row=row, form=form,
                           cells=row.cells, labels=columns.LABELS, wrong=wrong, error=error,
                           lists=lists,
                           problems=[(str(columns.LABELS.get(c, c)), m) for c, m in problems],
                           editable=batch.status == "ready"), 400 if error else 200


@bp.route("/imports/<int:batch_id>/corrections", methods=["GET", "POST"])
@role_required(*CURATORS)
def import_corrections(batch_id):
    """Every invalid cell of the batch on one page: corrected (or the row excluded) and
    checked again at once, without uploading the file again."""
    batch = get_or_404(ImportBatch, batch_id)
    form = TokenForm()
    error, posted = None, {}
    if form.validate_on_submit():
        corrected, excluded = _posted_corrections()
        try:
            remaining = batches.correct_rows(batch, corrected, excluded, current_user.id)
        except batches.BatchError as exc:
            error = str(exc)
        else:
            if not batches.corrections(batch, limit=1):
                return redirect(url_for("curate.import_batch", batch_id=batch.id))
            # What the curator typed stays in the rows still refused.
            posted = {row_id: corrected.get(row_id, {}) for row_id in remaining}
    elif request.method == "POST":
        abort(400)
    rows = batches.corrections(batch) if batch.status == "ready" else []
    lists = {cell["column"]: cell["allowed"] for _row, cells in rows for cell in cells
             if cell["allowed"]}
    page = render_template("curate/import_corrections.html", batch=batch, rows=rows, form=form,
                           posted=posted, lists=lists, labels=columns.LABELS, error=error,
                           left=batches.to_correct_count(batch) if rows else 0)
    return page, 400 if error else 200


def _posted_corrections():
    """``({row id: {column: text}}, {row ids to exclude})`` from the correction form
    (fields ``cell-<row id>-<column>`` and ``exclude-<row id>``)."""
    corrected, excluded = {}, set()
    for name, value in request.form.items():
        kind, _sep, rest = name.partition("-")
        row_text, _sep, column = rest.partition("-")
        row_id = parse_id(row_text)
        if row_id is None:
            continue
        if kind == "cell" and column in columns.IMPORT_COLUMNS:
            corrected.setdefault(row_id, {})[column] = value
        elif kind == "exclude" and value:
            excluded.add(row_id)
    return corrected, excluded


def _act(batch_id, action, done):
    """A confirmed step on a batch (commit, rollback, discard): ``action(batch, actor)``;
    refused (409) with the reason on the preview, else to ``done(batch)``."""
    batch = get_or_404(ImportBatch, batch_id)
    _confirmed()
    try:
        action(batch, current_user.id)
    except batches.BatchError as exc:
        return _preview(batch, error=str(exc), status=409)
    return redirect(done(batch))


def _batch_page(batch):
    return url_for("curate.import_batch", batch_id=batch.id)


@bp.post("/imports/<int:batch_id>/commit")
@role_required(*CURATORS)
def import_commit(batch_id):
    # In the mode "replace", the box confirming the erased values (batches.commit).
    erase = request.form.get("erase") == "1"
    return _act(batch_id, lambda batch, actor: batches.commit(batch, actor, erase_confirmed=erase),
                _batch_page)


@bp.route("/imports/<int:batch_id>/rollback", methods=["GET", "POST"])
@role_required(*CURATORS)
def import_rollback(batch_id):
    if request.method == "POST":
        return _act(batch_id, batches.start_rollback, _batch_page)
    batch = get_or_404(ImportBatch, batch_id)
    if batch.status != "committed":
        return redirect(_batch_page(batch))
    return render_template("curate/import_rollback.html", batch=batch,
                           plan=batches.rollback_plan(batch))


@bp.post("/imports/<int:batch_id>/discard")
@role_required(*CURATORS)
def import_discard(batch_id):
    return _act(batch_id, batches.discard, lambda _batch: url_for("curate.imports"))
