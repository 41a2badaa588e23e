"""``/officials-abroad`` (officials, curators, admins): officials sent abroad for
training, work or an exchange."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.cooperation import common
from expertnet.cooperation import officials_abroad as records
from expertnet.cooperation.controllers.officials_abroad import bp
from expertnet.cooperation.controllers.officials_abroad.forms import OfficialAbroadForm
from expertnet.cooperation.training_models import OfficialAbroad
from expertnet.core.access import current_viewer
from expertnet.core.i18n import _
from expertnet.web.forms import record_form_page
from expertnet.web.guards import editable_or_403, get_or_404, role_required

ROLES = common.ROLES


def _or_404(record_id):
    return get_or_404(OfficialAbroad, record_id)


def _editable(record_id):
    return editable_or_403(OfficialAbroad, record_id, common.may_edit)


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
    heading = _("Edit the stay abroad") if record else _("Record an official sent abroad")
    return record_form_page(
        form, lambda raw: records.save(raw, current_user.id, current_viewer(), record), _url, "name",
        heading=heading, action=action,
        back=_url(record) if record else url_for("officials_abroad.index"), back_label=_("Back"))


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
