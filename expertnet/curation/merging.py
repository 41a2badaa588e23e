"""Merging two profiles of the same person, field by field.

A curator compares two profiles side by side, chooses which one is kept (its id stays;
the other id redirects to it) and, for every item where they differ, whose value to
keep; list items (other names, fields, keywords, languages, availability) can take
both. :func:`merge` turns those choices into the kept profile's values, checks them
like any edit, narrows visibility where the person's latest consent decision (on
either profile) was a withdrawal, and writes everything through
:func:`merge_profiles` (one transaction, then the index).

Values merge as an import's ``update`` does (``import_modes``): lists
take both by default, a name equal to the other once folded keeps the form with more
diacritics, and the kept profile takes the wider visibility of the two unless the
person withdrew that consent (on either record). One of the two profiles is already
seen that widely, so the merge shows nobody more than before; a withdrawal narrows to
curators. Narrowing a published profile otherwise takes the curator's explicit choice
and a confirmation (:class:`NarrowingNotConfirmed`).
"""
from dataclasses import dataclass

from expertnet.accounts import consent
from expertnet.accounts.models import (
    Consent,
    DeletionRequest,
    Invitation,
    PendingChange,
    ProfileDelegate,
    User,
)
from expertnet.core import audit, signals
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.core.models import Audit
from expertnet.curation import import_modes
from expertnet.curation.models import DuplicateCandidate, OrcidImport
from expertnet.directory import indexing, search_documents, validation, writes
from expertnet.directory.models import Expert, MergedProfile
from expertnet.taxonomy import store as catalog

LIST_COLUMNS = tuple(column for column in validation.COLUMNS if column in validation.LIST_COLUMNS)
VISIBILITY_COLUMNS = import_modes.VISIBILITY_COLUMNS
_RANK = import_modes.RANK
CHOICES = ("a", "b", "both")


class MergeRefused(Exception):
    """A merge that cannot be done as asked (``reason`` is for the curator)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


# The rows below this module's floor that point at a profile, moved from the merged-away
# profile to the kept one: (model, field, unique with). The modules above (shortlists,
# contact requests, engagements, events, delegations, agreements) move theirs on
# signals.profiles_merged. Audit entries stay with the id they were written for (the
# merge entry links both ids), except views of contact details, which the person may ask
# about.
MERGE_REPOINTS = (
    (Consent, Consent.expert, None),
    (Invitation, Invitation.expert, None),
    (PendingChange, PendingChange.expert, None),
    (DeletionRequest, DeletionRequest.expert_id, None),
    (MergedProfile, MergedProfile.new_id, None),
    (ProfileDelegate, ProfileDelegate.expert, ProfileDelegate.user),
    # Records read for either profile (the kept one's iD decides which still count).
    (OrcidImport, OrcidImport.expert, None),
)


def merge_profiles(keep, drop, values, keep_version, drop_version, actor=None, via="screen",
                   chosen=None):
    """Merge ``drop`` into ``keep`` in one transaction, then update the index.

    ``values`` are the kept profile's values after the merge (``validation.normalize``
    output, already checked by the caller). Both versions are checked (a profile changed
    since the curator compared them raises ``writes.VersionConflict``). Everything that
    points at ``drop`` (:data:`MERGE_REPOINTS`, the rows of the modules that receive
    :data:`signals.profiles_merged`, its owner account, views of its contact details)
    moves to ``keep``; ``drop`` is deleted and its old id redirects to ``keep``
    (``MergedProfile``). The ``profile.merge`` audit entry on ``keep`` holds both ids, the
    values chosen (``chosen``), what changed, and every value of ``drop``, so that the
    merged-away record can be traced; a second entry on ``drop``'s id points to ``keep``.
    """
    if keep.id == drop.id:
        raise MergeRefused(_("A profile cannot be merged with itself."))
    with database.atomic():
        owners = list(User.select(User.id, User.expert).where(User.expert.in_([keep.id, drop.id])))
        if len(owners) > 1:
            raise MergeRefused(_("Both profiles are claimed by an account: a profile can have "
                                 "one owner only. Ask one of them to give up theirs first."))
        codes, merged_away = writes.claim_pair(keep, drop, keep_version, drop_version)
        _keep_one_pending_review(keep.id, drop.id)
        for model, field, unique_with in MERGE_REPOINTS:
            signals.repoint(model, field, drop.id, keep.id, unique_with)
        signals.profiles_merged.send(drop.id, keep=keep.id)
        User.update(expert=keep.id).where(User.expert == drop.id).execute()
        (Audit.update(expert_id=keep.id)
         .where((Audit.expert_id == drop.id) & (Audit.action == "contact.view")).execute())
        DuplicateCandidate.delete().where((DuplicateCandidate.expert_a == drop.id)
                                          | (DuplicateCandidate.expert_b == drop.id)).execute()
        changes = writes.absorb(keep, drop, values, codes, drop_version)
        entry = audit.entry("profile.merge", actor_id=actor, expert_id=keep.id, source=via,
                            changes={"merged_from": drop.id, **changes,
                                     "chosen": chosen or {}, "merged_profile": merged_away})
        audit.write_many([entry, audit.entry("profile.merge", actor_id=actor,
                                             expert_id=drop.id, source=via,
                                             changes={"merged_into": keep.id})])
        entry_id = (Audit.select(Audit.id).where((Audit.expert_id == keep.id)
                                                 & (Audit.action == "profile.merge"))
                    .order_by(Audit.id.desc()).scalar())
        MergedProfile.insert(old_id=drop.id, new_id=keep.id, merged_at=utcnow(),
                             audit_id=entry_id).execute()
    indexing.flush_pending([keep.id, drop.id])
    return keep


def _keep_one_pending_review(keep_id, drop_id):
    """A profile has at most one proposal waiting: when both profiles have one, the
    merged-away profile's is closed (its owner proposes again on the merged profile)."""
    waiting = {row.expert_id: row for row in PendingChange.select().where(
        PendingChange.expert.in_([keep_id, drop_id]) & (PendingChange.status == "pending"))}
    if keep_id in waiting and drop_id in waiting:
        (PendingChange.update(status="rejected", decided_at=utcnow(),
                              reason=_("Merged with profile #%(id)s; propose the change again.",
                                       id=keep_id))
         .where(PendingChange.id == waiting[drop_id].id).execute())


class NarrowingNotConfirmed(MergeRefused):
    """The choices make a published profile less visible and the curator did not
    confirm it."""


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


def _default(column, a, b, withdrawn=()):
    if column in VISIBILITY_COLUMNS:
        # The wider of the two, unless the person withdrew what it needs.
        wider = _RANK.get(a, 0) >= _RANK.get(b, 0)
        if import_modes.PURPOSE_OF[column] in withdrawn:
            wider = not wider
        return "a" if wider or a == b else "b"
    if _normal(a) is None:
        return "b"
    if _normal(b) is None:
        return "a"
    if column in LIST_COLUMNS:
        return "both"
    if column == "full_name":
        pair = import_modes.merge_names(a, b)
        if pair is not None:
            return "a" if pair[0] == a else "b"
    return "a"


def compare(a, b):
    """The rows of the side-by-side comparison of two stored profiles, in contract
    order. ``a`` is the profile offered as the one to keep."""
    codes = search_documents.field_codes_by_expert([a.id, b.id])
    values_a = writes.stored_values(a, codes[a.id])
    values_b = writes.stored_values(b, codes[b.id])
    withdrawn = _withdrawn_purposes(a.id, b.id)
    return [Row(column, values_a[column], values_b[column],
                _default(column, values_a[column], values_b[column], withdrawn))
            for column in validation.COLUMNS]


def visibility_outcome(a, b, rows=None):
    """``(visibility, reason)`` the kept profile takes by default: ``wider`` (the
    wider of the two), ``same`` or ``withdrawn`` (the person withdrew consent to
    publication: curators only)."""
    if "publish" in _withdrawn_purposes(a.id, b.id):
        return import_modes.NARROWEST, "withdrawn"
    if a.visibility == b.visibility:
        return a.visibility, "same"
    return max(a.visibility, b.visibility, key=lambda value: _RANK.get(value, 0)), "wider"


def narrows(values, a, b):
    """Whether ``values`` make the profile less visible than the wider of ``a`` and
    ``b`` (a published profile narrowed)."""
    widest = max(_RANK.get(a.visibility, 0), _RANK.get(b.visibility, 0))
    return widest > 0 and _RANK.get(values.get("visibility"), 0) < widest


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
            value = import_modes.merge_list(row.a, row.b)
        else:
            value = row.a if choice == "a" else row.b
        values[row.column] = value
        if row.differs:
            chosen[row.column] = choice
    name = by_column["full_name"]
    other = name.b if values["full_name"] == name.a else name.a
    # The name not kept stays as another name, so that the spelling of the other record
    # ("Duc Nguyen", "Thang Tran") still finds the person, as an import keeps it
    # (import_modes.merge_names); a spelling differing only in case is not kept twice.
    if other and other.casefold() != (values["full_name"] or "").casefold():
        values["other_names"] = import_modes.merge_list(values["other_names"], [other])
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


def merge(keep, drop, choices, keep_version, drop_version, actor=None, via="screen",
          narrow_confirmed=False):
    """Merge ``drop`` into ``keep`` with the curator's ``choices`` (see
    :func:`chosen_values`; "a" is ``keep``). Raises ``validation.ProfileErrors``,
    ``writes.VersionConflict``, :class:`MergeRefused` or
    :class:`NarrowingNotConfirmed` (the choices make a published profile less visible
    and ``narrow_confirmed`` is false); returns the kept profile."""
    rows = compare(keep, drop)
    raw, chosen = chosen_values(rows, choices)
    values, errors = validation.normalize(_raw(raw), catalog.load())
    if errors:
        raise validation.ProfileErrors(errors)
    withdrawn = _withdrawn_purposes(keep.id, drop.id)
    for purpose in withdrawn:
        # The person withdrew this consent (on either record): the merge keeps it so.
        values.update(consent.RESTRICTIONS[purpose])
    if "publish" not in withdrawn and narrows(values, keep, drop) and not narrow_confirmed:
        raise NarrowingNotConfirmed(_(
            "The profile you keep would be less visible than it is now. Confirm that you "
            "want to narrow who sees it, or choose the wider visibility."))
    return merge_profiles(keep, drop, values, keep_version, drop_version,
                          actor=actor, via=via, chosen=chosen)


def pair_or_none(a_id, b_id):
    """Both profiles, or ``None`` when either does not exist (or they are one)."""
    if a_id == b_id:
        return None
    found = {expert.id: expert for expert in Expert.select().where(Expert.id.in_([a_id, b_id]))}
    if a_id not in found or b_id not in found:
        return None
    return found[a_id], found[b_id]
