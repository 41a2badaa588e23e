"""Agreements' partners, the organisations delegations met, events' organisers and
partners and the organisations engagements served, as organisations know them: their
free texts for reconciliation (an event's organising department, an engagement's
department or organisation served), the links a curator makes (the text stays as
written), repointed on a merge and dropped on a deletion, and the sections of an
organisation's page (each record as its own pages decide who reads it: events for
officials and above, an engagement for those who may also see its expert's profile)."""
from flask import has_request_context, url_for

from expertnet.cooperation import common, engagements, events, missions
from expertnet.cooperation.agreements import status_of
from expertnet.cooperation.models import (
    Agreement,
    Engagement,
    Event,
    EventOrganisation,
    Mission,
    MissionOrganisation,
)
from expertnet.cooperation.training_models import OfficialAbroad, Training
from expertnet.core import signals, vocab
from expertnet.core.i18n import _, format_day
from expertnet.core.text import clean, fold

SOURCES = ("agreement", "delegation", "event", "engagement")


def _url(endpoint, **values):
    return url_for(endpoint, **values) if has_request_context() else ""


def text_key(text):
    return fold(clean(text))[:300]


@signals.organisation_texts.connect
def texts(_sender, **_kwargs):
    found = [{"source": "agreement", "record_id": row.id, "text": row.partner,
              "organisation_id": row.partner_organisation_id, "title": row.title,
              "url": _url("programme.agreement", agreement_id=row.id)}
             for row in Agreement.select().where(Agreement.partner != "").order_by(Agreement.id)]
    links = {(row.mission_id, row.text_key): row.organisation_id for row in MissionOrganisation.select()}
    for mission in Mission.select().where(Mission.organisations != "").order_by(Mission.id):
        for line in missions.lines(mission.organisations):
            found.append({"source": "delegation", "record_id": mission.id, "text": clean(line),
                          "organisation_id": links.get((mission.id, text_key(line))),
                          "title": mission.title,
                          "url": _url("programme.delegation", mission_id=mission.id)})
    organisers = {}
    for event_id, organisation_id in (EventOrganisation.select(EventOrganisation.event,
                                                               EventOrganisation.organisation_id)
                                      .where(EventOrganisation.role == "organiser")
                                      .order_by(EventOrganisation.id).tuples()):
        organisers.setdefault(event_id, organisation_id)
    found += [{"source": "event", "record_id": row.id, "text": row.department,
               "organisation_id": organisers.get(row.id), "title": row.title,
               "url": _url("programme.event", event_id=row.id)}
              for row in Event.select().where(Event.department != "").order_by(Event.id)]
    found += [{"source": "engagement", "record_id": row.id, "text": row.department,
               "organisation_id": row.organisation_id, "title": row.title,
               "url": _url("engagements.show", engagement_id=row.id)}
              for row in Engagement.select().where(Engagement.department != "").order_by(Engagement.id)]
    return found


@signals.organisation_link.connect
def link(source, record_id, text, organisation_id, **_kwargs):
    if source == "agreement":
        return bool(Agreement.update(partner_organisation_id=organisation_id)
                    .where(Agreement.id == record_id).execute())
    if source == "delegation":
        key = text_key(text)
        MissionOrganisation.delete().where((MissionOrganisation.mission == record_id)
                                           & (MissionOrganisation.text_key == key)).execute()
        if organisation_id is not None and Mission.get_or_none(Mission.id == record_id) is not None:
            MissionOrganisation.create(mission=record_id, text_key=key, organisation_id=organisation_id)
        return True
    if source == "event":
        # The organising department's record organises the event (a partner already
        # linked to the same record becomes its organiser).
        EventOrganisation.delete().where((EventOrganisation.event == record_id)
                                         & (EventOrganisation.organisation_id == organisation_id)).execute()
        if organisation_id is not None and Event.get_or_none(Event.id == record_id) is not None:
            EventOrganisation.create(event=record_id, organisation_id=organisation_id, role="organiser")
        return True
    if source == "engagement":
        return bool(Engagement.update(organisation_id=organisation_id)
                    .where(Engagement.id == record_id).execute())
    return None


@signals.organisations_merged.connect
def repoint(drop_id, keep, **_kwargs):
    (Agreement.update(partner_organisation_id=keep)
     .where(Agreement.partner_organisation_id == drop_id).execute())
    (MissionOrganisation.update(organisation_id=keep)
     .where(MissionOrganisation.organisation_id == drop_id).execute())
    # One link per event and organisation: where the event names both, the kept
    # record's link stays (an organiser over a partner).
    both = {event_id: role for event_id, role in EventOrganisation.select(
        EventOrganisation.event, EventOrganisation.role).where(
        EventOrganisation.organisation_id == drop_id).tuples()}
    for event_id, role in EventOrganisation.select(EventOrganisation.event, EventOrganisation.role).where(
            (EventOrganisation.organisation_id == keep)
            & EventOrganisation.event.in_(list(both))).tuples():
        if both[event_id] == "organiser" and role != "organiser":
            (EventOrganisation.update(role="organiser")
             .where((EventOrganisation.event == event_id) & (EventOrganisation.organisation_id == keep))
             .execute())
        EventOrganisation.delete().where((EventOrganisation.event == event_id)
                                         & (EventOrganisation.organisation_id == drop_id)).execute()
    (EventOrganisation.update(organisation_id=keep)
     .where(EventOrganisation.organisation_id == drop_id).execute())
    Engagement.update(organisation_id=keep).where(Engagement.organisation_id == drop_id).execute()
    # Their keys would be set to NULL when the merged record is deleted: a course's
    # organiser and an official's host would lose their organisation.
    Training.update(organiser=keep).where(Training.organiser == drop_id).execute()
    OfficialAbroad.update(host=keep).where(OfficialAbroad.host == drop_id).execute()


@signals.organisation_deleted.connect
def unlink(organisation_id, **_kwargs):
    Agreement.update(partner_organisation_id=None).where(
        Agreement.partner_organisation_id == organisation_id).execute()
    MissionOrganisation.delete().where(MissionOrganisation.organisation_id == organisation_id).execute()
    EventOrganisation.delete().where(EventOrganisation.organisation_id == organisation_id).execute()
    Engagement.update(organisation_id=None).where(Engagement.organisation_id == organisation_id).execute()


def _event_meta(role, event):
    return " · ".join((str(events.ORGANISATION_ROLES.get(role, role)), format_day(event.starts_on)))


@signals.organisation_sections.connect
def sections(organisation_id, viewer, **_kwargs):
    if not common.may_read(viewer):
        return []
    linked_events = list(Event.select(Event, EventOrganisation.role.alias("link_role"))
                         .join(EventOrganisation, on=(EventOrganisation.event == Event.id))
                         .where(EventOrganisation.organisation_id == organisation_id)
                         .order_by(Event.starts_on.desc(), Event.id.desc()).objects())
    served = engagements.for_organisation(organisation_id, viewer)
    agreements = list(Agreement.select().where(Agreement.partner_organisation_id == organisation_id)
                      .order_by(Agreement.signed_on.desc(nulls="first"), Agreement.id.desc()))
    delegations = list(Mission.select().join(MissionOrganisation)
                       .where(MissionOrganisation.organisation_id == organisation_id)
                       .order_by(Mission.starts_on.desc(), Mission.id.desc()).distinct())
    return [
        {"key": "agreements", "title": _("Cooperation agreements"),
         "items": [{"text": row.title, "url": _url("programme.agreement", agreement_id=row.id),
                    "meta": " · ".join(part for part in (
                        str(vocab.AGREEMENT_STATUSES.get(status_of(row), status_of(row))),
                        format_day(row.signed_on) if row.signed_on else "") if part)}
                   for row in agreements]},
        {"key": "delegations", "title": _("Delegations"),
         "items": [{"text": row.title, "url": _url("programme.delegation", mission_id=row.id),
                    "meta": format_day(row.starts_on)} for row in delegations]},
        {"key": "events", "title": _("Events"),
         "empty": _("No event names this organisation as its organiser or partner yet."),
         "items": [{"text": row.title, "url": _url("programme.event", event_id=row.id),
                    "meta": _event_meta(row.link_role, row)} for row in linked_events]},
        {"key": "engagements", "title": _("Engagements"),
         "empty": _("No engagement that you may read served this organisation yet."),
         "items": [{"text": row.title, "url": _url("engagements.show", engagement_id=row.id),
                    "meta": " · ".join((str(vocab.ENGAGEMENT_KINDS.get(row.kind, row.kind)),
                                        expert.full_name, format_day(row.starts_on)))}
                   for row, expert in served]},
    ]
