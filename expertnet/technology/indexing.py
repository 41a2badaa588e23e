"""Finding offers and demands: the one place the marketplace's search is answered.

It answers with the shared records index's contract (``search(q, levels=, statuses=,
filters=, facets=, page=, per_page=)`` → ids ranked, total, facet counts) over the
documents of ``search_documents``, built from the database at each search: the
marketplace holds hundreds of records, not the directory's hundred thousand profiles.
When the records index holds them (``search.records``), only this module changes."""
from dataclasses import dataclass, field

from expertnet.core.text import clean, fold
from expertnet.technology import search_documents

FACETS = {"offers": ("field", "trl", "transfer_model", "organisation_type", "country"),
          "demands": ("field", "organisation_type", "country")}
MAX_PER_PAGE = 100


@dataclass
class RecordResults:
    ids: list
    total: int
    facet_counts: dict = field(default_factory=dict)


def _matches(document, words):
    haystack = fold(f"{document['names']} {document['text']}")
    return all(word in haystack for word in words)


def _passes(document, filters, skip=None):
    return all(not values or set(values) & set(document["facets"].get(name, ()))
               for name, values in filters.items() if name != skip)


def search(kind, q="", *, levels, statuses=("published",), filters=None, facets=(), page=1,
           per_page=20):
    """Records of ``kind`` ("offers", "demands") whose visibility is among ``levels``
    and status among ``statuses``, holding every word of ``q`` (whatever the accents)
    and passing ``filters`` (facet → accepted codes: one of them), newest first. A
    facet's counts are over the records passing the other facets' filters."""
    filters = {name: [value for value in values if value] for name, values in (filters or {}).items()}
    words = fold(clean(q)).split()
    candidates = [document for document in search_documents.documents(kind)
                  if document["visibility"] in levels and document["status"] in statuses
                  and _matches(document, words)]
    found = [document for document in candidates if _passes(document, filters)]
    found.sort(key=lambda document: -document["id"])
    counts = {}
    for name in facets:
        tally = {}
        for document in candidates:
            if _passes(document, filters, skip=name):
                for value in document["facets"].get(name, ()):
                    tally[value] = tally.get(value, 0) + 1
        counts[name] = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    start = (max(page, 1) - 1) * per_page
    return RecordResults([document["id"] for document in found[start:start + per_page]], len(found),
                         counts)
