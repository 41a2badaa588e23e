"""``/events``, ``/delegations``, ``/agreements`` (officials, curators, admins) and
``/account/events`` (an expert's own invitations)."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from expertnet.cooperation import agreements, attachments, common, events
from expertnet.cooperation import missions as delegations
from expertnet.cooperation.controllers.programme import bp
from expertnet.cooperation.controllers.programme.forms import AgreementForm, EventForm, MissionForm
from expertnet.cooperation.models import (
    Agreement,
    AgreementFile,
    AgreementLink,
    Event,
    EventInvitation,
    Mission,
    MissionExpert,
    MissionFollowUp,
)
from expertnet.core import places, vocab
from expertnet.core.access import current_viewer
from expertnet.core.i18n import _
from expertnet.core.text import parse_id
from expertnet.directory import finder
from expertnet.outreach import needs as records
from expertnet.outreach import shortlists
from expertnet.outreach.models import Need
from expertnet.taxonomy import store as catalog
from expertnet.web import attachments as attachment_views
from expertnet.web.guards import get_or_404, role_required, safe_next

ROLES = common.ROLES
DATES = ("starts_on", "ends_on", "signed_on")


def _put_errors(form, errors):
    for name, message in errors:
        target = form._fields.get(name, form.title)
        target.errors = [*target.errors, message]


def _values(record, columns):
    values = {name: getattr(record, name) for name in columns}
    for name in DATES:
        if name in values:
            values[name] = values[name].isoformat() if values[name] else ""
    return values


def _editable(model, record_id):
    record = get_or_404(model, record_id)
    if not common.may_edit(current_viewer(), record):
        abort(403)
    return record


def _back(fallback):
    return redirect(safe_next(request.form.get("next"), fallback))


def _posted_expert():
    """The profile whose number was posted (one the viewer may see), or None."""
    expert_id = parse_id(request.form.get("expert_id"))
    return finder.get_visible(expert_id, current_viewer()) if expert_id else None


def _save(form, save, record, show, kind, action):
    """POST: save through the service and go to the record; else the form (again, with
    its errors). ``kind`` (event, delegation, agreement) chooses the page's words."""
    if form.validate_on_submit():
        try:
            saved = save(form.raw(), current_user.id, record)
        except common.Problems as exc:
            _put_errors(form, exc.errors)
        else:
            return redirect(show(saved))
    elif request.method == "POST":
        abort(400)  # a form that did not come from here (no CSRF token)
    return render_template("programme/edit.html", form=form, record=record, kind=kind,
                           action=action)


# -- events ---------------------------------------------------------------------------
def _event_url(event):
    return url_for("programme.event", event_id=event.id)


@bp.get("/events")
@role_required(*ROLES)
def event_list():
    kind = request.args.get("kind", "")
    when = request.args.get("when", "")
    q = request.args.get("q", "")[:200]
    rows = events.listing(kind=kind, when=when if when in ("upcoming", "past") else None, q=q)
    return render_template("programme/events.html", rows=rows,
                           counts=events.counts([row.id for row in rows], current_viewer()),
                           kind=kind, when=when, q=q)


@bp.route("/events/new", methods=["GET", "POST"])
@role_required(*ROLES)
def event_new():
    viewer = current_viewer()
    form = EventForm(viewer, data={"department": current_user.department}) \
        if request.method == "GET" else EventForm(viewer)
    return _save(form, lambda raw, actor, record: events.save(raw, actor, viewer=viewer), None,
                 _event_url, "event", url_for("programme.event_new"))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(*ROLES)
def event_edit(event_id):
    event = _editable(Event, event_id)
    viewer = current_viewer()
    if request.method == "GET":
        values = _values(event, [name for name in EventForm.COLUMNS
                                 if name not in EventForm.ORGANISATION_COLUMNS])
        links = events.organisation_links(event)
        values.update({f"{role}s": [str(key) for key in links[role]] for role in events.ORGANISATION_ROLES})
        form = EventForm(viewer, data=values)
    else:
        form = EventForm(viewer)
    return _save(form, lambda raw, actor, record: events.save(raw, actor, record, viewer=viewer), event,
                 _event_url, "event", url_for("programme.event_edit", event_id=event.id))


def _event_page(event, outcome=None, status=200, problem=None):
    viewer = current_viewer()
    rows = events.invitations(event, viewer)
    return render_template("programme/event.html", event=event, rows=rows,
                           speakers=events.speakers_by_field(rows), taxonomy=catalog.load(),
                           may_edit=common.may_edit(viewer, event), outcome=outcome,
                           organisations=events.organisations_of(event, viewer),
                           organisation_roles=events.ORGANISATION_ROLES,
                           problem=problem, agreements=agreements.for_event(event.id)), status


@bp.get("/events/<int:event_id>")
@role_required(*ROLES)
def event(event_id):
    return _event_page(get_or_404(Event, event_id))


@bp.post("/events/<int:event_id>/delete")
@role_required(*ROLES)
def event_delete(event_id):
    events.delete(_editable(Event, event_id), current_user.id)
    return redirect(url_for("programme.event_list"))


@bp.get("/events/<int:event_id>/invite")
@role_required(*ROLES)
def event_invite(event_id):
    """Experts to invite: from a search, from a need's shortlist, or by number."""
    event = _editable(Event, event_id)
    viewer = current_viewer()
    q = request.args.get("q", "")[:200]
    need = None
    need_id = parse_id(request.args.get("need"))
    if need_id:
        need = get_or_404(Need, need_id, visible=lambda need: records.may_see(viewer, need))
    candidates = []
    if need is not None:
        candidates = [expert for _entry, expert in shortlists.entries(need, viewer)]
    elif q.strip():
        candidates = finder.find(finder.Criteria(q=q, filters={}, per_page=30), viewer,
                                 with_facets=False).experts
    return render_template("programme/invite.html", event=event, q=q, need=need,
                           needs=records.visible(viewer), candidates=candidates,
                           invited=events.invited_ids(event))


@bp.post("/events/<int:event_id>/invite")
@role_required(*ROLES)
def event_invite_post(event_id):
    event = _editable(Event, event_id)
    viewer = current_viewer()
    role = request.form.get("role", "participant")
    raw_ids = [*request.form.getlist("expert_id"),
               *request.form.get("ids", "").replace(",", " ").replace(";", " ").split()]
    if not raw_ids:
        abort(400)
    experts, refused = [], []
    for raw in dict.fromkeys(raw_ids[:events.MAX_INVITES]):
        expert_id = parse_id(raw)
        expert = finder.get_visible(expert_id, viewer) if expert_id else None
        if expert is None:
            refused.append((None, _("No expert has the number %(number)s.", number=raw[:20])))
        else:
            experts.append(expert)
    if role not in vocab.EVENT_ROLES:
        abort(400)
    invited, not_invited = events.invite_many(event, experts, current_user, role)
    refused += not_invited
    return _event_page(event, outcome=(invited, refused),
                       status=409 if refused and not invited else 200)


def _invitation_or_404(event_id, invitation_id):
    """The event (editable by the viewer) and its invitation of a profile the viewer
    may see."""
    event = _editable(Event, event_id)
    viewer = current_viewer()
    row = get_or_404(EventInvitation, invitation_id, EventInvitation.event == event.id,
                     visible=lambda row: finder.get_visible(row.expert_id, viewer) is not None)
    return event, row


def _invitation_action(event_id, invitation_id, action, name):
    event, row = _invitation_or_404(event_id, invitation_id)
    try:
        action(row, request.form.get(name, ""), current_user.id)
    except common.Refused as exc:
        if exc.status == 400:  # a value the form never offers
            abort(400)
        return _event_page(event, status=exc.status, problem=exc.message)
    return redirect(url_for("programme.event", event_id=event.id,
                            _anchor=f"invitation-{row.id}"))


@bp.post("/events/<int:event_id>/invitations/<int:invitation_id>/reply")
@role_required(*ROLES)
def invitation_reply(event_id, invitation_id):
    """A reply received offline (by phone, letter), or none."""
    return _invitation_action(event_id, invitation_id, events.record_reply, "status")


@bp.post("/events/<int:event_id>/invitations/<int:invitation_id>/attendance")
@role_required(*ROLES)
def invitation_attendance(event_id, invitation_id):
    return _invitation_action(event_id, invitation_id, events.record_attendance, "attendance")


@bp.post("/events/<int:event_id>/invitations/<int:invitation_id>/role")
@role_required(*ROLES)
def invitation_role(event_id, invitation_id):
    return _invitation_action(event_id, invitation_id, events.set_role, "role")


# -- the expert's side ------------------------------------------------------------------
def _own_invitation_or_404(invitation_id):
    if not current_user.expert_id:
        abort(404)
    return get_or_404(EventInvitation, invitation_id,
                      EventInvitation.expert == current_user.expert_id)


@bp.get("/account/events")
@login_required
def my_events():
    if not current_user.expert_id:
        abort(404)
    return render_template("programme/my_events.html",
                           rows=events.for_expert(current_user.expert_id),
                           answerable=events.ANSWERABLE)


@bp.post("/account/events/<int:invitation_id>/accept")
@login_required
def my_event_accept(invitation_id):
    events.answer(_own_invitation_or_404(invitation_id), current_user, accepted=True)
    return redirect(url_for("programme.my_events"))


@bp.post("/account/events/<int:invitation_id>/decline")
@login_required
def my_event_decline(invitation_id):
    events.answer(_own_invitation_or_404(invitation_id), current_user, accepted=False)
    return redirect(url_for("programme.my_events"))


# -- delegations ------------------------------------------------------------------------
def _mission_url(mission):
    return url_for("programme.delegation", mission_id=mission.id)


@bp.get("/delegations")
@role_required(*ROLES)
def delegation_list():
    direction = request.args.get("direction", "")
    country = request.args.get("country", "").upper()[:2]
    q = request.args.get("q", "")[:200]
    rows = delegations.listing(direction=direction,
                               country=country if places.is_country(country) else None, q=q)
    return render_template("programme/delegations.html", rows=rows, direction=direction,
                           country=country, q=q)


@bp.route("/delegations/new", methods=["GET", "POST"])
@role_required(*ROLES)
def delegation_new():
    form = MissionForm(data={"department": current_user.department}) \
        if request.method == "GET" else MissionForm()
    return _save(form, lambda raw, actor, record: delegations.save(raw, actor), None,
                 _mission_url, "delegation", url_for("programme.delegation_new"))


@bp.route("/delegations/<int:mission_id>/edit", methods=["GET", "POST"])
@role_required(*ROLES)
def delegation_edit(mission_id):
    mission = _editable(Mission, mission_id)
    form = MissionForm(data=_values(mission, MissionForm.COLUMNS)) if request.method == "GET" \
        else MissionForm()
    return _save(form, lambda raw, actor, record: delegations.save(raw, actor, record), mission,
                 _mission_url, "delegation",
                 url_for("programme.delegation_edit", mission_id=mission.id))


def _delegation_page(mission, problem=None, status=200):
    viewer = current_viewer()
    rows = delegations.follow_ups(mission)
    return render_template("programme/delegation.html", mission=mission,
                           experts=delegations.experts(mission, viewer),
                           officials=delegations.lines(mission.officials),
                           organisations=delegations.lines(mission.organisations),
                           follow_ups=rows, overdue=delegations.overdue(rows),
                           agreements=agreements.for_mission(mission.id),
                           may_edit=common.may_edit(viewer, mission), problem=problem), status


@bp.get("/delegations/<int:mission_id>")
@role_required(*ROLES)
def delegation(mission_id):
    return _delegation_page(get_or_404(Mission, mission_id))


@bp.post("/delegations/<int:mission_id>/delete")
@role_required(*ROLES)
def delegation_delete(mission_id):
    delegations.delete(_editable(Mission, mission_id), current_user.id)
    return redirect(url_for("programme.delegation_list"))


@bp.post("/delegations/<int:mission_id>/experts")
@role_required(*ROLES)
def delegation_add_expert(mission_id):
    mission = _editable(Mission, mission_id)
    if not request.form.get("expert_id"):
        abort(400)
    expert = _posted_expert()
    if expert is None:
        return _delegation_page(mission, _("No such expert."), 404)
    try:
        delegations.add_expert(mission, expert, request.form.get("role", ""), current_user.id)
    except common.Refused as exc:
        return _delegation_page(mission, exc.message, exc.status)
    return redirect(_mission_url(mission))


@bp.post("/delegations/<int:mission_id>/experts/<int:link_id>/remove")
@role_required(*ROLES)
def delegation_remove_expert(mission_id, link_id):
    mission = _editable(Mission, mission_id)
    viewer = current_viewer()
    row = get_or_404(MissionExpert, link_id, MissionExpert.mission == mission.id,
                     visible=lambda row: finder.get_visible(row.expert_id, viewer) is not None)
    delegations.remove_expert(row, current_user.id)
    return redirect(_mission_url(mission))


@bp.post("/delegations/<int:mission_id>/follow-ups")
@role_required(*ROLES)
def delegation_follow_up(mission_id):
    mission = _editable(Mission, mission_id)
    try:
        delegations.add_follow_up(mission, request.form, current_user.id)
    except common.Problems as exc:
        return _delegation_page(mission, "; ".join(message for _name, message in exc.errors), 400)
    return redirect(_mission_url(mission))


@bp.post("/delegations/<int:mission_id>/follow-ups/<int:follow_up_id>/done")
@role_required(*ROLES)
def delegation_follow_up_done(mission_id, follow_up_id):
    mission = _editable(Mission, mission_id)
    row = get_or_404(MissionFollowUp, follow_up_id, MissionFollowUp.mission == mission.id)
    delegations.set_done(row, request.form.get("done") == "1", current_user.id)
    return redirect(_mission_url(mission))


# -- agreements -------------------------------------------------------------------------
def _agreement_url(agreement):
    return url_for("programme.agreement", agreement_id=agreement.id)


@bp.get("/agreements")
@role_required(*ROLES)
def agreement_list():
    status = request.args.get("status", "")
    scope = request.args.get("scope", "")
    q = request.args.get("q", "")[:200]
    rows = agreements.listing(status=status, scope=scope, q=q)
    return render_template("programme/agreements.html", rows=rows, status=status, scope=scope,
                           q=q, status_of=agreements.status_of)


@bp.route("/agreements/new", methods=["GET", "POST"])
@role_required(*ROLES)
def agreement_new():
    form = AgreementForm(data={"department": current_user.department, "status": "draft"}) \
        if request.method == "GET" else AgreementForm()
    return _save(form, lambda raw, actor, record: agreements.save(raw, actor), None,
                 _agreement_url, "agreement", url_for("programme.agreement_new"))


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@role_required(*ROLES)
def agreement_edit(agreement_id):
    agreement = _editable(Agreement, agreement_id)
    form = AgreementForm(data=_values(agreement, AgreementForm.COLUMNS)) \
        if request.method == "GET" else AgreementForm()
    return _save(form, lambda raw, actor, record: agreements.save(raw, actor, record), agreement,
                 _agreement_url, "agreement",
                 url_for("programme.agreement_edit", agreement_id=agreement.id))


def _agreement_page(agreement, problem=None, status=200):
    viewer = current_viewer()
    return render_template("programme/agreement.html", agreement=agreement,
                           status=agreements.status_of(agreement), taxonomy=catalog.load(),
                           experts=agreements.experts(agreement, viewer),
                           links=agreements.links(agreement), files=agreements.files(agreement),
                           may_edit=common.may_edit(viewer, agreement), problem=problem,
                           limit=current_app.config["ATTACHMENT_MAX_BYTES"],
                           rejected=request.args.get("rejected")), status


@bp.get("/agreements/<int:agreement_id>")
@role_required(*ROLES)
def agreement(agreement_id):
    return _agreement_page(get_or_404(Agreement, agreement_id))


@bp.post("/agreements/<int:agreement_id>/delete")
@role_required(*ROLES)
def agreement_delete(agreement_id):
    agreements.delete(_editable(Agreement, agreement_id), current_user.id)
    return redirect(url_for("programme.agreement_list"))


@bp.post("/agreements/<int:agreement_id>/experts")
@role_required(*ROLES)
def agreement_add_expert(agreement_id):
    agreement = _editable(Agreement, agreement_id)
    if not request.form.get("expert_id"):
        abort(400)
    expert = _posted_expert()
    if expert is None:
        return _agreement_page(agreement, _("No such expert."), 404)
    try:
        agreements.link_expert(agreement, expert, current_user.id)
    except common.Refused as exc:
        return _agreement_page(agreement, exc.message, exc.status)
    return redirect(_agreement_url(agreement))


@bp.post("/agreements/<int:agreement_id>/experts/<int:expert_id>/remove")
@role_required(*ROLES)
def agreement_remove_expert(agreement_id, expert_id):
    agreement = _editable(Agreement, agreement_id)
    if finder.get_visible(expert_id, current_viewer()) is None \
            or not agreements.unlink_expert(agreement, expert_id, current_user.id):
        abort(404)
    return redirect(_agreement_url(agreement))


@bp.post("/agreements/<int:agreement_id>/links")
@role_required(*ROLES)
def agreement_link(agreement_id):
    agreement = _editable(Agreement, agreement_id)
    event_id = parse_id(request.form.get("event_id"))
    mission_id = parse_id(request.form.get("mission_id"))
    if not event_id and not mission_id:
        abort(400)
    event = Event.get_or_none(Event.id == event_id) if event_id else None
    mission = Mission.get_or_none(Mission.id == mission_id) if mission_id else None
    if (event_id and event is None) or (mission_id and mission is None):
        return _agreement_page(agreement, _("No event or delegation has this number."), 404)
    try:
        agreements.link(agreement, current_user.id, event=event, mission=mission)
    except common.Refused as exc:
        return _agreement_page(agreement, exc.message, exc.status)
    return redirect(_agreement_url(agreement))


@bp.post("/agreements/<int:agreement_id>/links/<int:link_id>/remove")
@role_required(*ROLES)
def agreement_unlink(agreement_id, link_id):
    agreement = _editable(Agreement, agreement_id)
    row = get_or_404(AgreementLink, link_id, AgreementLink.agreement == agreement.id)
    agreements.unlink(row, current_user.id)
    return redirect(_agreement_url(agreement))


@bp.post("/agreements/<int:agreement_id>/files")
@role_required(*ROLES)
def agreement_attach(agreement_id):
    agreement = _editable(Agreement, agreement_id)
    upload = attachment_views.uploaded_file()
    try:
        agreements.attach(agreement, upload.stream, upload.filename, current_user.id)
    except attachments.Rejected as exc:
        if exc.reason == "too_large":
            abort(413)
        return redirect(url_for("programme.agreement", agreement_id=agreement.id,
                                rejected=exc.reason), code=303)
    return redirect(_agreement_url(agreement))


@bp.get("/agreements/<int:agreement_id>/files/<int:file_id>")
@role_required(*ROLES)
def agreement_download(agreement_id, file_id):
    agreement = get_or_404(Agreement, agreement_id)
    return attachments.download(
        get_or_404(AgreementFile, file_id, AgreementFile.agreement == agreement.id))


@bp.post("/agreements/<int:agreement_id>/files/<int:file_id>/delete")
@role_required(*ROLES)
def agreement_detach(agreement_id, file_id):
    agreement = _editable(Agreement, agreement_id)
    row = get_or_404(AgreementFile, file_id, AgreementFile.agreement == agreement.id)
    agreements.detach(agreement, row, current_user.id)
    return redirect(_agreement_url(agreement))
