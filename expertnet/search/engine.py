"""Vectorised evaluation of a query :class:`~.query.Plan` over the Whoosh index.

Whoosh walks postings one document at a time in Python; on common Vietnamese
syllables that means tens of thousands of Python steps per query. This engine reads
each posting list once into numpy arrays (cached per segment: segments never change
once written) and does the rest as array operations: BM25 scores per term, AND/OR
of words as boolean masks, filters and visibility as masks, facet counts with
``bincount`` over the whole result set, and an exact top N with ``argpartition``.

The scoring is Whoosh's BM25F (same idf, same average field lengths, same quantised
document lengths), so the ranking is the one Whoosh would give for the same query:
``to_whoosh(plan)`` is the reference the tests and the benchmark compare against.
Ties are broken by document number, as Whoosh's collectors do.
"""
import threading
from bisect import bisect_left
from collections import OrderedDict

import numpy as np
from whoosh.support.levenshtein import distance
from whoosh.util.numeric import byte_to_length

from .schema import FACET_FIELDS, MULTI_VALUED, SCORED_FIELDS

K1 = 1.2
B = 0.75
# Byte → length table of Whoosh's quantised field lengths.
_LENGTHS = np.array([byte_to_length(value) for value in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)


class SegmentData:
    """What the engine needs of one segment, read once and kept while it lives."""

    POSTINGS_CACHE_BYTES = 24 * 1024 * 1024

    def __init__(self, reader):
        self.reader = reader
        self.size = reader.doc_count_all()
        self._lock = threading.Lock()
        self._lengths = {}
        self._postings = OrderedDict()
        self._postings_bytes = 0
        self._term_lists = {}
        self.ids = np.array(list(reader.column_reader("id_num")), dtype=np.int64)
        self.updated = np.array(list(reader.column_reader("updated")), dtype=np.uint64)
        names = list(reader.column_reader("name_sort"))
        self.name_keys = [name.decode("utf-8") if isinstance(name, bytes) else name for name in names]
        self.name_prefix = np.array([_prefix64(key) for key in self.name_keys], dtype=np.uint64)
        self.facets = {name: self._facet(name) for name in FACET_FIELDS}

    def _facet(self, name):
        """Single value: (values, code per document or -1). Several values: (values,
        document of each pair, code of each pair)."""
        values = list(self.reader.field_terms(name))
        if name in MULTI_VALUED:
            documents, codes = [], []
            for code, value in enumerate(values):
                ids = self.postings(name, value)[0]
                documents.append(ids)
                codes.append(np.full(len(ids), code, dtype=np.int32))
            if not values:
                return values, _EMPTY_IDS, np.zeros(0, dtype=np.int32)
            return values, np.concatenate(documents), np.concatenate(codes)
        codes = np.full(self.size, -1, dtype=np.int32)
        for code, value in enumerate(values):
            codes[self.postings(name, value)[0]] = code
        return values, codes

    def has_term(self, field, text):
        return (field, text) in self.reader

    def term_list(self, field):
        """Every term of ``field`` in this segment, sorted (bytes), and the same decoded:
        read once, so that prefixes and near misses are found in memory (Whoosh's
        cursor seeks in the term file for every step of its automaton)."""
        found = self._term_lists.get(field)
        if found is None:
            raw = list(self.reader.lexicon(field))
            from_bytes = self.reader.schema[field].from_bytes
            found = self._term_lists[field] = (raw, [from_bytes(term) for term in raw])
        return found

    def prefix_terms(self, field, text):
        """The terms of ``field`` starting with ``text`` (bytes, sorted)."""
        raw, _decoded = self.term_list(field)
        prefix = self.reader.schema[field].to_bytes(text)
        found = []
        for position in range(bisect_left(raw, prefix), len(raw)):
            if not raw[position].startswith(prefix):
                break
            found.append(raw[position])
        return found

    def doc_frequency(self, field, term):
        return self.reader.doc_frequency(field, term)

    def near_terms(self, field, text, maxdist, prefixlength):
        """What Whoosh's ``terms_within`` gives for an index of several segments (the
        reader of several segments compares every term sharing the prefix, by
        Damerau-Levenshtein distance), over the term list in memory."""
        raw, decoded = self.term_list(field)
        prefix = self.reader.schema[field].to_bytes(text[:prefixlength])
        found = []
        for position in range(bisect_left(raw, prefix), len(raw)):
            if not raw[position].startswith(prefix):
                break
            if distance(decoded[position], text, limit=maxdist) <= maxdist:
                found.append(decoded[position])
        return found

    def lengths(self, field):
        """Whoosh's quantised length of ``field`` per document (what BM25 uses)."""
        found = self._lengths.get(field)
        if found is None:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
            column = self.reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            if column is None:
                found = np.zeros(self.size, dtype=np.float64)
            else:
                found = _LENGTHS[np.array(list(column), dtype=np.uint8)]
            self._lengths[field] = found
        return found

    def postings(self, field, text):
        """(document numbers, term frequencies) of a term in this segment, deleted
        documents included (the live mask removes them)."""
        key = (field, text)
        with self._lock:
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
        found = _read_postings(self.reader, field, text)
        size = found[0].nbytes + found[1].nbytes
        with self._lock:
            self._postings[key] = found
            self._postings_bytes += size
            while self._postings_bytes > self.POSTINGS_CACHE_BYTES and len(self._postings) > 1:
                _old_key, old = self._postings.popitem(last=False)
                self._postings_bytes -= old[0].nbytes + old[1].nbytes
        return found


def _prefix64(key):
    """The first 8 bytes of a sort key as a number: sorting numbers is fast, and only
    keys that share the same 8 bytes need comparing in full."""
    return int.from_bytes(key.encode("utf-8")[:8].ljust(8, b"\0"), "big")


def _read_postings(reader, field, text):
    if (field, text) not in reader:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    terms = reader._terms  # the raw postings, without the per-searcher deletion filter
    matcher = terms.matcher(field, reader.schema[field].to_bytes(text), reader.schema[field].format)
    ids, weights = [], []
    # Read whole blocks: W3LeafMatcher keeps each block's ids and weights as arrays.
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:  # any other matcher: one posting at a time
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


class Segments:
    """The segments of one searcher, with their live masks and global statistics."""

    def __init__(self, searcher, cache):
        self.searcher = searcher
        self.parts = []
        for reader, offset in searcher.reader().leaf_readers():
            if reader.doc_count_all() == 0:
                continue
            key = reader.segment().segment_id()
            data = cache.get(key)
            if data is None:
                data = SegmentData(reader)
                cache[key] = data
            else:
                # Same segment, new searcher: read further postings through the open reader.
                data.reader = reader
            live = np.ones(data.size, dtype=bool)
            deleted = reader.deleted_docs_set if hasattr(reader, "deleted_docs_set") else ()
            if deleted:
                live[np.fromiter(deleted, dtype=np.int64)] = False
            self.parts.append((data, offset, live))
        self._idf = {}
        self._avg = {}
        self.lexicon = Lexicon(self.parts)

    def idf(self, field, text):
        key = (field, text)
        if key not in self._idf:
            self._idf[key] = self.searcher.idf(field, text)
        return self._idf[key]

    def avg_length(self, field):
        if field not in self._avg:
            self._avg[field] = self.searcher.avg_field_length(field) or 1
        return self._avg[field]


class Lexicon:
    """Term lookups for planning (what exists, prefixes, near misses), from each
    segment's term lists held in memory, so that a save, which adds a small segment,
    does not make the next query scan every term file again (a near-miss scan cost
    tens of milliseconds at 100,000 profiles). Combined over the segments the answers
    are those Whoosh gives for the whole index; they are remembered for the life of
    the searcher, as the same words come back query after query."""

    def __init__(self, parts):
        self.parts = [data for data, _offset, _live in parts]
        self._prefixes = {}
        self._near = {}

    def has(self, field, text):
        return any(data.has_term(field, text) for data in self.parts)

    def prefix(self, field, text, limit):
        key = (field, text, limit)
        if key not in self._prefixes:
            found = {}
            for data in self.parts:
                for term in data.prefix_terms(field, text):
                    found.setdefault(term, []).append(data)
            terms = sorted(found)
            if len(terms) > limit:
                frequency = {term: sum(data.doc_frequency(field, term) for data in found[term])
                             for term in terms}
                terms.sort(key=lambda term: -frequency[term])
                terms = terms[:limit]
            self._prefixes[key] = [term.decode("utf-8") if isinstance(term, bytes) else term
                                   for term in terms]
        return self._prefixes[key]

    def frequency(self, field, text):
        """Documents holding ``text`` in ``field``, over the segments (deleted ones too)."""
        return sum(data.doc_frequency(field, text) for data in self.parts
                   if data.has_term(field, text))

    def near(self, field, text, maxdist, prefixlength):
        key = (field, text, maxdist, prefixlength)
        if key not in self._near:
            found = set()
            for data in self.parts:
                found.update(data.near_terms(field, text, maxdist, prefixlength))
            self._near[key] = sorted(found)
        return self._near[key]


def _score_alternatives(segments, data, items, scores, matched, strong=None):
    """Add the BM25 scores of ``items``; mark the documents they match in ``matched``,
    and in ``strong`` those matched by an alternative that is not weak."""
    for item in items:
        if item.field in SCORED_FIELDS:
            lengths = data.lengths(item.field)
            average = segments.avg_length(item.field)
        for term in item.terms:
            ids, weights = data.postings(item.field, term)
            if not len(ids):
                continue
            if matched is not None:
                matched[ids] = True
            if strong is not None and not item.weak:
                strong[ids] = True
            if item.constant:
                scores[ids] += item.constant
            elif item.field in SCORED_FIELDS:
                idf = segments.idf(item.field, term)
                lengths_here = lengths[ids]
                bm25 = idf * ((weights * (K1 + 1)) /
                              (weights + K1 * ((1 - B) + B * lengths_here / average)))
                scores[ids] += item.boost * bm25
            else:
                scores[ids] += item.boost * weights


def evaluate(segments, plan):
    """Per segment: (data, offset, mask of matches, scores)."""
    evaluated = []
    for data, offset, live in segments.parts:
        mask = live.copy()
        for name, values in plan.filters:
            accepted = np.zeros(data.size, dtype=bool)
            for value in values:
                accepted[data.postings(name, value)[0]] = True
            if name == "visibility" and plan.own_ids:
                accepted |= np.isin(data.ids, np.array(plan.own_ids, dtype=np.int64))
            mask &= accepted
        scores = np.zeros(data.size, dtype=np.float64)
        if plan.words or plan.optional:
            required = _words(segments, data, plan, scores)
        if plan.contact:
            contact = np.zeros(data.size, dtype=bool)
            _score_alternatives(segments, data, plan.contact, scores, contact)
            required = (required | contact) if plan.words else contact
        if plan.has_text:
            mask &= required
            if plan.bonus:
                _score_alternatives(segments, data, plan.bonus, scores, None)
        evaluated.append((data, offset, mask, scores))
    return evaluated


def _words(segments, data, plan, scores):
    """The documents matching enough of the plan's words; their scores and tiers are
    added to ``scores`` (the strong and total number of words each one matches)."""
    if plan.min_words is None and not (plan.tier_strong or plan.tier_any):
        # Every word required, no tiers (the legacy plan): as Whoosh's And of Ors.
        required = np.ones(data.size, dtype=bool)
        for word in plan.words:
            matched = np.zeros(data.size, dtype=bool)
            _score_alternatives(segments, data, word, scores, matched)
            required &= matched
        return required
    count_any = np.zeros(data.size, dtype=np.int32)
    count_strong = np.zeros(data.size, dtype=np.int32)
    matched_words = []
    for word in plan.words + plan.optional:
        matched = np.zeros(data.size, dtype=bool)
        strong = np.zeros(data.size, dtype=bool)
        _score_alternatives(segments, data, word, scores, matched, strong)
        count_any += matched
        count_strong += strong
        matched_words.append(matched)
    scores += plan.tier_any * count_any + plan.tier_strong * count_strong
    # Units matched: a unit of several words (one word of the vocabulary) needs them all.
    groups = plan.units if plan.units is not None else [[number] for number in range(len(plan.words))]
    units_matched = np.zeros(data.size, dtype=np.int32)
    for group in groups:
        units_matched += np.logical_and.reduce([matched_words[number] for number in group])
    needed = len(groups) if plan.min_words is None else plan.min_words
    return units_matched >= needed


def count_facets(evaluated):
    counts = {name: {} for name in FACET_FIELDS}
    for data, _offset, mask, _scores in evaluated:
        for name in FACET_FIELDS:
            values = data.facets[name][0]
            if not values:
                continue
            if name in MULTI_VALUED:
                _values, documents, codes = data.facets[name]
                tally = np.bincount(codes[mask[documents]], minlength=len(values))
            else:
                codes = data.facets[name][1][mask]
                tally = np.bincount(codes[codes >= 0], minlength=len(values))
            target = counts[name]
            for code in np.nonzero(tally)[0]:
                target[values[code]] = target.get(values[code], 0) + int(tally[code])
    return {name: dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))
            for name, found in counts.items()}


def top(evaluated, limit, sort):
    """Global document numbers of the first ``limit`` matches, in order."""
    docnums, keys, prefixes, extra = [], [], [], []
    for data, offset, mask, scores in evaluated:
        local = np.nonzero(mask)[0]
        docnums.append(local + offset)
        if sort == "relevance":
            keys.append(scores[local])
        elif sort == "updated":
            keys.append(data.updated[local])
        else:
            prefixes.append(data.name_prefix[local])
            extra.append((data, local))
    if not docnums:
        return np.zeros(0, dtype=np.int64)
    docnums = np.concatenate(docnums)
    if not len(docnums) or limit <= 0:
        return docnums[:0]
    if sort == "name":
        return _top_by_name(docnums, np.concatenate(prefixes), extra, limit)
    values = np.concatenate(keys).astype(np.float64)
    if len(values) > limit:
        threshold = np.partition(values, len(values) - limit)[len(values) - limit]
        keep = values >= threshold
        values, docnums = values[keep], docnums[keep]
    # Highest first. Equal scores in document order, as Whoosh's collectors; equal
    # times with the last written first (it was indexed last).
    tie_break = -docnums if sort == "updated" else docnums
    order = np.lexsort((tie_break, -values))
    return docnums[order][:limit]


def _top_by_name(docnums, prefixes, extra, limit):
    order = np.argsort(prefixes, kind="stable")
    if len(order) > limit:
        boundary = prefixes[order[limit - 1]]
        # Everything up to the last key sharing the boundary's 8-byte prefix.
        cut = int(np.searchsorted(prefixes[order], boundary, side="right"))
        order = order[:cut]
    full_keys = np.concatenate([np.array(data.name_keys, dtype=object)[local] for data, local in extra])
    window = sorted(order.tolist(), key=lambda index: (full_keys[index], docnums[index]))
    return docnums[np.array(window[:limit], dtype=np.int64)]
