"""Agreements' partners and the organisations delegations met, as organisations know
them: their free texts for reconciliation, the links a curator makes (the text stays as
written), repointed on a merge and dropped on a deletion, and the sections of an
organisation's page (for the readers of these records: officials and above)."""
from flask import has_request_context, url_for

from expertnet.cooperation import common, missions
from expertnet.cooperation.agreements import status_of
from expertnet.cooperation.models import Agreement, Mission, MissionOrganisation
from expertnet.core import signals, vocab
from expertnet.core.i18n import _, format_day
from expertnet.core.text import clean, fold

SOURCES = ("agreement", "delegation")


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
    return None


@signals.organisations_merged.connect
def repoint(drop_id, keep, **_kwargs):
    (Agreement.update(partner_organisation_id=keep)
     .where(Agreement.partner_organisation_id == drop_id).execute())
    (MissionOrganisation.update(organisation_id=keep)
     .where(MissionOrganisation.organisation_id == drop_id).execute())


@signals.organisation_deleted.connect
def unlink(organisation_id, **_kwargs):
    Agreement.update(partner_organisation_id=None).where(
        Agreement.partner_organisation_id == organisation_id).execute()
    MissionOrganisation.delete().where(MissionOrganisation.organisation_id == organisation_id).execute()


@signals.organisation_sections.connect
def sections(organisation_id, viewer, **_kwargs):
    if not common.may_read(viewer):
        return []
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
    ]
