"""The official's request form (on a need), their list of requests, the curators' queue of
requests through the Department, and the expert's answers (``/account/requests``)."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from expertnet.accounts.models import User
from expertnet.core import access, audit
from expertnet.core.access import current_viewer
from expertnet.core.db import utcnow
from expertnet.directory import finder
from expertnet.directory.models import Expert
from expertnet.outreach import contact_requests
from expertnet.outreach import needs as records
from expertnet.outreach.controllers.contacts import bp
from expertnet.outreach.controllers.contacts.forms import ContactRequestForm, OutcomeForm
from expertnet.outreach.controllers.needs.routes import need_or_404
from expertnet.outreach.models import ContactBlock, ContactRequest, Need
from expertnet.web.guards import get_or_404, role_required


@bp.route("/needs/<int:need_id>/contact/<int:expert_id>", methods=["GET", "POST"])
@role_required(*records.ROLES)
def ask(need_id, expert_id):
    return _ask(need_id, expert_id, "expert")


@bp.route("/needs/<int:need_id>/department-contact/<int:expert_id>", methods=["GET", "POST"])
@role_required("official")
def ask_department(need_id, expert_id):
    """An unclaimed expert: the official asks the Department to make contact (curators
    see every detail already, so only officials ask)."""
    return _ask(need_id, expert_id, "department")


def _ask(need_id, expert_id, channel):
    """The request form of ``channel``: the same purpose, message, limits and checks
    whoever answers."""
    viewer = current_viewer()
    need = need_or_404(need_id, viewer)
    expert = finder.get_visible(expert_id, viewer)
    if expert is None:
        abort(404)
    default = need.available_for[0] if need.available_for else "consulting"
    form = ContactRequestForm(data={"purpose": default}) if request.method == "GET" \
        else ContactRequestForm()
    refusal, status = None, 200
    try:
        contact_requests.check(need, expert, current_user, channel)
    except contact_requests.Refused as exc:
        refusal, status = exc.message, exc.status if request.method == "POST" else 200
    if refusal is None and form.validate_on_submit():
        try:
            contact_requests.send(need, expert, current_user, form.purpose.data,
                                  form.message.data or "", channel=channel)
        except contact_requests.Refused as exc:
            if exc.status == 400:
                form.purpose.errors = [exc.message]
                status = 400
            else:
                refusal, status = exc.message, exc.status
        else:
            return redirect(url_for("needs.show", need_id=need.id, sent=expert.id,
                                    _anchor=f"expert-{expert.id}"))
    elif request.method == "POST" and refusal is None:
        status = 400
    return render_template("contacts/ask.html", need=need, expert=expert, form=form,
                           refusal=refusal, channel=channel,
                           department_link=refusal is not None and channel == "expert"
                           and _department_may_ask(need, expert)), status


def _department_may_ask(need, expert):
    """Whether the Department could be asked instead (an unclaimed expert asked
    directly): then the refusal points there."""
    if current_viewer().role != "official":
        return False
    try:
        contact_requests.check(need, expert, current_user, "department")
    except contact_requests.Refused:
        return False
    return True


@bp.get("/needs/requests")
@role_required(*records.ROLES)
def sent():
    """The requests the signed-in official sent, and where each stands."""
    return render_template("contacts/sent.html", rows=contact_requests.sent_by(current_user.id))


# -- through the Department: the curators' queue ---------------------------------------
@bp.app_context_processor
def _queue_count():
    def department_queue_count():
        # Only the curators' navigation asks. Kept in the request's environ like the
        # unread notifications (alerts.routes): ``g`` may be an outer app context's.
        if "expertnet.department_queue" not in request.environ:
            request.environ["expertnet.department_queue"] = contact_requests.department_count()
        return request.environ["expertnet.department_queue"]
    return {"department_queue_count": department_queue_count}


@bp.get("/curate/department-contacts")
@role_required("curator", "admin")
def department_queue():
    rows = contact_requests.department_queue()
    now = utcnow()
    return render_template("contacts/queue.html", rows=rows,
                           due={row.id: contact_requests.due_at(row) for row in rows},
                           overdue={row.id for row in rows if contact_requests.is_overdue(row, now)})


@bp.route("/curate/department-contacts/<int:contact_id>", methods=["GET", "POST"])
@role_required("curator", "admin")
def department_outcome(contact_id):
    row = get_or_404(ContactRequest, contact_id, ContactRequest.channel == "department")
    form = OutcomeForm()
    refusal, status = None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                contact_requests.record_outcome(row, current_user, form.outcome.data,
                                                fields=form.shared(), note=form.note.data or "")
            except contact_requests.Refused as exc:
                refusal, status = exc.message, exc.status
            else:
                return redirect(url_for("contacts.department_queue", done=row.id))
    need = Need.get_by_id(row.need_id)
    expert = Expert.get_by_id(row.expert_id)
    official = User.get_or_none(User.id == row.official_id) if row.official_id else None
    # The curator reaches the person with the details on file: a view like any other.
    audit.contact_view(current_viewer(), expert, access.CONTACT_FIELDS, source="screen")
    return render_template("contacts/outcome.html", row=row, need=need, expert=expert,
                           official=official, form=form, refusal=refusal,
                           due=contact_requests.due_at(row),
                           overdue=contact_requests.is_overdue(row)), status


# -- the expert's side ------------------------------------------------------------------
def _own_profile_or_404():
    if not current_user.expert_id:
        abort(404)
    return current_user.expert_id


def _own_request_or_404(contact_id):
    return get_or_404(ContactRequest, contact_id, ContactRequest.expert == _own_profile_or_404())


@bp.get("/account/requests")
@login_required
def my_requests():
    expert_id = _own_profile_or_404()
    return render_template("contacts/mine.html", rows=contact_requests.for_expert(expert_id),
                           blocks=contact_requests.blocks(expert_id))


@bp.post("/account/requests/<int:contact_id>/accept")
@login_required
def accept(contact_id):
    contact_requests.answer(_own_request_or_404(contact_id), current_user, accepted=True)
    return redirect(url_for("contacts.my_requests"))


@bp.post("/account/requests/<int:contact_id>/decline")
@login_required
def decline(contact_id):
    contact_requests.answer(_own_request_or_404(contact_id), current_user, accepted=False)
    return redirect(url_for("contacts.my_requests"))


@bp.post("/account/requests/<int:contact_id>/revoke")
@login_required
def revoke(contact_id):
    contact_requests.revoke(_own_request_or_404(contact_id), current_user)
    return redirect(url_for("contacts.my_requests"))


@bp.post("/account/requests/<int:contact_id>/block")
@login_required
def block_department(contact_id):
    """No more requests from the department that sent this one."""
    row = _own_request_or_404(contact_id)
    if not row.department:
        abort(400)
    contact_requests.block(row.expert_id, row.department, current_user)
    return redirect(url_for("contacts.my_requests"))


@bp.post("/account/requests/block-all")
@login_required
def block_everyone():
    contact_requests.block(_own_profile_or_404(), "", current_user)
    return redirect(url_for("contacts.my_requests"))


@bp.post("/account/requests/blocks/<int:block_id>/remove")
@login_required
def remove_block(block_id):
    row = get_or_404(ContactBlock, block_id, ContactBlock.expert == _own_profile_or_404())
    contact_requests.unblock(row, current_user)
    return redirect(url_for("contacts.my_requests"))
