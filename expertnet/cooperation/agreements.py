"""Cooperation agreements (MOUs) with partner organisations at home and abroad: where
they stand, the experts and the events or delegations they belong with, and the signed
file (checked and limited like engagements' attachments, ``attachments.py``).

A signed agreement whose end date has passed reads as expired (``status_of``) even
before anyone changes its stored status."""
from peewee import IntegrityError

from expertnet.cooperation import attachments
from expertnet.cooperation.common import Problems, Refused, field_problems, visible_experts, write
from expertnet.cooperation.models import (
    Agreement,
    AgreementExpert,
    AgreementFile,
    AgreementLink,
    Event,
    Mission,
)
from expertnet.core import audit, places, signals, vocab
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import clean, clean_multiline, fold
from expertnet.web.forms import form_date, text_problems

MAX_LENGTHS = {"title": 200, "partner": 300, "department": 300, "description": 10_000}
# Statuses that mean the agreement was signed (the report counts them by signing date).
SIGNED = ("signed", "expired", "ended")


def normalize(raw):
    errors = []
    values = {
        "title": clean(raw.get("title")),
        "partner": clean(raw.get("partner")),
        "status": clean(raw.get("status")) or "draft",
        "department": clean(raw.get("department")),
        "description": clean_multiline(raw.get("description")),
    }
    errors += text_problems(values, ("title", "partner", "department"), MAX_LENGTHS)
    country = clean(raw.get("partner_country")).upper()
    if country and not places.is_country(country):
        errors.append(("partner_country",
                       _("“%(value)s” is not a country code", value=country[:20])))
        country = ""
    values["partner_country"] = country
    scope = clean(raw.get("partner_scope"))
    if not scope and country:
        scope = "domestic" if country == "VN" else "foreign"
    if scope not in vocab.PARTNER_SCOPES:
        errors.append(("partner_scope", _("Choose whether the partner is domestic or foreign.")))
    values["partner_scope"] = scope
    if values["status"] not in vocab.AGREEMENT_STATUSES:
        errors.append(("status", _("Choose where the agreement stands.")))
    values["fields"] = field_problems(raw.get("fields"), errors)
    values["signed_on"] = form_date(raw.get("signed_on"), "signed_on", errors,
                                    required=values["status"] in SIGNED)
    values["ends_on"] = form_date(raw.get("ends_on"), "ends_on", errors)
    if values["signed_on"] and values["ends_on"] and values["ends_on"] < values["signed_on"]:
        errors.append(("ends_on", _("ends before it starts")))
    return values, errors


def save(raw, actor, agreement=None):
    """Create or update an agreement; raises :class:`Problems`."""
    values, errors = normalize(raw)
    if errors:
        raise Problems(errors)
    return write(Agreement, "agreement", values, actor, agreement, audited_fields=("status",))


def delete(agreement, actor):
    with database.atomic():
        names = [row.stored_name for row in
                 AgreementFile.select().where(AgreementFile.agreement == agreement.id)]
        experts = [row.expert_id for row in
                   AgreementExpert.select().where(AgreementExpert.agreement == agreement.id)]
        for model in (AgreementFile, AgreementExpert, AgreementLink):
            model.delete().where(model.agreement == agreement.id).execute()
        agreement.delete_instance()
        audit.record("agreement.delete", actor_id=actor, changes={"agreement": agreement.id})
        audit.write_many(audit.entry("agreement.unlink_expert", actor_id=actor,
                                     expert_id=expert_id, changes={"agreement": agreement.id})
                         for expert_id in experts)
    attachments.remove(names)


def status_of(agreement, today=None):
    today = today or utcnow().date()
    if agreement.status == "signed" and agreement.ends_on and agreement.ends_on < today:
        return "expired"
    return agreement.status


def listing(status=None, scope=None, q="", today=None):
    query = Agreement.select()
    if scope in vocab.PARTNER_SCOPES:
        query = query.where(Agreement.partner_scope == scope)
    rows = list(query.order_by(Agreement.signed_on.desc(nulls="first"), Agreement.id.desc()))
    if status in vocab.AGREEMENT_STATUSES:
        rows = [row for row in rows if status_of(row, today) == status]
    words = fold(clean(q)).split()
    if words:
        rows = [row for row in rows
                if all(word in fold(f"{row.title} {row.partner} {row.department}")
                       for word in words)]
    return rows


# -- experts, events and delegations --------------------------------------------------
def experts(agreement, viewer):
    rows = list(AgreementExpert.select().where(AgreementExpert.agreement == agreement.id))
    found = visible_experts(viewer, [row.expert_id for row in rows])
    return [found[row.expert_id] for row in rows if row.expert_id in found]


def link_expert(agreement, expert, actor):
    try:
        with database.atomic():
            AgreementExpert.create(agreement=agreement.id, expert=expert.id, added_by=actor)
            audit.record("agreement.link_expert", actor_id=actor, expert_id=expert.id,
                         changes={"agreement": agreement.id})
    except IntegrityError:
        raise Refused(_("This expert is already linked to the agreement.")) from None


def unlink_expert(agreement, expert_id, actor):
    with database.atomic():
        removed = AgreementExpert.delete().where((AgreementExpert.agreement == agreement.id)
                                                 & (AgreementExpert.expert == expert_id)).execute()
        if removed:
            audit.record("agreement.unlink_expert", actor_id=actor, expert_id=expert_id,
                         changes={"agreement": agreement.id})
    return bool(removed)


def links(agreement):
    """``[(link, Event or None, Mission or None)]``."""
    rows = list(AgreementLink.select().where(AgreementLink.agreement == agreement.id)
                .order_by(AgreementLink.id))
    events = {row.id: row for row in
              Event.select().where(Event.id.in_([row.event_id for row in rows if row.event_id]))}
    missions = {row.id: row for row in Mission.select().where(
        Mission.id.in_([row.mission_id for row in rows if row.mission_id]))}
    return [(row, events.get(row.event_id), missions.get(row.mission_id)) for row in rows]


def link(agreement, actor, event=None, mission=None):
    """Link an event or a delegation (once)."""
    if (event is None) == (mission is None):
        raise Refused(_("Choose an event or a delegation."), status=400)
    query = AgreementLink.select().where(AgreementLink.agreement == agreement.id)
    query = query.where(AgreementLink.event == event.id) if event is not None \
        else query.where(AgreementLink.mission == mission.id)
    with database.atomic():
        if query.exists():
            raise Refused(_("This is already linked to the agreement."))
        row = AgreementLink.create(agreement=agreement.id,
                                   event=event.id if event is not None else None,
                                   mission=mission.id if mission is not None else None)
        audit.record("agreement.link", actor_id=actor, changes={
            "agreement": agreement.id, "event": event.id if event is not None else None,
            "delegation": mission.id if mission is not None else None})
    return row


def unlink(row, actor):
    with database.atomic():
        row.delete_instance()
        audit.record("agreement.unlink", actor_id=actor,
                     changes={"agreement": row.agreement_id, "event": row.event_id,
                              "delegation": row.mission_id})


def for_event(event_id):
    return list(Agreement.select().join(AgreementLink)
                .where(AgreementLink.event == event_id).order_by(Agreement.id))


def for_mission(mission_id):
    return list(Agreement.select().join(AgreementLink)
                .where(AgreementLink.mission == mission_id).order_by(Agreement.id))


# -- the signed file -----------------------------------------------------------------
def files(agreement):
    return list(AgreementFile.select().where(AgreementFile.agreement == agreement.id)
                .order_by(AgreementFile.id))


def attach(agreement, stream, filename, actor):
    """Store an uploaded file; raises :class:`attachments.Rejected`."""
    stored = attachments.store(stream, filename)
    try:
        with database.atomic():
            row = AgreementFile.create(agreement=agreement.id, uploaded_by=actor, **stored)
            audit.record("agreement.attach", actor_id=actor, changes={"agreement": agreement.id})
    except Exception:
        attachments.remove([stored["stored_name"]])
        raise
    return row


def detach(agreement, row, actor):
    with database.atomic():
        row.delete_instance()
        audit.record("agreement.detach", actor_id=actor, changes={"agreement": agreement.id})
    attachments.remove([row.stored_name])


# -- a profile's history -------------------------------------------------------------
def for_expert(expert_id):
    return list(Agreement.select().join(AgreementExpert)
                .where(AgreementExpert.expert == expert_id)
                .order_by(Agreement.signed_on.desc(nulls="first"), Agreement.id.desc()))


@signals.profile_deleted.connect
def erase_for_expert(expert_id, **_):
    """A profile's erasure: its places in agreements go."""
    AgreementExpert.delete().where(AgreementExpert.expert == expert_id).execute()


@signals.profiles_merged.connect
def repoint_for_merge(drop_id, keep, **_):
    signals.repoint(AgreementExpert, AgreementExpert.expert, drop_id, keep, AgreementExpert.agreement)


@signals.personal_data_requested.connect
def export_for_person(expert_id, **_):
    """The agreements that name the person."""
    return {"agreements": [
        {"agreement": row.title, "partner": row.partner, "status": row.status,
         "signed_on": row.signed_on.isoformat() if row.signed_on else None}
        for row in for_expert(expert_id)]}
