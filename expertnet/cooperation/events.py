"""Events the city organises (conferences, workshops, technology fairs) and the experts
invited to them.

An expert is invited to an event once (a unique key), by an official who may see the
profile, and only if the person allows being contacted (the rules of
``contact_requests``): no withdrawn consent, no block of requests from everyone or from
the inviting department. The invitation is e-mailed, in the expert's own language, to
the account that owns the profile; the expert accepts or declines on
``/account/events``. A profile nobody has claimed gets no e-mail: the official invites
by other means and records the reply received. After the event the officials record
who came. Withdrawing consent cancels the invitations still waiting for an answer. An
official sends at most ``EVENT_INVITATIONS_PER_DAY`` invitations in 24 hours.
"""
import datetime

from flask import current_app
from peewee import IntegrityError

from expertnet.accounts import consent
from expertnet.accounts.models import User
from expertnet.cooperation.common import (
    Problems,
    Refused,
    editable,
    field_problems,
    organisations_for,
    visible_experts,
    write,
)
from expertnet.cooperation.models import AgreementLink, Event, EventInvitation, EventOrganisation
from expertnet.core import access, audit, links, signals, vocab
from expertnet.core import outbox as mail
from expertnet.core.db import database, utc_text, utcnow
from expertnet.core.i18n import _, _l, _lp, format_day
from expertnet.core.text import clean, clean_multiline, fold, parse_id
from expertnet.directory.models import Expert
from expertnet.directory.visibility import visible_condition
from expertnet.organisations import access as organisation_access
from expertnet.organisations.models import Organisation
from expertnet.outreach import contact_requests
from expertnet.taxonomy import store as catalog
from expertnet.web.forms import date_range_problems, form_date, text_problems

MAX_LENGTHS = {"title": 200, "location": 200, "department": 300, "description": 10_000}
REPLIES = ("invited", "accepted", "declined", "no_reply")  # what an official records
ANSWERABLE = ("invited", "no_reply")  # what the expert may still answer
MAX_INVITES = 200  # experts invited by one click


def normalize(raw):
    errors = []
    values = {
        "kind": clean(raw.get("kind")),
        "title": clean(raw.get("title")),
        "location": clean(raw.get("location")),
        "online": bool(raw.get("online")),
        "department": clean(raw.get("department")),
        "description": clean_multiline(raw.get("description")),
    }
    if values["kind"] not in vocab.EVENT_KINDS:
        errors.append(("kind", _("Choose the kind of event.")))
    errors += text_problems(values, ("title", "department"), MAX_LENGTHS)
    values["fields"] = field_problems(raw.get("fields"), errors)
    values["starts_on"] = form_date(raw.get("starts_on"), "starts_on", errors, required=True)
    values["ends_on"] = form_date(raw.get("ends_on"), "ends_on", errors)
    date_range_problems(values, errors)
    return values, errors


# How an organisation record takes part in an event (organisers first).
ORGANISATION_ROLES = {"organiser": _l("Organiser"), "partner": _lp("event organisation", "Partner")}


def _chosen_organisations(raw, viewer, errors):
    """``{organisation id: role}`` chosen on the form among the records ``viewer`` may
    see (an organisation chosen as both organises). None when the form did not carry
    the choices (an import, an older caller): the links then stay as they are."""
    if viewer is None or not any(name in raw for name in ("organisers", "partners")):
        return None
    visible = {organisation_id for organisation_id, _name in organisations_for(viewer)}
    chosen = {}
    for role in reversed(list(ORGANISATION_ROLES)):
        values = raw.get(f"{role}s") or []
        if isinstance(values, str):
            values = [values]
        for value in values:
            organisation_id = parse_id(clean(str(value or "")))
            if organisation_id is None and not clean(str(value or "")):
                continue
            if organisation_id not in visible:
                errors.append((f"{role}s", _("Choose organisations from the list.")))
                break
            chosen[organisation_id] = role
    return chosen


def save(raw, actor, event=None, viewer=None):
    """Create or update an event, and (with ``viewer``, from the form) its organiser and
    partner organisations; raises :class:`Problems`."""
    values, errors = normalize(raw)
    chosen = _chosen_organisations(raw, viewer, errors)
    if errors:
        raise Problems(errors)
    with database.atomic():
        event = write(Event, "event", values, actor, event)
        if chosen is not None:
            _set_organisations(event, chosen, viewer, actor)
    return event


def _set_organisations(event, chosen, viewer, actor):
    """Make the event's links to the organisations ``viewer`` may see those of
    ``chosen``; links to records hidden from ``viewer`` stay (they could not choose them)."""
    visible = {organisation_id for organisation_id, _name in organisations_for(viewer)}
    current = {row.organisation_id: row for row in
               EventOrganisation.select().where(EventOrganisation.event == event.id)}
    removed = [organisation_id for organisation_id in current
               if organisation_id in visible and organisation_id not in chosen]
    if removed:
        EventOrganisation.delete().where((EventOrganisation.event == event.id)
                                         & EventOrganisation.organisation_id.in_(removed)).execute()
    changed = False
    for organisation_id, role in chosen.items():
        row = current.get(organisation_id)
        if row is None:
            EventOrganisation.create(event=event.id, organisation_id=organisation_id, role=role)
            changed = True
        elif row.role != role:
            EventOrganisation.update(role=role).where(EventOrganisation.id == row.id).execute()
            changed = True
    if removed or changed:
        audit.record("event.organisations", actor_id=actor,
                     changes={"event": event.id, "organisations": {
                         str(key): role for key, role in sorted(chosen.items())}})


def organisation_links(event):
    """``{role: [organisation id]}`` of the event, in the order they were linked."""
    found = {role: [] for role in ORGANISATION_ROLES}
    for row in (EventOrganisation.select().where(EventOrganisation.event == event.id)
                .order_by(EventOrganisation.id)):
        found.setdefault(row.role, []).append(row.organisation_id)
    return found


def organisations_of(event, viewer):
    """``[(role, organisation)]`` of the event that ``viewer`` may see, organisers first."""
    links = organisation_links(event)
    ids = [organisation_id for role in ORGANISATION_ROLES for organisation_id in links[role]]
    if not ids:
        return []
    records = {row.id: row for row in Organisation.select().where(Organisation.id.in_(ids))}
    return [(role, records[organisation_id]) for role in ORGANISATION_ROLES
            for organisation_id in links[role]
            if organisation_id in records and organisation_access.can_view(viewer, records[organisation_id])]


def delete(event, actor):
    with database.atomic():
        experts = [row.expert_id for row in
                   EventInvitation.select(EventInvitation.expert)
                   .where(EventInvitation.event == event.id)]
        EventInvitation.delete().where(EventInvitation.event == event.id).execute()
        AgreementLink.delete().where(AgreementLink.event == event.id).execute()
        EventOrganisation.delete().where(EventOrganisation.event == event.id).execute()
        signals.record_deleted.send("event", ids=[event.id], actor=actor)
        event.delete_instance()
        audit.record("event.delete", actor_id=actor, changes={"event": event.id})
        audit.write_many(audit.entry("event.uninvite", actor_id=actor, expert_id=expert_id,
                                     changes={"event": event.id}) for expert_id in experts)


def listing(kind=None, when=None, q="", today=None):
    """Events, the next ones first then the past ones newest first; ``when`` is
    ``upcoming`` or ``past``; ``q`` is looked for in the title, place and department
    (without accents or case)."""
    today = today or utcnow().date()
    query = Event.select()
    if kind in vocab.EVENT_KINDS:
        query = query.where(Event.kind == kind)
    # An event is under way until its last day (its first when it has no end).
    # (Written out both ways: NOT of a comparison with NULL is NULL, not true.)
    if when == "upcoming":
        query = query.where((Event.ends_on >= today)
                            | (Event.ends_on.is_null() & (Event.starts_on >= today)))
    elif when == "past":
        query = query.where((Event.ends_on < today)
                            | (Event.ends_on.is_null() & (Event.starts_on < today)))
    rows = list(query.order_by(Event.starts_on.desc(), Event.id.desc()))
    words = fold(clean(q)).split()
    if words:
        rows = [event for event in rows
                if all(word in fold(f"{event.title} {event.location} {event.department}")
                       for word in words)]
    return rows


def open_to_invite(viewer, limit=5):
    """The next events ``viewer`` may invite experts to (not over yet), soonest first."""
    return editable(viewer, reversed(listing(when="upcoming")))[:limit]


def counts(event_ids, viewer):
    """``{event id: {"invited": n, "accepted": n, "attended": n}}``, counting only the
    profiles ``viewer`` may open (SECURITY.md: a total never counts a profile the reader
    could not open), in one query."""
    found = {event_id: {"invited": 0, "accepted": 0, "attended": 0} for event_id in event_ids}
    if not found:
        return found
    query = (EventInvitation.select(EventInvitation.event, EventInvitation.status,
                                    EventInvitation.attendance)
             .join(Expert, on=(EventInvitation.expert == Expert.id))
             .where(EventInvitation.event.in_(list(found)) & visible_condition(viewer)))
    for event_id, status, attendance in query.tuples():
        found[event_id]["invited"] += 1
        found[event_id]["accepted"] += status == "accepted"
        found[event_id]["attended"] += attendance == "attended"
    return found


# -- invitations ---------------------------------------------------------------------
def invitations(event, viewer):
    """``[(invitation, expert)]`` of the profiles ``viewer`` may see, speakers first."""
    rows = list(EventInvitation.select().where(EventInvitation.event == event.id)
                .order_by(EventInvitation.invited_at, EventInvitation.id))
    experts = visible_experts(viewer, [row.expert_id for row in rows])
    order = list(vocab.EVENT_ROLES)
    rows = [row for row in rows if row.expert_id in experts]
    rows.sort(key=lambda row: order.index(row.role) if row.role in order else len(order))
    return [(row, experts[row.expert_id]) for row in rows]


def invited_ids(event):
    return {row.expert_id for row in
            EventInvitation.select(EventInvitation.expert).where(EventInvitation.event == event.id)}


def _owner(expert_id):
    return User.get_or_none((User.expert == expert_id) & User.active)


def check(event, expert, official):
    """Raise :class:`Refused` when ``official`` (a ``User``) may not invite ``expert``."""
    if not access.can_view(access.viewer_for(official), expert):
        raise Refused(_("No such expert."), status=404)
    if EventInvitation.select().where((EventInvitation.event == event.id)
                                      & (EventInvitation.expert == expert.id)).exists():
        raise Refused(_("This expert is already invited to this event."))
    if consent.withdrawn([expert.id]).get(expert.id):
        raise Refused(_("This expert has withdrawn their consent: they cannot be invited."))
    # The invitation comes from the official and names the organising department
    # (``_tell_expert``): a block of either one refuses it.
    if contact_requests.blocked(expert.id, official.department, event.department):
        raise Refused(_("This expert does not accept requests from your department."))
    if invited_today(official.id) >= current_app.config["EVENT_INVITATIONS_PER_DAY"]:
        raise Refused(_("You have sent as many event invitations as allowed in 24 hours. "
                        "Please try again tomorrow."), status=429)


def invited_today(official_id):
    since = utcnow() - datetime.timedelta(days=1)
    return (EventInvitation.select()
            .where((EventInvitation.invited_by == official_id)
                   & (EventInvitation.invited_at > since)).count())


def invite(event, expert, official, role="participant"):
    """Invite ``expert`` (once) and e-mail the owner of the profile; raises
    :class:`Refused`."""
    if role not in vocab.EVENT_ROLES:
        raise Refused(_("Choose the role of the expert."), status=400)
    try:
        with database.atomic():
            check(event, expert, official)
            row = EventInvitation.create(event=event.id, expert=expert.id, role=role,
                                         invited_by=official.id)
            audit.record("event.invite", actor_id=official.id, expert_id=expert.id,
                         changes={"event": event.id, "role": role})
    except IntegrityError:
        # The same expert invited twice at once: the unique key kept one.
        raise Refused(_("This expert is already invited to this event.")) from None
    message = _tell_expert(row, event)
    if message is not None:
        EventInvitation.update(mail_message_id=message.id).where(
            EventInvitation.id == row.id).execute()
        row.mail_message_id = message.id
    return row


def invite_many(event, experts, official, role="participant"):
    """``(invited, refused)``: the invitations made and ``[(expert, message)]``."""
    invited, refused = [], []
    for expert in list(experts)[:MAX_INVITES]:
        try:
            invited.append(invite(event, expert, official, role))
        except Refused as exc:
            refused.append((expert, exc.message))
    return invited, refused


def _tell_expert(row, event):
    owner = _owner(row.expert_id)
    if owner is None:
        return None

    def compose():
        when = format_day(event.starts_on)
        if event.ends_on and event.ends_on != event.starts_on:
            when = _("%(start)s to %(end)s", start=when, end=format_day(event.ends_on))
        place = event.location
        if event.online:
            place = _("%(place)s (also online)", place=place) if place else _("Online")
        paragraphs = [
            _("Hello,"),
            _("%(department)s invites you to take part in the %(kind)s “%(title)s” as "
              "%(role)s.", department=event.department,
              kind=str(vocab.EVENT_KINDS[event.kind]).lower(), title=event.title,
              role=str(vocab.EVENT_ROLES[row.role]).lower()),
            _("When: %(when)s", when=when),
        ]
        if place:
            paragraphs.append(_("Where: %(place)s", place=place))
        if event.description:
            paragraphs.append(event.description)
        base = links.base_url(anonymous=False)
        if base:
            paragraphs.append(_("Accept or decline here:") + "\n"
                              + links.external_url(base, "programme.my_events"))
        else:
            paragraphs.append(_("Log in to the Hai Phong expert network to accept or "
                                "decline it."))
        paragraphs.append(_("This message was sent automatically by the Hai Phong expert "
                            "network; replies to it are not read."))
        return _("Invitation: %(title)s", title=event.title), "\n\n".join(paragraphs)

    return mail.send(owner.email, "event_invitation", compose, language=owner.language or None)


def answer(row, user, accepted):
    """The expert accepts or declines (while no answer is recorded); ``True`` if so."""
    status = "accepted" if accepted else "declined"
    with database.atomic():
        changed = (EventInvitation.update(status=status, answered_at=utcnow(),
                                          answered_via="expert")
                   .where((EventInvitation.id == row.id)
                          & (EventInvitation.status.in_(ANSWERABLE))).execute())
        if changed:
            audit.record(f"event.{'accept' if accepted else 'decline'}", actor_id=user.id,
                         expert_id=row.expert_id, changes={"event": row.event_id})
    return bool(changed)


def record_reply(row, status, actor):
    """An official records a reply received offline (or that none came)."""
    if status not in REPLIES:
        raise Refused(_("Choose the reply."), status=400)
    if row.status == "cancelled":
        raise Refused(_("This invitation was cancelled: the expert withdrew their consent."))
    with database.atomic():
        # The expert's own answer on the site is theirs: an official records only replies
        # received some other way (the condition holds in the same statement as the write).
        changed = EventInvitation.update(
            status=status, answered_via="official" if status != "invited" else "",
            answered_at=utcnow() if status != "invited" else None).where(
            (EventInvitation.id == row.id) & (EventInvitation.answered_via != "expert")).execute()
        if not changed:
            raise Refused(_("The expert answered this invitation on the site: their answer stays."))
        audit.record("event.reply", actor_id=actor, expert_id=row.expert_id,
                     changes={"event": row.event_id, "status": status})


def record_attendance(row, attendance, actor):
    if attendance not in ("", *vocab.ATTENDANCE):
        raise Refused(_("Choose whether the expert came."), status=400)
    with database.atomic():
        EventInvitation.update(attendance=attendance).where(EventInvitation.id == row.id).execute()
        audit.record("event.attendance", actor_id=actor, expert_id=row.expert_id,
                     changes={"event": row.event_id, "status": attendance or None})


def set_role(row, role, actor):
    if role not in vocab.EVENT_ROLES:
        raise Refused(_("Choose the role of the expert."), status=400)
    with database.atomic():
        EventInvitation.update(role=role).where(EventInvitation.id == row.id).execute()
        audit.record("event.role", actor_id=actor, expert_id=row.expert_id,
                     changes={"event": row.event_id, "role": role})


def speakers_by_field(rows):
    """``[(top-level field code, [expert])]`` of the speakers and panellists who have not
    declined, from ``invitations()``'s rows; an expert without fields is under ``""``."""
    taxonomy = catalog.load()
    groups = {}
    for row, expert in rows:
        if row.role not in ("speaker", "panellist") or row.status in ("declined", "cancelled"):
            continue
        roots = sorted({code for code in taxonomy.with_ancestors(expert.codes)
                        if code in taxonomy.fields and not taxonomy.fields[code].parent_id})
        for code in roots or [""]:
            groups.setdefault(code, []).append(expert)
    order = list(taxonomy.fields)
    return sorted(groups.items(),
                  key=lambda item: order.index(item[0]) if item[0] in order else len(order))


# -- the expert's side ---------------------------------------------------------------
def for_expert(expert_id):
    """The invitations of a profile with their event (``row.event``), newest event first."""
    return list(EventInvitation.select(EventInvitation, Event).join(Event)
                .where(EventInvitation.expert == expert_id)
                .order_by(Event.starts_on.desc(), EventInvitation.id.desc()))


def waiting_count(expert_id):
    if not expert_id:
        return 0
    return (EventInvitation.select()
            .where((EventInvitation.expert == expert_id)
                   & (EventInvitation.status.in_(ANSWERABLE))).count())


def cancel_for_expert(expert_id, actor=None, reason="consent"):
    """A withdrawn consent: the invitations still waiting for an answer are cancelled."""
    with database.atomic():
        cancelled = (EventInvitation.update(status="cancelled", answered_at=utcnow(),
                                            answered_via="")
                     .where((EventInvitation.expert == expert_id)
                            & (EventInvitation.status.in_(ANSWERABLE))).execute())
        if cancelled:
            audit.record("event.cancel", actor_id=actor, expert_id=expert_id,
                         changes={"scope": reason, "status": {"cancelled": cancelled}})
    return cancelled


@signals.consent_withdrawn.connect
def _cancel_on_withdrawal(expert_id, purpose, actor=None, **_):
    cancel_for_expert(expert_id, actor=actor, reason=purpose)


@signals.profiles_merged.connect
def repoint_for_merge(drop_id, keep, **_):
    signals.repoint(EventInvitation, EventInvitation.expert, drop_id, keep, EventInvitation.event)


@signals.profile_deleted.connect
def erase_for_expert(expert_id, **_):
    """Inside a profile's deletion: its invitations to events go."""
    EventInvitation.delete().where(EventInvitation.expert == expert_id).execute()


@signals.personal_data_requested.connect
def export_for_person(expert_id, **_):
    """The events the person was invited to."""
    return {"events": [
        {"event": row.event.title, "kind": row.event.kind,
         "starts_on": row.event.starts_on.isoformat(), "role": row.role, "status": row.status,
         "attendance": row.attendance or None, "invited_at": utc_text(row.invited_at),
         "answered_at": utc_text(row.answered_at)}
        for row in for_expert(expert_id)]}
