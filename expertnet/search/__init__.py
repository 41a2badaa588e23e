"""The search face of expertnet: the only package that knows Whoosh.

It takes plain documents (dicts built by ``directory.search_documents``) and answers searches with ids,
totals, facet counts and highlights; it knows neither the models nor the request.
The application keeps one :class:`IndexStore` per index folder in
``app.extensions["expertnet.search"]``.
"""
from dataclasses import dataclass, field

from whoosh import collectors

from expertnet.core.text import clean, fold, nfc

from . import engine, highlighting
from . import query as search_query
from .analysis import WORD, exact_terms
from .index import IndexBusy, IndexStore, IndexUnavailable
from .schema import EXACT_TEXT_FIELDS, FACET_FIELDS, SCHEMA_VERSION
from .similar import SimilarRequest, SimilarResult, more_like_this
from .understanding import Meaning, Vocabulary

__all__ = [
    "EXACT_TEXT_FIELDS", "FACET_FIELDS", "IndexBusy", "IndexStore", "IndexUnavailable", "SCHEMA_VERSION",
    "SearchRequest", "SearchResult", "init_app", "get_store", "search", "search_reference",
    "suggest",
    "contact_terms",
    "SimilarRequest", "SimilarResult", "more_like_this",
    "Meaning", "Vocabulary",
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
    # Snippets of the page's hits (an export of every hit needs none).
    with_highlights: bool = True
    # Preferred bio language for highlights.
    language: str = "vi"
    max_chars: int = 500
    max_terms: int = 12
    # The search as it was before it understood words (every word required, folded free
    # text): kept for the benchmark (bench.relevance) to measure against.
    legacy: bool = False
    # The directory's vocabularies (understanding.Vocabulary) to read roles, places,
    # kinds and fields in the text as filters; None searches the words literally.
    vocabulary: object = None
    # Keys of understood meanings the person removed ("available_for:reviewing").
    ignore: tuple = ()
    # The words as typed: the vocabulary's words are units, nothing else is read.
    literal: bool = False
    # Keys of the only meanings that may be understood (None: any), as saved.
    only: tuple = None


@dataclass
class SearchResult:
    ids: list
    total: int
    facets: dict
    highlights: dict
    page: int
    per_page: int
    # Meanings understood and applied as filters, and those dropped because they left
    # no result (understanding.Meaning).
    understood: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    # "Did you mean": the text with its unknown words corrected, when that finds more.
    suggestion: str = ""
    # The threshold ``total`` counts by, when a match needs only some of the words:
    # ``needed`` of the ``words`` (as typed, a word of several syllables as one).
    needed: int = 0
    words: list = field(default_factory=list)
    # Every word searched for (as typed, a word of several syllables as one).
    terms: list = field(default_factory=list)

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))


def init_app(app):
    store = IndexStore(app.config["INDEX_DIR"], lock_timeout=app.config["INDEX_LOCK_TIMEOUT"],
                       background_merge=app.config["INDEX_BACKGROUND_MERGE"],
                       cache_mb=app.config["SEARCH_CACHE_MB"])
    app.extensions[EXTENSION] = store
    return store


def get_store(app=None):
    if app is None:
        from flask import current_app
        app = current_app
    return app.extensions[EXTENSION]


def search(store, request):
    """Run ``request`` (a :class:`SearchRequest`) on ``store`` with the vectorised
    engine: totals and facets over the whole result set, the exact top of the page,
    highlights for the page only."""
    with store.searcher() as searcher:
        segments = store.segments(searcher)

        def run(plan):
            evaluated = engine.evaluate(segments, plan)
            return sum(int(mask.sum()) for _data, _offset, mask, _scores in evaluated), evaluated

        plan, (total, evaluated), dropped = _final_plan(request, segments, run)
        suggestion = _did_you_mean(request, segments, plan, total, run)
        sort = _effective_sort(request, plan)
        facets = engine.count_facets(evaluated) if request.with_facets else {}
        first = (request.page - 1) * request.per_page
        last = first + request.per_page
        docnums = engine.top(evaluated, last, sort)[first:last] if first < total else []
        ids, highlights = [], {}
        for docnum in docnums:
            stored = searcher.stored_fields(int(docnum))
            ids.append(int(stored["id"]))
            if (plan.highlight or plan.phrases) and request.with_highlights:
                snippet = _snippet(stored, plan, request.language)
                if snippet:
                    highlights[ids[-1]] = snippet
    partial = plan.min_words is not None and plan.units and plan.min_words < len(plan.units)
    return SearchResult(ids, total, facets, highlights, request.page, request.per_page,
                        plan.understood, dropped, suggestion,
                        plan.min_words if partial else 0, list(plan.unit_texts) if partial else [],
                        list(plan.word_texts))


# Fewer results than this: look for a better spelling of the words nothing holds.
SUGGEST_BELOW = 3
# Where corrections come from: the directory's own words, with their diacritics.
SUGGEST_FIELDS = ("name_exact", "field_text_exact", "tags_exact", "organization_exact",
                  "place_exact", "text_exact")


def _did_you_mean(request, segments, plan, total, run):
    """The typed text with each word that no profile holds replaced by the most
    frequent word of the directory one letter (two for long words) away, when the
    corrected text finds something, and at least as much; "" otherwise."""
    if total >= SUGGEST_BELOW or request.legacy or not plan.has_text:
        return ""
    lexicon = segments.lexicon
    text = clean(request.text)[:request.max_chars]
    corrected = text
    for word in exact_terms(text)[:request.max_terms]:
        if len(word) < 3 or word.isdigit() or any(lexicon.has(name, word) for name in SUGGEST_FIELDS):
            continue
        if any(lexicon.has(name, fold(word)) for name in ("name", "field_text", "tags", "text")) \
                and word == fold(word):
            continue
        maxdist = 2 if len(word) >= 8 else 1
        best = max(((lexicon.frequency(name, term), term) for name in SUGGEST_FIELDS
                    for term in lexicon.near(name, word, maxdist, 1) if term != word),
                   default=None)
        if best is not None:
            corrected = _replace_word(corrected, word, best[1])
    if corrected == text:
        return ""
    better = search_query.plan(corrected, request.filters, request.visibility, request.own_ids,
                               lexicon=lexicon, max_chars=request.max_chars,
                               max_terms=request.max_terms, vocabulary=request.vocabulary,
                               ignore=tuple(request.ignore), literal=request.literal,
                               only=request.only)
    # At least as many (a wrong tone mark may have been found by its folded form).
    return corrected if run(better)[0] >= max(total, 1) else ""


def _replace_word(text, word, replacement):
    """``text`` with each occurrence of ``word`` (compared in lower case) replaced."""
    return WORD.sub(lambda match: replacement if match.group(0).lower() == word else match.group(0),
                    nfc(text))


def _final_plan(request, segments, run):
    """The plan to answer with, its run, and the meanings dropped: an understood filter
    that leaves no result is dropped (the last understood first; a field's words are
    then searched as typed, a role's, place's or kind's only rank), and weak matches
    and typos widen what the strong words leave (nearly) empty. ``run(plan)`` gives
    ``(total, evaluation)``."""
    dropped = []
    plan = _plan(request, segments)
    outcome = run(plan)
    while outcome[0] == 0 and plan.understood:
        dropped.append(plan.understood[-1])
        plan = _plan(request, segments, drop={meaning.key for meaning in dropped})
        outcome = run(plan)
    if plan.widen and outcome[0] < search_query.WIDEN_BELOW:
        plan = _plan(request, segments, drop={meaning.key for meaning in dropped}, widen=True)
        outcome = run(plan)
    return plan, outcome, dropped


def search_reference(store, request):
    """The same search evaluated by Whoosh itself (slow, no facets): the reference
    that the engine's ranking and totals are checked against."""
    with store.searcher() as searcher:
        plan, (total, (matching, scoring)), dropped = reference_queries(store, request, searcher)
        sort = _effective_sort(request, plan)
        last = request.page * request.per_page
        if sort == "name":
            collector = collectors.SortingCollector("name_sort", limit=last)
        elif sort == "updated":
            collector = collectors.SortingCollector("updated", limit=last, reverse=True)
        else:
            # usequality=False, replace=0: block-quality skipping and matcher
            # replacement can both change the top N.
            collector = collectors.TopCollector(limit=last, usequality=False, replace=0)
        searcher.search_with_collector(scoring if sort == "relevance" else matching, collector)
        hits = list(collector.results())[last - request.per_page:last]
        ids = [int(hit["id"]) for hit in hits]
    return SearchResult(ids, total, {}, {}, request.page, request.per_page, plan.understood,
                        dropped)


def reference_queries(store, request, searcher):
    """``(plan, (total, (matching, scoring)), dropped)``: the Whoosh queries of the
    plan :func:`search` answers with (understood filters dropped and weak matches
    widened alike), counted by Whoosh: what the engine is checked against."""
    def run(plan):
        queries = search_query.to_whoosh(plan)
        return sum(1 for _docnum in searcher.docs_for_query(queries[0])), queries

    return _final_plan(request, store.segments(searcher), run)


def _effective_sort(request, plan):
    sort = request.sort if request.sort in SORTS else "relevance"
    # Without words there is nothing to rank by: list by name.
    return "name" if sort == "relevance" and not plan.has_text else sort


def _plan(request, segments, widen=False, drop=()):
    return search_query.plan(
        request.text, request.filters, request.visibility, request.own_ids,
        include_contact=request.include_contact, lexicon=segments.lexicon,
        max_chars=request.max_chars, max_terms=request.max_terms, legacy=request.legacy,
        widen=widen, vocabulary=request.vocabulary, ignore=tuple(request.ignore), drop=drop,
        literal=request.literal, only=request.only)


def _snippet(stored, plan, language):
    """Marked fragments of the bio in the reader's language, else the other one, else
    the organisation (highlighting.py says what is marked)."""
    other = "en" if language == "vi" else "vi"
    for name in (f"bio_{language}", f"bio_{other}", "organization"):
        text = stored.get(name)
        if text:
            found = highlighting.snippet(text, plan.highlight, plan.phrases, plan.marked)
            if found:
                return found
    return ""


def suggest(store, prefix, visibility, own_ids=(), limit=6):
    """Completions for what is being typed: ``{"names": [(id, name)], "organizations":
    [name]}`` from the profiles the caller may see (so nothing hidden leaks)."""
    found = {"names": [], "organizations": []}
    with store.searcher() as searcher:
        segments = store.segments(searcher)
        lexicon = segments.lexicon
        for field_name, wanted in (("name", limit), ("organization", limit * 8)):
            plan = search_query.prefix_plan(field_name, prefix, visibility, own_ids, lexicon)
            if not plan.words:
                continue
            seen = set()
            for docnum in engine.top(engine.evaluate(segments, plan), wanted, "relevance"):
                stored = searcher.stored_fields(int(docnum))
                if field_name == "name":
                    found["names"].append((int(stored["id"]), stored["name"].split("\n", 1)[0]))
                    continue
                name = stored.get("organization", "")
                if name and name.casefold() not in seen and len(seen) < limit:
                    seen.add(name.casefold())
                    found["organizations"].append(name)
    return found
