"""The one way profiles are written: validate, commit, then update the search index.

The database is the truth and the index is derived. Each write records the profile in
``PendingIndex`` inside the same transaction; after the commit the pending documents
are indexed and their records removed. If the index cannot be written (a held lock, a
full disk, a crash), the records stay, and the next successful write, the start-up
``reconcile`` or ``reindex`` repairs the index. A database write is never rolled back
because of the index.
"""
import datetime
import logging
from dataclasses import dataclass

from peewee import fn

from expertnet import search
from expertnet.core import (
    audit,
    places,
)
from expertnet.core.db import database, is_postgres, utcnow
from expertnet.core.i18n import _
from expertnet.core.models import (
    ChangeLog,
    Consent,
    Expert,
    ExpertField,
    MergedProfile,
    PendingIndex,
    User,
)
from expertnet.core.text import fold, sort_key
from expertnet.directory import validation
from expertnet.taxonomy import (
    hometowns,
)
from expertnet.taxonomy import (
    store as catalog,
)

log = logging.getLogger(__name__)

LIST_ATTRIBUTES = ("other_names", "keywords", "languages", "available_for")
SCALAR_ATTRIBUTES = tuple(column for column in validation.COLUMNS
                          if column not in validation.LIST_COLUMNS)
# Pending records indexed at once after a write (a big backlog is left to reconcile).
FLUSH_BATCH = 500


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


# -- documents ---------------------------------------------------------------------
def trust_values(expert, claimed):
    """The profile's trust signals as index values (``vocab.TRUST``)."""
    values = ["confirmed" if expert.confirmed_at is not None else "self_declared"]
    if claimed:
        values.append("claimed")
    if expert.orcid:
        values.append("orcid")
    return values


def document_for(expert, field_codes, taxonomy, claimed=False):
    """The search document of a profile (plain data: the search package knows no models).
    ``claimed``: whether an account owns the profile (a trust signal)."""
    expanded = taxonomy.with_ancestors([code for code in field_codes if code in taxonomy.fields])
    names = [expert.full_name, *expert.other_names]
    place = [*places.country_names_all(expert.country)] if expert.country else []
    place += [expert.city, expert.hometown]
    # A hometown is found by its names in both schemes (current units, former districts).
    place += [name for name in hometowns.search_names(expert.hometown) if name != expert.hometown]
    contact = [expert.email.lower()] if expert.email else []
    if expert.phone:
        contact.append("".join(ch for ch in expert.phone if ch.isdigit()))
    organization = expert.organization
    field_text = "\n".join(word for code in expanded for word in taxonomy.words(code))
    tags = "\n".join([expert.position, *expert.keywords])
    place_text = "\n".join(part for part in place if part)
    bios = "\n".join(bio for bio in (expert.bio_vi, expert.bio_en) if bio)
    document = {
        "id": str(expert.id),
        "id_num": expert.id,
        "version": expert.version,
        "kind": expert.kind,
        "visibility": expert.visibility,
        "country": expert.country,
        "fields": " ".join(expanded),
        "languages": " ".join(expert.languages),
        "available_for": " ".join(expert.available_for),
        "trust": " ".join(trust_values(expert, claimed)),
        "name_exact": "\n".join(names),
        "name": "\n".join(names),
        "organization": organization,
        "field_text": field_text,
        "tags": tags,
        "place": place_text,
        "text": bios,
        # Bigrams of the short fields only: bios would double the postings of every
        # profile (slower writes and rebuilds) for little gain in ranking.
        # A pair across two parts (last word of the name, first of the organisation) is
        # harmless noise: it only adds a little score to a query that typed both.
        "bigrams": "\n".join(part for part in ("\n".join(names), organization, field_text, tags)
                             if part),
        "bio_vi": expert.bio_vi,
        "bio_en": expert.bio_en,
        "contact": " ".join(contact),
        "name_sort": sort_key(expert.full_name),
        "updated": int(expert.updated_at.timestamp() * 1000),
    }
    # The same free text with its diacritics: a word typed with tone marks is that word.
    for name in search.EXACT_TEXT_FIELDS:
        document[f"{name}_exact"] = document[name]
    # Whoosh would index an empty ID as the term "": leave empty values out instead.
    return {key: value for key, value in document.items() if value not in ("", None)}


def field_codes_by_expert(ids):
    codes = {expert_id: [] for expert_id in ids}
    query = (ExpertField.select(ExpertField.expert, ExpertField.field)
             .where(ExpertField.expert.in_(list(ids)))
             .order_by(ExpertField.expert, ExpertField.position))
    for link in query:
        codes[link.expert_id].append(link.field_id)
    return codes


def claimed_ids(ids):
    """The ids among ``ids`` of profiles an account owns."""
    return {user.expert_id for user in User.select(User.expert)
            .where(User.expert.in_(list(ids)))}


def _documents(ids, taxonomy):
    experts = list(Expert.select().where(Expert.id.in_(list(ids))))
    codes = field_codes_by_expert([expert.id for expert in experts])
    owned = claimed_ids([expert.id for expert in experts])
    return {expert.id: document_for(expert, codes[expert.id], taxonomy, expert.id in owned)
            for expert in experts}


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
    read_codes = field_codes_by_expert(read_ids) if read_ids else {}
    with database.atomic():
        existing_ids = [expert.id for _values, expert in batch if expert is not None]
        # Re-read inside the transaction: the caller's copies may be stale, and saving
        # them whole would silently undo what someone else saved since.
        current = _current_rows(existing_ids)
        codes = field_codes_by_expert(existing_ids) if existing_ids else {}
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
                trail += _record_consents(expert.id, given, actor, via)
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
            trail += _record_consents(expert.id, given, actor, via)
            _catch_up(read, expert)
            outcomes.append(SaveOutcome(expert, status, changes))
        audit.write_many(trail)
        if in_transaction is not None:
            in_transaction(outcomes)
    index_after_commit([outcome.expert.id for outcome in outcomes
                        if outcome.status not in ("unchanged", "gone")])
    return outcomes


def _record_consents(expert_id, given, actor, via):
    """Store the consents ``given`` for a profile; returns their audit entries."""
    entries = []
    for item in given:
        Consent.create(expert=expert_id, user=None, purpose=item["purpose"], granted=True,
                       notice_version=item["notice_version"],
                       created_at=item.get("created_at") or utcnow())
        entries.append(audit.entry("consent.grant", actor_id=actor, expert_id=expert_id,
                                   source=via,
                                   changes={"purpose": item["purpose"],
                                            "notice_version": item["notice_version"]}))
    return entries


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
    index_after_commit([expert.id])
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
    """Remember when the owner was last reminded of a stale profile (freshness.py)."""
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
    codes = field_codes_by_expert([keep.id, drop.id])
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


# -- keeping the index in step -------------------------------------------------------
def index_ids(ids, store=None, taxonomy=None):
    """Write the current state of ``ids`` to the index (deleting the missing ones), then
    clear their pending records up to the versions indexed. Raises on index failure."""
    store = store or search.get_store()
    taxonomy = taxonomy or catalog.load()
    ids = list(ids)
    documents, missing = {}, []

    def read():
        # Called with the index writer lock held (see IndexStore.apply): the documents
        # are at least as new as any commit whose writer waits for the lock after us.
        documents.update(_documents(ids, taxonomy))
        missing.extend(expert_id for expert_id in ids if expert_id not in documents)
        return documents.values(), missing

    store.apply(read=read)
    with database.atomic():
        for expert_id, document in documents.items():
            (PendingIndex.delete()
             .where((PendingIndex.expert_id == expert_id)
                    & (PendingIndex.version <= document["version"])).execute())
        if missing:
            # A deleted profile cannot change again: its record goes whatever its version.
            PendingIndex.delete().where(PendingIndex.expert_id.in_(missing)).execute()
    return len(documents), len(missing)


def index_after_commit(written=()):
    """Index what was just written, once it is committed. Inside a caller's transaction
    (a write that must stand or fall with something else, e.g. a review decision) the
    index waits: the caller runs :func:`flush_pending` after its commit, and whatever
    it does not flush stays in ``pending_index`` for the next write or reconcile."""
    if not database.in_transaction():
        flush_pending(written)


def flush_pending(written=(), limit=FLUSH_BATCH):
    """Index the profiles just ``written`` and whatever else is pending; on failure log
    and keep the records for later. The written ids are named, not only found in
    ``PendingIndex``: with several hosts another host's flush may have taken their
    records already, and a host must still find its own writes at once."""
    ids = list(dict.fromkeys([*written, *(
        row.expert_id for row in
        PendingIndex.select(PendingIndex.expert_id).order_by(PendingIndex.queued_at).limit(limit))]))
    if not ids:
        return True
    try:
        index_ids(ids)
    except Exception:  # noqa: BLE001 - the database write stands; reconcile repairs
        log.exception("search index update failed for %d profiles; kept for reconcile", len(ids))
        return False
    return True


def pending_count():
    return PendingIndex.select().count()


def database_versions():
    return dict(Expert.select(Expert.id, Expert.version).tuples())


def _change_grace():
    from flask import current_app
    return float(current_app.config.get("INDEX_CATCHUP_GRACE", 30.0))


def last_change():
    """The newest change-log sequence number, or 0."""
    return ChangeLog.select(fn.MAX(ChangeLog.seq)).scalar() or 0


def position_before(moment):
    """The change-log position that an index built (or reconciled) from the database
    read after ``moment`` certainly reflects: the newest change logged more than the
    grace period before ``moment``. A later one may belong to a transaction that had
    not committed yet when the database was read (on PostgreSQL sequence numbers are
    handed out before commit), so the catch-up checks those again; checking is
    idempotent (it compares versions)."""
    limit = moment - datetime.timedelta(seconds=_change_grace())
    return ChangeLog.select(fn.MAX(ChangeLog.seq)).where(ChangeLog.changed_at < limit).scalar() or 0


def reconcile(store=None, progress=None, batch=1000):
    """Make the index agree with the database: rebuild it when it is missing or of
    another schema, else re-index every profile whose version differs and delete
    documents of profiles that no longer exist. Returns a summary."""
    store = store or search.get_store()
    started = utcnow()
    status = store.status()
    if status != "ok":
        rebuild(store, progress=progress)
        return {"status": status, "rebuilt": True, "indexed": Expert.select().count(), "removed": 0}
    in_database = database_versions()
    in_index = store.stored_versions()
    stale = [expert_id for expert_id, version in in_database.items()
             if in_index.get(expert_id) != version]
    stale += [row.expert_id for row in PendingIndex.select(PendingIndex.expert_id)]
    stale = list(dict.fromkeys(stale))
    extra = [expert_id for expert_id in in_index if expert_id not in in_database]
    taxonomy = catalog.load()
    done = 0
    for start in range(0, len(stale), batch):
        index_ids(stale[start:start + batch], store=store, taxonomy=taxonomy)
        done += len(stale[start:start + batch])
        if progress:
            progress(done)
    if extra:
        store.apply(remove_ids=extra)
    position = position_before(started)
    recorded = store.read_position()
    if recorded is None or recorded < position:
        store.write_position(position)
    return {"status": status, "rebuilt": False, "indexed": len(stale), "removed": len(extra)}


def all_documents(taxonomy=None, batch=2000):
    """Every profile's document, read in batches (bounded memory for a rebuild)."""
    taxonomy = taxonomy or catalog.load()
    last_id = 0
    while True:
        experts = list(Expert.select().where(Expert.id > last_id).order_by(Expert.id).limit(batch))
        if not experts:
            return
        codes = field_codes_by_expert([expert.id for expert in experts])
        owned = claimed_ids([expert.id for expert in experts])
        for expert in experts:
            yield document_for(expert, codes[expert.id], taxonomy, expert.id in owned)
        last_id = experts[-1].id


def rebuild(store=None, progress=None):
    """Rebuild the whole index into a new folder and swap it in; then catch up with
    writes that went to the old index while the rebuild ran."""
    store = store or search.get_store()
    started = utcnow()
    store.rebuild(all_documents(), progress=progress, expected=count_profiles(),
                  position=position_before(started))
    PendingIndex.delete().where(PendingIndex.queued_at < started).execute()
    in_database = database_versions()
    in_index = store.stored_versions()
    late = [expert_id for expert_id, version in in_database.items()
            if in_index.get(expert_id) != version]
    late += [expert_id for expert_id in in_index if expert_id not in in_database]
    if late:
        index_ids(late, store=store)
    return len(in_database)


def count_profiles():
    return Expert.select(fn.COUNT(Expert.id)).scalar()


# -- health --------------------------------------------------------------------------
def health(store, db, max_lag_seconds=60.0, changes=None):
    """What ``/healthz`` answers: counts (never personal data) and a verdict, ``ok`` or
    ``unavailable``. The index is in step when it holds as many documents as the
    database holds profiles and nothing waits to be indexed. Being briefly behind is
    normal (a write between its commit and its index update, another host's change
    not applied yet); it is unhealthy once what explains it is older than
    ``max_lag_seconds``, or when nothing explains a difference. ``changes`` is a
    callable giving this host's lag behind the change log (several hosts), or None."""
    report = {"status": "unavailable",
              "database": {"reachable": False},
              "index": {"readable": False}}
    try:
        db.connect(reuse_if_open=True)
        profiles = count_profiles()
        pending = PendingIndex.select(fn.COUNT(PendingIndex.expert_id),
                                      fn.MIN(PendingIndex.queued_at)).tuples().get()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        log.warning("health: database unreachable: %s", exc)
        return report
    report["database"] = {"reachable": True, "profiles": profiles, "latest_change": last_change()}
    try:
        documents = store.doc_count()
    except Exception as exc:  # noqa: BLE001 - missing, damaged, or of another schema
        log.warning("health: index unreadable: %s", exc)
        return report
    pending_count_now, oldest = pending
    oldest_pending = (utcnow() - oldest).total_seconds() if oldest else 0.0
    lag = oldest_pending
    behind = changes() if changes else None
    unapplied = behind["behind"] if behind else 0
    if behind:
        lag = max(lag, behind["lag_seconds"])
    in_step = documents == profiles and not pending_count_now and not unapplied
    explained = bool(pending_count_now or unapplied)
    healthy = in_step or (explained and lag <= max_lag_seconds)
    report["index"] = {"readable": True, "documents": documents, "pending": pending_count_now,
                       "oldest_pending_seconds": round(max(oldest_pending, 0.0), 1),
                       "lag_seconds": round(lag, 1), "in_step": in_step}
    if behind:
        report["index"]["changes"] = behind
    report["status"] = "ok" if healthy else "unavailable"
    return report
