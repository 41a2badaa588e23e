"""Keeping the records indexes (``search/records.py``) in step with the database, as
profiles do (``directory/indexing.py``): each write's records are indexed after its
commit; what a failed index update left behind waits for the next write, ``reconcile``
(start-up, ``flask reindex``) or a ``rebuild``.

:class:`RecordIndexing` does it for one kind of record, given its model and how its
documents are built; organisations use it here, technology offers and demands in
``technology/indexing.py``. A model with an ``indexed_version`` column says which records
wait (its ``version`` differs); for a model without one, reconcile rebuilds the whole
(small) index, since what a failed update left behind cannot be told apart."""
import logging

from flask import current_app
from peewee import fn

from expertnet.core import signals
from expertnet.core.db import database
from expertnet.organisations.models import Organisation
from expertnet.organisations.search_documents import KIND, all_documents, for_ids
from expertnet.search.records import records_index
from expertnet.taxonomy import store as catalog

log = logging.getLogger(__name__)
# Records an earlier failure left waiting that a later write indexes with its own.
CATCH_UP = 100


class RecordIndexing:
    """One kind's index kept in step with ``model``'s rows.

    ``documents_for(ids)`` answers ``{id: document}`` for the rows of ``ids`` that exist;
    ``all_documents()`` every document."""

    def __init__(self, kind, model, documents_for, all_documents):
        self.kind = kind
        self.model = model
        self.documents_for = documents_for
        self.all_documents = all_documents
        self.versioned = "indexed_version" in model._meta.fields

    def get_index(self, app=None):
        app = app or current_app
        return records_index(app.config["INDEX_DIR"], self.kind,
                             lock_timeout=app.config["INDEX_LOCK_TIMEOUT"])

    def _mark_indexed(self, ids=None):
        if not self.versioned:
            return
        model = self.model
        query = model.update(indexed_version=model.version)
        if ids is not None:
            ids = list(ids)
            if not ids:
                return
            query = query.where(model.id.in_(ids))
        with database.atomic():
            query.execute()

    def index_ids(self, ids, index=None):
        """Write the current state of ``ids`` (deleting the missing ones); raises on failure."""
        index = index or self.get_index()
        ids = list(dict.fromkeys(ids))
        documents = self.documents_for(ids)
        index.replace_many(documents.values())
        for record_id in ids:
            if record_id not in documents:
                index.delete(record_id)
        self._mark_indexed(documents)
        return len(documents)

    def index_after_commit(self, ids):
        """Index ``ids`` now when no transaction is open (else the caller flushes after
        its commit), with what an earlier failure left waiting (up to ``CATCH_UP``
        records); a failure is logged and left for reconcile: the database write stands,
        and the records are marked as waiting so that the health check sees them."""
        if database.in_transaction():
            return False
        ids = list(ids)
        try:
            self.index_ids([*ids, *self.stale_ids()[:CATCH_UP]])
        except Exception:  # noqa: BLE001 - the write stands; reconcile repairs
            log.exception("%s index update failed for %d records; kept for reconcile",
                          self.kind, len(ids))
            self._mark_waiting(ids)
            return False
        return True

    def _mark_waiting(self, ids):
        """After a failed update: ``ids`` wait for the index, whether or not their write
        changed their version (a record re-indexed because its organisation was renamed
        keeps its version)."""
        if not self.versioned or not ids:
            return
        try:
            with database.atomic():
                self.model.update(indexed_version=None).where(self.model.id.in_(ids)).execute()
        except Exception:  # noqa: BLE001 - the versions written still tell most of it
            log.exception("%s records could not be marked as waiting for the index", self.kind)

    def stale_ids(self):
        if not self.versioned:
            return []
        model = self.model
        return [row_id for (row_id,) in model.select(model.id).where(
            model.indexed_version.is_null() | (model.indexed_version != model.version)).tuples()]

    def count(self):
        return self.model.select(fn.COUNT(self.model.id)).scalar()

    def rebuild(self, index=None):
        index = index or self.get_index()
        documents = list(self.all_documents())
        index.rebuild(documents)
        self._mark_indexed()
        return len(documents)

    def reconcile(self, index=None):
        """Rebuild a new or outdated index (or, without versions, any index), else index
        what is stale and drop what is gone."""
        index = index or self.get_index()
        if not self.versioned or (index.created and self.count()):
            return {"rebuilt": True, "indexed": self.rebuild(index), "removed": 0}
        in_index = index.ids()
        existing = {row_id for (row_id,) in self.model.select(self.model.id).tuples()}
        stale = [*self.stale_ids(), *(existing - in_index)]
        extra = in_index - existing
        if stale:
            self.index_ids(stale, index)
        for record_id in extra:
            index.delete(record_id)
        return {"rebuilt": False, "indexed": len(set(stale)), "removed": len(extra)}

    def health(self, index=None):
        """``{"documents", "records", "stale", "in_step"}`` (counts only)."""
        index = index or self.get_index()
        documents, records, stale = index.count(), self.count(), len(self.stale_ids())
        return {"documents": documents, "records": records, "stale": stale,
                "in_step": documents == records and not stale}


organisations = RecordIndexing(KIND, Organisation, lambda ids: for_ids(ids, catalog.load()),
                               lambda: all_documents(catalog.load()))

get_index = organisations.get_index
index_ids = organisations.index_ids


stale_ids = organisations.stale_ids
count = organisations.count
rebuild = organisations.rebuild
reconcile = organisations.reconcile
health = organisations.health


def index_after_commit(ids):
    """Index the organisations ``ids`` after their write's commit, then tell the modules
    whose documents name them (``signals.organisations_changed``)."""
    done = organisations.index_after_commit(ids)
    if not database.in_transaction():
        signals.organisations_changed.send(None, ids=list(ids))
    return done
