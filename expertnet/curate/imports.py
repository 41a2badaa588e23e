"""``/curate/imports``: upload a CSV or XLSX file, map its columns, preview each row's
outcome, decide, commit as one batch, watch the progress, roll the batch back."""
from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet import accounts, batches, catalog, columns, importer, services
from expertnet.admin.routes import role_required
from expertnet.curate import bp
from expertnet.curate.forms import ConfirmForm, TokenForm, UploadForm
from expertnet.i18n import _, current_language
from expertnet.models import Expert, ImportBatch, ImportRow
from expertnet.profiles.logic import display
from expertnet.text import parse_id, parse_page

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


def _batch_or_404(batch_id):
    batch = ImportBatch.get_or_none(ImportBatch.id == batch_id)
    if batch is None:
        abort(404)
    return batch


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
                                   current_language())
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
    batch = _batch_or_404(batch_id)
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
    batch = _batch_or_404(batch_id)
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
    details = {row.id: _details(row, experts, taxonomy, language) for row in rows}
    return render_template(
        "curate/import.html", batch=batch, rows=rows, total=total, page=page,
        pages=max(1, -(-total // PER_PAGE)), outcome=outcome, details=details, experts=experts,
        tally=batch.tally, blocking=batches.blocking(batch) if batch.status == "ready" else 0,
        outcomes=outcome_labels(), statuses=status_labels(), error=error,
        uploader=accounts.emails_by_id([batch.user_id]).get(batch.user_id, ""),
        earlier=batches.same_file_batches(batch), labels=columns.LABELS,
        kept=batches.kept_rows(batch) if batch.status == "rolled_back" else []), status


def _details(row, experts, taxonomy, language):
    """What the preview says about a row: its name, the reasons per cell of an invalid
    row, the columns an update changes."""
    cells = row.cells
    info = {"name": cells.get("full_name", ""), "problems": [], "changes": []}
    if row.outcome == "invalid":
        info["problems"] = [(str(columns.LABELS.get(column, column)), message)
                            for column, message in batches.problems(row, taxonomy)]
    elif row.outcome == "update" and row.match_id in experts and not row.result:
        values, _errors = importer.check_row(cells, taxonomy)
        expert = experts[row.match_id]
        changed = services.changes_for(expert, values,
                                       services.field_codes_by_expert([expert.id])[expert.id])
        info["changes"] = [(str(columns.LABELS.get(name, name)),
                            display(name, change[0], language), display(name, change[1], language))
                           for name, change in changed.items()]
    return info


@bp.get("/imports/<int:batch_id>/status.json")
@role_required(*CURATORS)
def import_status(batch_id):
    batch = _batch_or_404(batch_id)
    data = batches.progress(batch)
    data["label"] = status_labels().get(batch.status, batch.status)
    data["url"] = url_for("curate.import_batch", batch_id=batch.id)
    return jsonify(data)


@bp.post("/imports/<int:batch_id>/decisions")
@role_required(*CURATORS)
def import_decisions(batch_id):
    batch = _batch_or_404(batch_id)
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
    batch = _batch_or_404(batch_id)
    row = ImportRow.get_or_none((ImportRow.id == row_id) & (ImportRow.batch == batch.id))
    if row is None:
        abort(404)
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
    return render_template("curate/import_row.html", batch=batch, row=row, form=form,
                           cells=row.cells, labels=columns.LABELS, wrong=wrong, error=error,
                           problems=[(str(columns.LABELS.get(c, c)), m) for c, m in problems],
                           editable=batch.status == "ready"), 400 if error else 200


def _act(batch_id, action, done):
    """A confirmed step on a batch (commit, rollback, discard): ``action(batch, actor)``;
    refused (409) with the reason on the preview, else to ``done(batch)``."""
    batch = _batch_or_404(batch_id)
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
    return _act(batch_id, batches.commit, _batch_page)


@bp.route("/imports/<int:batch_id>/rollback", methods=["GET", "POST"])
@role_required(*CURATORS)
def import_rollback(batch_id):
    if request.method == "POST":
        return _act(batch_id, batches.start_rollback, _batch_page)
    batch = _batch_or_404(batch_id)
    if batch.status != "committed":
        return redirect(_batch_page(batch))
    return render_template("curate/import_rollback.html", batch=batch,
                           plan=batches.rollback_plan(batch))


@bp.post("/imports/<int:batch_id>/discard")
@role_required(*CURATORS)
def import_discard(batch_id):
    return _act(batch_id, batches.discard, lambda _batch: url_for("curate.imports"))
