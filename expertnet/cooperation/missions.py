"""Delegations: officials going abroad (``outgoing``) and delegations visiting the city
(``incoming``): who went where (or came from where), when, for which department, whom
they met, and what is left to do (follow-ups with a due date, ticked off when done).
Members are officials named in plain text and experts of the directory; the experts met
are linked too, so that their profiles show it."""
import datetime

from peewee import IntegrityError

from expertnet.cooperation.common import Problems, Refused, visible_experts, write
from expertnet.cooperation.models import AgreementLink, Mission, MissionExpert, MissionFollowUp
from expertnet.core import audit, signals, vocab
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import clean, clean_multiline, fold
from expertnet.web.forms import date_range_problems, form_country, form_date, text_problems

MAX_LENGTHS = {"title": 200, "city": 120, "department": 300, "purpose": 10_000,
               "officials": 5_000, "organisations": 5_000}
MAX_FOLLOW_UP = 1000


def normalize(raw):
    errors = []
    values = {
        "direction": clean(raw.get("direction")),
        "title": clean(raw.get("title")),
        "city": clean(raw.get("city")),
        "department": clean(raw.get("department")),
        "purpose": clean_multiline(raw.get("purpose")),
        "officials": clean_multiline(raw.get("officials")),
        "organisations": clean_multiline(raw.get("organisations")),
    }
    if values["direction"] not in vocab.MISSION_DIRECTIONS:
        errors.append(("direction", _("Choose whether the delegation goes abroad or visits.")))
    errors += text_problems(values, ("title", "department"), MAX_LENGTHS)
    values["country"] = form_country(raw.get("country"), "country", errors)
    values["starts_on"] = form_date(raw.get("starts_on"), "starts_on", errors, required=True)
    values["ends_on"] = form_date(raw.get("ends_on"), "ends_on", errors)
    date_range_problems(values, errors)
    return values, errors


def save(raw, actor, mission=None):
    """Create or update a delegation; raises :class:`Problems`."""
    values, errors = normalize(raw)
    if errors:
        raise Problems(errors)
    return write(Mission, "delegation", values, actor, mission)


def delete(mission, actor):
    with database.atomic():
        experts = [row.expert_id for row in
                   MissionExpert.select(MissionExpert.expert).where(MissionExpert.mission == mission.id)]
        MissionExpert.delete().where(MissionExpert.mission == mission.id).execute()
        MissionFollowUp.delete().where(MissionFollowUp.mission == mission.id).execute()
        AgreementLink.delete().where(AgreementLink.mission == mission.id).execute()
        signals.record_deleted.send("delegation", ids=[mission.id], actor=actor)
        mission.delete_instance()
        audit.record("delegation.delete", actor_id=actor, changes={"delegation": mission.id})
        audit.write_many(audit.entry("delegation.remove_expert", actor_id=actor,
                                     expert_id=expert_id, changes={"delegation": mission.id})
                         for expert_id in dict.fromkeys(experts))


def listing(direction=None, country=None, q=""):
    query = Mission.select()
    if direction in vocab.MISSION_DIRECTIONS:
        query = query.where(Mission.direction == direction)
    if country:
        query = query.where(Mission.country == country.upper()[:2])
    rows = list(query.order_by(Mission.starts_on.desc(), Mission.id.desc()))
    words = fold(clean(q)).split()
    if words:
        rows = [row for row in rows
                if all(word in fold(f"{row.title} {row.city} {row.department} {row.organisations}")
                       for word in words)]
    return rows


def lines(text):
    return [line for line in (text or "").split("\n") if line.strip()]


# -- experts -------------------------------------------------------------------------
def experts(mission, viewer):
    """``{role: [(link, expert)]}`` of the profiles ``viewer`` may see."""
    rows = list(MissionExpert.select().where(MissionExpert.mission == mission.id)
                .order_by(MissionExpert.id))
    found = visible_experts(viewer, [row.expert_id for row in rows])
    grouped = {role: [] for role in vocab.MISSION_ROLES}
    for row in rows:
        if row.expert_id in found and row.role in grouped:
            grouped[row.role].append((row, found[row.expert_id]))
    return grouped


def add_expert(mission, expert, role, actor):
    if role not in vocab.MISSION_ROLES:
        raise Refused(_("Choose whether the expert was a member or was met."), status=400)
    try:
        with database.atomic():
            row = MissionExpert.create(mission=mission.id, expert=expert.id, role=role,
                                       added_by=actor)
            audit.record("delegation.add_expert", actor_id=actor, expert_id=expert.id,
                         changes={"delegation": mission.id, "role": role})
    except IntegrityError:
        raise Refused(_("This expert is already on the delegation's list.")) from None
    return row


def remove_expert(row, actor):
    with database.atomic():
        row.delete_instance()
        audit.record("delegation.remove_expert", actor_id=actor, expert_id=row.expert_id,
                     changes={"delegation": row.mission_id, "role": row.role})


# -- follow-ups ----------------------------------------------------------------------
def follow_ups(mission):
    """Not done first, by due date."""
    rows = list(MissionFollowUp.select().where(MissionFollowUp.mission == mission.id)
                .order_by(MissionFollowUp.id))
    return sorted(rows, key=lambda row: (row.done, row.due_on or datetime.date.max, row.id))


def add_follow_up(mission, raw, actor):
    errors = []
    text = clean(raw.get("text"))
    if not text:
        errors.append(("text", _("is required")))
    elif len(text) > MAX_FOLLOW_UP:
        errors.append(("text", _("is too long (%(length)s characters; at most %(limit)s)",
                                 length=len(text), limit=MAX_FOLLOW_UP)))
    due_on = form_date(raw.get("due_on"), "due_on", errors)
    if errors:
        raise Problems(errors)
    with database.atomic():
        row = MissionFollowUp.create(mission=mission.id, text=text, due_on=due_on,
                                     created_by=actor)
        audit.record("delegation.follow_up", actor_id=actor,
                     changes={"delegation": mission.id, "follow_up": row.id})
    return row


def set_done(row, done, actor):
    with database.atomic():
        MissionFollowUp.update(done=bool(done), done_at=utcnow() if done else None).where(
            MissionFollowUp.id == row.id).execute()
        audit.record("delegation.follow_up_done" if done else "delegation.follow_up_open",
                     actor_id=actor, changes={"delegation": row.mission_id, "follow_up": row.id})


def overdue(rows, today=None):
    today = today or utcnow().date()
    return {row.id for row in rows if not row.done and row.due_on and row.due_on < today}


# -- a profile's history -------------------------------------------------------------
def for_expert(expert_id):
    """``[(mission, role)]`` of a profile, newest first."""
    rows = list(MissionExpert.select(MissionExpert, Mission).join(Mission)
                .where(MissionExpert.expert == expert_id)
                .order_by(Mission.starts_on.desc(), MissionExpert.id))
    return [(row.mission, row.role) for row in rows]


@signals.profile_deleted.connect
def erase_for_expert(expert_id, **_):
    """A profile's erasure: its places in delegations go."""
    MissionExpert.delete().where(MissionExpert.expert == expert_id).execute()


@signals.profiles_merged.connect
def repoint_for_merge(drop_id, keep, **_):
    signals.repoint(MissionExpert, MissionExpert.expert, drop_id, keep, MissionExpert.mission)


@signals.personal_data_requested.connect
def export_for_person(expert_id, **_):
    """The delegations (trips) that name the person."""
    return {"delegations": [
        {"delegation": mission.title, "direction": mission.direction,
         "country": mission.country, "starts_on": mission.starts_on.isoformat(), "role": role}
        for mission, role in for_expert(expert_id)]}
