"""How each computed indicator is counted from the records: a registry of computations.

A computation is a function ``rows(start, end, department=None)`` giving the records
behind the number for the dates ``start``–``end`` (both included); ``department``, when
given, is a folded department name (``core.text.fold``) and keeps only the records of
that department. Each row is a :class:`Source` or a plain tuple ``(kind, id, label, on,
amount, expert_id)`` (the last two optional: amount 1, no profile): modules below this
floor need not import anything from here. The number is the sum of the rows' amounts,
so a count of distinct things (experts, organisations) gives one row per thing.

The counts are the programme's, not the reader's: every record counts, including those
on profiles the reader may not open and those whose ``visibility`` (an organisation's, a
demand's) is above the reader's (the board says so and lists those rows without their
names). A computation is ``personal`` when its rows are about people (a count of
1 or 2 is then shown as "<3" to officials, like the statistics page).

A module that arrives later registers its computation in one line below, e.g.::

    register("trainees", _l("People trained (counts of trainees)"), trainings.indicator_rows)

and, if its rows link to a page of its own, one line in ``LINKS``. An indicator then
takes the computation's code (admins choose it on the indicator's edit page) and stops
being an entered value.
"""
import datetime
from dataclasses import dataclass

from peewee import JOIN

from expertnet.cooperation import officials_abroad as postings
from expertnet.cooperation.agreements import SIGNED
from expertnet.cooperation.models import Agreement, Engagement, Mission, MissionOrganisation
from expertnet.cooperation.training_models import TRAINEE_GROUPS, OfficialAbroad, Training
from expertnet.core import vocab
from expertnet.core.i18n import _l
from expertnet.core.text import clean, fold
from expertnet.councils.models import Council
from expertnet.directory.models import Expert
from expertnet.organisations.models import Organisation
from expertnet.technology import rules as market_rules
from expertnet.technology.models import Connection, TechnologyDemand, TechnologyOffer

# The first year of the programme: a cumulative value counts from its first day.
FIRST_YEAR = 2026
LAST_YEAR = 2030
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))


@dataclass(frozen=True)
class Source:
    """One record behind a number: its kind (a key of ``LINKS``), id, a label, its date,
    how much it adds (1 for a record counted once) and the profile it is about, if any
    (hidden from a reader who may not open that profile)."""

    kind: str
    id: int
    label: str
    on: datetime.date = None
    amount: int = 1
    expert_id: int = None
    # The visibility level of the record behind the row when it has one (an organisation,
    # a demand): a reader below it sees the row counted, not named.
    visibility: str = None
    # The label for a reader in English when it names an organisation that has an English
    # name (``label`` then names it in Vietnamese).
    label_en: str = None

    def label_in(self, language):
        """The label in the reader's language: English where there is one, else as is."""
        return self.label_en if language == "en" and self.label_en else self.label


@dataclass(frozen=True)
class Computation:
    code: str
    title: object  # lazy text: what the computation counts
    rows: object  # rows(start, end, department=None) -> [Source or tuple]
    personal: bool = False

    def sources(self, start, end, department=None):
        return [row if isinstance(row, Source) else Source(*row)
                for row in self.rows(start, end, department)]


REGISTRY = {}
# kind of record → (endpoint, name of its id in the URL) of the page that shows it, and,
# where that page is not for every reader of the board, who may open it (a viewer → bool).
LINKS = {
    "engagement": ("engagements.show", "engagement_id"),
    "expert": ("main.profile", "expert_id"),
    "delegation": ("programme.delegation", "mission_id"),
    "agreement": ("programme.agreement", "agreement_id"),
    "training": ("trainings.show", "training_id"),
    "official_abroad": ("officials_abroad.show", "record_id"),
    "council": ("councils.show", "council_id"),
    "organisation": ("organisations.show", "organisation_id"),
    # A connection's page is for brokers (and its parties, whom the board does not single out).
    "connection": ("technology.connection", "connection_id", market_rules.is_broker),
}


def links_for(viewer):
    """The pages the drill-down may link to for ``viewer``: a row whose page the reader
    could not open is listed unlinked rather than as a link answering 404."""
    return {kind: link[:2] for kind, link in LINKS.items() if len(link) < 3 or link[2](viewer)}


def register(code, title, rows, personal=False):
    """Add a computation (a code used once)."""
    if code in REGISTRY:
        raise ValueError(f"computation {code!r} registered twice")
    REGISTRY[code] = Computation(code, title, rows, personal)


def of_department(department, key):
    """Whether a record's ``department`` (as written) is the folded ``key`` (None: any)."""
    return key is None or fold(clean(department)) == key


def year_range(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def cumulative_range(year):
    return datetime.date(FIRST_YEAR, 1, 1), datetime.date(year, 12, 31)


# -- what main holds today ---------------------------------------------------------------
def _engagements(start, end, department, kinds=None):
    query = (Engagement.select(Engagement.id, Engagement.title, Engagement.starts_on,
                               Engagement.department, Engagement.expert)
             .where(Engagement.starts_on.between(start, end)).order_by(Engagement.starts_on,
                                                                       Engagement.id))
    if kinds:
        query = query.where(Engagement.kind.in_(list(kinds)))
    return [row for row in query if of_department(row.department, department)]


def engagements(kinds=None):
    def rows(start, end, department=None):
        return [Source("engagement", row.id, row.title, row.starts_on, 1, row.expert_id)
                for row in _engagements(start, end, department, kinds)]
    return rows


def distinct_experts(kind=None):
    """One row per expert with an engagement in the range (of ``kind`` of expert)."""
    def rows(start, end, department=None):
        first = {}
        for row in _engagements(start, end, department):
            first.setdefault(row.expert_id, row.starts_on)
        if not first:
            return []
        query = Expert.select(Expert.id, Expert.full_name).where(Expert.id.in_(list(first)))
        if kind:
            query = query.where(Expert.kind == kind)
        return sorted((Source("expert", expert.id, expert.full_name, first[expert.id], 1, expert.id)
                       for expert in query), key=lambda source: (source.on, source.id))
    return rows


def outgoing_delegations(start, end, department=None):
    query = (Mission.select().where((Mission.direction == "outgoing")
                                    & Mission.starts_on.between(start, end))
             .order_by(Mission.starts_on, Mission.id))
    return [Source("delegation", row.id, row.title, row.starts_on)
            for row in query if of_department(row.department, department)]


def _names(organisation_ids):
    """``{organisation id: (Vietnamese name, English name)}``, each falling back on the
    other when empty."""
    ids = [row_id for row_id in set(organisation_ids) if row_id is not None]
    if not ids:
        return {}
    return {row.id: (row.name_vi or row.name_en, row.name_en or row.name_vi)
            for row in Organisation.select(Organisation.id, Organisation.name_vi, Organisation.name_en)
            .where(Organisation.id.in_(ids))}


def _agreement_sources(rows):
    """The agreements' rows, naming the partner by its organisation record in the reader's
    language when the agreement is linked to one (by the text as typed otherwise)."""
    names = _names(row.partner_organisation_id for row in rows)
    found = []
    for row in rows:
        vi, en = names.get(row.partner_organisation_id, (row.partner, row.partner))
        found.append(Source("agreement", row.id, f"{row.title} — {vi}", row.signed_on,
                            label_en=f"{row.title} — {en}" if en != vi else None))
    return found


def agreements_signed(start, end, department=None):
    query = (Agreement.select().where(Agreement.status.in_(SIGNED)
                                      & Agreement.signed_on.between(start, end))
             .order_by(Agreement.signed_on, Agreement.id))
    return _agreement_sources([row for row in query if of_department(row.department, department)])


def agreements_in_force(start, end, department=None):
    """Signed by ``end`` and not ended nor past their end date on ``end`` (in force on
    the last day of the period: a stock, not a flow)."""
    query = (Agreement.select().where(Agreement.status.in_(("signed", "expired"))
                                      & (Agreement.signed_on <= end)
                                      & (Agreement.ends_on.is_null() | (Agreement.ends_on >= end)))
             .order_by(Agreement.signed_on, Agreement.id))
    return _agreement_sources([row for row in query if of_department(row.department, department)])


# -- trainings, officials abroad, councils ---------------------------------------------------
def trainees(groups=TRAINEE_GROUPS):
    """One row per course started in the period: its trainees of ``groups``."""
    def rows(start, end, department=None):
        query = (Training.select().where(Training.starts_on.between(start, end))
                 .order_by(Training.starts_on, Training.id))
        found = []
        for row in query:
            amount = sum(getattr(row, f"trainees_{group}") or 0 for group in groups)
            if amount and of_department(row.department, department):
                found.append(Source("training", row.id, row.topic, row.starts_on, amount))
        return found
    return rows


def officials_sent_abroad(purpose=None):
    """One row per stay abroad starting in the period (of ``purpose``)."""
    def rows(start, end, department=None):
        query = (OfficialAbroad.select().where(OfficialAbroad.starts_on.between(start, end))
                 .order_by(OfficialAbroad.starts_on, OfficialAbroad.id))
        if purpose:
            query = query.where(OfficialAbroad.purpose == purpose)
        rows = [row for row in query if of_department(row.department, department)]
        names = _names(row.host_id for row in rows)
        found = []
        for row in rows:
            # The host by its organisation record in the reader's language when linked.
            vi, en = names.get(row.host_id, (row.host_name, row.host_name))
            label, label_en = (" — ".join(part for part in (postings.who(row), host, row.country) if part)
                               for host in (vi, en))
            found.append(Source("official_abroad", row.id, label, row.starts_on,
                                label_en=label_en if label_en != label else None))
        return found
    return rows


def councils_concluded(kind=None):
    def rows(start, end, department=None):
        query = (Council.select().where((Council.status == "concluded")
                                        & Council.concluded_on.between(start, end))
                 .order_by(Council.concluded_on, Council.id))
        if kind:
            query = query.where(Council.kind == kind)
        return [Source("council", row.id, row.title, row.concluded_on)
                for row in query if of_department(row.department, department)]
    return rows


# -- organisations ----------------------------------------------------------------------------
# The organisations the programme calls "central science and technology organisations" (and
# "central organisations or localities"): Vietnamese state bodies, research institutes and
# universities whose city is not Hai Phong (a ministry, an academy, a national university, a
# province's department). The records hold no "central" mark, so this is the closest honest rule.
CENTRAL_TYPES = ("state_body", "research_institute", "university")
HOME_CITY = "hai phong"


def _organisation_sources(first, kinds=None, central=False):
    """One row per organisation of ``first`` ({organisation id: first date}), oldest first."""
    if not first:
        return []
    query = Organisation.select().where(Organisation.id.in_(list(first)))
    if central:
        query = query.where(Organisation.type.in_(CENTRAL_TYPES)
                            & Organisation.country.in_(("VN", "")))
    found = [Source("organisation", row.id, row.name_vi or row.name_en, first[row.id], 1,
                    None, row.visibility, row.name_en or None)
             for row in query if not (central and HOME_CITY in fold(clean(row.city)))]
    return sorted(found, key=lambda source: (source.on, source.id))


def _partners(start, end, department, by_agreement=True, by_delegation=True):
    first = {}
    if by_agreement:
        query = (Agreement.select(Agreement.partner_organisation_id, Agreement.signed_on,
                                  Agreement.department)
                 .where(Agreement.status.in_(SIGNED) & Agreement.signed_on.between(start, end)
                        & Agreement.partner_organisation_id.is_null(False)))
        for row in query:
            if of_department(row.department, department):
                on = first.get(row.partner_organisation_id)
                first[row.partner_organisation_id] = min(on or row.signed_on, row.signed_on)
    if by_delegation:
        query = (MissionOrganisation.select(MissionOrganisation.organisation_id, Mission.starts_on,
                                            Mission.department)
                 .join(Mission).where(Mission.starts_on.between(start, end)))
        for organisation_id, starts_on, mission_department in query.tuples():
            if of_department(mission_department, department):
                on = first.get(organisation_id)
                first[organisation_id] = min(on or starts_on, starts_on)
    return first


def partner_organisations(by_agreement=True, by_delegation=True, central=False):
    """One row per distinct organisation that is the partner of an agreement signed in the
    period or a delegation's organisation (a delegation starting in the period)."""
    def rows(start, end, department=None):
        return _organisation_sources(_partners(start, end, department, by_agreement,
                                               by_delegation), central=central)
    return rows


# -- the technology marketplace ------------------------------------------------------------------
def connections_opened(start, end, department=None):
    query = (Connection.select(Connection, TechnologyDemand.title, TechnologyDemand.visibility)
             .join(TechnologyDemand, on=(Connection.demand == TechnologyDemand.id))
             .where(Connection.opened_on.between(start, end))
             .order_by(Connection.opened_on, Connection.id))
    return [Source("connection", row.id, row.demand.title, row.opened_on, 1, None,
                   row.demand.visibility)
            for row in query if of_department(row.department, department)]


def _signed(start, end, department):
    query = (Connection.select(Connection, TechnologyDemand.title, TechnologyDemand.visibility)
             .join(TechnologyDemand, on=(Connection.demand == TechnologyDemand.id))
             .where((Connection.status == "contract_signed")
                    & Connection.closed_on.between(start, end))
             .order_by(Connection.closed_on, Connection.id))
    return [row for row in query if of_department(row.department, department)]


def contracts_signed(start, end, department=None):
    return [Source("connection", row.id, row.demand.title, row.closed_on, 1, None,
                   row.demand.visibility) for row in _signed(start, end, department)]


def contract_value(start, end, department=None):
    """The contracts signed in the period, each adding its value (VND; none: nothing)."""
    return [Source("connection", row.id, row.demand.title, row.closed_on, row.contract_value, None,
                   row.demand.visibility)
            for row in _signed(start, end, department) if row.contract_value]


def transfer_partners(start, end, department=None):
    """One row per distinct central organisation (``CENTRAL_TYPES``, Vietnamese, not of Hai
    Phong) offering the technology or asking for it in a connection opened in the period."""
    first = {}
    query = (Connection.select(Connection.opened_on, Connection.department,
                               TechnologyDemand.organisation, TechnologyOffer.organisation)
             .join(TechnologyDemand, on=(Connection.demand == TechnologyDemand.id))
             .switch(Connection)
             .join(TechnologyOffer, on=(Connection.offer == TechnologyOffer.id),
                   join_type=JOIN.LEFT_OUTER)
             .where(Connection.opened_on.between(start, end)))
    for opened_on, row_department, asking, offering in query.tuples():
        if not of_department(row_department, department):
            continue
        for organisation_id in (asking, offering):
            if organisation_id is not None:
                on = first.get(organisation_id)
                first[organisation_id] = min(on or opened_on, opened_on)
    return _organisation_sources(first, central=True)


register("outgoing_delegations", _l("Outgoing delegations starting in the period"),
         outgoing_delegations)
register("agreements_signed", _l("Agreements signed in the period (not drafts)"), agreements_signed)
register("agreements_in_force", _l("Agreements in force on the last day of the period"),
         agreements_in_force)
register("engagements", _l("Engagements starting in the period, every kind"), engagements(),
         personal=True)
register("review_advice", _l("Review and consultation engagements starting in the period"),
         engagements(("review", "consultation")), personal=True)
for _kind in vocab.ENGAGEMENT_KINDS:
    register(f"engagements_{_kind}", vocab.ENGAGEMENT_KINDS[_kind], engagements((_kind,)),
             personal=True)
register("experts_engaged", _l("Distinct experts with an engagement in the period"),
         distinct_experts(), personal=True)
register("diaspora_engaged",
         _l("Distinct overseas Hai Phong intellectuals with an engagement in the period"),
         distinct_experts("diaspora"), personal=True)

register("trainees", _l("People trained: the trainees of every group of the courses starting "
                        "in the period (one row per course)"), trainees())
GROUP_TITLES = {
    "officials": _l("Officials trained: trainees of courses starting in the period"),
    "enterprises": _l("People of enterprises trained: trainees of courses starting in the period"),
    "community": _l("Members of community digital teams trained: trainees of courses starting in "
                    "the period"),
    "students": _l("Students trained: trainees of courses starting in the period"),
}
for _group in TRAINEE_GROUPS:
    register(f"trainees_{_group}", GROUP_TITLES[_group], trainees((_group,)))
register("officials_abroad", _l("Officials sent abroad: stays starting in the period, every purpose"),
         officials_sent_abroad(), personal=True)
PURPOSE_TITLES = {
    "training": _l("Officials sent abroad for training: stays starting in the period"),
    "work": _l("Officials sent abroad for work: stays starting in the period"),
    "exchange": _l("Officials sent abroad on exchange: stays starting in the period"),
}
for _purpose in postings.PURPOSES:
    register(f"officials_abroad_{_purpose}", PURPOSE_TITLES[_purpose],
             officials_sent_abroad(_purpose), personal=True)
register("councils_concluded", _l("Councils of reviewers concluded in the period"),
         councils_concluded())
register("review_councils_concluded", _l("Review councils concluded in the period"),
         councils_concluded("review"))
register("partner_organisations",
         _l("Distinct partner organisations: the partner of an agreement signed in the period or "
            "an organisation of a delegation starting in the period"), partner_organisations())
register("partners_agreements",
         _l("Distinct partner organisations of the agreements signed in the period"),
         partner_organisations(by_delegation=False))
register("partners_delegations",
         _l("Distinct organisations of the delegations starting in the period"),
         partner_organisations(by_agreement=False))
register("central_st_orgs",
         _l("Distinct Vietnamese state bodies, research institutes and universities outside Hai "
            "Phong (by the organisation's city) that are the partner of an agreement signed or an "
            "organisation of a delegation in the period"), partner_organisations(central=True))
register("transfer_partners",
         _l("Distinct Vietnamese state bodies, research institutes and universities outside Hai "
            "Phong (by the organisation's city) offering or asking for the technology of a "
            "marketplace connection opened in the period"), transfer_partners)
register("market_connections", _l("Marketplace connections opened in the period"),
         connections_opened)
register("market_contracts", _l("Marketplace connections that became a contract signed in the "
                                "period"), contracts_signed)
register("market_contract_value", _l("Value of the contracts signed in the period through the "
                                     "marketplace (VND; contracts without a value add nothing)"),
         contract_value)
