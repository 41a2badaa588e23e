"""``/councils`` (officials, curators, admins): compose a council from a need or a
search, check it, invite its members, record its meetings and conclusion; and
``/account/councils`` (an expert's own invitations, answered with the declaration)."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from expertnet.accounts.models import User
from expertnet.cooperation import attachments, common
from expertnet.core.access import current_viewer
from expertnet.core.i18n import _
from expertnet.core.text import clean, parse_id
from expertnet.councils import checks, operations
from expertnet.councils.controllers import bp
from expertnet.councils.controllers.forms import CouncilForm
from expertnet.councils.models import Council, CouncilMeeting, CouncilMember
from expertnet.directory import finder
from expertnet.outreach import needs as records
from expertnet.outreach import shortlists
from expertnet.outreach.models import Need
from expertnet.taxonomy import store as catalog
from expertnet.web import attachments as attachment_views
from expertnet.web.forms import record_form_page
from expertnet.web.guards import editable_or_403, get_or_404, role_required

ROLES = common.ROLES


def _or_404(council_id):
    return get_or_404(Council, council_id)


def _editable(council_id):
    return editable_or_403(Council, council_id, common.may_edit)


def _url(council, **values):
    return url_for("councils.show", council_id=council.id, **values)


def _form_page(form, council, action):
    heading = _("Edit the council") if council else _("Compose a council")
    return record_form_page(
        form, lambda raw: operations.save(raw, current_user.id, council), _url, "title",
        heading=heading, action=action, back=_url(council) if council else url_for("councils.index"),
        back_label=_("Back"))


@bp.get("/councils")
@role_required(*ROLES)
def index():
    q = request.args.get("q", "")[:200]
    kind = request.args.get("kind", "")
    rows = operations.listing(q=q, kind=kind)
    return render_template("councils/index.html", rows=rows, q=q, kind=kind,
                           kinds=operations.KINDS, statuses=operations.STATUSES,
                           counts=operations.member_counts([row.id for row in rows]))


@bp.route("/councils/new", methods=["GET", "POST"])
@role_required(*ROLES)
def new():
    if request.method == "POST":
        form = CouncilForm()
    else:
        data = {"department": current_user.department, "size": "5", "kind": "review"}
        need_id = parse_id(request.args.get("need"))
        need = Need.get_or_none(Need.id == need_id) if need_id else None
        if need is not None and records.may_see(current_viewer(), need):
            data.update(title=need.title, department=need.organization or current_user.department,
                        subject=need.description, fields=need.fields, need=str(need.id))
        form = CouncilForm(data=data)
    return _form_page(form, None, url_for("councils.new"))


@bp.route("/councils/<int:council_id>/edit", methods=["GET", "POST"])
@role_required(*ROLES)
def edit(council_id):
    council = _editable(council_id)
    if request.method == "GET":
        data = {name: getattr(council, name) for name in CouncilForm.COLUMNS}
        data["size"], data["need"] = str(council.size), str(council.need_id or "")
        form = CouncilForm(data=data)
    else:
        form = CouncilForm()
    return _form_page(form, council, url_for("councils.edit", council_id=council.id))


def _page(council, problem=None, errors=None, status=200, rejected=None):
    viewer = current_viewer()
    rows = operations.members(council)
    paper = operations.paper_declarations(council)
    recorders = {user.id: user.email for user in User.select(User.id, User.email).where(
        User.id.in_([row.recorded_by for row in paper.values() if row.recorded_by]))}
    experts = common.visible_experts(viewer, [row.expert_id for row in rows])
    review = checks.review(council) if council.status != "concluded" else None
    need = Need.get_or_none(Need.id == council.need_id) if council.need_id else None
    taxonomy = catalog.load()
    return render_template("councils/show.html", council=council, rows=rows, experts=experts,
                           review=review, meetings=operations.meetings(council),
                           accepted=[row for row in rows if row.status == "accepted"],
                           may_edit=common.may_edit(viewer, council), problem=problem,
                           errors=errors or {}, taxonomy=taxonomy, ops=operations,
                           paper=paper, recorders=recorders, rejected=rejected,
                           offline=operations.without_account(rows),
                           need=need if need is not None and records.may_see(viewer, need) else None), status


@bp.get("/councils/<int:council_id>")
@role_required(*ROLES)
def show(council_id):
    return _page(_or_404(council_id))


@bp.post("/councils/<int:council_id>/delete")
@role_required(*ROLES)
def delete(council_id):
    operations.delete(_editable(council_id), current_user.id)
    return redirect(url_for("councils.index"))


@bp.get("/councils/<int:council_id>/compose")
@role_required(*ROLES)
def compose(council_id):
    """Candidates: from the need's shortlist, or from a search of the directory, each
    with what the checks say about them."""
    council = _editable(council_id)
    viewer = current_viewer()
    q = request.args.get("q", "")[:200]
    candidates = []
    if q.strip():
        candidates = finder.find(finder.Criteria(q=q, filters={}, per_page=30), viewer,
                                 with_facets=False).experts
    elif council.need_id:
        need = Need.get_or_none(Need.id == council.need_id)
        if need is not None and records.may_see(viewer, need):
            candidates = [expert for _entry, expert in shortlists.entries(need, viewer)]
    seated = {row.expert_id for row in operations.members(council)}
    candidates = [expert for expert in candidates if expert.id not in seated]
    return render_template("councils/compose.html", council=council, q=q, candidates=candidates,
                           problems=checks.member_problems(candidates, council),
                           seats=checks.seats_in_last_year([e.id for e in candidates], council),
                           independent={e.id for e in candidates if checks.independent(e, council)},
                           roles=operations.ROLES)


@bp.post("/councils/<int:council_id>/members")
@role_required(*ROLES)
def add_member(council_id):
    council = _editable(council_id)
    raw_id = clean(request.form.get("expert_id"))
    expert_id = parse_id(raw_id)
    expert = finder.get_visible(expert_id, current_viewer()) if expert_id else None
    if expert is None:
        return _page(council, _("No expert has the number %(number)s.", number=raw_id[:20] or "–"),
                     status=400)
    try:
        operations.add_member(council, expert, request.form.get("role", ""),
                              request.form.get("fee", ""), current_user.id)
    except common.Refused as exc:
        return _page(council, exc.message, status=exc.status)
    except common.Problems as exc:
        return _page(council, exc.errors[0][1], status=400)
    return redirect(_url(council, _anchor="members"))


def _member_or_404(council, member_id):
    row = CouncilMember.get_or_none((CouncilMember.id == member_id)
                                    & (CouncilMember.council == council.id))
    if row is None:
        abort(404)
    return row


@bp.post("/councils/<int:council_id>/members/<int:member_id>/remove")
@role_required(*ROLES)
def remove_member(council_id, member_id):
    council = _editable(council_id)
    try:
        operations.remove_member(_member_or_404(council, member_id), current_user.id)
    except common.Refused as exc:
        return _page(council, exc.message, status=exc.status)
    return redirect(_url(council, _anchor="members"))


@bp.post("/councils/<int:council_id>/members/<int:member_id>/declaration")
@role_required(*ROLES)
def record_declaration(council_id, member_id):
    """The declaration of a member without an account, received on paper or by e-mail."""
    council = _editable(council_id)
    row = _member_or_404(council, member_id)
    upload = attachment_views.uploaded_file() if request.files.get("file") else None
    try:
        operations.record_paper_declaration(row, request.form, upload, current_user.id)
    except common.Refused as exc:
        return _page(council, exc.message, status=exc.status)
    except common.Problems as exc:
        return _page(council, errors={f"declaration-{row.id}": exc.errors}, status=400)
    except attachments.Rejected as exc:
        if exc.reason == "too_large":
            abort(413)
        return _page(council, rejected=exc.reason, status=400)
    return redirect(_url(council, _anchor=f"member-{row.id}"))


@bp.get("/councils/<int:council_id>/members/<int:member_id>/declaration")
@role_required(*ROLES)
def declaration_file(council_id, member_id):
    row = _member_or_404(_or_404(council_id), member_id)
    found = operations.paper_declaration_of(row)
    if found is None:
        abort(404)
    return attachments.download(found)


@bp.post("/councils/<int:council_id>/invite")
@role_required(*ROLES)
def invite(council_id):
    council = _editable(council_id)
    try:
        operations.invite(council, current_user)
    except common.Refused as exc:
        return _page(council, exc.message, status=exc.status)
    return redirect(_url(council, _anchor="members"))


@bp.post("/councils/<int:council_id>/meetings")
@role_required(*ROLES)
def add_meeting(council_id):
    council = _editable(council_id)
    try:
        operations.add_meeting(council, request.form, current_user.id)
    except common.Problems as exc:
        return _page(council, errors={"meeting": exc.errors}, status=400)
    return redirect(_url(council, _anchor="meetings"))


@bp.post("/councils/<int:council_id>/meetings/<int:meeting_id>/delete")
@role_required(*ROLES)
def delete_meeting(council_id, meeting_id):
    council = _editable(council_id)
    meeting = CouncilMeeting.get_or_none((CouncilMeeting.id == meeting_id)
                                         & (CouncilMeeting.council == council.id))
    if meeting is None:
        abort(404)
    operations.delete_meeting(meeting, current_user.id)
    return redirect(_url(council, _anchor="meetings"))


@bp.post("/councils/<int:council_id>/conclude")
@role_required(*ROLES)
def conclude(council_id):
    council = _editable(council_id)
    try:
        operations.conclude(council, request.form, current_user.id)
    except common.Problems as exc:
        return _page(council, errors={"conclude": exc.errors}, status=400)
    return redirect(_url(council, _anchor="conclusion"))


# -- the expert's side ------------------------------------------------------------------
def _own_or_404(member_id):
    if not current_user.expert_id:
        abort(404)
    row = CouncilMember.get_or_none((CouncilMember.id == member_id)
                                    & (CouncilMember.expert == current_user.expert_id)
                                    & (CouncilMember.status != "proposed"))
    if row is None:
        abort(404)
    return row


def _my_page(problem=None, status=200):
    return render_template("councils/mine.html", rows=operations.for_expert(current_user.expert_id),
                           declaration=operations.declaration_text(),
                           version=operations.DECLARATION_VERSION, ops=operations,
                           problem=problem), status


@bp.get("/account/councils")
@login_required
def my_councils():
    if not current_user.expert_id:
        abort(404)
    return _my_page()


@bp.post("/account/councils/<int:member_id>/accept")
@login_required
def my_council_accept(member_id):
    row = _own_or_404(member_id)
    try:
        operations.accept(row, current_user, request.form.get("declaration") == "1")
    except common.Problems as exc:
        return _my_page(exc.errors[0][1], status=400)
    return redirect(url_for("councils.my_councils"))


@bp.post("/account/councils/<int:member_id>/decline")
@login_required
def my_council_decline(member_id):
    operations.decline(_own_or_404(member_id), current_user)
    return redirect(url_for("councils.my_councils"))
