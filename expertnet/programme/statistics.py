"""The statistics dashboard: profiles counted by kind, field, country,
availability, sector and hometown, overseas Hai Phong intellectuals by country (a world
map) and by host city, and profiles added per month.

Every count is made by the database (``GROUP BY``), over the profiles the reader may
open (SECURITY.md: totals never count a profile the reader could not open): curators
and admins count every profile, officials those shared with officials or the public.
Deleted and merged-away profiles have no row left, so they are never counted.

Organisations of the register are counted by type and by country, and the strategic
partners by country, over the records the reader may see (their visibility levels, as
the register's pages decide); the kind-of-expert filter does not apply to them.

Small cells: for officials, a count of 1 or 2 in a table by category is shown as "<3"
(``SMALL``), in the page, the charts, the map and the downloads, so that a chart or a
spreadsheet passed on to others does not point at one person in a small country or
commune. Curators see exact counts. Growth over time names no category of person and is
not suppressed.
"""
import datetime
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from peewee import Case, Value, fn

from expertnet.core import access, places, vocab
from expertnet.core.db import is_postgres
from expertnet.core.i18n import _, _l
from expertnet.core.text import clean, fold
from expertnet.directory.models import Expert, ExpertField
from expertnet.directory.visibility import visible_condition
from expertnet.organisations import vocab as organisation_vocab
from expertnet.organisations.models import Organisation
from expertnet.taxonomy import hometowns
from expertnet.taxonomy import store as catalog
from expertnet.taxonomy.models import Field

# Counts below this are shown as "<3" to officials.
SMALL = 3
SUPPRESSED = "<3"
# Who sees exact counts.
EXACT_ROLES = ("curator", "admin")
# The charts, in page order: key → title.
CHARTS = {
    "kind": _l("Experts by kind"),
    "field": _l("Experts by field of expertise"),
    "country": _l("Experts by country of residence"),
    "availability": _l("Experts by what they are available for"),
    "sector": _l("Experts by sector"),
    "hometown": _l("Experts by hometown (current ward, commune or special zone)"),
    "diaspora_country": _l("Overseas Hai Phong intellectuals by country of residence"),
    "diaspora_city": _l("Overseas Hai Phong intellectuals by host city"),
    "organisation_type": _l("Organisations by type"),
    "organisation_country": _l("Organisations by country"),
    "partner_country": _l("Strategic partners by country"),
    "growth": _l("Profiles added per month"),
}
# Charts counting organisations of the register, not profiles.
ORGANISATION_CHARTS = ("organisation_type", "organisation_country", "partner_country")
# Charts about overseas Hai Phong intellectuals only (not shown for another kind).
DIASPORA_CHARTS = ("diaspora_country", "diaspora_city")
NOT_GIVEN = _l("Not given")
OTHER_HOMETOWN = _l("Not recognised as a Hai Phong hometown")
# The map's classes: (class, lowest count, label). Fixed bins keep a map comparable
# from one month to the next.
MAP_BINS = (("map-1", 1, _l("1–2")), ("map-2", 3, _l("3–9")), ("map-3", 10, _l("10–49")),
            ("map-4", 50, _l("50–199")), ("map-5", 200, _l("200 or more")))
MAP_FILE = Path(__file__).parent.parent / "static" / "vendor" / "svg-maps-world" / "world.svg"
# Host cities listed (the most first); the rest are summed in one row.
MAX_CITIES = 30


@dataclass
class Row:
    code: str
    label: str
    count: int
    level: int = 0  # 1: a sub-field under the field above it

    def shown(self, exact):
        """The count as the reader sees it: an int, or "<3" for an official."""
        return self.count if exact or not 0 < self.count < SMALL else SUPPRESSED


@dataclass
class Chart:
    key: str
    title: str
    rows: list = field(default_factory=list)
    kind: str = "bar"  # the chart's type for Chart.js

    @property
    def counts_organisations(self):
        return self.key in ORGANISATION_CHARTS

    @property
    def total(self):
        return sum(row.count for row in self.rows if row.level == 0)


@dataclass
class Dashboard:
    exact: bool
    kind: str  # "" for every kind
    profiles: int
    charts: dict  # key → Chart
    growth: list  # [(month "YYYY-MM", added, cumulative)]
    organisations: int = 0  # of the register, that the reader may see
    partners: int = 0  # of them, strategic partners


def is_exact(viewer):
    return viewer.role in EXACT_ROLES


def population(viewer, kind=""):
    """The ``WHERE`` of the profiles ``viewer`` may count (of ``kind`` if given)."""
    condition = visible_condition(viewer)
    if kind:
        condition &= Expert.kind == kind
    return condition


def build(viewer, language, kind="", only=None):
    """Every chart (or the ones named in ``only``) for ``viewer`` in ``language``."""
    where = population(viewer, kind)
    organisations = organisation_population(viewer)
    wanted = set(only or CHARTS)
    if kind and kind != "diaspora":
        wanted -= set(DIASPORA_CHARTS)
    builders = {
        "kind": lambda: _by_kind(where),
        "field": lambda: _by_field(where, language),
        "country": lambda: _by_country(where, language),
        "availability": lambda: _by_availability(where),
        "sector": lambda: _by_sector(where),
        "hometown": lambda: _by_hometown(where),
        "diaspora_country": lambda: _by_country(where & (Expert.kind == "diaspora"), language,
                                                with_missing=False),
        "diaspora_city": lambda: _by_city(where & (Expert.kind == "diaspora"), language),
        "organisation_type": lambda: _organisations_by_type(organisations),
        "organisation_country": lambda: _organisations_by_country(organisations, language),
        "partner_country": lambda: _organisations_by_country(
            organisations & Organisation.strategic_partner, language),
    }
    charts = {}
    for key in CHARTS:
        if key in wanted and key in builders:
            charts[key] = Chart(key, CHARTS[key], builders[key]())
    growth = _growth(where) if "growth" in wanted else []
    if "growth" in wanted:
        charts["growth"] = Chart("growth", CHARTS["growth"],
                                 [Row(month, month, added) for month, added, _c in growth],
                                 kind="line")
    profiles = Expert.select(fn.COUNT(Expert.id)).where(where).scalar() or 0
    counted = 0, 0
    if wanted & set(ORGANISATION_CHARTS):
        counted = (Organisation.select(fn.COUNT(Organisation.id),
                                       fn.SUM(Case(None, [(Organisation.strategic_partner, 1)], 0)))
                   .where(organisations).tuples().get())
    return Dashboard(exact=is_exact(viewer), kind=kind, profiles=profiles, charts=charts,
                     growth=growth, organisations=int(counted[0] or 0), partners=int(counted[1] or 0))


def organisation_population(viewer):
    """The ``WHERE`` of the organisations ``viewer`` may count: those they may see."""
    return Organisation.visibility.in_(access.visible_levels(viewer))


def _organisations_by_type(where):
    counts = dict(Organisation.select(Organisation.type, fn.COUNT(Organisation.id))
                  .where(where).group_by(Organisation.type).tuples())
    return _vocabulary_rows(counts, organisation_vocab.TYPES)


def _organisations_by_country(where, language):
    counts = dict(Organisation.select(Organisation.country, fn.COUNT(Organisation.id))
                  .where(where).group_by(Organisation.country).tuples())
    return _country_rows({code or "": count for code, count in counts.items()}, language)


def _grouped(column, where):
    query = (Expert.select(column.alias("value"), fn.COUNT(Expert.id).alias("count"))
             .where(where).group_by(column))
    return {value or "": count for value, count in query.tuples()}


def _vocabulary_rows(counts, vocabulary):
    rows = [Row(code, str(label), counts.get(code, 0)) for code, label in vocabulary.items()]
    missing = sum(count for value, count in counts.items() if value not in vocabulary)
    if missing:
        rows.append(Row("", str(NOT_GIVEN), missing))
    return rows


def _by_kind(where):
    return _vocabulary_rows(_grouped(Expert.kind, where), vocab.KINDS_PLURAL)


def _by_sector(where):
    return _vocabulary_rows(_grouped(Expert.sector, where), vocab.SECTORS)


def _by_availability(where):
    """One query: per code, how many profiles list it (the list is JSON text; a code
    is matched with its quotes, so ``"mentoring"`` never matches another code)."""
    def text(value):  # compared as the JSON text it is, not as a list
        return Value(value, converter=str)

    columns = [fn.SUM(Case(None, [(Expert.available_for ** text(f'%"{code}"%'), 1)], 0)).alias(code)
               for code in vocab.AVAILABILITY]
    empty = (Expert.available_for == text("[]")) | (Expert.available_for == text(""))
    none = fn.SUM(Case(None, [(empty, 1)], 0)).alias("none")
    row = Expert.select(*columns, none).where(where).dicts().get()
    rows = [Row(code, str(label), int(row[code] or 0)) for code, label in vocab.AVAILABILITY.items()]
    if row["none"]:
        rows.append(Row("", str(NOT_GIVEN), int(row["none"])))
    return rows


def _by_field(where, language):
    """Top-level fields (a profile counted once under each of its top-level fields,
    whether it has the field itself or one of its sub-fields), each followed by its
    sub-fields; then the profiles without any field."""
    taxonomy = catalog.load()
    root = fn.COALESCE(Field.parent, Field.code)
    # The profiles counted, as a subquery: read from the statistics index, not the rows.
    counted = ExpertField.expert.in_(Expert.select(Expert.id).where(where))
    per_root = dict(
        ExpertField.select(root, fn.COUNT(ExpertField.expert.distinct()))
        .join(Field).where(counted).group_by(root).tuples())
    per_field = dict(
        ExpertField.select(ExpertField.field, fn.COUNT(ExpertField.expert))
        .where(counted).group_by(ExpertField.field).tuples())
    rows = []
    for top in taxonomy.roots():
        rows.append(Row(top.code, top.name(language), per_root.get(top.code, 0)))
        for child in taxonomy.children(top.code):
            rows.append(Row(child.code, child.name(language), per_field.get(child.code, 0), level=1))
    none = (Expert.select(fn.COUNT(Expert.id))
            .where(where & Expert.id.not_in(ExpertField.select(ExpertField.expert))).scalar())
    if none:
        rows.append(Row("", str(NOT_GIVEN), none))
    return rows


def _by_country(where, language, with_missing=True):
    return _country_rows(_grouped(Expert.country, where), language, with_missing)


def _country_rows(counts, language, with_missing=True):
    """Countries by count, then name; the records without a country last."""
    rows = [Row(code, places.country_name(code, language), count)
            for code, count in counts.items() if code]
    rows.sort(key=lambda row: (-row.count, fold(row.label)))
    if with_missing and counts.get(""):
        rows.append(Row("", str(NOT_GIVEN), counts[""]))
    return rows


def _by_city(where, language):
    """Cities as written, merged when they differ only by case or diacritics (the most
    common spelling is shown), with their country."""
    query = (Expert.select(Expert.country, Expert.city, fn.COUNT(Expert.id))
             .where(where & (Expert.city != "")).group_by(Expert.country, Expert.city))
    merged, spellings = {}, {}
    for country, city, count in query.tuples():
        name = clean(city)
        key = (country or "", fold(name))
        merged[key] = merged.get(key, 0) + count
        best = spellings.get(key)
        if best is None or count > best[1]:
            spellings[key] = (name, count)
    rows = []
    for key, count in merged.items():
        country, _folded = key
        label = spellings[key][0]
        if country:
            label = f"{label}, {places.country_name(country, language)}"
        rows.append(Row(f"{country}:{key[1]}", label, count))
    rows.sort(key=lambda row: (-row.count, fold(row.label)))
    if len(rows) > MAX_CITIES:
        rest = sum(row.count for row in rows[MAX_CITIES:])
        rows = [*rows[:MAX_CITIES], Row("", _("Other cities"), rest)]
    return rows


def _by_hometown(where):
    """Hometowns grouped by the current unit they name (``hometowns.recognise``); a
    hometown written as a former district only is counted under that district (it
    cannot be split between the units formed from it). Text that names no Hai Phong
    unit is summed in one row, never listed: it could be anything a person typed."""
    counts = {}
    labels = {}
    unknown = 0
    for text, count in _grouped(Expert.hometown, where & (Expert.hometown != "")).items():
        found = hometowns.recognise(text)
        if found is None:
            unknown += count
            continue
        if found.unit is not None:
            key, label = f"unit:{found.unit.name}", found.unit.written
        elif found.districts:
            district = found.districts[0]
            key = f"district:{district.name}"
            label = _("%(district)s (former district)", district=district.written)
        else:
            key = f"province:{found.provinces[0]}"
            label = hometowns.PROVINCES[found.provinces[0]]
        counts[key] = counts.get(key, 0) + count
        labels[key] = label
    rows = [Row(key, labels[key], count) for key, count in counts.items()]
    rows.sort(key=lambda row: (-row.count, fold(row.label)))
    if unknown:
        rows.append(Row("", str(OTHER_HOMETOWN), unknown))
    return rows


def _month(column):
    if is_postgres():
        return fn.to_char(column, "YYYY-MM")
    # SQLite keeps peewee's "YYYY-MM-DD HH:MM:SS[.ffffff]": its first seven characters.
    return fn.SUBSTR(column, 1, 7)


def _growth(where):
    """``[(month, added, cumulative)]`` from the first month with a profile to the
    last, months without one included."""
    month = _month(Expert.created_at)
    added = dict(Expert.select(month, fn.COUNT(Expert.id)).where(where)
                 .group_by(month).tuples())
    added = {key: count for key, count in added.items() if key}
    if not added:
        return []
    first, last = min(added), max(added)
    year, number = int(first[:4]), int(first[5:7])
    result, total = [], 0
    while True:
        key = f"{year:04d}-{number:02d}"
        total += added.get(key, 0)
        result.append((key, added.get(key, 0), total))
        if key >= last:
            return result
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)


def month_label(key, language):
    """``2026-03`` as a reader writes it (``03/2026`` / ``Mar 2026``)."""
    from flask_babel import format_date
    return format_date(datetime.date(int(key[:4]), int(key[5:7]), 1), format="MM/yyyy"
                       if language == "vi" else "MMM yyyy")


# -- the world map -----------------------------------------------------------------
@dataclass(frozen=True)
class Shape:
    code: str  # upper case; ISO 3166-1 alpha-2 for countries
    name: str  # the map's own (English) name, for shapes CLDR does not name
    path: str


_PATH = re.compile(r'<path id="([^"]+)" aria-label="([^"]*)" d="([^"]+)"/>')


@functools.cache
def map_shapes():
    """The vendored map (scripts/vendor_assets.sh): ``(view box, [Shape])``."""
    text = MAP_FILE.read_text(encoding="utf-8")
    view_box = re.search(r'viewBox="([^"]+)"', text).group(1)
    return view_box, tuple(Shape(code, name, path) for code, name, path in _PATH.findall(text))


def map_class(count):
    found = ""
    for name, lowest, _label in MAP_BINS:
        if count >= lowest:
            found = name
    return found or "map-0"


def choropleth(chart, exact, language):
    """The map of ``chart`` (counts per alpha-2 code): ``(view box, [(shape, class,
    title)])``. An official sees a country with 1 or 2 profiles in the "1–2" class and
    its title says "<3"."""
    counts = {row.code: row for row in chart.rows if row.code}
    view_box, shapes = map_shapes()
    drawn = []
    for shape in shapes:
        row = counts.get(shape.code)
        name = places.country_name(shape.code, language) if places.is_country(shape.code) \
            else shape.name
        count = row.count if row else 0
        shown = row.shown(exact) if row else 0
        drawn.append((shape, map_class(count), name, shown))
    return view_box, drawn


def missing_from_map(chart):
    """Codes counted but not drawn on the map (none expected: every country is)."""
    _view_box, shapes = map_shapes()
    drawn = {shape.code for shape in shapes}
    return [row for row in chart.rows if row.code and row.code not in drawn]
