"""The marketplace counted for the programme report: offers and demands published,
connections opened, contracts signed (how many and their value), in a date range, by
top-level field and by department.

A record counts in the period it was published in; a connection in the one it was
opened in; a contract in the one it was signed in. Offers and demands count only when
the reader may see them (a published record at the reader's visibility levels); a
connection's field is its demand's. The department is the one of the official who
published the record or opened the connection."""
import datetime
from collections import Counter
from dataclasses import dataclass, field

from expertnet.core import access
from expertnet.core.text import clean, fold
from expertnet.taxonomy import store as catalog
from expertnet.technology.models import Connection, TechnologyDemand, TechnologyOffer

MEASURES = ("offers", "demands", "connections", "contracts", "contract_value")


@dataclass
class MarketCounts:
    offers: int = 0
    demands: int = 0
    connections: int = 0
    contracts: int = 0
    contract_value: int = 0
    # [(top-level field code, {measure: number})], most active first
    by_field: list = field(default_factory=list)
    # [(department as first written, {measure: number})], most active first
    by_department: list = field(default_factory=list)


def _roots(taxonomy, codes):
    return {code for code in taxonomy.with_ancestors(codes)
            if code in taxonomy.fields and not taxonomy.fields[code].parent_id} or {""}


def count(start, end, viewer):
    """:class:`MarketCounts` from ``start`` to ``end`` (dates, both included)."""
    taxonomy = catalog.load()
    moments = (datetime.datetime.combine(start, datetime.time.min),
               datetime.datetime.combine(end, datetime.time.max))
    levels = access.visible_levels(viewer)
    found = MarketCounts()
    by_field, by_department, spelling = {}, {}, {}

    def add(codes, department, measure, amount=1):
        for code in _roots(taxonomy, codes):
            by_field.setdefault(code, Counter())[measure] += amount
        key = fold(clean(department))
        spelling.setdefault(key, clean(department))
        by_department.setdefault(key, Counter())[measure] += amount
        setattr(found, measure, getattr(found, measure) + amount)

    for model, measure in ((TechnologyOffer, "offers"), (TechnologyDemand, "demands")):
        for record in (model.select(model.fields, model.department)
                       .where((model.status == "published") & model.visibility.in_(levels)
                              & model.published_at.between(*moments))):
            add(record.fields, record.department, measure)
    rows = (Connection.select(Connection, TechnologyDemand.fields)
            .join(TechnologyDemand, on=(Connection.demand == TechnologyDemand.id)))
    for row in rows.where(Connection.opened_on.between(start, end)):
        add(row.demand.fields, row.department, "connections")
    signed = (Connection.status == "contract_signed") & Connection.closed_on.between(start, end)
    for row in rows.where(signed):
        add(row.demand.fields, row.department, "contracts")
        if row.contract_value:
            add(row.demand.fields, row.department, "contract_value", row.contract_value)

    def ordered(groups, name):
        return sorted(((name(key), {measure: tally[measure] for measure in MEASURES})
                       for key, tally in groups.items()),
                      key=lambda item: (-sum(item[1][m] for m in MEASURES[:4]), fold(item[0])))
    found.by_field = ordered(by_field, lambda code: code)
    found.by_department = ordered(by_department, lambda key: spelling[key])
    return found
