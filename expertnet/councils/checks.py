"""The checks made before a council's members are invited: the composition (the size
wanted, one chair, one secretary, at least one member independent of the requesting
department), field coverage, conflicts of interest (the member works for the requesting
department or for the organisation under review, or worked with either recently, as
recorded in engagements) and rotation (how many councils each expert sat on in the last
12 months, against ``COUNCIL_CAP``)."""
import datetime
from dataclasses import dataclass, field

from flask import current_app

from expertnet.accounts import consent
from expertnet.cooperation.models import Engagement
from expertnet.core.db import utcnow
from expertnet.core.i18n import _, format_day
from expertnet.core.text import clean, fold
from expertnet.councils.models import Council, CouncilMember
from expertnet.directory.models import Expert, ExpertField
from expertnet.outreach import contact_requests
from expertnet.taxonomy import store as catalog

ROTATION_DAYS = 365
# Two names are one organisation when equal once folded, or when one holds the other
# and the shorter is long enough not to be a mere word ("sở", "viện").
MIN_CONTAINED = 8
# The seats that count toward rotation: a declined invitation is no seat.
SEATED = ("proposed", "invited", "accepted")


def same_organisation(first, second):
    a, b = fold(clean(first)), fold(clean(second))
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= MIN_CONTAINED and shorter in longer


def independent(expert, council):
    """From outside the requesting department: an organisation is known and is not it."""
    return bool(clean(expert.organization)) and not same_organisation(expert.organization,
                                                                      council.department)


def seats_in_last_year(expert_ids, council=None, now=None):
    """``{expert id: councils sat on in the last 12 months}`` (other than ``council``)."""
    since = (now or utcnow()) - datetime.timedelta(days=ROTATION_DAYS)
    query = (CouncilMember.select(CouncilMember.expert, CouncilMember.council)
             .join(Council)
             .where(CouncilMember.expert.in_(list(expert_ids))
                    & CouncilMember.status.in_(SEATED)
                    & (Council.created_at >= since)))
    if council is not None:
        query = query.where(CouncilMember.council != council.id)
    counts = dict.fromkeys(expert_ids, 0)
    for expert_id, _council_id in query.tuples():
        counts[expert_id] = counts.get(expert_id, 0) + 1
    return counts


def cowork(expert_ids, council, today=None):
    """``{expert id: [engagements]}``: the recent engagements (other than reviews) of each
    expert with the requesting department or the organisation under review."""
    months = current_app.config["COUNCIL_COWORK_MONTHS"]
    since = (today or utcnow().date()) - datetime.timedelta(days=round(months * 30.44))
    rows = (Engagement.select().where(Engagement.expert.in_(list(expert_ids))
                                      & (Engagement.kind != "review")
                                      & (Engagement.starts_on >= since))
            .order_by(Engagement.starts_on.desc()))
    found = {}
    for row in rows:
        if same_organisation(row.department, council.department) or \
                same_organisation(row.department, council.subject_organisation):
            found.setdefault(row.expert_id, []).append(row)
    return found


def member_problems(experts, council, now=None):
    """``{expert id: [message]}``: what keeps each of ``experts`` off the council."""
    ids = [expert.id for expert in experts]
    cap = current_app.config["COUNCIL_CAP"]
    seats = seats_in_last_year(ids, council, now)
    worked = cowork(ids, council, (now or utcnow()).date())
    withdrawn = consent.withdrawn(ids)
    problems = {}
    for expert in experts:
        found = []
        if same_organisation(expert.organization, council.department):
            found.append(_("Conflict of interest: works for the requesting department (%(name)s).",
                           name=expert.organization))
        if same_organisation(expert.organization, council.subject_organisation):
            found.append(_("Conflict of interest: works for the organisation under review (%(name)s).",
                           name=expert.organization))
        for row in worked.get(expert.id, [])[:1]:
            found.append(_("Conflict of interest: worked with %(department)s recently (“%(title)s”, "
                           "%(date)s).", department=row.department, title=row.title,
                           date=format_day(row.starts_on)))
        if seats.get(expert.id, 0) >= cap:
            found.append(_("Rotation: already sat on %(count)s councils in the last 12 months "
                           "(at most %(cap)s).", count=seats[expert.id], cap=cap))
        if withdrawn.get(expert.id):
            found.append(_("Has withdrawn their consent: cannot be invited."))
        if contact_requests.blocked(expert.id, council.department):
            found.append(_("Does not accept requests from the requesting department."))
        if found:
            problems[expert.id] = found
    return problems


@dataclass
class Review:
    """What the checks found: ``blocking`` (nobody is invited while any is left),
    ``per_member`` ({member id: [message]}, blocking too), ``uncovered`` field codes,
    the rotation counts and who is independent, foreign or from the diaspora."""

    blocking: list = field(default_factory=list)
    per_member: dict = field(default_factory=dict)
    uncovered: list = field(default_factory=list)
    seats: dict = field(default_factory=dict)
    independent: set = field(default_factory=set)
    abroad: set = field(default_factory=set)

    @property
    def ready(self):
        return not self.blocking and not self.per_member


def seated(council):
    """The members not declined, with their profiles: ``[(member, expert)]``."""
    rows = list(CouncilMember.select(CouncilMember, Expert).join(Expert)
                .where((CouncilMember.council == council.id) & CouncilMember.status.in_(SEATED))
                .order_by(CouncilMember.id))
    return [(row, row.expert) for row in rows]


def covered_fields(codes, member_codes, taxonomy):
    """The codes among ``codes`` that no member covers (a member of a sub-field covers it)."""
    reach = set(taxonomy.with_ancestors(member_codes))
    return [code for code in codes if code not in reach]


def review(council, now=None):
    members = seated(council)
    result = Review()
    roles = [member.role for member, _expert in members]
    if len(members) != council.size:
        result.blocking.append(_("The council has %(count)s members; %(size)s are wanted.",
                                 count=len(members), size=council.size))
    if roles.count("chair") != 1:
        result.blocking.append(_("A council has exactly one chair."))
    if roles.count("secretary") != 1:
        result.blocking.append(_("A council has exactly one secretary."))
    result.independent = {member.id for member, expert in members if independent(expert, council)}
    if members and not result.independent:
        result.blocking.append(_("At least one member must come from outside the requesting "
                                 "department."))
    result.abroad = {member.id for member, expert in members if expert.kind in ("foreign", "diaspora")}
    codes = [row.field_id for row in ExpertField.select(ExpertField.field)
             .where(ExpertField.expert.in_([expert.id for _member, expert in members]))]
    result.uncovered = covered_fields(council.fields, codes, catalog.load())
    if result.uncovered:
        result.blocking.append(_("Some fields of the council are covered by no member."))
    problems = member_problems([expert for _member, expert in members], council, now)
    result.per_member = {member.id: problems[expert.id] for member, expert in members
                         if expert.id in problems}
    result.seats = seats_in_last_year([expert.id for _member, expert in members], council, now)
    return result
