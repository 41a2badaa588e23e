"""``/officials-abroad`` (officials, curators, admins): officials sent abroad for
training, work or an exchange."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.cooperation import common
from expertnet.cooperation import officials_abroad as records
from expertnet.cooperation.controllers.officials_abroad import bp
from expertnet.cooperation.controllers.officials_abroad.forms import OfficialAbroadForm
from expertnet.cooperation.training_models import OfficialAbroad
from expertnet.core.access import current_viewer
from expertnet.core.i18n import _
from expertnet.web.guards import role_required

ROLES = common.ROLES


def _or_404(record_id):
    record = OfficialAbroad.get_or_none(OfficialAbroad.id == record_id)
    if record is None:
        abort(404)
    return record


def _editable(record_id):
    record = _or_404(record_id)
    if not common.may_edit(current_viewer(), record):
        abort(403)
    return record


def _url(record):
    return url_for("officials_abroad.show", record_id=record.id)


def _values(record):
    values = {name: getattr(record, name) for name in OfficialAbroadForm.COLUMNS}
    for name in ("user", "host", "mission"):
        values[name] = str(getattr(record, f"{name}_id") or "")
    for name in ("starts_on", "ends_on"):
        values[name] = values[name].isoformat() if values[name] else ""
    return values


def _form_page(form, record, action):
    if form.validate_on_submit():
        try:
            saved = records.save(form.raw(), current_user.id, current_viewer(), record)
        except common.Problems as exc:
            for name, message in exc.errors:
                target = form._fields.get(name, form.name)
                target.errors = [*target.errors, message]
        else:
            return redirect(_url(saved))
    elif request.method == "POST":
        abort(400)  # a form that did not come from here (no CSRF token)
    heading = _("Edit the stay abroad") if record else _("Record an official sent abroad")
    back = _url(record) if record else url_for("officials_abroad.index")
    return render_template("_edit_record.html", form=form, heading=heading, action=action,
                           back=back, back_label=_("Back"))


@bp.get("/officials-abroad")
@role_required(*ROLES)
def index():
    q = request.args.get("q", "")[:200]
    purpose = request.args.get("purpose", "")
    rows = records.listing(q=q, purpose=purpose)
    return render_template("officials_abroad/index.html", rows=rows, q=q, purpose=purpose,
                           purposes=records.PURPOSES, who=records.who)


@bp.route("/officials-abroad/new", methods=["GET", "POST"])
@role_required(*ROLES)
def new():
    viewer = current_viewer()
    form = OfficialAbroadForm(viewer, data={"department": current_user.department}) \
        if request.method == "GET" else OfficialAbroadForm(viewer)
    return _form_page(form, None, url_for("officials_abroad.new"))


@bp.route("/officials-abroad/<int:record_id>/edit", methods=["GET", "POST"])
@role_required(*ROLES)
def edit(record_id):
    record = _editable(record_id)
    viewer = current_viewer()
    form = OfficialAbroadForm(viewer, data=_values(record)) if request.method == "GET" \
        else OfficialAbroadForm(viewer)
    return _form_page(form, record, url_for("officials_abroad.edit", record_id=record.id))


@bp.get("/officials-abroad/<int:record_id>")
@role_required(*ROLES)
def show(record_id):
    record = _or_404(record_id)
    return render_template("officials_abroad/show.html", record=record, who=records.who(record),
                           purposes=records.PURPOSES,
                           may_edit=common.may_edit(current_viewer(), record))


@bp.post("/officials-abroad/<int:record_id>/delete")
@role_required(*ROLES)
def delete(record_id):
    records.delete(_editable(record_id), current_user.id)
    return redirect(url_for("officials_abroad.index"))
