"""Curators' pages on the profile's blueprint, kept by accounts (reviews, the accounts
that made each change): ``/curate/reviews`` (the review queue, a side-by-side diff per
proposal, accept or reject) and ``/experts/<id>/history`` (the profile's changes, old →
new, with a restore to the values before any of them). Writes go through
``writes`` and ``reviews``; all are audited."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.accounts import registrations, reviews
from expertnet.accounts import users as accounts
from expertnet.core import links
from expertnet.core.i18n import _, current_language
from expertnet.core.models import Audit
from expertnet.core.text import parse_id
from expertnet.directory import validation, writes
from expertnet.directory.blueprint import bp
from expertnet.directory.editing import display
from expertnet.directory.forms import (
    AcceptReviewForm,
    RejectReviewForm,
    RestoreForm,
    column_labels,
)
from expertnet.directory.models import Expert
from expertnet.web.guards import get_or_404, role_required

CURATORS = ("curator", "admin")
# The audit entries that change a profile's values (shown in its history).
PROFILE_ACTIONS = ("profile.create", "profile.update", "profile.restore")
# Not restored: the import key identifies the record in its source file, and who sees
# the profile and its contact details is the person's decision (a consent withdrawal
# narrows them; restoring an older value would publish again without consent).
NOT_RESTORED = ("external_id", "visibility", "email_visibility", "phone_visibility")


def _change_or_404(change_id, pending=True):
    row = reviews.change(change_id)
    if row is None or (pending and row.status != "pending"):
        abort(404)
    return row


# -- the review queue --------------------------------------------------------------------
@bp.get("/curate/reviews")
@role_required(*CURATORS)
def reviews_queue():
    return _queue_page(request.args.get("done"))


def _queue_page(done=None, status=200):
    rows = reviews.queue()
    experts = {expert.id: expert for expert in
               Expert.select().where(Expert.id.in_([row.expert_id for row in rows]))}
    emails = accounts.emails_by_id(row.user_id for row in rows)
    return render_template("profiles/reviews.html", rows=rows, experts=experts, emails=emails,
                           labels=column_labels(), done=done,
                           registrations_waiting=registrations.waiting_count()), status


def _diff_page(row, accept_form=None, reject_form=None, conflict=False, status=200):
    expert = Expert.get_by_id(row.expert_id)
    language = current_language()
    labels = column_labels()
    meanwhile = reviews.changed_meanwhile(row, expert)
    original = row.original_values
    diff = [{"label": labels.get(name, name),
             "then": display(name, original.get(name), language),
             "current": display(name, getattr(expert, name), language),
             "proposed": display(name, value, language),
             "meanwhile": name in meanwhile}
            for name, value in row.proposed_values.items()]
    accept_form = accept_form or AcceptReviewForm(formdata=None)
    accept_form.version.data = str(expert.version)
    return render_template("profiles/review.html", row=row, expert=expert, diff=diff,
                           meanwhile=bool(meanwhile), conflict=conflict,
                           proposer=accounts.emails_by_id([row.user_id]).get(row.user_id, ""),
                           accept_form=accept_form,
                           reject_form=reject_form or RejectReviewForm(formdata=None)), status


@bp.get("/curate/reviews/<int:change_id>")
@role_required(*CURATORS)
def review(change_id):
    return _diff_page(_change_or_404(change_id))


def _posted_version(form):
    """The profile version the curator saw, from a posted form (400 when the form is
    missing its CSRF token or the version is not a number)."""
    if not form.validate_on_submit():
        abort(400)
    version = parse_id(form.version.data)
    if version is None:
        abort(400)
    return version


@bp.post("/curate/reviews/<int:change_id>/accept")
@role_required(*CURATORS)
def accept_review(change_id):
    row = _change_or_404(change_id)
    version = _posted_version(AcceptReviewForm())
    expert = Expert.get_by_id(row.expert_id)
    try:
        reviews.accept(row, expert, version, actor=current_user.id)
    except writes.VersionConflict:
        return _diff_page(row, conflict=True, status=409)
    except validation.ProfileErrors:
        return _diff_page(row, conflict=True, status=409)
    except writes.ProfileGone:
        abort(404)
    except reviews.AlreadyDecided:
        return _queue_page("taken", status=409)
    # Told once: only the curator whose decision counted gets here.
    reviews.tell_outcome(row, links.base_url(anonymous=False))
    return redirect(url_for("profiles.reviews_queue", done="accepted"))


@bp.post("/curate/reviews/<int:change_id>/reject")
@role_required(*CURATORS)
def reject_review(change_id):
    row = _change_or_404(change_id)
    form = RejectReviewForm()
    if not form.validate_on_submit():
        return _diff_page(row, reject_form=form, status=400)
    try:
        reviews.reject(row, current_user.id, (form.reason.data or "").strip())
    except reviews.AlreadyDecided:
        return _queue_page("taken", status=409)
    reviews.tell_outcome(row, links.base_url(anonymous=False))
    return redirect(url_for("profiles.reviews_queue", done="rejected"))


# -- history and restore -------------------------------------------------------------------
def _history(expert_id):
    return list(Audit.select().where((Audit.expert_id == expert_id)
                                     & (Audit.action.in_(PROFILE_ACTIONS)))
                .order_by(Audit.created_at.desc(), Audit.id.desc()))


def values_before(entries, entry_id):
    """The profile's values just before the entry ``entry_id``: walking from the newest
    entry back to it, each changed field takes its old value. ``None`` if the entry is
    not in ``entries`` (newest first) or is the creation (nothing came before it)."""
    target = {}
    for row in entries:
        for name, change in row.changed.items():
            if name in validation.COLUMNS and name not in NOT_RESTORED \
                    and isinstance(change, list) and len(change) == 2:
                target[name] = change[0]
        if row.id == entry_id:
            return None if row.action == "profile.create" else target
    return None


def _raw(values):
    """Audited values back into what ``writes.save_profile`` reads."""
    return {name: "" if value is None else (str(value) if isinstance(value, int) else value)
            for name, value in values.items()}


@bp.get("/experts/<int:expert_id>/history")
@role_required(*CURATORS)
def history(expert_id):
    expert = get_or_404(Expert, expert_id)
    return _history_page(expert)


def _history_page(expert, error=None, status=200):
    language = current_language()
    labels = column_labels()
    entries = _history(expert.id)
    emails = accounts.emails_by_id(row.actor_id for row in entries if row.actor_id)
    rows = []
    for row in entries:
        changes = [(labels.get(name, name), display(name, change[0], language),
                    display(name, change[1], language))
                   for name, change in row.changed.items()
                   if name in validation.COLUMNS and isinstance(change, list) and len(change) == 2]
        rows.append({"entry": row, "who": emails.get(row.actor_id, ""), "changes": changes,
                     "on_behalf": "on_behalf_of" in row.changed,
                     "restorable": row.action != "profile.create"})
    form = RestoreForm(formdata=None)
    form.version.data = str(expert.version)
    return render_template("profiles/history.html", expert=expert, rows=rows, form=form,
                           error=error, restored=request.args.get("restored") == "1"), status


@bp.post("/experts/<int:expert_id>/history/<int:entry_id>/restore")
@role_required(*CURATORS)
def restore(expert_id, entry_id):
    expert = get_or_404(Expert, expert_id)
    target = values_before(_history(expert.id), entry_id)
    if target is None:
        abort(404)
    version = _posted_version(RestoreForm())
    try:
        writes.save_profile(_raw(target), expert=expert, expected_version=version,
                              actor=current_user.id, via="screen", action="profile.restore",
                              note={"restored": entry_id})
    except writes.VersionConflict:
        return _history_page(Expert.get_by_id(expert.id), status=409, error=_(
            "The profile changed since you opened this page. Check its history again."))
    except validation.ProfileErrors as exc:
        return _history_page(expert, status=409, error="; ".join(
            f"{name}: {message}" for name, message in exc.errors))
    except writes.ProfileGone:
        abort(404)
    return redirect(url_for("profiles.history", expert_id=expert.id, restored=1))
