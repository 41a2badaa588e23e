"""Budgets: planned and actual costs, each with a category, on the programme's records
(events, delegations, councils, training courses, engagements), summed per year and per
department for the finance view. A line belongs to the year of its record's date (the
start of an event, a delegation, a course or an engagement; a council's conclusion, or
its creation while it has none) and to its record's department. Each change is audited;
who may change a record's budget is who may change the record."""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from expertnet.cooperation import common
from expertnet.cooperation import engagements as engagement_records
from expertnet.cooperation.common import Problems
from expertnet.cooperation.models import Engagement, Event, Mission
from expertnet.cooperation.training_models import Training
from expertnet.core import audit, signals
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _, _l
from expertnet.core.text import clean, clean_multiline, parse_id
from expertnet.councils.models import Council
from expertnet.programme.budget_models import BudgetLine

CATEGORIES = {
    "travel": _l("Travel"),
    "accommodation": _l("Accommodation"),
    "fees": _l("Fees and honoraria"),
    "venue": _l("Venue and equipment"),
    "materials": _l("Documents and materials"),
    "other": _l("Other costs"),
}
# kind → (model, label, its date, the endpoint and URL value of its page)
KINDS = {
    "event": (Event, _l("Event"), lambda record: record.starts_on, "programme.event", "event_id"),
    "delegation": (Mission, _l("Delegation"), lambda record: record.starts_on, "programme.delegation",
                   "mission_id"),
    "council": (Council, _l("Council"),
                lambda record: record.concluded_on or record.created_at.date(), "councils.show",
                "council_id"),
    "training": (Training, _l("Training course"), lambda record: record.starts_on, "trainings.show",
                 "training_id"),
    "engagement": (Engagement, _l("Engagement"), lambda record: record.starts_on, "engagements.show",
                   "engagement_id"),
}
MAX_AMOUNT = 10 ** 15
MAX_NOTE = 1000


def record_of(kind, record_id):
    """The record a budget belongs to, or None."""
    if kind not in KINDS:
        return None
    model = KINDS[kind][0]
    return model.get_or_none(model.id == record_id)


def may_edit(viewer, kind, record):
    if kind == "engagement":
        return engagement_records.may_edit(viewer, record)
    return common.may_edit(viewer, record)


def title_of(kind, record):
    return getattr(record, "title", None) or getattr(record, "topic", "")


def _amount(raw, name, errors, required=False):
    typed = clean(str(raw or "")).replace(".", "").replace(",", "").replace(" ", "")
    if not typed:
        if required:
            errors.append((name, _("is required")))
        return None
    number = parse_id(typed) if not typed.startswith("#") else None
    if number is None or number > MAX_AMOUNT:
        errors.append((name, _("Type an amount in đồng as a whole number.")))
        return None
    return number


def normalize(raw):
    errors = []
    category = clean(raw.get("category"))
    if category not in CATEGORIES:
        errors.append(("category", _("Choose a category.")))
    planned = _amount(raw.get("planned"), "planned", errors, required=True)
    actual = _amount(raw.get("actual"), "actual", errors)
    note = clean_multiline(raw.get("note"))
    if len(note) > MAX_NOTE:
        errors.append(("note", _("is too long (%(length)s characters; at most %(limit)s)",
                                 length=len(note), limit=MAX_NOTE)))
    return {"category": category, "planned": planned or 0, "actual": actual, "note": note}, errors


def lines(kind, record_id):
    return list(BudgetLine.select().where((BudgetLine.record_kind == kind)
                                          & (BudgetLine.record_id == record_id))
                .order_by(BudgetLine.id))


def add(kind, record, raw, actor):
    """A line on ``record``; raises :class:`Problems`."""
    values, errors = normalize(raw)
    if errors:
        raise Problems(errors)
    with database.atomic():
        row = BudgetLine.create(record_kind=kind, record_id=record.id, created_by=actor, **values)
        audit.record("budget.add", actor_id=actor, changes={kind: record.id, "line": row.id,
                                                            "planned": row.planned, "actual": row.actual})
    return row


def update(row, raw, actor):
    """Change a line (its actual cost, once known); raises :class:`Problems`."""
    values, errors = normalize(raw)
    if errors:
        raise Problems(errors)
    with database.atomic():
        BudgetLine.update(updated_at=utcnow(), **values).where(BudgetLine.id == row.id).execute()
        audit.record("budget.update", actor_id=actor,
                     changes={row.record_kind: row.record_id, "line": row.id,
                              "planned": values["planned"], "actual": values["actual"]})


def remove(row, actor):
    with database.atomic():
        row.delete_instance()
        audit.record("budget.remove", actor_id=actor,
                     changes={row.record_kind: row.record_id, "line": row.id})


@signals.record_deleted.connect
def delete_with_record(kind, ids=(), actor=None, **_):
    """A record of the programme is deleted: its budget lines go with it, in its
    transaction (a line of no record would still be summed nowhere and shown nowhere)."""
    if kind not in KINDS or not ids:
        return
    gone = [row_id for (row_id,) in BudgetLine.select(BudgetLine.id)
            .where((BudgetLine.record_kind == kind) & BudgetLine.record_id.in_(list(ids))).tuples()]
    if not gone:
        return
    BudgetLine.delete().where(BudgetLine.id.in_(gone)).execute()
    audit.record("budget.remove_with_record", actor_id=actor,
                 changes={kind: list(ids) if len(ids) > 1 else ids[0], "lines": gone})


def totals(rows):
    """``(planned, actual)`` of ``rows`` (an actual cost not known yet counts as 0)."""
    return sum(row.planned for row in rows), sum(row.actual or 0 for row in rows)


# -- the finance view ----------------------------------------------------------------------
@dataclass
class Sum:
    planned: int = 0
    actual: int = 0
    lines: int = 0
    categories: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def add(self, row):
        self.planned += row.planned
        self.actual += row.actual or 0
        self.lines += 1
        self.categories[row.category][0] += row.planned
        self.categories[row.category][1] += row.actual or 0


def placed(rows=None):
    """``[(line, year, department, kind, record)]`` of every line whose record exists."""
    rows = list(BudgetLine.select().order_by(BudgetLine.id)) if rows is None else rows
    wanted = defaultdict(set)
    for row in rows:
        wanted[row.record_kind].add(row.record_id)
    records = {}
    for kind, ids in wanted.items():
        if kind in KINDS:
            model = KINDS[kind][0]
            records[kind] = {record.id: record for record in model.select().where(model.id.in_(list(ids)))}
    found = []
    for row in rows:
        record = records.get(row.record_kind, {}).get(row.record_id)
        if record is None:
            continue
        day = KINDS[row.record_kind][2](record)
        found.append((row, day.year if isinstance(day, datetime.date) else None,
                      clean(record.department), row.record_kind, record))
    return found


def by_year_and_department(year=None):
    """``{(year, department): Sum}`` sorted by year, then department; ``year`` keeps one."""
    sums = defaultdict(Sum)
    for row, line_year, department, _kind, _record in placed():
        if year is not None and line_year != year:
            continue
        sums[(line_year, department)].add(row)
    return dict(sorted(sums.items(), key=lambda item: (-(item[0][0] or 0), item[0][1])))


def years():
    return sorted({line_year for _row, line_year, *_rest in placed() if line_year}, reverse=True)
