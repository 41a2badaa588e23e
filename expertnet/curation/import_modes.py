"""What an import row does to a profile: the one place
where a row's values meet the stored ones, for the command line, the browser import
and the merge of two profiles.

:func:`resolve` is pure: given the stored values of a profile (or ``None`` for a new
one), a validated row, the columns whose cell was filled in, the mode and the consent
that applies, it returns the values to write, the change of every field (old → new,
added, kept, erased) and who will see the profile, with the reason. Nothing is read
from or written to the database here.

- ``update`` (default): a filled cell replaces; an empty cell keeps; a list cell adds.
- ``fill``: only values that are empty today are filled; lists add as in ``update``.
- ``replace``: the row is the whole truth: an empty cell of a column in the file clears
  the value, a list holds the row's items only (a column absent from the file is kept).
- Every mode: a name equal to the stored one once diacritics and case are ignored
  keeps the form with more diacritics, and the other form becomes another name;
  visibility changes only from a filled cell and within the consent (a new profile, or
  ``replace``, takes the batch's *visibility for consenting rows* when the person
  consented to publication and the row has no visibility cell).
"""
from dataclasses import dataclass, field

from expertnet.core.text import fold
from expertnet.directory import validation

MODES = ("update", "fill", "replace")
DEFAULT_MODE = "update"
VISIBILITIES = ("public", "officials", "curators")
NARROWEST = "curators"
# Wider is larger: a visibility below the stored one narrows the profile.
RANK = {"curators": 0, "officials": 1, "public": 2}
# The purpose a visibility column needs before it may be wider than curators
# (consent.RESTRICTIONS, repeated here so that this module stays pure).
PURPOSE_OF = {"visibility": "publish", "email_visibility": "contact",
              "phone_visibility": "contact"}
VISIBILITY_COLUMNS = tuple(PURPOSE_OF)
# Why a profile ends up with its visibility (the groups of a preview).
REASONS = ("cell", "consented", "no_consent", "withdrawn", "kept")
# Kinds of change of a field.
CHANGED, ADDED, KEPT, ERASED = "changed", "added", "kept", "erased"


@dataclass(frozen=True)
class Change:
    column: str
    kind: str  # changed, added, kept (the row's value was not applied), erased
    old: object
    new: object


@dataclass
class Resolution:
    # The values to write: every column the row touches, as it ends up.
    values: dict
    changes: list = field(default_factory=list)
    visibility: str = NARROWEST
    reason: str = "no_consent"
    # Visibility columns a filled cell asked wider than the consent allows:
    # ``[(column, "no_consent" | "withdrawn")]``.
    narrowed: list = field(default_factory=list)
    # The profile was visible beyond curators and will be less visible.
    narrows_published: bool = False

    @property
    def written(self):
        """The changes that write something (``kept`` ones do not)."""
        return [change for change in self.changes if change.kind != KEPT]


def is_empty(value):
    return value is None or value == "" or value == [] or value == ()


def diacritics(name):
    """How many letters of ``name`` carry a diacritic (or are đ)."""
    return sum(1 for char in name if fold(char) != char.lower())


def merge_names(stored, incoming):
    """``(name, other_name or None)`` when two names are one once folded: the form
    with more diacritics stays (the stored one on a tie) and the other becomes another
    name unless it differs only in case. ``None`` when they are different names."""
    if not stored or not incoming or fold(stored) != fold(incoming):
        return None
    kept, other = (incoming, stored) if diacritics(incoming) > diacritics(stored) \
        else (stored, incoming)
    return kept, (other if other.casefold() != kept.casefold() else None)


def merge_list(stored, incoming):
    """The stored items, then the new ones: nothing is removed, nothing doubled."""
    return list(dict.fromkeys([*(stored or []), *(incoming or [])]))


def consent_state(decisions, row_purposes):
    """``(allowed, withdrawn)`` purposes: the decision on record wins (a withdrawal
    is never undone by a file); without one, the row's consent allows."""
    allowed, withdrawn = set(), set()
    for purpose in ("publish", "contact"):
        decision = decisions.get(purpose)
        if decision is False:
            withdrawn.add(purpose)
        elif decision is True or purpose in row_purposes:
            allowed.add(purpose)
    return frozenset(allowed), frozenset(withdrawn)


def resolve(stored, values, explicit, mode=DEFAULT_MODE, allowed=frozenset(),
            withdrawn=frozenset(), consented_visibility="public"):
    """What importing ``values`` (``validation.normalize`` output; ``explicit``: the
    columns whose cell was filled in) does to ``stored`` (``writes.stored_values``
    of the profile, or ``None`` to create one) in ``mode``. ``allowed`` and
    ``withdrawn`` are the purposes from :func:`consent_state`. Returns a
    :class:`Resolution`."""
    if mode not in MODES:
        raise ValueError(mode)
    fresh = stored is None
    base = {} if fresh else stored
    result = Resolution(values={})
    other_names = None
    for column in validation.COLUMNS:
        if column not in values or column in VISIBILITY_COLUMNS:
            continue
        new, old = values[column], base.get(column)
        if fresh:
            result.values[column] = new
            continue
        if column == "full_name":
            pair = merge_names(old, new)
            if pair is not None:
                name, other_names = pair
                _scalar(result, column, old, name)
                if name != new:
                    result.changes.append(Change(column, KEPT, old, new))
                continue
        if column in validation.LIST_COLUMNS:
            _list(result, column, old or [], new or [], mode)
        else:
            _cell(result, column, old, new, column in explicit, mode)
    if other_names:
        current = result.values.get("other_names", base.get("other_names") or [])
        merged = merge_list(current, [other_names])
        if merged != current:
            result.values["other_names"] = merged
            old = base.get("other_names") or []
            result.changes = [change for change in result.changes
                              if (change.column, change.kind) != ("other_names", ADDED)]
            result.changes.append(Change("other_names", ADDED, old,
                                         [item for item in merged if item not in old]))
    for column in VISIBILITY_COLUMNS:
        _visibility(result, column, base.get(column), values, explicit, mode, fresh,
                    allowed, withdrawn, consented_visibility)
    result.visibility = result.values.get("visibility", base.get("visibility", NARROWEST))
    if not fresh and RANK.get(base.get("visibility"), 0) > RANK.get(result.visibility, 0):
        result.narrows_published = True
    return result


def _scalar(result, column, old, new):
    result.values[column] = new
    if old != new and not (is_empty(old) and is_empty(new)):
        result.changes.append(Change(column, ERASED if is_empty(new) else CHANGED, old, new))


def _cell(result, column, old, new, filled, mode):
    if mode == "replace":
        _scalar(result, column, old, new)
    elif not filled or (mode == "fill" and not is_empty(old)):
        # An empty cell keeps what is stored; ``fill`` never overwrites a value.
        if filled and new != old:
            result.changes.append(Change(column, KEPT, old, new))
    else:
        _scalar(result, column, old, new)


def _list(result, column, old, new, mode):
    if mode == "replace":
        result.values[column] = list(new)
        gone = [item for item in old if item not in new]
        if gone:
            result.changes.append(Change(column, ERASED, old, gone))
        added = [item for item in new if item not in old]
        if added:
            result.changes.append(Change(column, ADDED, old, added))
        return
    merged = merge_list(old, new)
    result.values[column] = merged
    added = [item for item in merged if item not in old]
    if added:
        result.changes.append(Change(column, ADDED, old, added))


def _visibility(result, column, old, values, explicit, mode, fresh, allowed, withdrawn,
                consented_visibility):
    """Who sees the profile (or a contact detail): from a filled cell within the
    consent; else the batch's choice for consenting rows (new profiles, ``replace``),
    else curators; an existing profile keeps its value in ``update`` and ``fill``."""
    purpose = PURPOSE_OF[column]
    filled = column in explicit and column in values
    wanted = values.get(column) if filled else None
    reason = "cell" if filled else "kept"
    if purpose in withdrawn:
        new, reason = NARROWEST, "withdrawn"
        if filled and wanted != NARROWEST:
            result.narrowed.append((column, "withdrawn"))
    elif filled and (fresh or mode == "update" or mode == "replace"):
        new = wanted
        if purpose not in allowed and wanted != NARROWEST:
            new, reason = NARROWEST, "no_consent"
            result.narrowed.append((column, "no_consent"))
    elif filled or not (fresh or mode == "replace"):
        # ``fill`` never overwrites (a profile always has a visibility); an empty cell
        # of an existing profile keeps it.
        if filled and wanted != old:
            result.changes.append(Change(column, KEPT, old, wanted))
        if column == "visibility":
            result.reason = "kept"
        return
    elif purpose in allowed:
        new = consented_visibility if column == "visibility" else \
            validation.EMPTY_DEFAULTS[column]
        reason = "consented"
    else:
        new, reason = NARROWEST, "no_consent"
    if column == "visibility":
        result.reason = reason
    if fresh:
        result.values[column] = new
    else:
        _scalar(result, column, old, new)
