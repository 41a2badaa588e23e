"""``/engagements``: record, read, change and delete engagements and their files."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.cooperation import (
    attachments,
)
from expertnet.cooperation import (
    engagements as engagement_records,
)
from expertnet.cooperation.blueprint import engagements as bp
from expertnet.cooperation.controllers.engagements.forms import EngagementForm
from expertnet.cooperation.models import Attachment, Engagement
from expertnet.core.access import current_viewer
from expertnet.core.i18n import _
from expertnet.core.text import parse_id
from expertnet.directory import finder
from expertnet.organisations import access as organisation_access
from expertnet.outreach import needs as records
from expertnet.outreach.models import Need
from expertnet.web import attachments as attachment_views
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
    return attachments.download(
        get_or_404(Attachment, attachment_id, Attachment.engagement == engagement.id))


@bp.post("/engagements/<int:engagement_id>/attachments/<int:attachment_id>/delete")
@role_required(*ROLES)
def detach(engagement_id, attachment_id):
    engagement, _expert = _editable_or_abort(engagement_id)
    row = get_or_404(Attachment, attachment_id, Attachment.engagement == engagement.id)
    engagement_records.detach(engagement, row, current_user.id)
    return redirect(url_for("engagements.show", engagement_id=engagement.id))
