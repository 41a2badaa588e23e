"""``/curate/registrations``: self-registered profiles waiting for a curator, who
approves (the visibility the person chose takes effect, within their consent) or
rejects with a reason. The person is told by e-mail and on their account page."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.accounts import consent, registrations
from expertnet.core import links
from expertnet.directory.blueprint import bp
from expertnet.directory.forms import RejectRegistrationForm
from expertnet.web.guards import role_required

CURATORS = ("curator", "admin")


def _pending_or_404(registration_id):
    row = registrations.pending_registration(registration_id)
    if row is None or row.expert_id is None:
        abort(404)
    return row


def _queue_page(reject_form=None, rejecting=None, status=200):
    rows = registrations.queue()
    return render_template(
        "profiles/registrations.html", rows=rows,
        consents={expert.id: consent.in_force(expert.id) for _row, expert, _email in rows},
        effective={row.id: registrations.effective_visibility(row) for row, _e, _m in rows},
        purposes=consent.PURPOSES, reject_form=reject_form,
        blank_form=RejectRegistrationForm(formdata=None), rejecting=rejecting,
        done=request.args.get("done")), status


@bp.get("/curate/registrations")
@role_required(*CURATORS)
def registrations_queue():
    return _queue_page()


def _decided(row, decide):
    """Apply ``decide`` (approve or reject) once, then tell the person."""
    try:
        decide()
    except LookupError:  # another curator decided meanwhile
        abort(404)
    registrations.tell_outcome(row, links.base_url(anonymous=False))


@bp.post("/curate/registrations/<int:registration_id>/approve")
@role_required(*CURATORS)
def approve_registration(registration_id):
    row = _pending_or_404(registration_id)
    _decided(row, lambda: registrations.approve(row, current_user.id))
    return redirect(url_for("profiles.registrations_queue", done="approved"))


@bp.post("/curate/registrations/<int:registration_id>/reject")
@role_required(*CURATORS)
def reject_registration(registration_id):
    row = _pending_or_404(registration_id)
    form = RejectRegistrationForm()
    if not form.validate_on_submit():
        return _queue_page(reject_form=form, rejecting=row.id, status=400)
    reason = form.reason.data
    _decided(row, lambda: registrations.reject(row, current_user.id, reason))
    return redirect(url_for("profiles.registrations_queue", done="rejected"))
