"""``/trainings`` (officials, curators, admins): the courses, their lecturers and the
uploaded lists of trainees."""
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.cooperation import attachments, common, trainings
from expertnet.cooperation.controllers.trainings import bp
from expertnet.cooperation.controllers.trainings.forms import TrainingForm
from expertnet.cooperation.training_models import Training, TrainingFile, TrainingLecturer
from expertnet.core.access import current_viewer
from expertnet.core.i18n import _
from expertnet.core.text import clean, parse_id
from expertnet.directory import finder
from expertnet.web import attachments as attachment_views
from expertnet.web.forms import record_form_page
from expertnet.web.guards import editable_or_403, get_or_404, role_required

ROLES = common.ROLES


def _or_404(record_id):
    return get_or_404(Training, record_id)


def _editable(record_id):
    return editable_or_403(Training, record_id, common.may_edit)


def _url(record):
    return url_for("trainings.show", training_id=record.id)


def _values(record):
    values = {name: getattr(record, name) for name in TrainingForm.COLUMNS}
    values["organiser"] = str(record.organiser_id or "")
    for name in ("starts_on", "ends_on"):
        values[name] = values[name].isoformat() if values[name] else ""
    for name in TrainingForm.NUMBERS:
        values[name] = str(values[name])
    return values


def _form_page(form, record, action):
    heading = _("Edit the training course") if record else _("Record a training course")
    return record_form_page(
        form, lambda raw: trainings.save(raw, current_user.id, current_viewer(), record), _url, "topic",
        heading=heading, action=action, back=_url(record) if record else url_for("trainings.index"),
        back_label=_("Back"))


@bp.get("/trainings")
@role_required(*ROLES)
def index():
    q = request.args.get("q", "")[:200]
    rows = trainings.listing(q=q)
    return render_template("trainings/index.html", rows=rows, q=q, groups=trainings.GROUPS,
                           total=trainings.total)


@bp.route("/trainings/new", methods=["GET", "POST"])
@role_required(*ROLES)
def new():
    viewer = current_viewer()
    form = TrainingForm(viewer, data={"department": current_user.department}) \
        if request.method == "GET" else TrainingForm(viewer)
    return _form_page(form, None, url_for("trainings.new"))


@bp.route("/trainings/<int:training_id>/edit", methods=["GET", "POST"])
@role_required(*ROLES)
def edit(training_id):
    record = _editable(training_id)
    viewer = current_viewer()
    form = TrainingForm(viewer, data=_values(record)) if request.method == "GET" \
        else TrainingForm(viewer)
    return _form_page(form, record, url_for("trainings.edit", training_id=record.id))


def _page(record, problem=None, status=200):
    viewer = current_viewer()
    return render_template("trainings/show.html", training=record,
                           lecturers=trainings.lecturers(record, viewer),
                           files=trainings.files(record), groups=trainings.GROUPS,
                           total=trainings.total(record),
                           may_edit=common.may_edit(viewer, record), problem=problem,
                           limit=current_app.config["ATTACHMENT_MAX_BYTES"],
                           rejected=request.args.get("rejected", "")), status


@bp.get("/trainings/<int:training_id>")
@role_required(*ROLES)
def show(training_id):
    return _page(_or_404(training_id))


@bp.post("/trainings/<int:training_id>/delete")
@role_required(*ROLES)
def delete(training_id):
    trainings.delete(_editable(training_id), current_user.id)
    return redirect(url_for("trainings.index"))


@bp.post("/trainings/<int:training_id>/lecturers")
@role_required(*ROLES)
def add_lecturer(training_id):
    record = _editable(training_id)
    raw_id = clean(request.form.get("expert_id"))
    expert = None
    if raw_id:
        expert_id = parse_id(raw_id)
        expert = finder.get_visible(expert_id, current_viewer()) if expert_id else None
        if expert is None:
            return _page(record, _("No expert has the number %(number)s.", number=raw_id[:20]), 400)
    try:
        trainings.add_lecturer(record, current_user.id, expert=expert,
                               name="" if expert else request.form.get("name", ""))
    except common.Problems as exc:
        return _page(record, exc.errors[0][1], 400)
    except common.Refused as exc:
        return _page(record, exc.message, exc.status)
    return redirect(_url(record))


@bp.post("/trainings/<int:training_id>/lecturers/<int:lecturer_id>/remove")
@role_required(*ROLES)
def remove_lecturer(training_id, lecturer_id):
    record = _editable(training_id)
    row = TrainingLecturer.get_or_none((TrainingLecturer.id == lecturer_id)
                                       & (TrainingLecturer.training == record.id))
    if row is None:
        abort(404)
    trainings.remove_lecturer(row, current_user.id)
    return redirect(_url(record))


@bp.post("/trainings/<int:training_id>/files")
@role_required(*ROLES)
def attach(training_id):
    record = _editable(training_id)
    upload = attachment_views.uploaded_file()
    try:
        trainings.attach(record, upload.stream, upload.filename, current_user.id)
    except attachments.Rejected as exc:
        if exc.reason == "too_large":
            abort(413)
        return redirect(url_for("trainings.show", training_id=record.id, rejected=exc.reason), code=303)
    return redirect(_url(record))


def _file_or_404(record, file_id):
    row = TrainingFile.get_or_none((TrainingFile.id == file_id) & (TrainingFile.training == record.id))
    if row is None:
        abort(404)
    return row


@bp.get("/trainings/<int:training_id>/files/<int:file_id>")
@role_required(*ROLES)
def download(training_id, file_id):
    return attachments.download(_file_or_404(_or_404(training_id), file_id))


@bp.post("/trainings/<int:training_id>/files/<int:file_id>/delete")
@role_required(*ROLES)
def detach(training_id, file_id):
    record = _editable(training_id)
    trainings.detach(_file_or_404(record, file_id), current_user.id)
    return redirect(_url(record))
