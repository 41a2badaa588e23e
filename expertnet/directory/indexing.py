"""Keeping the search index in step with the database: each write's profiles indexed
after its commit (``PendingIndex``), the start-up ``reconcile``, a full ``rebuild``,
the change log's position for catch-up, and the index's health.
"""
import datetime
import logging

from peewee import fn

from expertnet import search
from expertnet.core.db import database, utcnow
from expertnet.directory import search_documents
from expertnet.directory.models import ChangeLog, Expert, PendingIndex
from expertnet.taxonomy import (
    store as catalog,
)

log = logging.getLogger(__name__)

# Pending records indexed at once after a write (a big backlog is left to reconcile).
FLUSH_BATCH = 500


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
        documents.update(search_documents.for_ids(ids, taxonomy))
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
        codes = search_documents.field_codes_by_expert([expert.id for expert in experts])
        owned = search_documents.claimed_ids([expert.id for expert in experts])
        for expert in experts:
            yield search_documents.document_for(expert, codes[expert.id], taxonomy, expert.id in owned)
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
