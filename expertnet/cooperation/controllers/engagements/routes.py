"""``/engagements``: record, read, change and delete engagements and their files."""
import datetime
import io

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from expertnet.cooperation import (
    attachments,
)
from expertnet.cooperation import (
    engagements as engagement_records,
)
from expertnet.cooperation.controllers.engagements import bp
from expertnet.cooperation.controllers.engagements.forms import EngagementForm
from expertnet.cooperation.models import Attachment, Engagement
from expertnet.core import (
    places,
    vocab,
)
from expertnet.core.access import current_viewer
from expertnet.core.db import utcnow
from expertnet.core.i18n import _, _l, current_language, format_day
from expertnet.core.text import parse_id
from expertnet.directory import finder
from expertnet.organisations import access as organisation_access
from expertnet.organisations import vocab as organisation_vocab
from expertnet.outreach import needs as records
from expertnet.outreach.models import Need
from expertnet.programme import report as programme_report
from expertnet.taxonomy import store as catalog
from expertnet.web import attachments as attachment_views
from expertnet.web.forms import form_date
from expertnet.web.guards import get_or_404, role_required

ROLES = engagement_records.ROLES


def _engagement_or_404(engagement_id):
    """The engagement and its expert, if the viewer may read it; else 404."""
    viewer = current_viewer()
    engagement = get_or_404(Engagement, engagement_id)
    expert = finder.get_visible(engagement.expert_id, viewer)
    if expert is None or not engagement_records.may_see(viewer, expert):
        abort(404)
    return engagement, expert


def _editable_or_abort(engagement_id):
    engagement, expert = _engagement_or_404(engagement_id)
    if not engagement_records.may_edit(current_viewer(), engagement):
        abort(403)
    return engagement, expert


def _need_choice(raw, viewer):
    """The need chosen on the form (one the viewer may see), or None."""
    need_id = parse_id(raw)
    if need_id is None:
        return None
    need = Need.get_or_none(Need.id == need_id)
    return need if need is not None and records.may_see(viewer, need) else None


def _put_errors(form, errors):
    for name, message in errors:
        target = form._fields.get(name, form.title)
        target.errors = [*target.errors, message]


@bp.get("/engagements")
@role_required(*ROLES)
def index():
    rows = engagement_records.visible(current_viewer())
    needs = engagement_records.needs_of({row.need_id for row, _e in rows if row.need_id})
    return render_template("engagements/index.html", rows=rows, needs=needs)


@bp.route("/engagements/new", methods=["GET", "POST"])
@role_required(*ROLES)
def new():
    viewer = current_viewer()
    needs = records.visible(viewer)
    if request.method == "GET":
        need = _need_choice(request.args.get("need"), viewer)
        form = EngagementForm(needs=needs, viewer=viewer, data={
            "expert_id": request.args.get("expert", "")[:18],
            "need_id": str(need.id) if need else "",
            "department": need.organization if need else current_user.department,
            "organisation": str(need.organisation_id or "") if need else ""})
    else:
        form = EngagementForm(needs=needs, viewer=viewer)
    if form.validate_on_submit():
        expert_id = parse_id(form.expert_id.data)
        expert = finder.get_visible(expert_id, viewer) if expert_id is not None else None
        if expert is None:
            form.expert_id.errors = [_("No such expert.")]
        else:
            try:
                engagement = engagement_records.save(
                    form.raw(), expert, _need_choice(form.need_id.data, viewer), current_user.id,
                    viewer=viewer)
            except engagement_records.EngagementErrors as exc:
                _put_errors(form, exc.errors)
            else:
                return redirect(url_for("engagements.show", engagement_id=engagement.id))
    elif request.method == "POST":
        abort(400)
    return render_template("engagements/edit.html", form=form, engagement=None, expert=None)


@bp.get("/engagements/<int:engagement_id>")
@role_required(*ROLES)
def show(engagement_id):
    engagement, expert = _engagement_or_404(engagement_id)
    need = Need.get_or_none(Need.id == engagement.need_id) if engagement.need_id else None
    if need is not None and not records.may_see(current_viewer(), need):
        need = None  # the engagement is the programme's; the need stays its department's
    organisation = organisation_access.get_visible(engagement.organisation_id, current_viewer())
    return render_template("engagements/show.html", engagement=engagement, expert=expert,
                           need=need, organisation=organisation,
                           files=engagement_records.files(engagement),
                           may_edit=engagement_records.may_edit(current_viewer(), engagement),
                           limit=current_app.config["ATTACHMENT_MAX_BYTES"],
                           rejected=request.args.get("rejected"))


@bp.route("/engagements/<int:engagement_id>/edit", methods=["GET", "POST"])
@role_required(*ROLES)
def edit(engagement_id):
    engagement, expert = _editable_or_abort(engagement_id)
    viewer = current_viewer()
    needs = records.visible(viewer)
    if request.method == "GET":
        values = {name: getattr(engagement, name) for name in EngagementForm.COLUMNS}
        for name in ("starts_on", "ends_on"):
            values[name] = values[name].isoformat() if values[name] else ""
        values["need_id"] = str(engagement.need_id or "")
        values["organisation"] = str(engagement.organisation_id or "")
        form = EngagementForm(needs=needs, viewer=viewer, data=values)
    else:
        form = EngagementForm(needs=needs, viewer=viewer)
    if form.validate_on_submit():
        try:
            engagement_records.save(form.raw(), expert, _need_choice(form.need_id.data, viewer),
                                    current_user.id, engagement=engagement, viewer=viewer)
        except engagement_records.EngagementErrors as exc:
            _put_errors(form, exc.errors)
        else:
            return redirect(url_for("engagements.show", engagement_id=engagement.id))
    elif request.method == "POST":
        abort(400)
    return render_template("engagements/edit.html", form=form, engagement=engagement,
                           expert=expert)


@bp.post("/engagements/<int:engagement_id>/delete")
@role_required(*ROLES)
def delete(engagement_id):
    engagement, expert = _editable_or_abort(engagement_id)
    engagement_records.delete(engagement, current_user.id)
    return redirect(url_for("main.profile", expert_id=expert.id))


# -- attachments --------------------------------------------------------------------------
@bp.post("/engagements/<int:engagement_id>/attachments")
@role_required(*ROLES)
def attach(engagement_id):
    engagement, _expert = _editable_or_abort(engagement_id)
    upload = attachment_views.uploaded_file()
    try:
        engagement_records.attach(engagement, upload.stream, upload.filename, current_user.id)
    except attachments.Rejected as exc:
        if exc.reason == "too_large":
            abort(413)
        return redirect(url_for("engagements.show", engagement_id=engagement.id,
                                rejected=exc.reason), code=303)
    return redirect(url_for("engagements.show", engagement_id=engagement.id))


@bp.get("/engagements/<int:engagement_id>/attachments/<int:attachment_id>")
@role_required(*ROLES)
def download(engagement_id, attachment_id):
    engagement, _expert = _engagement_or_404(engagement_id)
    return attachment_views.download(
        get_or_404(Attachment, attachment_id, Attachment.engagement == engagement.id))


@bp.post("/engagements/<int:engagement_id>/attachments/<int:attachment_id>/delete")
@role_required(*ROLES)
def detach(engagement_id, attachment_id):
    engagement, _expert = _editable_or_abort(engagement_id)
    row = get_or_404(Attachment, attachment_id, Attachment.engagement == engagement.id)
    engagement_records.detach(engagement, row, current_user.id)
    return redirect(url_for("engagements.show", engagement_id=engagement.id))


# -- the programme report ---------------------------------------------------------------
def _report_for_request():
    """``(report, errors)`` for ``?from=&to=`` (default: this year until today)."""
    today = utcnow().date()
    errors = []
    start = form_date(request.args.get("from"), "from", errors) or datetime.date(today.year, 1, 1)
    end = form_date(request.args.get("to"), "to", errors) or today
    if not errors and end < start:
        errors.append(("to", _("ends before it starts")))
    if errors:
        return None, errors
    return programme_report.build(start, end, current_viewer()), []


REPORT_VOCABULARIES = {
    "engagement_kind": vocab.ENGAGEMENT_KINDS, "expert_kind": vocab.KINDS,
    "event_kind": vocab.EVENT_KINDS, "event_role": vocab.EVENT_ROLES,
    "mission_direction": vocab.MISSION_DIRECTIONS, "partner_scope": vocab.PARTNER_SCOPES,
    "department_step": vocab.DEPARTMENT_CONTACT_STEPS,
    "organisation_type": organisation_vocab.TYPES,
    "cooperation": {"agreement": _l("Partners of agreements signed"),
                    "delegation": _l("Organisations met by delegations")},
}


def mission_country(key):
    """``(direction, country code)`` as the reader says it: "Visiting delegation · Japan"."""
    direction, country = key
    place = places.country_name(country, current_language()) if country else "—"
    return f"{vocab.MISSION_DIRECTIONS.get(direction, direction)} · {place}"


@bp.get("/engagements/report")
@role_required(*ROLES)
def report():
    found, errors = _report_for_request()
    taxonomy = catalog.load()
    language = current_language()
    return render_template(
        "engagements/report.html", report=found, errors=errors,
        field_name=lambda code: taxonomy.fields[code].name(language)
        if code in taxonomy.fields else code,
        plain=lambda value: value, mission_country=mission_country,
        organisation_types=organisation_vocab.TYPES, cooperation_kinds=REPORT_VOCABULARIES["cooperation"],
        start=request.args.get("from", ""), end=request.args.get("to", "")), \
        400 if errors else 200


@bp.get("/engagements/report.xlsx")
@role_required(*ROLES)
def report_xlsx():
    found, errors = _report_for_request()
    if errors:
        abort(400)
    taxonomy = catalog.load()
    language = current_language()

    def name(vocabulary, code):
        if vocabulary == "field":
            return taxonomy.fields[code].name(language) if code in taxonomy.fields else code
        if vocabulary == "mission_country":
            return mission_country(code)
        if vocabulary == "country":
            return places.country_name(code, language)
        return REPORT_VOCABULARIES[vocabulary].get(code, code)

    period = _("From %(start)s to %(end)s", start=format_day(found.start),
               end=format_day(found.end))
    labels = {
        "sheet": _("Programme report"), "title": _("Programme report"), "period": period,
        "engagements": _("Engagements"), "count": _("Number"),
        "by_kind": _("Engagements by kind"), "by_field": _("Engagements by field"),
        "by_department": _("Engagements by department served"),
        "by_expert_kind": _("Engagements by kind of expert"),
        "new_experts": _("Experts newly added"), "newly_active": _("Experts newly active"),
        "events": _("Events held"), "participations": _("Participations of experts in events"),
        "delegations": _("Delegations"), "agreements": _("Agreements signed"),
        "events_by_kind": _("Events held by kind"),
        "participations_by_role": _("Participations by role"),
        "participations_by_expert_kind": _("Participations by kind of expert"),
        "delegations_by_direction": _("Delegations, outgoing and visiting"),
        "delegations_by_country": _("Delegations by country"),
        "agreements_by_scope": _("Agreements signed, by partner"),
        "department_contacts": _("Contact through the Department"),
        "organisations": _("Organisations in the register"),
        "partners": _("Partner organisations cooperated with"),
        "organisations_by_type": _("Organisations by type"),
        "organisations_by_country": _("Organisations by country"),
        "partners_by_cooperation": _("Partner organisations by kind of cooperation"),
        "technology": _("Technology supply–demand platform"),
        "technology_measures": {"offers": _("Technology offers published"),
                                "demands": _("Technology demands published"),
                                "connections": _("Connections opened"),
                                "contracts": _("Contracts signed"),
                                "contract_value": _("Value of the contracts signed (VND)")},
        "name": name,
    }
    data = programme_report.to_xlsx(found, labels)
    response = send_file(io.BytesIO(data), as_attachment=True,
                         mimetype="application/vnd.openxmlformats-officedocument."
                                  "spreadsheetml.sheet",
                         download_name=f"programme-report-{found.start}-{found.end}.xlsx",
                         conditional=False, etag=False)
    response.headers["Cache-Control"] = "no-store"
    return response
