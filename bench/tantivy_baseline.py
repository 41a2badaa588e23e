"""tantivy (the Rust search engine, through tantivy-py) as a reference baseline.

The same profiles and the same work as :mod:`bench.fts5` — which this follows query for
query, so that the two baselines can be checked against each other — in a compiled
engine: every typed word required somewhere (the last one may also start a name),
filters and visibility as exact terms, the total and the counts of the five facets
over the whole result set (one ``aggregate`` call with a terms aggregation per
facet), the top 20 by BM25 (the same weights per column) or by name / last update,
and a snippet for each of the 20 shown.

Text is folded in Python (``core.text.fold``: no diacritics, đ→d, lower case) before
tantivy's default tokenizer splits it; facet values and sort keys are ``raw`` fast
fields. tantivy-py is a ``bench`` extra, never a dependency of the application: this
module is imported only when it is installed.
"""
import re
import time

import tantivy

from expertnet.core import places
from expertnet.core.text import fold, sort_key

from .fts5 import COLUMNS, MULTI_VALUED, PREFIX_MIN_LENGTH, SINGLE_VALUED, WEIGHTS, _profiles

FACETS = ("kind", "country", *MULTI_VALUED)
TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# The writer's memory (split over its threads) and threads: the machine has two cores.
WRITER_HEAP = 256 * 2**20
WRITER_THREADS = 2
# More values than any facet has: every bucket is counted.
BUCKETS = 100_000
SNIPPET_FIELD = "bio_vi"


def schema():
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True, fast=True, indexed=True)
    for column in COLUMNS:
        builder.add_text_field(column, stored=column == SNIPPET_FIELD, index_option="freq")
    for name in (*SINGLE_VALUED, *MULTI_VALUED, "name_sort"):
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    builder.add_unsigned_field("updated", fast=True, indexed=False)
    return builder.build()


def _document(expert, codes, taxonomy):
    place = [*places.country_names_all(expert.country)] if expert.country else []
    texts = (
        [expert.full_name, *expert.other_names], [expert.organization], [expert.position],
        list(expert.keywords), [word for code in codes for word in taxonomy.words(code)],
        [part for part in [*place, expert.city, expert.hometown] if part],
        [expert.bio_vi], [expert.bio_en],
    )
    document = tantivy.Document()
    document.add_unsigned("id", expert.id)
    for column, values in zip(COLUMNS, texts, strict=True):
        for value in values:
            if value:
                document.add_text(column, fold(value))
    for name in SINGLE_VALUED:
        value = getattr(expert, name)
        if value:
            document.add_text(name, value)
    for name, values in (("fields", codes), ("languages", expert.languages),
                         ("available_for", expert.available_for)):
        for value in values:
            document.add_text(name, value)
    document.add_text("name_sort", sort_key(expert.full_name))
    document.add_unsigned("updated", int(expert.updated_at.timestamp()))
    return document


def build(path, taxonomy):
    """Index every profile (inside an app context) into ``path``; returns seconds."""
    started = time.perf_counter()
    index = tantivy.Index(schema(), path=str(path), reuse=False)
    writer = index.writer(WRITER_HEAP, WRITER_THREADS)
    for expert, codes in _profiles(taxonomy):
        writer.add_document(_document(expert, codes, taxonomy))
    writer.commit()
    writer.wait_merging_threads()
    return time.perf_counter() - started


class Baseline:
    """A built tantivy index at ``path``, opened for searching."""

    def __init__(self, path):
        self.schema = schema()
        self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        self.index.reload()
        self.searcher = self.index.searcher()

    def _term(self, field, value, boost=1.0):
        query = tantivy.Query.term_query(self.schema, field, value)
        return tantivy.Query.boost_query(query, boost) if boost != 1.0 else query

    def match_query(self, text):
        """Every word required in some column (weighted as FTS5's bm25 columns); the
        last word may also start a name. ``None`` when ``text`` holds no word."""
        words = TOKEN.findall(fold(text))
        if not words:
            return None
        must = []
        for position, word in enumerate(words):
            alternatives = [(tantivy.Occur.Should, self._term(column, word, weight))
                            for column, weight in zip(COLUMNS, WEIGHTS, strict=True)]
            if position == len(words) - 1 and len(word) >= PREFIX_MIN_LENGTH:
                prefix = tantivy.Query.regex_query(self.schema, "name", re.escape(word) + ".*")
                alternatives.append((tantivy.Occur.Should, prefix))
            must.append((tantivy.Occur.Must, tantivy.Query.boolean_query(alternatives)))
        return tantivy.Query.boolean_query(must)

    def search(self, text, filters, visibility, sort="relevance", per_page=20):
        """``(ids, total, facets, snippets)`` like :meth:`bench.fts5.Baseline.search`."""
        match = self.match_query(text)
        clauses = [] if match is None else [(tantivy.Occur.Must, match)]
        for name, values in filters.items():
            values = [value for value in values if value]
            if values:
                clauses.append((tantivy.Occur.Must,
                                tantivy.Query.term_set_query(self.schema, name, values)))
        clauses.append((tantivy.Occur.Must,
                        tantivy.Query.term_set_query(self.schema, "visibility", list(visibility))))
        query = tantivy.Query.boolean_query(clauses)
        searcher = self.searcher
        if match is not None and sort == "relevance":
            found = searcher.search(query, per_page, count=True)
        elif sort == "updated":
            found = searcher.search(query, per_page, count=True, order_by_field="updated",
                                    order=tantivy.Order.Desc)
        else:
            found = searcher.search(query, per_page, count=True, order_by_field="name_sort",
                                    order=tantivy.Order.Asc)
        aggregations = searcher.aggregate(
            query, {name: {"terms": {"field": name, "size": BUCKETS}} for name in FACETS})
        facets = {name: {bucket["key"]: bucket["doc_count"]
                         for bucket in aggregations[name]["buckets"] if bucket["key"]}
                  for name in FACETS}
        documents = [searcher.doc(address) for _key, address in found.hits]
        ids = [document["id"][0] for document in documents]
        snippets = {}
        if match is not None and documents:
            generator = tantivy.SnippetGenerator.create(searcher, match, self.schema, SNIPPET_FIELD)
            for document in documents:
                html = generator.snippet_from_doc(document).to_html()
                if html:
                    snippets[document["id"][0]] = html
        return ids, found.count, facets, snippets
