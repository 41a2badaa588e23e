"""The search face of expertnet: the only package that knows Whoosh.

It takes plain documents (dicts built by ``services``) and answers searches with ids,
totals, facet counts and highlights; it knows neither the models nor the request.
The application keeps one :class:`IndexStore` per index folder in
``app.extensions["expertnet.search"]``.
"""
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

from whoosh import collectors, highlight
from whoosh import query as wq

from . import query as search_query
from .index import IndexBusy, IndexStore, IndexUnavailable
from .schema import FACET_FIELDS, MULTI_VALUED, SCHEMA_VERSION

__all__ = [
    "FACET_FIELDS", "IndexBusy", "IndexStore", "IndexUnavailable", "SCHEMA_VERSION",
    "SearchRequest", "SearchResult", "init_app", "get_store", "search", "suggest",
    "contact_terms",
]

EXTENSION = "expertnet.search"
SORTS = ("relevance", "name", "updated")
contact_terms = search_query.contact_terms


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    # Index field → accepted values; values of one field are OR-ed.
    filters: dict = field(default_factory=dict)
    # Visibility levels the caller may see, and ids always visible to them (their own).
    visibility: tuple = ("public",)
    own_ids: tuple = ()
    include_contact: bool = False
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    with_facets: bool = True
    # Preferred bio language for highlights.
    language: str = "vi"
    max_chars: int = 500
    max_terms: int = 12


@dataclass
class SearchResult:
    ids: list
    total: int
    facets: dict
    highlights: dict
    page: int
    per_page: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))


class MarkFormatter(highlight.Formatter):
    """``<mark>``-wrapped matches in HTML-escaped text (safe to render as markup)."""

    between = " … "

    def _text(self, text):
        return highlight.htmlescape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return f"<mark>{self._text(highlight.get_text(text, token, replace))}</mark>"


def init_app(app):
    store = IndexStore(app.config["INDEX_DIR"], lock_timeout=app.config["INDEX_LOCK_TIMEOUT"])
    app.extensions[EXTENSION] = store
    return store


def get_store(app=None):
    if app is None:
        from flask import current_app
        app = current_app
    return app.extensions[EXTENSION]


def search(store, request):
    """Run ``request`` (a :class:`SearchRequest`) on ``store``."""
    matching, scoring, has_text = search_query.build(
        request.text, request.filters, request.visibility, request.own_ids,
        include_contact=request.include_contact, max_chars=request.max_chars,
        max_terms=request.max_terms)
    sort = request.sort if request.sort in SORTS else "relevance"
    if sort == "relevance" and not has_text:
        sort = "name"
    with store.searcher() as searcher:
        docnums = list(searcher.docs_for_query(matching))
        facets = _count_facets(store.facet_arrays(searcher), docnums) if request.with_facets else {}
        first = (request.page - 1) * request.per_page
        last = first + request.per_page
        if first >= len(docnums):
            return SearchResult([], len(docnums), facets, {}, request.page, request.per_page)
        results = _top(searcher, scoring if sort == "relevance" else matching, last, sort)
        hits = list(results)[first:last]
        ids = [int(hit["id"]) for hit in hits]
        highlights = _highlights(results, hits, request.language) if has_text else {}
    return SearchResult(ids, len(docnums), facets, highlights, request.page, request.per_page)


def _top(searcher, whoosh_query, limit, sort):
    if sort == "name":
        collector = collectors.SortingCollector("name_sort", limit=limit)
    elif sort == "updated":
        collector = collectors.SortingCollector("updated", limit=limit, reverse=True)
    else:
        # usequality=False: block-quality skipping can return a top N that differs
        # from the exhaustive ranking.
        collector = collectors.TopCollector(limit=limit, usequality=False)
    searcher.search_with_collector(whoosh_query, collector)
    return collector.results()


def _count_facets(arrays, docnums):
    counts = {}
    for name in FACET_FIELDS:
        values = arrays[name]
        if name in MULTI_VALUED:
            counter = Counter(chain.from_iterable(map(values.__getitem__, docnums)))
        else:
            counter = Counter(map(values.__getitem__, docnums))
            counter.pop(None, None)
        counts[name] = dict(counter.most_common())
    return counts


def _highlights(results, hits, language):
    results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
    results.formatter = MarkFormatter()
    other = "en" if language == "vi" else "vi"
    fields = (f"bio_{language}", f"bio_{other}", "keywords", "organization")
    snippets = {}
    for hit in hits:
        for name in fields:
            if not hit.get(name):
                continue
            snippet = hit.highlights(name, top=2)
            if snippet:
                snippets[int(hit["id"])] = snippet
                break
    return snippets


def suggest(store, prefix, visibility, own_ids=(), limit=6):
    """Completions for what is being typed: ``{"names": [(id, name)], "organizations":
    [name]}`` from the profiles the caller may see (so nothing hidden leaks)."""
    found = {"names": [], "organizations": []}
    filters = search_query.filter_query({}, visibility, own_ids)
    with store.searcher() as searcher:
        names = search_query.name_prefix_query(prefix)
        if names is not None:
            for hit in searcher.search(wq.And([names, *filters]), limit=limit):
                found["names"].append((int(hit["id"]), hit["name"].split("\n", 1)[0]))
        organizations = search_query.prefix_query("organization", prefix)
        if organizations is not None:
            seen = set()
            for hit in searcher.search(wq.And([organizations, *filters]), limit=limit * 8):
                name = hit.get("organization", "")
                if name and name.casefold() not in seen:
                    seen.add(name.casefold())
                    found["organizations"].append(name)
                if len(found["organizations"]) == limit:
                    break
    return found
