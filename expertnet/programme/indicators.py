"""The programme's indicators: their values per year and cumulated from the start of the
programme, against their targets, with a red/amber/green state; the records behind each
number; and their writes (admins change an indicator; the responsible department enters
the value of an indicator the site cannot compute, with its evidence). Every write is
audited.

The state (``RULE`` is the text the board shows): the value is compared with what the
target expects by then — the whole target for a year that is over, the share of the
year's target for the days gone in the current year — green at or above it, amber at 70 %
or more of it, red below; a year not begun and an indicator without a target have no
state. The cumulative value is compared the same way with the sum of the yearly targets
so far.
"""
import json
from dataclasses import dataclass, field

from expertnet.accounts.models import User
from expertnet.cooperation import attachments
from expertnet.core import access, audit
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _, _l
from expertnet.core.text import clean, clean_multiline, fold, parse_id
from expertnet.directory.models import Expert
from expertnet.directory.visibility import visible_condition
from expertnet.programme import computations
from expertnet.programme.computations import YEARS, cumulative_range, year_range
from expertnet.programme.models import Indicator, IndicatorValue
from expertnet.programme.statistics import EXACT_ROLES, SMALL, SUPPRESSED
from expertnet.web.forms import text_problems

AMBER_SHARE = 0.7
STATES = {
    "green": _l("On track"),
    "amber": _l("Behind"),
    "red": _l("Far behind"),
    "not_started": _l("Not begun"),
    "no_target": _l("No target set"),
}
RULE = _l("Green: the value has reached what the target expects by now (the whole target for a "
          "year that is over; for the current year, the share of it for the days gone). Amber: "
          "70% of that or more. Red: below 70%. The cumulative value is compared in the same way "
          "with the sum of the yearly targets so far.")
MAX_LENGTHS = {"name_vi": 300, "name_en": 300, "unit_vi": 60, "unit_en": 60, "method_vi": 5_000,
               "method_en": 5_000, "department": 300}
MAX_VALUE = 1_000_000_000
MAX_NOTE = 5_000


class Problems(ValueError):
    def __init__(self, errors):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors))
        self.errors = errors


@dataclass
class Line:
    """One indicator on the board for ``year``."""

    indicator: Indicator
    computation: object  # computations.Computation, or None for an entered value
    year: int
    per_year: list  # [(year, target or None, value or None)] for YEARS
    value: int = None
    target: int = None
    cumulative: int = None
    cumulative_target: int = None
    state: str = "no_target"
    cumulative_state: str = "no_target"
    entry: IndicatorValue = None  # the entered value of the year, with its evidence
    entries: dict = field(default_factory=dict)  # year → IndicatorValue

    @property
    def entered(self):
        return self.computation is None

    @property
    def personal(self):
        return bool(self.computation and self.computation.personal)

    @property
    def progress(self):
        """The cumulative value against the period's target (low end), 0–100, or None."""
        goal = self.indicator.period_low or self.cumulative_target
        if not goal or self.cumulative is None:
            return None
        return min(100, round(100 * self.cumulative / goal))


def ordered():
    return list(Indicator.select().order_by(Indicator.position, Indicator.id))


def by_code(code):
    return Indicator.get_or_none(Indicator.code == str(code)[:40])


def computation_of(indicator):
    return computations.REGISTRY.get(indicator.computation)


def expected(target, year, today):
    """What ``target`` expects by ``today`` for ``year`` (None: the year has not begun)."""
    start, end = year_range(year)
    if today < start:
        return None
    if today >= end:
        return target
    return target * ((today - start).days + 1) / ((end - start).days + 1)


def state_of(value, target, year, today, cumulative=False):
    if not target:
        return "no_target"
    if cumulative:
        wanted = None
        for each, part in target:
            share = expected(part, each, today)
            if share is not None:
                wanted = (wanted or 0) + share
    else:
        wanted = expected(target, year, today)
    if wanted is None:
        return "not_started"
    value = value or 0
    if value >= wanted:
        return "green"
    return "amber" if value >= AMBER_SHARE * wanted else "red"


def value_of(computation, start, end, department=None):
    return sum(source.amount for source in computation.sources(start, end, department))


def line(indicator, year, today=None, entries=None):
    today = today or utcnow().date()
    computation = computation_of(indicator)
    targets = indicator.yearly_targets
    if entries is None:
        entries = {row.year: row for row in
                   IndicatorValue.select().where(IndicatorValue.indicator == indicator.id)}
    per_year = []
    for each in YEARS:
        if computation is not None:
            value = value_of(computation, *year_range(each))
        else:
            value = entries[each].value if each in entries else None
        per_year.append((each, targets.get(each), value))
    result = Line(indicator=indicator, computation=computation, year=year, per_year=per_year,
                  entry=entries.get(year), entries=entries)
    result.target = targets.get(year)
    result.value = dict((each, value) for each, _t, value in per_year).get(year)
    if computation is not None:
        result.cumulative = value_of(computation, *cumulative_range(year))
    else:
        known = [value for each, _t, value in per_year if each <= year and value is not None]
        result.cumulative = sum(known) if known else None
    so_far = [(each, target) for each, target, _v in per_year if each <= year and target is not None]
    result.cumulative_target = sum(target for _e, target in so_far) if so_far else None
    if computation is None and result.value is None and year_range(year)[0] <= today:
        result.state = "no_target" if not result.target else "red"
    else:
        result.state = state_of(result.value, result.target, year, today)
    result.cumulative_state = state_of(result.cumulative, so_far, year, today, cumulative=True)
    return result


def board(year, today=None):
    entries = {}
    for row in IndicatorValue.select():
        entries.setdefault(row.indicator_id, {})[row.year] = row
    return [line(indicator, year, today, entries.get(indicator.id, {})) for indicator in ordered()]


def exact_for(viewer):
    return viewer.role in EXACT_ROLES


def shown(value, personal, exact):
    """A value as the reader sees it: officials read a count of people of 1 or 2 as "<3"."""
    if value is None or exact or not personal or not 0 < value < SMALL:
        return value
    return SUPPRESSED


# -- the records behind a number ----------------------------------------------------------
@dataclass
class Drill:
    sources: list  # the rows the reader may open
    hidden: int  # rows counted for the programme that the reader may not open (profile, level)
    total: int  # the number (sum of amounts)


def drill(indicator, year, viewer, cumulative=False):
    computation = computation_of(indicator)
    if computation is None:
        return None
    start, end = (cumulative_range if cumulative else year_range)(year)
    sources = computation.sources(start, end)
    about = {source.expert_id for source in sources if source.expert_id is not None}
    visible = set()
    if about:
        visible = {expert_id for (expert_id,) in Expert.select(Expert.id).where(
            Expert.id.in_(list(about)) & visible_condition(viewer)).tuples()}
    levels = access.visible_levels(viewer)
    shown_rows = [source for source in sources
                  if (source.expert_id is None or source.expert_id in visible)
                  and (source.visibility is None or source.visibility in levels)]
    return Drill(sources=shown_rows, hidden=len(sources) - len(shown_rows),
                 total=sum(source.amount for source in sources))


# -- who may do what ----------------------------------------------------------------------
def department_of(user_id):
    if user_id is None:
        return ""
    found = User.get_or_none(User.id == user_id)
    return clean(found.department) if found else ""


def may_enter(viewer, indicator):
    """Admins, and officials of the department answering for the indicator."""
    if viewer.role == "admin":
        return True
    if viewer.role != "official" or not indicator.department:
        return False
    mine = fold(department_of(viewer.user_id))
    return bool(mine) and mine == fold(clean(indicator.department))


# -- writes -------------------------------------------------------------------------------
def _whole(raw, name, errors, low=0, high=MAX_VALUE):
    text = clean(raw.get(name) if raw.get(name) is not None else "")
    if not text:
        return None
    number = parse_id(text)
    if number is None or not low <= number <= high:
        errors.append((name, _("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)))
        return None
    return number


def normalize(raw):
    errors = []
    values = {name: (clean_multiline if name.startswith("method") else clean)(raw.get(name))
              for name in MAX_LENGTHS}
    errors += text_problems(values, ("name_vi", "name_en"), MAX_LENGTHS)
    computation = clean(raw.get("computation"))
    if computation and computation not in computations.REGISTRY:
        errors.append(("computation", _("Choose how the indicator is counted.")))
    values["computation"] = computation
    targets = {}
    for year in YEARS:
        target = _whole(raw, f"target_{year}", errors)
        if target is not None:
            targets[str(year)] = target
    values["targets"] = json.dumps(targets)
    values["period_low"] = _whole(raw, "period_low", errors)
    values["period_high"] = _whole(raw, "period_high", errors)
    if values["period_low"] is not None and values["period_high"] is not None \
            and values["period_high"] < values["period_low"]:
        errors.append(("period_high", _("is below the lower end of the target")))
    return values, errors


def update(indicator, raw, actor):
    """Change an indicator from a posted form (``version``: the one the form showed)."""
    values, errors = normalize(raw)
    if parse_id(raw.get("version")) != indicator.version:
        errors.append(("version", _("Someone changed this indicator meanwhile: reload the page and "
                                    "make your change again.")))
    if errors:
        raise Problems(errors)
    before = {name: getattr(indicator, name) for name in values}
    with database.atomic():
        changed = (Indicator.update(**values, updated_at=utcnow(), version=Indicator.version + 1)
                   .where((Indicator.id == indicator.id) & (Indicator.version == indicator.version))
                   .execute())
        if not changed:
            raise Problems([("version", _("Someone changed this indicator meanwhile: reload the page "
                                          "and make your change again."))])
        audit.record("indicator.update", actor_id=actor,
                     changes={"indicator": indicator.code, **audit.diff(before, values)})
    return Indicator.get_by_id(indicator.id)


def enter_value(indicator, raw, actor, stream=None, filename=""):
    """Enter (or replace) the value of a year with its evidence: a note, a file (checked
    by ``attachments.store``), or both. Raises :class:`Problems` or
    :class:`attachments.Rejected`."""
    errors = []
    year = _whole(raw, "year", errors, YEARS[0], YEARS[-1])
    if year is None and not errors:
        errors.append(("year", _("Choose a year of the programme.")))
    value = _whole(raw, "value", errors)
    if value is None and not any(name == "value" for name, _m in errors):
        errors.append(("value", _("is required")))
    note = clean_multiline(raw.get("note"))
    if len(note) > MAX_NOTE:
        errors.append(("note", _("is too long (%(length)s characters; at most %(limit)s)",
                                 length=len(note), limit=MAX_NOTE)))
    if not note and stream is None:
        errors.append(("note", _("Give the evidence: a note, a file, or both.")))
    if errors:
        raise Problems(errors)
    stored = attachments.store(stream, filename) if stream is not None else None
    old = IndicatorValue.get_or_none((IndicatorValue.indicator == indicator.id)
                                     & (IndicatorValue.year == year))
    try:
        with database.atomic():
            if old is not None:
                old.delete_instance()
            row = IndicatorValue.create(indicator=indicator.id, year=year, value=value, note=note,
                                        entered_by=actor, entered_at=utcnow(), **(stored or {}))
            audit.record("indicator.value", actor_id=actor,
                         changes={"indicator": indicator.code, "year": year, "value": value,
                                  "before": old.value if old else None, "file": bool(stored)})
    except Exception:
        if stored:
            attachments.remove([stored["stored_name"]])
        raise
    if old is not None and old.stored_name:
        attachments.remove([old.stored_name])
    return row


def remove_value(row, actor):
    with database.atomic():
        row.delete_instance()
        audit.record("indicator.value_remove", actor_id=actor,
                     changes={"indicator": row.indicator.code, "year": row.year, "value": row.value})
    if row.stored_name:
        attachments.remove([row.stored_name])
