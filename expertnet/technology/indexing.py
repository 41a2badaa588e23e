"""Finding offers and demands: each kind in its own records index (``search.records``),
kept in step with the database like the organisations' one
(``organisations.indexing.RecordIndexing``): the write functions of ``offers`` and
``demands`` (moderation decisions included) index their record after the commit,
``flask reindex`` and the start-up reconcile rebuild them, ``/healthz`` counts them."""
import logging

from expertnet.core import signals
from expertnet.organisations.indexing import RecordIndexing
from expertnet.organisations.models import Organisation
from expertnet.technology import search_documents
from expertnet.technology.models import TechnologyDemand, TechnologyOffer

FACETS = {"offers": ("field", "trl", "transfer_model", "organisation_type", "country"),
          "demands": ("field", "organisation_type", "country")}
MAX_PER_PAGE = 100

log = logging.getLogger(__name__)


def _keeper(kind, model):
    return RecordIndexing(
        kind, model,
        lambda ids: {document["id"]: document for document in search_documents.documents(kind, ids)},
        lambda: search_documents.documents(kind))


KEEPERS = {"offers": _keeper("offers", TechnologyOffer),
           "demands": _keeper("demands", TechnologyDemand)}


def index_after_commit(kind, ids):
    """Index the records ``ids`` of ``kind`` after their write's commit (a failure is
    logged and left for the next reconcile)."""
    return KEEPERS[kind].index_after_commit(list(ids))


@signals.organisations_changed.connect
def follow_organisations(_sender, ids, **_kwargs):
    """An offer's or a demand's document names its organisation: index again the records
    of the organisations written; rebuild both (small) indexes when one of them is gone,
    since the records it named no longer point to it."""
    ids = list(ids)
    gone = bool(set(ids) - {row_id for (row_id,) in Organisation.select(Organisation.id)
                            .where(Organisation.id.in_(ids)).tuples()})
    for kind, keeper in KEEPERS.items():
        if gone:
            try:
                keeper.rebuild()
            except Exception:  # noqa: BLE001 - the write stands; reconcile repairs
                log.exception("the %s index could not be rebuilt; left for reconcile", kind)
            continue
        model = keeper.model
        records = [row_id for (row_id,) in model.select(model.id).where(model.organisation.in_(ids)).tuples()]
        if records:
            keeper.index_after_commit(records)


def search(kind, q="", *, levels, statuses=("published",), filters=None, facets=(), page=1,
           per_page=20):
    """Records of ``kind`` ("offers", "demands") whose visibility is among ``levels``
    and status among ``statuses``, holding every word of ``q`` (with or without its
    diacritics) and passing ``filters`` (facet → accepted codes: one of them); ranked by
    relevance, newest first without words. A facet's counts are over the records passing
    the other facets' filters, so a reader sees how far each choice widens."""
    filters = {name: [value for value in values if value] for name, values in (filters or {}).items()}
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    return KEEPERS[kind].get_index().search(
        q, levels=levels, statuses=statuses, filters=filters, facets=facets, page=max(page, 1),
        per_page=per_page, facets_ignore_own_filter=True)
