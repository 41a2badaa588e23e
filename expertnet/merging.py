"""Merging two profiles of the same person, field by field (issue 5 item 2).

A curator compares two profiles side by side, chooses which one is kept (its id stays;
the other id redirects to it) and, for every item where they differ, whose value to
keep; list items (other names, fields, keywords, languages, availability) can take
both. :func:`merge` turns those choices into the kept profile's values, checks them
like any edit, narrows visibility where the person's latest consent decision (on
either profile) was a withdrawal, and writes everything through
``services.merge_profiles`` (one transaction, then the index).
"""
from dataclasses import dataclass

from expertnet import catalog, consent, services, validation
from expertnet.models import Consent, Expert
from expertnet.text import fold

LIST_COLUMNS = tuple(column for column in validation.COLUMNS if column in validation.LIST_COLUMNS)
VISIBILITY_COLUMNS = ("visibility", "email_visibility", "phone_visibility")
# Narrowest first: a merge never widens who sees a person's data by default.
_NARROW = {"curators": 0, "officials": 1, "public": 2}
CHOICES = ("a", "b", "both")


@dataclass
class Row:
    column: str
    a: object
    b: object
    default: str  # "a", "b" or "both"

    @property
    def differs(self):
        return _normal(self.a) != _normal(self.b)

    @property
    def is_list(self):
        return self.column in LIST_COLUMNS


def _normal(value):
    if value in (None, "", []):
        return None
    return list(value) if isinstance(value, (list, tuple)) else value


def _default(column, a, b):
    if _normal(a) is None:
        return "b"
    if _normal(b) is None:
        return "a"
    if column in LIST_COLUMNS:
        return "both"
    if column in VISIBILITY_COLUMNS:
        return "a" if _NARROW.get(a, 0) <= _NARROW.get(b, 0) else "b"
    return "a"


def compare(a, b):
    """The rows of the side-by-side comparison of two stored profiles, in contract
    order. ``a`` is the profile offered as the one to keep."""
    codes = services.field_codes_by_expert([a.id, b.id])
    values_a = services.stored_values(a, codes[a.id])
    values_b = services.stored_values(b, codes[b.id])
    return [Row(column, values_a[column], values_b[column],
                _default(column, values_a[column], values_b[column]))
            for column in validation.COLUMNS]


def _union(first, second):
    return list(dict.fromkeys([*(first or []), *(second or [])]))


def chosen_values(rows, choices):
    """``(values, chosen)``: the kept profile's raw values from the curator's
    ``choices`` (column → "a", "b" or "both"; a missing or unknown choice takes the
    row's default), and the choices made where the two profiles differ."""
    values, chosen = {}, {}
    by_column = {row.column: row for row in rows}
    for row in rows:
        choice = choices.get(row.column, row.default)
        if choice not in CHOICES or (choice == "both" and not row.is_list):
            choice = row.default
        if choice == "both":
            value = _union(row.a, row.b)
        else:
            value = row.a if choice == "a" else row.b
        values[row.column] = value
        if row.differs:
            chosen[row.column] = choice
    name = by_column["full_name"]
    other = name.b if values["full_name"] == name.a else name.a
    if fold(other or "") != fold(values["full_name"] or ""):
        # The name not kept stays as another name, so that the spelling of the other
        # record ("Duc Nguyen", "Thang Tran") still finds the person.
        values["other_names"] = _union(values["other_names"], [other])
    return values, chosen


def _raw(values):
    return {column: "" if value is None else (str(value) if isinstance(value, int) else value)
            for column, value in values.items()}


def _withdrawn_purposes(*expert_ids):
    """Purposes whose latest decision, over every profile given, is a withdrawal."""
    latest = {}
    for row in (Consent.select().where(Consent.expert.in_(list(expert_ids)))
                .order_by(Consent.created_at, Consent.id)):
        latest[row.purpose] = row.granted
    return [purpose for purpose, granted in latest.items() if not granted]


def merge(keep, drop, choices, keep_version, drop_version, actor=None, via="screen"):
    """Merge ``drop`` into ``keep`` with the curator's ``choices`` (see
    :func:`chosen_values`; "a" is ``keep``). Raises ``validation.ProfileErrors``,
    ``services.VersionConflict`` or ``services.MergeRefused``; returns the kept profile."""
    rows = compare(keep, drop)
    raw, chosen = chosen_values(rows, choices)
    values, errors = validation.normalize(_raw(raw), catalog.load())
    if errors:
        raise validation.ProfileErrors(errors)
    for purpose in _withdrawn_purposes(keep.id, drop.id):
        # The person withdrew this consent (on either record): the merge keeps it so.
        values.update(consent.RESTRICTIONS[purpose])
    return services.merge_profiles(keep, drop, values, keep_version, drop_version,
                                   actor=actor, via=via, chosen=chosen)


def pair_or_none(a_id, b_id):
    """Both profiles, or ``None`` when either does not exist (or they are one)."""
    if a_id == b_id:
        return None
    found = {expert.id: expert for expert in Expert.select().where(Expert.id.in_([a_id, b_id]))}
    if a_id not in found or b_id not in found:
        return None
    return found[a_id], found[b_id]
