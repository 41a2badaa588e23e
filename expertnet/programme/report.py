"""The programme report: for a date range, engagements counted by
kind, by field, by department served and by kind of expert, and the experts newly
added or newly active, as a page and as an XLSX workbook.

Counts are made over the profiles the reader may see, like every total of the
directory (SECURITY.md: totals never count a profile the reader could not open). An
engagement belongs to the range when it starts in it; an expert is "newly active"
when their first engagement does.

Events, delegations and agreements (``cooperation``) count too: the events starting in
the range by kind; the experts' participations in them (invitations whose attendance is
recorded as ``attended``, over the profiles the reader may see) by role and by kind of
expert; the delegations starting in the range, outgoing and incoming, and the countries
they went to or came from; the agreements signed in the range (not drafts), with
domestic and with foreign partners.

Organisations of the register the reader may see, recorded by the end of the range, by
type and by country; and the partner organisations cooperated with in the range
(distinct records linked to an agreement signed in it or met by a delegation starting
in it), by kind of cooperation.

Contact requests through the Department: those opened in the range,
and those whose answer came in it (``decided_at``): consent given (including a consent
withdrawn since), declined, no answer.
"""
import datetime
import io
from collections import Counter
from dataclasses import dataclass

from peewee import fn

from expertnet.cooperation.agreements import SIGNED
from expertnet.cooperation.models import (
    Agreement,
    Engagement,
    Event,
    EventInvitation,
    Mission,
    MissionOrganisation,
)
from expertnet.core import access, vocab
from expertnet.core.text import clean, fold
from expertnet.directory import search_documents
from expertnet.directory.models import Expert
from expertnet.directory.visibility import visible_condition
from expertnet.organisations.models import ORGANISATION_TYPES, Organisation
from expertnet.outreach.models import ContactRequest
from expertnet.taxonomy import store as catalog
from expertnet.technology import counts as market_counts

# Steps of a request through the Department, and the statuses that reached each answer
# ("revoked": the consent given then was withdrawn since; it was given all the same).
DEPARTMENT_STEPS = tuple(vocab.DEPARTMENT_CONTACT_STEPS)
_DEPARTMENT_ANSWERS = {"consent": ("accepted", "revoked"), "declined": ("declined",),
                       "no_answer": ("no_answer",)}
# A cell starting with one of these is a formula to a spreadsheet (SECURITY.md).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Report:
    start: datetime.date
    end: datetime.date
    engagements: int
    by_kind: list  # [(engagement kind, count)] in vocabulary order
    by_field: list  # [(top-level field code, count)], most first
    by_department: list  # [(department as first written, count)], most first
    by_expert_kind: list  # [(expert kind, count)]
    new_experts: list  # [(expert kind, count)]
    newly_active: list  # [(expert kind, count)]
    events: int = 0
    events_by_kind: list = ()  # [(event kind, count)]
    participations: int = 0
    participations_by_role: list = ()  # [(event role, count)]
    participations_by_expert_kind: list = ()  # [(expert kind, count)]
    delegations: int = 0
    delegations_by_direction: list = ()  # [(direction, count)]
    delegations_by_country: list = ()  # [((direction, country code), count)]
    agreements: int = 0
    agreements_by_scope: list = ()  # [(partner scope, count)]
    department_contacts: list = ()  # [(step, count)]: DEPARTMENT_STEPS in order
    organisations: int = 0
    organisations_by_type: list = ()  # [(organisation type, count)] in vocabulary order
    organisations_by_country: list = ()  # [(country code, count)], most first
    partners: int = 0
    partners_by_cooperation: list = ()  # [("agreement" | "delegation", distinct organisations)]
    # The technology marketplace (technology.counts.MarketCounts)
    technology: object = None


def _visible(query, viewer):
    # The profiles the reader may open (their own and those they edit as a delegate too).
    return query.where(visible_condition(viewer))


def build(start, end, viewer):
    rows = list(_visible(Engagement.select(Engagement, Expert.id, Expert.kind).join(Expert), viewer)
                .where(Engagement.starts_on.between(start, end)))
    taxonomy = catalog.load()
    codes = search_documents.field_codes_by_expert({row.expert_id for row in rows})
    by_field = Counter()
    for row in rows:
        roots = {code for code in taxonomy.with_ancestors(codes.get(row.expert_id, []))
                 if code in taxonomy.fields and not taxonomy.fields[code].parent_id}
        by_field.update(roots)
    departments, spelling = Counter(), {}
    for row in rows:
        key = fold(clean(row.department))
        spelling.setdefault(key, clean(row.department))
        departments[key] += 1
    kinds = Counter(row.kind for row in rows)
    expert_kinds = Counter(row.expert.kind for row in rows)
    starts = (datetime.datetime.combine(start, datetime.time.min),
              datetime.datetime.combine(end, datetime.time.max))
    new = Counter(kind for (kind,) in _visible(Expert.select(Expert.kind), viewer)
                  .where(Expert.created_at.between(*starts)).tuples())
    first = (Engagement.select(Engagement.expert, fn.MIN(Engagement.starts_on).alias("first"))
             .group_by(Engagement.expert))
    active = Counter(
        kind for (kind,) in _visible(
            Expert.select(Expert.kind).join(first, on=(Expert.id == first.c.expert_id)), viewer)
        .where(first.c.first.between(start, end)).tuples())
    return Report(
        start=start, end=end, engagements=len(rows), **_cooperation(start, end, viewer),
        department_contacts=_department_contacts(starts, viewer),
        **_organisations(start, end, starts, viewer),
        technology=market_counts.count(start, end, viewer),
        by_kind=[(code, kinds[code]) for code in vocab.ENGAGEMENT_KINDS],
        by_field=sorted(by_field.items(), key=lambda item: (-item[1], item[0])),
        by_department=sorted(((spelling[key], count) for key, count in departments.items()),
                             key=lambda item: (-item[1], fold(item[0]))),
        by_expert_kind=[(code, expert_kinds[code]) for code in vocab.KINDS],
        new_experts=[(code, new[code]) for code in vocab.KINDS],
        newly_active=[(code, active[code]) for code in vocab.KINDS])


def _department_contacts(starts, viewer):
    """``[(step, count)]`` of the requests through the Department in the range."""
    def counted(query):
        return _visible(query.join(Expert, on=(ContactRequest.expert == Expert.id)), viewer) \
            .where(ContactRequest.channel == "department").count()
    counts = {"opened": counted(ContactRequest.select().where(
        ContactRequest.created_at.between(*starts)))}
    for step, statuses in _DEPARTMENT_ANSWERS.items():
        counts[step] = counted(ContactRequest.select().where(
            ContactRequest.decided_at.between(*starts) & ContactRequest.status.in_(statuses)))
    return [(step, counts[step]) for step in DEPARTMENT_STEPS]


def _cooperation(start, end, viewer):
    """The counts of events, participations, delegations and agreements."""
    events = Counter(kind for (kind,) in Event.select(Event.kind)
                     .where(Event.starts_on.between(start, end)).tuples())
    attended = list(_visible(EventInvitation.select(EventInvitation.role, Expert.kind)
                             .join(Event, on=(EventInvitation.event == Event.id)).switch(EventInvitation)
                             .join(Expert, on=(EventInvitation.expert == Expert.id)), viewer)
                    .where(Event.starts_on.between(start, end)
                           & (EventInvitation.attendance == "attended")).tuples())
    roles = Counter(role for role, _kind in attended)
    expert_kinds = Counter(kind for _role, kind in attended)
    missions = list(Mission.select(Mission.direction, Mission.country)
                    .where(Mission.starts_on.between(start, end)).tuples())
    directions = Counter(direction for direction, _country in missions)
    countries = Counter(missions)
    direction_order = list(vocab.MISSION_DIRECTIONS)
    scopes = Counter(scope for (scope,) in Agreement.select(Agreement.partner_scope)
                     .where(Agreement.signed_on.between(start, end)
                            & Agreement.status.in_(SIGNED)).tuples())
    return {
        "events": sum(events.values()),
        "events_by_kind": [(code, events[code]) for code in vocab.EVENT_KINDS],
        "participations": len(attended),
        "participations_by_role": [(code, roles[code]) for code in vocab.EVENT_ROLES],
        "participations_by_expert_kind": [(code, expert_kinds[code]) for code in vocab.KINDS],
        "delegations": len(missions),
        "delegations_by_direction": [(code, directions[code]) for code in direction_order],
        "delegations_by_country": sorted(
            countries.items(), key=lambda item: (
                direction_order.index(item[0][0]) if item[0][0] in direction_order else 9,
                -item[1], item[0][1])),
        "agreements": sum(scopes.values()),
        "agreements_by_scope": [(code, scopes[code]) for code in vocab.PARTNER_SCOPES],
    }


def _organisations(start, end, starts, viewer):
    levels = access.visible_levels(viewer)
    rows = list(Organisation.select(Organisation.id, Organisation.type, Organisation.country)
                .where(Organisation.visibility.in_(levels) & (Organisation.created_at <= starts[1])).tuples())
    visible = {row_id for row_id, _type, _country in rows}
    types = Counter(kind for _id, kind, _country in rows)
    countries = Counter(country for _id, _kind, country in rows if country)
    agreed = {row_id for (row_id,) in Agreement.select(Agreement.partner_organisation_id)
              .where(Agreement.signed_on.between(start, end) & Agreement.status.in_(SIGNED)
                     & Agreement.partner_organisation_id.is_null(False)).tuples()} & visible
    met = {row_id for (row_id,) in MissionOrganisation.select(MissionOrganisation.organisation_id)
           .join(Mission).where(Mission.starts_on.between(start, end)).tuples()} & visible
    return {
        "organisations": len(rows),
        "organisations_by_type": [(code, types[code]) for code in ORGANISATION_TYPES],
        "organisations_by_country": sorted(countries.items(), key=lambda item: (-item[1], item[0])),
        "partners": len(agreed | met),
        "partners_by_cooperation": [("agreement", len(agreed)), ("delegation", len(met))],
    }


def safe_cell(value):
    """Text a spreadsheet shows as typed, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_xlsx(report, labels):
    """The report as an XLSX workbook (bytes). ``labels`` gives the reader's words:
    ``title``, ``period``, ``section`` titles and ``name(kind, code)`` for codes."""
    import openpyxl  # only exports pay for it

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = str(labels["sheet"])[:31]
    sheet.append([str(labels["title"])])
    sheet.append([str(labels["period"])])
    sheet.append([str(labels["engagements"]), report.engagements])
    for key in ("events", "participations", "delegations", "agreements", "organisations", "partners"):
        sheet.append([str(labels[key]), getattr(report, key)])
    sections = (
        ("by_kind", "engagement_kind", report.by_kind),
        ("by_field", "field", report.by_field),
        ("by_department", None, report.by_department),
        ("by_expert_kind", "expert_kind", report.by_expert_kind),
        ("new_experts", "expert_kind", report.new_experts),
        ("newly_active", "expert_kind", report.newly_active),
        ("events_by_kind", "event_kind", report.events_by_kind),
        ("participations_by_role", "event_role", report.participations_by_role),
        ("participations_by_expert_kind", "expert_kind", report.participations_by_expert_kind),
        ("delegations_by_direction", "mission_direction", report.delegations_by_direction),
        ("delegations_by_country", "mission_country", report.delegations_by_country),
        ("agreements_by_scope", "partner_scope", report.agreements_by_scope),
        ("department_contacts", "department_step", report.department_contacts),
        ("organisations_by_type", "organisation_type", report.organisations_by_type),
        ("organisations_by_country", "country", report.organisations_by_country),
        ("partners_by_cooperation", "cooperation", report.partners_by_cooperation),
    )
    for key, vocabulary, rows in sections:
        sheet.append([])
        sheet.append([str(labels[key]), str(labels["count"])])
        for code, count in rows:
            name = labels["name"](vocabulary, code) if vocabulary else code
            sheet.append([safe_cell(str(name)), count])
    market = report.technology
    if market is not None and "technology" in labels:
        sheet.append([])
        sheet.append([str(labels["technology"]), str(labels["count"])])
        for name in market_counts.MEASURES:
            sheet.append([str(labels["technology_measures"][name]), getattr(market, name)])
    sheet.column_dimensions["A"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
