"""Keeping the organisations' records index in step with the database, as profiles do
(``directory/indexing.py``): each write's records are indexed after its commit; a record
whose ``indexed_version`` differs from its version waits (a failed index update) until
the next write, ``reconcile`` (start-up, ``flask reindex``) or a ``rebuild``."""
import logging

from flask import current_app
from peewee import fn

from expertnet.core.db import database
from expertnet.organisations.models import Organisation
from expertnet.organisations.search_documents import KIND, all_documents, for_ids
from expertnet.search.records import records_index
from expertnet.taxonomy import store as catalog

log = logging.getLogger(__name__)


def get_index(app=None):
    app = app or current_app
    return records_index(app.config["INDEX_DIR"], KIND, lock_timeout=app.config["INDEX_LOCK_TIMEOUT"])


def _mark_indexed(documents):
    for record_id in documents:
        (Organisation.update(indexed_version=Organisation.version)
         .where(Organisation.id == record_id).execute())


def index_ids(ids, index=None):
    """Write the current state of ``ids`` (deleting the missing ones); raises on failure."""
    index = index or get_index()
    ids = list(dict.fromkeys(ids))
    documents = for_ids(ids, catalog.load())
    index.replace_many(documents.values())
    for record_id in ids:
        if record_id not in documents:
            index.delete(record_id)
    with database.atomic():
        _mark_indexed(documents)
    return len(documents)


def index_after_commit(ids):
    """Index ``ids`` now when no transaction is open (else the caller flushes after its
    commit); a failure is logged and left for reconcile: the database write stands."""
    if database.in_transaction():
        return False
    try:
        index_ids(ids)
    except Exception:  # noqa: BLE001 - the write stands; reconcile repairs
        log.exception("organisations index update failed for %d records; kept for reconcile", len(ids))
        return False
    return True


def stale_ids():
    return [row_id for (row_id,) in Organisation.select(Organisation.id).where(
        Organisation.indexed_version.is_null() | (Organisation.indexed_version != Organisation.version))
        .tuples()]


def count():
    return Organisation.select(fn.COUNT(Organisation.id)).scalar()


def rebuild(index=None):
    index = index or get_index()
    taxonomy = catalog.load()
    documents = list(all_documents(taxonomy))
    index.rebuild(documents)
    with database.atomic():
        Organisation.update(indexed_version=Organisation.version).execute()
    return len(documents)


def reconcile(index=None):
    """Rebuild a new or outdated index, else index what is stale and drop what is gone."""
    index = index or get_index()
    if index.created and count():
        return {"rebuilt": True, "indexed": rebuild(index), "removed": 0}
    in_index = index.ids()
    existing = {row_id for (row_id,) in Organisation.select(Organisation.id).tuples()}
    stale = [*stale_ids(), *(existing - in_index)]
    extra = in_index - existing
    if stale:
        index_ids(stale, index)
    for record_id in extra:
        index.delete(record_id)
    return {"rebuilt": False, "indexed": len(set(stale)), "removed": len(extra)}


def health(index=None):
    """``{"documents", "records", "stale", "in_step"}`` (counts only)."""
    index = index or get_index()
    documents, records, stale = index.count(), count(), len(stale_ids())
    return {"documents": documents, "records": records, "stale": stale,
            "in_step": documents == records and not stale}
