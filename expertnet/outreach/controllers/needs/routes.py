"""``/needs``: needs, their proposals and their shortlists (officials, curators)."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.accounts.models import User
from expertnet.core import access, audit, signals
from expertnet.core.access import current_viewer
from expertnet.core.text import clean_multiline, parse_id
from expertnet.directory import finder
from expertnet.outreach import contact_requests, matching, shortlists
from expertnet.outreach import needs as records
from expertnet.outreach.controllers.needs import bp
from expertnet.outreach.controllers.needs.forms import NeedForm
from expertnet.outreach.models import Need
from expertnet.taxonomy import store as catalog
from expertnet.web.guards import get_or_404, role_required, safe_next


def need_or_404(need_id, viewer=None):
    """The need, if ``viewer`` may see it; else 404, exactly like a need that does
    not exist."""
    viewer = viewer or current_viewer()
    return get_or_404(Need, need_id, visible=lambda need: records.may_see(viewer, need))


def editable_need_or_abort(need_id):
    viewer = current_viewer()
    need = need_or_404(need_id, viewer)
    if not records.may_edit(viewer, need):
        abort(403)
    return need


def _put_errors(form, errors):
    for name, message in errors:
        target = form._fields.get(name, form.title)
        target.errors = [*target.errors, message]


@bp.get("/needs")
@role_required(*records.ROLES)
def index():
    status = request.args.get("status", "")
    needs = records.visible(current_viewer(), status=status if status in records.STATUSES else None)
    owners = dict(User.select(User.id, User.email)
                  .where(User.id.in_([need.owner_id for need in needs if need.owner_id])).tuples())
    return render_template("needs/index.html", needs=needs, owners=owners, status=status)


@bp.route("/needs/new", methods=["GET", "POST"])
@role_required(*records.ROLES)
def new():
    if request.method == "GET":
        form = NeedForm(data={"organization": current_user.department, "shared": True})
    else:
        form = NeedForm()
    if form.validate_on_submit():
        try:
            need = records.save(form.raw(), owner=current_user)
        except records.NeedErrors as exc:
            _put_errors(form, exc.errors)
        else:
            return redirect(url_for("needs.proposal", need_id=need.id))
    elif request.method == "POST":
        abort(400)
    return render_template("needs/edit.html", form=form, need=None)


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@role_required(*records.ROLES)
def edit(need_id):
    need = editable_need_or_abort(need_id)
    if request.method == "GET":
        values = records.form_values(need)
        for name in ("starts_on", "ends_on"):
            values[name] = values[name].isoformat() if values[name] else ""
        form = NeedForm(data=values)
    else:
        form = NeedForm()
    if form.validate_on_submit():
        try:
            records.save(form.raw(), need=need)
        except records.NeedErrors as exc:
            _put_errors(form, exc.errors)
        else:
            return redirect(url_for("needs.show", need_id=need.id))
    elif request.method == "POST":
        abort(400)
    return render_template("needs/edit.html", form=form, need=need)


@bp.get("/needs/<int:need_id>")
@role_required(*records.ROLES)
def show(need_id):
    viewer = current_viewer()
    need = need_or_404(need_id, viewer)
    owner = User.get_or_none(User.id == need.owner_id) if need.owner_id else None
    entries = shortlists.entries(need, viewer)
    requests = contact_requests.for_need(need)
    return render_template("needs/show.html", need=need, owner=owner, taxonomy=catalog.load(),
                           may_edit=records.may_edit(viewer, need), entries=entries,
                           contacts=_contacts(need, viewer, entries), requests=requests,
                           askable=_askable(viewer, [expert for _e, expert in entries], requests),
                           sent=request.args.get("sent", type=int),
                           # What cooperation recorded for the need (its engagements) and
                           # offers for the shortlist (events to invite it to).
                           **_sections(need, viewer, bool(entries)))


@bp.post("/needs/<int:need_id>/close")
@role_required(*records.ROLES)
def close(need_id):
    records.close(editable_need_or_abort(need_id))
    return redirect(url_for("needs.show", need_id=need_id))


@bp.post("/needs/<int:need_id>/reopen")
@role_required(*records.ROLES)
def reopen(need_id):
    records.reopen(editable_need_or_abort(need_id))
    return redirect(url_for("needs.show", need_id=need_id))


@bp.get("/needs/<int:need_id>/proposal")
@role_required(*records.ROLES)
def proposal(need_id):
    viewer = current_viewer()
    need = need_or_404(need_id, viewer)
    taxonomy = catalog.load()
    try:
        criteria = finder.parse_criteria(request.args, taxonomy)
    except finder.BadParameter as exc:
        return render_template("needs/proposal.html", need=need, error=exc, found=None,
                               filters={}, taxonomy=taxonomy), 400
    found = matching.propose(need, viewer, refine=criteria.filters)
    return render_template("needs/proposal.html", need=need, error=None, found=found,
                           filters=criteria.filters, taxonomy=taxonomy,
                           proposal_url=_proposal_url(need, criteria.filters),
                           shortlisted=shortlists.shortlisted_ids(need),
                           askable=_askable(viewer, found.experts, contact_requests.for_need(need)))


def _sections(need, viewer, shortlisted):
    sections = {"engagements": [], "events": []}
    for answer in signals.answers_of(signals.need_page.send(need, viewer=viewer,
                                                            shortlisted=shortlisted)):
        sections.update(answer)
    return sections


def _askable(viewer, experts, requests):
    """``{expert id: channel}`` of the experts not asked yet for this need who have
    contact details the viewer may not see (the others need no request): "expert" when
    the expert answers on the site, "department" when the profile is unclaimed and
    the Department has to make contact."""
    ids = [expert.id for expert in experts
           if expert.id not in requests and contact_requests.hidden_fields(viewer, expert)]
    claimed = contact_requests.claimed_ids(ids)
    return {expert_id: "expert" if expert_id in claimed else "department" for expert_id in ids}


def _proposal_url(need, filters):
    """``url(add=(name, value))`` / ``url(remove=(name, value))``: the proposal with one
    facet value more or less; every refinement stays in the URL."""
    def url(add=None, remove=None, clear=False):
        args = {} if clear else {name: list(values) for name, values in filters.items()}
        if add:
            args[add[0]] = [*args.get(add[0], []), add[1]]
        if remove:
            args[remove[0]] = [value for value in args.get(remove[0], []) if value != remove[1]]
        return url_for("needs.proposal", need_id=need.id,
                       **{name: values for name, values in args.items() if values})
    return url


# -- the shortlist ----------------------------------------------------------------------
def _back(need):
    return redirect(safe_next(request.form.get("next"), url_for("needs.show", need_id=need.id)))


def _entry_or_404(need_id, expert_id):
    """The need and its shortlist entry for ``expert_id``, if the viewer may see both."""
    viewer = current_viewer()
    need = need_or_404(need_id, viewer)
    entry = shortlists.get(need, expert_id)
    if entry is None or finder.get_visible(expert_id, viewer) is None:
        abort(404)
    return need, entry


@bp.post("/needs/<int:need_id>/shortlist")
@role_required(*records.ROLES)
def shortlist_add(need_id):
    viewer = current_viewer()
    need = need_or_404(need_id, viewer)
    expert_id = parse_id(request.form.get("expert_id", ""))
    if expert_id is None:
        abort(400)
    expert = finder.get_visible(expert_id, viewer)
    if expert is None:
        abort(404)
    shortlists.add(need, expert, current_user.id)
    return _back(need)


@bp.post("/needs/<int:need_id>/shortlist/<int:expert_id>/move")
@role_required(*records.ROLES)
def shortlist_move(need_id, expert_id):
    need, entry = _entry_or_404(need_id, expert_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    shortlists.move(need, entry, direction)
    return _back(need)


@bp.post("/needs/<int:need_id>/shortlist/<int:expert_id>/note")
@role_required(*records.ROLES)
def shortlist_note(need_id, expert_id):
    need, entry = _entry_or_404(need_id, expert_id)
    shortlists.annotate(need, entry, clean_multiline(request.form.get("note", "")), current_user.id)
    return _back(need)


@bp.post("/needs/<int:need_id>/shortlist/<int:expert_id>/remove")
@role_required(*records.ROLES)
def shortlist_remove(need_id, expert_id):
    need, entry = _entry_or_404(need_id, expert_id)
    shortlists.remove(need, entry, current_user.id)
    return _back(need)


@bp.get("/needs/<int:need_id>/shortlist/print")
@role_required(*records.ROLES)
def shortlist_print(need_id):
    """One page per shortlisted expert, for a meeting or a file."""
    viewer = current_viewer()
    need = need_or_404(need_id, viewer)
    entries = shortlists.entries(need, viewer)
    return render_template("needs/print.html", need=need, taxonomy=catalog.load(),
                           entries=entries, contacts=_contacts(need, viewer, entries))


def _contacts(need, viewer, entries):
    """``{expert id: contact fields shown}`` on a need's pages, each view logged: what
    the general rules allow, and every detail of the experts who accepted this
    viewer's contact request for this need."""
    granted = contact_requests.granted_fields(need, viewer)
    shown = {}
    for _entry, expert in entries:
        shown[expert.id] = access.visible_contact_fields(viewer, expert,
                                                         granted=granted.get(expert.id, ()))
        audit.contact_view(viewer, expert, shown[expert.id], source="screen")
    return shown
