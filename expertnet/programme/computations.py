"""How each computed indicator is counted from the records: a registry of computations.

A computation is a function ``rows(start, end, department=None)`` giving the records
behind the number for the dates ``start``–``end`` (both included); ``department``, when
given, is a folded department name (``core.text.fold``) and keeps only the records of
that department. Each row is a :class:`Source` or a plain tuple ``(kind, id, label, on,
amount, expert_id)`` (the last two optional: amount 1, no profile): modules below this
floor need not import anything from here. The number is the sum of the rows' amounts,
so a count of distinct things (experts, organisations) gives one row per thing.

The counts are the programme's, not the reader's: every record counts, including those
on profiles the reader may not open (the board says so and lists those rows without
their names). A computation is ``personal`` when its rows are about people (a count of
1 or 2 is then shown as "<3" to officials, like the statistics page).

A module that arrives later registers its computation in one line below, e.g.::

    register("trainees", _l("People trained (counts of trainees)"), trainings.indicator_rows)

and, if its rows link to a page of its own, one line in ``LINKS``. An indicator then
takes the computation's code (admins choose it on the indicator's edit page) and stops
being an entered value.
"""
import datetime
from dataclasses import dataclass

from expertnet.cooperation.agreements import SIGNED
from expertnet.cooperation.models import Agreement, Engagement, Mission
from expertnet.core import vocab
from expertnet.core.i18n import _l
from expertnet.core.text import clean, fold
from expertnet.directory.models import Expert

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
# kind of record → (endpoint, name of its id in the URL) of the page that shows it.
LINKS = {
    "engagement": ("engagements.show", "engagement_id"),
    "expert": ("main.profile", "expert_id"),
    "delegation": ("programme.delegation", "mission_id"),
    "agreement": ("programme.agreement", "agreement_id"),
}


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


def agreements_signed(start, end, department=None):
    query = (Agreement.select().where(Agreement.status.in_(SIGNED)
                                      & Agreement.signed_on.between(start, end))
             .order_by(Agreement.signed_on, Agreement.id))
    return [Source("agreement", row.id, f"{row.title} — {row.partner}", row.signed_on)
            for row in query if of_department(row.department, department)]


def agreements_in_force(start, end, department=None):
    """Signed by ``end`` and not ended nor past their end date on ``end`` (in force on
    the last day of the period: a stock, not a flow)."""
    query = (Agreement.select().where(Agreement.status.in_(("signed", "expired"))
                                      & (Agreement.signed_on <= end)
                                      & (Agreement.ends_on.is_null() | (Agreement.ends_on >= end)))
             .order_by(Agreement.signed_on, Agreement.id))
    return [Source("agreement", row.id, f"{row.title} — {row.partner}", row.signed_on)
            for row in query if of_department(row.department, department)]


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
