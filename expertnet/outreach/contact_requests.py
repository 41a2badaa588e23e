"""Contact requests with consent (SECURITY.md "Visibility").

An official who may not see an expert's contact details asks for them, for one need,
with a purpose and a message. The expert (through the account that owns the profile)
is told by e-mail, when mail is configured, and on ``/account/requests``; they accept or
decline. An accepted request shows the details to that official on that need's pages
only, and stops doing so the moment the expert revokes it.

- One request per need and expert, whatever became of it (a unique key).
- An expert blocks further requests from everyone or from one department.
- Withdrawing the ``contact`` or ``publish`` consent cancels the pending requests and
  revokes the accepted ones; a deleted profile takes its requests and blocks with it
  (``data_rights.delete_profile``).
- An official sends at most ``CONTACT_REQUESTS_PER_DAY`` requests in 24 hours.

**Through the Department**: most of the diaspora has not claimed its
profile, so nobody could answer on the site. An official then asks the Department to
make contact: the same form, limits and checks, on the same model with
``channel="department"``. The request waits in the curators' queue; a curator reaches
the person outside the site and records the outcome (:func:`record_outcome`):

- ``consent``: the request becomes ``accepted``, like an expert's own acceptance, for the
  contact details the person agreed to share (``shared_fields``); a later withdrawal of
  consent revokes it like any other;
- ``declined``;
- ``no_answer``: only once the person had ``DEPARTMENT_CONTACT_DAYS`` days to answer. It is
  a curator's decision, not a timer: the queue shows overdue requests, and the curator
  may still be waiting for a promised call back.

The person's agreement is kept on the request (who recorded it, when, which details,
the curator's note) and in the audit, not as a ``contact`` consent: that purpose widens
who may see the details on every page, far more than "this official may reach me about
this need".
"""
import datetime

from flask import current_app, url_for
from peewee import JOIN, IntegrityError

from expertnet.accounts import consent
from expertnet.accounts.models import User
from expertnet.core import access, audit, signals, vocab
from expertnet.core import outbox as mail
from expertnet.core.db import database, utc_text, utcnow
from expertnet.core.i18n import _, format_moment
from expertnet.core.text import clean, clean_multiline, fold
from expertnet.directory.models import Expert
from expertnet.notifications import inbox as notifications
from expertnet.outreach import needs as records
from expertnet.outreach import shortlists
from expertnet.outreach.models import ContactBlock, ContactRequest, Need, ShortlistEntry

STATUSES = ("pending", "accepted", "declined", "revoked", "cancelled", "no_answer")
CHANNELS = ("expert", "department")
# What a curator records after trying to reach the person, and the status it gives.
OUTCOMES = {"consent": "accepted", "declined": "declined", "no_answer": "no_answer"}
MAX_MESSAGE = 2000
MAX_NOTE = 2000


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


def check(need, expert, official, channel="expert"):
    """Raise :class:`Refused` when ``official`` (a ``User``) may not ask ``expert`` for
    their contact details for ``need`` through ``channel``; ``None`` when they may."""
    viewer = access.viewer_for(official)
    if not hidden_fields(viewer, expert):
        raise Refused(_("You can already see every contact detail of this expert."))
    existing = ContactRequest.get_or_none((ContactRequest.need == need.id)
                                          & (ContactRequest.expert == expert.id))
    if existing is not None:
        raise Refused(_("A request was already sent to this expert for this need."))
    if consent.withdrawn([expert.id]).get(expert.id):
        raise Refused(_("This expert has withdrawn their consent: no request can be sent."))
    claimed = owner_of(expert.id) is not None
    if channel == "expert" and not claimed:
        raise Refused(_("This expert has not claimed their profile yet, so they cannot answer "
                        "a request. A curator can invite them."))
    if channel == "department" and claimed:
        raise Refused(_("This expert keeps their own profile: send them a contact request "
                        "directly."))
    if blocked(expert.id, department_of(official) or need.organization):
        raise Refused(_("This expert does not accept contact requests from your department."))
    if sent_today(official.id) >= current_app.config["CONTACT_REQUESTS_PER_DAY"]:
        raise Refused(_("You have sent as many contact requests as allowed in 24 hours. "
                        "Please try again tomorrow."), status=429)


def send(need, expert, official, purpose, message, channel="expert"):
    """Record the request, put the expert on the need's shortlist, tell the expert (or,
    through the Department, leave it in the curators' queue). Raises :class:`Refused`."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if purpose not in vocab.AVAILABILITY:
        raise Refused(_("Choose the purpose of the request."), status=400)
    message = clean_multiline(message)[:MAX_MESSAGE]
    try:
        with database.atomic():
            check(need, expert, official, channel)
            request = ContactRequest.create(
                need=need.id, expert=expert.id, official=official.id,
                department=department_of(official) or need.organization, purpose=purpose,
                message=message, channel=channel)
            if not ShortlistEntry.select().where((ShortlistEntry.need == need.id)
                                                 & (ShortlistEntry.expert == expert.id)).exists():
                shortlists.add(need, expert, official.id)
            audit.record("contact_request.send", actor_id=official.id, expert_id=expert.id,
                         changes={"need": need.id, "contact_request": request.id,
                                  "scope": channel})
    except IntegrityError:
        # The same request sent twice at once: the unique key kept one.
        raise Refused(_("A request was already sent to this expert for this need.")) from None
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
    # The person answered on the site: their own answer, even to a request through the
    # Department made before they claimed their profile.
    _tell_outcome(request, "accepted" if accepted else "declined", by="expert")


# status → (notification kind, e-mail subject, e-mail line), by who answered.
def _answer_texts(by, status, title):
    if by == "department":
        return {
            "accepted": ("department_consent",
                         _("The person agreed to be contacted: %(title)s", title=title),
                         _("The Department reached the person, who agreed to be contacted. "
                           "The contact details they share are on the need's page.")),
            "declined": ("department_declined",
                         _("The person declined to be contacted: %(title)s", title=title),
                         _("The Department reached the person, who declined. Please do not "
                           "ask again for this need.")),
            "no_answer": ("department_no_answer",
                          _("No answer from the person: %(title)s", title=title),
                          _("The Department could not get an answer from the person in time "
                            "and closed the request.")),
        }[status]
    return {
        "accepted": ("contact_accepted",
                     _("Your contact request was accepted: %(title)s", title=title),
                     _("The expert accepted. Their contact details are on the need's page.")),
        "declined": ("contact_declined",
                     _("Your contact request was declined: %(title)s", title=title),
                     _("The expert declined. Please do not ask again for this need.")),
    }[status]


def _tell_outcome(request, status, by):
    """Tell the official (notification and e-mail) what became of their request, as
    answered ``by`` the expert or the Department."""
    official = User.get_or_none(User.id == request.official_id)
    need = Need.get_or_none(Need.id == request.need_id)
    if official is None or need is None:
        return
    kind = _answer_texts(by, status, need.title)[0]

    def compose():
        _kind, subject, line = _answer_texts(by, status, need.title)
        return subject, "\n\n".join(
            [line, url_for("needs.show", need_id=need.id, _external=True)])

    notifications.notify(official, kind, link=notifications.path_for("needs.show", need_id=need.id),
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


def granted_fields(need, viewer):
    """``{expert id: contact fields}`` that ``viewer`` sees on ``need``'s pages: of the
    experts who accepted (and have not revoked) this viewer's request for this need,
    every field, or through the Department those the person agreed to share."""
    if viewer.user_id is None:
        return {}
    return {row.expert_id: shared(row) for row in
            ContactRequest.select(ContactRequest.expert, ContactRequest.shared_fields)
            .where((ContactRequest.need == need.id) & (ContactRequest.official == viewer.user_id)
                   & (ContactRequest.status == "accepted"))}


def shared(request):
    """The contact fields an accepted request shares."""
    names = [name for name in (request.shared_fields or "").split(",") if name]
    return tuple(name for name in access.CONTACT_FIELDS if name in names) if names \
        else access.CONTACT_FIELDS


def claimed_ids(expert_ids):
    """The ids among ``expert_ids`` whose profile has an active owner account."""
    expert_ids = list(expert_ids)
    if not expert_ids:
        return set()
    return {expert_id for (expert_id,) in User.select(User.expert)
            .where(User.expert.in_(expert_ids) & User.active).tuples()}


def sent_by(official_id):
    """The requests an official sent, newest first, with their need and expert."""
    return list(ContactRequest.select(ContactRequest, Need, Expert)
                .join(Need).switch(ContactRequest).join(Expert)
                .where(ContactRequest.official == official_id)
                .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc()))


# -- through the Department: the curators' side ----------------------------------------
def due_at(request):
    """When the person's time to answer a request through the Department runs out."""
    days = current_app.config["DEPARTMENT_CONTACT_DAYS"]
    return request.created_at + datetime.timedelta(days=days)


def is_overdue(request, now=None):
    return (now or utcnow()) >= due_at(request)


def _open_department():
    return ((ContactRequest.channel == "department") & (ContactRequest.status == "pending"))


def department_queue():
    """The open requests through the Department, oldest first (the longest waiting on
    top), with their need, asker (``request.official``, may be gone) and expert."""
    return list(ContactRequest.select(ContactRequest, Need, Expert, User)
                .join(Need).switch(ContactRequest).join(Expert).switch(ContactRequest)
                .join(User, on=(ContactRequest.official == User.id), join_type=JOIN.LEFT_OUTER)
                .where(_open_department())
                .order_by(ContactRequest.created_at, ContactRequest.id))


def department_consents(expert_id):
    """The person's agreements to be contacted that curators recorded for the
    Department, newest first, with their need: part of their consent history (a
    withdrawn one says ``revoked``)."""
    return list(ContactRequest.select(ContactRequest, Need).join(Need)
                .where((ContactRequest.expert == expert_id)
                       & (ContactRequest.channel == "department")
                       & ContactRequest.handled_by.is_null(False)
                       & ContactRequest.status.in_(("accepted", "revoked")))
                .order_by(ContactRequest.decided_at.desc(), ContactRequest.id.desc()))


def department_count():
    return ContactRequest.select().where(_open_department()).count()


def record_outcome(request, curator, outcome, fields=(), note=""):
    """A curator records what the person answered the Department. ``fields``: the
    contact details the person agreed to share (``consent`` only). Raises
    :class:`Refused` (the request is no longer open, no detail chosen, too early for
    ``no_answer``)."""
    if outcome not in OUTCOMES:
        raise Refused(_("Choose what the person answered."), status=400)
    if request.channel != "department":
        raise Refused(_("Only requests through the Department are answered here."))
    if request.status != "pending":
        raise Refused(_("This request was already closed."))
    shared_fields = ""
    if outcome == "consent":
        expert = Expert.get_by_id(request.expert_id)
        chosen = [name for name in access.CONTACT_FIELDS
                  if name in fields and getattr(expert, name, "")]
        if not chosen:
            raise Refused(_("Choose the contact details the person agreed to share (the "
                            "profile must hold them)."), status=400)
        shared_fields = ",".join(chosen)
    if outcome == "no_answer" and not is_overdue(request):
        # A deadline: its moment in the city's zone, the zone named.
        raise Refused(_("The person has until %(date)s to answer.",
                        date=format_moment(due_at(request), zone=True)))
    status = OUTCOMES[outcome]
    with database.atomic():
        changed = (ContactRequest.update(status=status, decided_at=utcnow(),
                                         handled_by=curator.id, shared_fields=shared_fields,
                                         outcome_note=clean_multiline(note)[:MAX_NOTE])
                   .where((ContactRequest.id == request.id)
                          & (ContactRequest.status == "pending")).execute())
        if changed:
            audit.record(f"contact_request.department_{outcome}", actor_id=curator.id,
                         expert_id=request.expert_id,
                         changes={"need": request.need_id, "contact_request": request.id,
                                  "status": status, "fields": shared_fields.split(",")
                                  if shared_fields else []})
    if not changed:
        # Decided meanwhile (another curator, or a withdrawn consent cancelled it).
        raise Refused(_("This request was already closed."))
    _tell_outcome(request, status, by="department")
    return ContactRequest.get_by_id(request.id)



@signals.consent_withdrawn.connect
def _close_on_withdrawal(expert_id, purpose, actor=None, **_):
    close_for_expert(expert_id, actor=actor, reason=purpose)


@signals.profile_deleted.connect
def erase_for_expert(expert_id, **_):
    """A profile's erasure (SECURITY.md: deletion removes the profile's contact requests)."""
    ContactRequest.delete().where(ContactRequest.expert == expert_id).execute()
    ContactBlock.delete().where(ContactBlock.expert == expert_id).execute()


@signals.profiles_merged.connect
def repoint_for_merge(drop_id, keep, **_):
    # Unique per (need, expert) and (expert, department): the kept profile's row wins.
    signals.repoint(ContactRequest, ContactRequest.expert, drop_id, keep, ContactRequest.need)
    signals.repoint(ContactBlock, ContactBlock.expert, drop_id, keep, ContactBlock.department)


@signals.personal_data_requested.connect
def export_for_person(expert_id, **_):
    """Officials' requests for the person's contact details, and the answers."""
    return {"contact_requests": [
        {"created_at": utc_text(row.created_at), "department": row.department,
         "need": row.need.title, "purpose": row.purpose, "message": row.message,
         "status": row.status, "decided_at": utc_text(row.decided_at),
         "revoked_at": utc_text(row.revoked_at),
         # Through the Department: the answer a curator recorded, and its note.
         "channel": row.channel, "shared": list(shared(row))
         if row.status == "accepted" else [], "note": row.outcome_note}
        for row in for_expert(expert_id)]}
