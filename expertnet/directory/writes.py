"""The one way profiles are written: validate, commit, then update the search index.

The database is the truth and the index is derived. Each write records the profile in
``PendingIndex`` inside the same transaction; after the commit the pending documents
are indexed and their records removed. If the index cannot be written (a held lock, a
full disk, a crash), the records stay, and the next successful write, the start-up
``reconcile`` or ``reindex`` repairs the index. A database write is never rolled back
because of the index.
"""
import logging
from dataclasses import dataclass

from expertnet.core import (
    audit,
    signals,
)
from expertnet.core.db import database, is_postgres, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import fold
from expertnet.directory import indexing, search_documents, validation
from expertnet.directory.models import ChangeLog, Expert, ExpertField, MergedProfile, PendingIndex
from expertnet.taxonomy import (
    store as catalog,
)

log = logging.getLogger(__name__)


class VersionConflict(Exception):
    """The profile changed since the caller read it."""

    def __init__(self, expert_id):
        super().__init__(expert_id)
        self.expert_id = expert_id


@dataclass
class SaveOutcome:
    expert: Expert
    status: str  # "created", "updated", "unchanged" or "gone" (deleted meanwhile)
    # What the write changed, ``{name: [old, new]}`` (as audited): an import batch keeps
    # the old values to roll an update back.
    changes: dict = None


# -- writing -----------------------------------------------------------------------
def _record_change(expert_id, version):
    """Inside the transaction of a profile change: mark it for this host's index
    (``PendingIndex``) and log it for every host's catch-up (``ChangeLog``)."""
    now = utcnow()
    (PendingIndex.insert(expert_id=expert_id, version=version, queued_at=now)
     .on_conflict(conflict_target=[PendingIndex.expert_id],
                  preserve=[PendingIndex.version, PendingIndex.queued_at])
     .execute())
    ChangeLog.insert(expert_id=expert_id, version=version, changed_at=now).execute()


def _queue(expert):
    _record_change(expert.id, expert.version)


def _set_fields(expert, codes):
    ExpertField.delete().where(ExpertField.expert == expert).execute()
    if codes:
        ExpertField.insert_many(
            [{"expert": expert.id, "field": code, "position": position}
             for position, code in enumerate(codes)]).execute()


def _apply(expert, values, current_codes):
    """Copy ``values`` onto ``expert``; returns what changed, ``{name: [old, new]}``
    (empty when nothing did)."""
    changes = {}
    for name, value in values.items():
        if name == "fields":
            continue
        if name in ("birth_year", "external_id") and value == "":
            value = None
        old = getattr(expert, name)
        if old != value:
            setattr(expert, name, value)
            changes[name] = [old, value]
    if "fields" in values and values["fields"] != current_codes:
        changes["fields"] = [list(current_codes), list(values["fields"])]
    return changes


def _claim_version(expert, expected_version):
    """Compare-and-swap inside the transaction: bump the stored version only if it is
    still the one the editor read. A concurrent save that got there first makes the
    UPDATE match no row, and this save is refused instead of overwriting it."""
    claimed = (Expert.update(version=Expert.version + 1)
               .where((Expert.id == expert.id) & (Expert.version == expected_version)).execute())
    if not claimed:
        raise VersionConflict(expert.id)
    expert.version = expected_version + 1


class ProfileGone(LookupError):
    """The profile was deleted since the caller read it."""

    def __init__(self, expert_id):
        super().__init__(expert_id)
        self.expert_id = expert_id


def _current_rows(ids):
    """The stored rows of ``ids``, read inside the write transaction. On PostgreSQL
    they are locked (``FOR UPDATE``) until it commits; SQLite's ``BEGIN IMMEDIATE``
    already keeps every other writer out. Either way nobody changes them between
    this read and the write."""
    if not ids:
        return {}
    query = Expert.select().where(Expert.id.in_(list(ids))).order_by(Expert.id)
    if is_postgres():
        query = query.for_update()
    return {expert.id: expert for expert in query}


def _dirty_values(values, read, current, read_codes):
    """What the caller changes, to merge onto a row that changed since it was read.

    ``read`` is the caller's copy (``read_codes`` its field codes), ``current`` the row
    now stored. Only the values that differ from the caller's copy are the caller's
    changes: they are applied (for such a field the caller's value wins, as the later
    writer who set it on purpose). A value equal to the caller's copy is the caller
    repeating what it read, so another person's change to that field since stands.
    This is how an import (or a consent restriction) applies to a profile someone
    edited meanwhile; editors holding a version number get a conflict instead."""
    if read.version == current.version:
        return values
    dirty = {}
    for name, value in values.items():
        if name == "fields":
            if value != read_codes:
                dirty[name] = value
            continue
        if name in ("birth_year", "external_id") and value == "":
            value = None
        if getattr(read, name) != value:
            dirty[name] = value
    return dirty


def _catch_up(read, stored):
    """Bring the caller's copy up to the row as written (a caller that goes on using
    its object, or saves it again, starts from what is stored)."""
    if read is None or read is stored:
        return
    read.__data__.update(stored.__data__)
    read._dirty.clear()


def upsert_profiles(batch, source="", actor=None, via="import", expected_versions=None,
                    action=None, note=None, consents=None, in_transaction=None, notes=None):
    """Write already-normalised profiles (``validation.normalize`` output) in one
    transaction, then index them. Each item is ``(values, expert_or_None)``; an
    existing expert is updated, ``None`` creates one. Returns a :class:`SaveOutcome`
    per item, in order.

    Every created or changed profile gets an audit entry (``actor``: a user id or
    None; ``via``: screen, api, import or cli) in the same transaction.
    ``expected_versions`` maps expert ids to the version their editor read: a profile
    changed since raises :class:`VersionConflict` and nothing is written. Without an
    expected version, the caller's changes are merged onto the row as it is stored
    when the transaction runs (:func:`_dirty_values`); a profile deleted since is left
    alone, with the outcome ``"gone"``. ``action``
    names the audit entry of an update (default ``profile.update``; a restore from the
    history is ``profile.restore``) and ``note`` (no personal data) is added to it.

    ``consents``, parallel to ``batch``, lists per item the consents to record with
    the profile (dicts of ``purpose``, ``notice_version``, ``created_at``): an import's
    survey consents, written in the same transaction as the visibility they allow, and
    audited as ``consent.grant``. ``notes``, parallel to ``batch``, adds per item to the
    audit entry (an import's mode and the values it kept). ``in_transaction(outcomes)``
    is called before the commit: what it writes (an import batch's links to the
    profiles) commits or fails with the profiles."""
    outcomes = []
    trail = []
    expected_versions = expected_versions or {}
    consents = consents or [()] * len(batch)
    notes = notes or [{}] * len(batch)
    # The field codes the caller read: an importer's copy carries them (``codes``); else
    # they are read now, before the transaction (the caller read the row just before).
    read_ids = [expert.id for _values, expert in batch
                if expert is not None and getattr(expert, "codes", None) is None]
    read_codes = search_documents.field_codes_by_expert(read_ids) if read_ids else {}
    with database.atomic():
        existing_ids = [expert.id for _values, expert in batch if expert is not None]
        # Re-read inside the transaction: the caller's copies may be stale, and saving
        # them whole would silently undo what someone else saved since.
        current = _current_rows(existing_ids)
        codes = search_documents.field_codes_by_expert(existing_ids) if existing_ids else {}
        for (values, read), given, item_note in zip(batch, consents, notes, strict=True):
            if read is None:
                expert = Expert(source=values.get("source") or source)
                status = "created"
                current_codes = []
                wanted = values
            else:
                expert = current.get(read.id)
                if expert is None:
                    outcomes.append(SaveOutcome(read, "gone", {}))
                    continue
                status = "updated"
                current_codes = codes.get(expert.id, [])
                if read.id in expected_versions:
                    # An editor's save: refused when anyone saved since the version read.
                    if expert.version != expected_versions[read.id]:
                        raise VersionConflict(expert.id)
                    wanted = values
                else:
                    codes_read = getattr(read, "codes", None)
                    wanted = _dirty_values(values, read, expert,
                                           read_codes.get(read.id, []) if codes_read is None
                                           else codes_read)
            changes = _apply(expert, wanted, current_codes)
            if not changes and status == "updated":
                trail += signals.record_consents(expert.id, given, actor, via)
                _catch_up(read, expert)
                outcomes.append(SaveOutcome(expert, "unchanged", {}))
                continue
            expert.name_key = fold(expert.full_name)
            now = utcnow()
            expert.updated_at = now
            if status == "created":
                expert.created_at = now
                expert.save()
            else:
                expert.version += 1
                # Only what changed, and the bookkeeping.
                written = [Expert._meta.fields[name] for name in changes if name != "fields"]
                expert.save(only=[*written, Expert.name_key, Expert.version, Expert.updated_at])
            if "fields" in changes:
                _set_fields(expert, wanted["fields"])
            _queue(expert)
            name = "profile.create" if status == "created" else action or "profile.update"
            trail.append(audit.entry(name, actor_id=actor, expert_id=expert.id,
                                     changes={**changes, **(note or {}), **item_note},
                                     source=via))
            trail += signals.record_consents(expert.id, given, actor, via)
            _catch_up(read, expert)
            outcomes.append(SaveOutcome(expert, status, changes))
        audit.write_many(trail)
        if in_transaction is not None:
            in_transaction(outcomes)
    indexing.index_after_commit([outcome.expert.id for outcome in outcomes
                        if outcome.status not in ("unchanged", "gone")])
    return outcomes


def save_profile(raw, expert=None, expected_version=None, source="", actor=None, via="cli",
                 action=None, note=None):
    """Validate ``raw`` (text or lists per column) and create or update one profile,
    audited as done by ``actor`` (a user id) from ``via``.
    Raises :class:`validation.ProfileErrors`, :class:`VersionConflict` or
    :class:`ProfileGone`."""
    taxonomy = catalog.load()
    values, errors = validation.normalize(raw, taxonomy)
    if expert is None:
        for column in validation.REQUIRED:
            if not values.get(column) and not any(c == column for c, _m in errors):
                errors.append((column, _("is required")))
    if errors:
        raise validation.ProfileErrors(errors)
    if expert is not None and expected_version is not None and expert.version != expected_version:
        raise VersionConflict(expert.id)
    expected = {expert.id: expected_version} if expert is not None and expected_version is not None \
        else None
    outcome = upsert_profiles([(values, expert)], source=source, actor=actor, via=via,
                              expected_versions=expected, action=action, note=note)[0]
    if outcome.status == "gone":
        raise ProfileGone(expert.id)
    return outcome


def confirm_profile(expert, actor=None, via="screen"):
    """A curator confirms the profile (a trust signal). The version is bumped like any
    other write, so an editor who read the profile before cannot save over it."""
    now = utcnow()
    with database.atomic():
        (Expert.update(confirmed_by=actor, confirmed_at=now, version=Expert.version + 1,
                       updated_at=now)
         .where(Expert.id == expert.id).execute())
        expert = Expert.get_by_id(expert.id)
        _queue(expert)
        audit.record("profile.confirm", actor_id=actor, expert_id=expert.id, source=via)
    indexing.index_after_commit([expert.id])
    return expert


def record_owner_confirmation(expert, actor, via="screen", audited=True):
    """The owner says the profile is still correct (or has just saved it): it is not
    stale for another STALE_MONTHS (freshness.py). Nothing a curator vouched for
    changes: not the values, not the curator's confirmation, not the version (an editor
    who read the profile before can still save) and not ``updated_at`` (what the index
    sorts on); so the index needs no update. ``audited``: the explicit "still correct"
    is audited; an owner's save already is, as the save."""
    now = utcnow()
    with database.atomic():
        Expert.update(owner_confirmed_at=now).where(Expert.id == expert.id).execute()
        if audited:
            audit.record("profile.owner_confirm", actor_id=actor, expert_id=expert.id, source=via)
    expert.owner_confirmed_at = now
    return expert


def note_stale_reminder(expert_id, when=None):
    """Remember when the owner was last reminded of a stale profile (accounts.stale_reminders)."""
    Expert.update(stale_reminded_at=when or utcnow()).where(Expert.id == expert_id).execute()


def mark_claimed(expert_id):
    """An account now owns the profile (a trust signal the index holds): bump its
    version and queue it, in the caller's transaction, so that the index (and a later
    reconcile, which compares versions) picks the change up. Index it with
    :func:`index_after_commit` once the caller's transaction is over."""
    Expert.update(version=Expert.version + 1).where(Expert.id == expert_id).execute()
    expert = Expert.get_or_none(Expert.id == expert_id)
    if expert is not None:
        _queue(expert)


def remove_profile(expert):
    """Inside an erasure's transaction (``data_rights.delete_profile``), once every other
    module has deleted its rows about the person: the profile's field links and its row
    go, and the change is recorded for the index."""
    ExpertField.delete().where(ExpertField.expert == expert.id).execute()
    expert.delete_instance()
    _record_change(expert.id, expert.version + 1)


def stored_values(expert, codes=None):
    """Every contract column of a stored profile (fields as codes)."""
    values = {name: getattr(expert, name) for name in validation.COLUMNS if name != "fields"}
    values["fields"] = list(codes if codes is not None else expert.field_codes)
    return values


def claim_pair(keep, drop, keep_version, drop_version):
    """Inside a merge's transaction (``merging.merge_profiles``): both versions are
    checked and bumped (a profile changed since the curator compared them raises
    :class:`VersionConflict`). Returns the field codes of both profiles and every value
    of ``drop``, for the audit entry that lets the merged-away record be traced."""
    codes = search_documents.field_codes_by_expert([keep.id, drop.id])
    merged_away = {"id": drop.id, **stored_values(drop, codes[drop.id]),
                   "source": drop.source, "created_at": drop.created_at,
                   "version": drop_version}
    _claim_version(keep, keep_version)
    claimed = (Expert.update(version=Expert.version + 1)
               .where((Expert.id == drop.id) & (Expert.version == drop_version)).execute())
    if not claimed:
        raise VersionConflict(drop.id)
    return codes, merged_away


def absorb(keep, drop, values, codes, drop_version):
    """Inside a merge's transaction, once everything that pointed at ``drop`` points at
    ``keep``: ``drop`` goes and ``keep`` takes ``values``. Returns what changed on
    ``keep``, ``{name: [old, new]}``."""
    ExpertField.delete().where(ExpertField.expert == drop.id).execute()
    Expert.delete().where(Expert.id == drop.id).execute()
    changes = _apply(keep, values, codes[keep.id])
    keep.name_key = fold(keep.full_name)
    keep.updated_at = utcnow()
    keep.save()
    if "fields" in values and values["fields"] != codes[keep.id]:
        _set_fields(keep, values["fields"])
    _queue(keep)
    _record_change(drop.id, drop_version + 1)
    return changes


def merged_into(old_id):
    """The id a merged-away profile now lives under, or ``None``."""
    return MergedProfile.select(MergedProfile.new_id).where(MergedProfile.old_id == old_id).scalar()


def merged_ids(expert_id):
    """Ids of the profiles merged into ``expert_id``."""
    return [row.old_id for row in MergedProfile.select(MergedProfile.old_id)
            .where(MergedProfile.new_id == expert_id)]
