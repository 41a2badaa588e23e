"""Contact requests with consent (issue 6; SECURITY.md "Visibility").

An official who may not see an expert's contact details asks for them, for one need,
with a purpose and a message. The expert (through the account that owns the profile)
is told by e-mail, when mail is configured, and on ``/account/requests``; they accept or
decline. An accepted request shows the details to that official on that need's pages
only, and stops doing so the moment the expert revokes it.

- One request per need and expert, whatever became of it (a unique key).
- An expert blocks further requests from everyone or from one department.
- Withdrawing the ``contact`` or ``publish`` consent cancels the pending requests and
  revokes the accepted ones; a deleted profile takes its requests and blocks with it
  (``services.delete_profile``).
- An official sends at most ``CONTACT_REQUESTS_PER_DAY`` requests in 24 hours.
"""
import datetime

from flask import current_app, url_for
from peewee import JOIN, IntegrityError

from expertnet import access, audit, consent, mail, notifications, vocab
from expertnet.db import database, utcnow
from expertnet.i18n import _
from expertnet.models import ContactBlock, ContactRequest, Need, ShortlistEntry, User
from expertnet.text import clean, clean_multiline, fold

STATUSES = ("pending", "accepted", "declined", "revoked", "cancelled")
MAX_MESSAGE = 2000


class Refused(ValueError):
    """The request cannot be sent; ``message`` says why, in the asker's language."""

    def __init__(self, message, status=409):
        super().__init__(str(message))
        self.message = message
        self.status = status


def owner_of(expert_id):
    return User.get_or_none((User.expert == expert_id) & User.active)


def department_of(user):
    return clean(user.department) if user is not None else ""


def blocked(expert_id, *departments):
    """Whether the expert blocks requests from everyone or from one of ``departments``
    (compared without accents or case); empty names are skipped."""
    folded = {fold(clean(name)) for name in departments} - {""}
    for block in ContactBlock.select().where(ContactBlock.expert == expert_id):
        if not block.department or fold(clean(block.department)) in folded:
            return True
    return False


def sent_today(official_id):
    since = utcnow() - datetime.timedelta(days=1)
    return (ContactRequest.select()
            .where((ContactRequest.official == official_id) & (ContactRequest.created_at > since))
            .count())


def hidden_fields(viewer, expert):
    """The contact details the expert has and ``viewer`` may not see."""
    visible = access.visible_contact_fields(viewer, expert)
    return [name for name in access.CONTACT_FIELDS
            if getattr(expert, name, "") and name not in visible]


def check(need, expert, official):
    """Raise :class:`Refused` when ``official`` (a ``User``) may not ask ``expert`` for
    their contact details for ``need``; ``None`` when they may."""
    viewer = access.viewer_for(official)
    if not hidden_fields(viewer, expert):
        raise Refused(_("You can already see every contact detail of this expert."))
    existing = ContactRequest.get_or_none((ContactRequest.need == need.id)
                                          & (ContactRequest.expert == expert.id))
    if existing is not None:
        raise Refused(_("A request was already sent to this expert for this need."))
    if consent.withdrawn([expert.id]).get(expert.id):
        raise Refused(_("This expert has withdrawn their consent: no request can be sent."))
    if owner_of(expert.id) is None:
        raise Refused(_("This expert has not claimed their profile yet, so they cannot answer "
                        "a request. A curator can invite them."))
    if blocked(expert.id, department_of(official) or need.organization):
        raise Refused(_("This expert does not accept contact requests from your department."))
    if sent_today(official.id) >= current_app.config["CONTACT_REQUESTS_PER_DAY"]:
        raise Refused(_("You have sent as many contact requests as allowed in 24 hours. "
                        "Please try again tomorrow."), status=429)


def send(need, expert, official, purpose, message):
    """Record the request, put the expert on the need's shortlist, tell the expert.
    Raises :class:`Refused`."""
    if purpose not in vocab.AVAILABILITY:
        raise Refused(_("Choose the purpose of the request."), status=400)
    message = clean_multiline(message)[:MAX_MESSAGE]
    try:
        with database.atomic():
            check(need, expert, official)
            request = ContactRequest.create(
                need=need.id, expert=expert.id, official=official.id,
                department=department_of(official) or need.organization, purpose=purpose,
                message=message)
            if not ShortlistEntry.select().where((ShortlistEntry.need == need.id)
                                                 & (ShortlistEntry.expert == expert.id)).exists():
                # Imported here: the needs package's routes import this module.
                from expertnet.needs import shortlists
                shortlists.add(need, expert, official.id)
            audit.record("contact_request.send", actor_id=official.id, expert_id=expert.id,
                         changes={"need": need.id, "contact_request": request.id})
    except IntegrityError:
        # The same request sent twice at once: the unique key kept one.
        raise Refused(_("A request was already sent to this expert for this need.")) from None
    from expertnet.needs import records
    records.refresh_status(need.id)
    _tell_expert(request, need, official)
    return request


def _tell_expert(request, need, official):
    owner = owner_of(request.expert_id)
    if owner is None:
        return

    def compose():
        subject = _("A request to contact you: %(title)s", title=need.title)
        body = "\n\n".join([
            _("An official of %(department)s asks for your contact details for this need:",
              department=request.department),
            need.title,
            _("Purpose: %(purpose)s", purpose=vocab.AVAILABILITY[request.purpose]),
            _("Message: %(message)s", message=request.message) if request.message else "",
            _("Accept or decline (your details are shown to this official for this need only, "
              "and you can withdraw them at any time): %(url)s",
              url=url_for("contacts.my_requests", _external=True)),
        ])
        return subject, body

    notifications.notify(owner, "contact_request", link=notifications.path_for("contacts.my_requests"),
                         department=request.department, title=need.title)
    mail.send(owner.email, "contact_request", compose, language=owner.language or None)


def _tell_official(request, accepted):
    official = User.get_or_none(User.id == request.official_id)
    need = Need.get_or_none(Need.id == request.need_id)
    if official is None or need is None:
        return

    def compose():
        if accepted:
            subject = _("Your contact request was accepted: %(title)s", title=need.title)
            line = _("The expert accepted. Their contact details are on the need's page.")
        else:
            subject = _("Your contact request was declined: %(title)s", title=need.title)
            line = _("The expert declined. Please do not ask again for this need.")
        return subject, "\n\n".join(
            [line, url_for("needs.show", need_id=need.id, _external=True)])

    notifications.notify(official, "contact_accepted" if accepted else "contact_declined",
                         link=notifications.path_for("needs.show", need_id=need.id),
                         title=need.title)
    mail.send(official.email, "contact_answer", compose, language=official.language or None)


# -- the expert's side -------------------------------------------------------------------
def for_expert(expert_id):
    """The requests about a profile, pending first then newest first, with their need
    (``request.need``) and asker (``request.official``)."""
    rows = list(ContactRequest.select(ContactRequest, Need, User)
                .join(Need).switch(ContactRequest)
                .join(User, on=(ContactRequest.official == User.id), join_type=JOIN.LEFT_OUTER)
                .where(ContactRequest.expert == expert_id)
                .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc()))
    return sorted(rows, key=lambda row: row.status != "pending")


def pending_count(expert_id):
    if not expert_id:
        return 0
    return (ContactRequest.select()
            .where((ContactRequest.expert == expert_id) & (ContactRequest.status == "pending"))
            .count())


def answer(request, user, accepted):
    """The expert accepts or declines a pending request."""
    if request.status != "pending":
        return False
    status = "accepted" if accepted else "declined"
    with database.atomic():
        changed = (ContactRequest.update(status=status, decided_at=utcnow())
                   .where((ContactRequest.id == request.id)
                          & (ContactRequest.status == "pending")).execute())
        if changed:
            audit.record(f"contact_request.{'accept' if accepted else 'decline'}",
                         actor_id=user.id, expert_id=request.expert_id,
                         changes={"need": request.need_id, "contact_request": request.id})
    if changed:
        _tell_official(request, accepted)
    return bool(changed)


def revoke(request, user):
    """The expert takes back an accepted request: the details are hidden at once."""
    with database.atomic():
        changed = (ContactRequest.update(status="revoked", revoked_at=utcnow())
                   .where((ContactRequest.id == request.id)
                          & (ContactRequest.status == "accepted")).execute())
        if changed:
            audit.record("contact_request.revoke", actor_id=user.id, expert_id=request.expert_id,
                         changes={"need": request.need_id, "contact_request": request.id})
    return bool(changed)


def close_for_expert(expert_id, actor=None, reason="consent"):
    """A withdrawn consent: pending requests are cancelled and accepted ones revoked."""
    now = utcnow()
    with database.atomic():
        cancelled = (ContactRequest.update(status="cancelled", decided_at=now)
                     .where((ContactRequest.expert == expert_id)
                            & (ContactRequest.status == "pending")).execute())
        revoked = (ContactRequest.update(status="revoked", revoked_at=now)
                   .where((ContactRequest.expert == expert_id)
                          & (ContactRequest.status == "accepted")).execute())
        if cancelled or revoked:
            audit.record("contact_request.close", actor_id=actor, expert_id=expert_id,
                         changes={"status": {"cancelled": cancelled, "revoked": revoked},
                                  "scope": reason})
    return cancelled + revoked


def blocks(expert_id):
    return list(ContactBlock.select().where(ContactBlock.expert == expert_id)
                .order_by(ContactBlock.created_at))


def block(expert_id, department, user):
    """Refuse further requests from ``department`` ("" for everyone)."""
    department = clean(department)[:200]
    with database.atomic():
        if ContactBlock.select().where((ContactBlock.expert == expert_id)
                                       & (ContactBlock.department == department)).exists():
            return None
        row = ContactBlock.create(expert=expert_id, department=department)
        audit.record("contact_request.block", actor_id=user.id, expert_id=expert_id,
                     changes={"scope": "department" if department else "everyone"})
    return row


def unblock(row, user):
    with database.atomic():
        row.delete_instance()
        audit.record("contact_request.unblock", actor_id=user.id, expert_id=row.expert_id,
                     changes={"scope": "department" if row.department else "everyone"})


# -- the official's side ------------------------------------------------------------------
def for_need(need):
    """``{expert id: ContactRequest}`` of a need."""
    return {row.expert_id: row for row in
            ContactRequest.select().where(ContactRequest.need == need.id)}


def granted_ids(need, viewer):
    """Experts whose contact details ``viewer`` sees on ``need``'s pages: those who
    accepted (and have not revoked) this viewer's request for this need."""
    if viewer.user_id is None:
        return set()
    return {row.expert_id for row in
            ContactRequest.select(ContactRequest.expert)
            .where((ContactRequest.need == need.id) & (ContactRequest.official == viewer.user_id)
                   & (ContactRequest.status == "accepted"))}

