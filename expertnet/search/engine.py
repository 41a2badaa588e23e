"""Vectorised evaluation of a query :class:`~.query.Plan` over the Whoosh index.

Whoosh walks postings one document at a time in Python; on common Vietnamese
syllables that means tens of thousands of Python steps per query. This engine reads
each posting list whole, in one read: a long one from the segment's dense file
(:mod:`.dense`, one ``pread`` and one ``cumsum``), a short one by decoding its Whoosh
block with C code and numpy (:func:`read_postings`), into one cache for the whole index
sized in megabytes (:class:`PostingCache`: segments never change once written, so a
decoded list stays valid while its segment lives). The rest is array operations over
the document numbers of the whole searcher, every segment at once: BM25 scores per term
(the field statistics are the index's, so one pass over a term's postings in every
segment scores them all), AND/OR of words as boolean masks, filters and visibility as
masks, facet counts per facet (through each matching document's values when few match;
by per-value bitmaps against the matches' when many do; by the complement when nearly
all do), and an exact top N with ``argpartition``.

The scoring is Whoosh's BM25F (same idf, same average field lengths, same quantised
document lengths), so the ranking is the one Whoosh would give for the same query:
``to_whoosh(plan)`` is the reference the tests and the benchmark compare against.
Ties are broken by document number, as Whoosh's collectors do.
"""
import io
import itertools
import pickle
import threading
import zlib
from bisect import bisect_left
from collections import OrderedDict
from typing import NamedTuple

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.support.levenshtein import distance
from whoosh.util.numeric import byte_to_length

from . import dense
from .schema import FACET_FIELDS, MULTI_VALUED, SCORED_FIELDS

K1 = 1.2
B = 0.75
# Byte → length table of Whoosh's quantised field lengths.
_LENGTHS = np.array([byte_to_length(value) for value in range(256)], dtype=np.float64)
# Postings as kept in the cache: document numbers of a segment as 32-bit integers, and
# weights (term frequencies) as 16-bit integers when every weight of the list is a whole
# number below 65,536 (always so in this schema): 6 bytes a posting instead of 16, so the
# same budget holds the common syllables of 2.7 times as many documents. Both widen to
# 64 bits in every sum and product with a Python number or a float64 array, so scores are
# computed exactly as before.
POSTING_IDS = np.int32
WHOLE_WEIGHTS = np.uint16
_EMPTY_IDS = np.zeros(0, dtype=POSTING_IDS)
_EMPTY_WEIGHTS = np.zeros(0, dtype=WHOLE_WEIGHTS)
# A facet's value as a number: its position in a list of the facet's values (a few hundred
# at most: kinds, countries, fields, languages, kinds of help, trust marks); -1 for none.
FACET_CODES = np.int16
_EMPTY_CODES = np.zeros(0, dtype=FACET_CODES)
# Decoded postings kept across searches (the store passes its configured size).
DEFAULT_CACHE_BYTES = 128 * 2**20


class PostingCache:
    """Decoded posting lists of every segment, within a budget of bytes.

    One cache for the whole index (a segment that gets merged away leaves its entries
    to be pushed out), in two parts, as a segmented LRU: a list read once waits in
    the probation part; read again it moves to the protected part (four fifths of the
    budget), which only lists used at least twice can push each other out of. A burst
    of rare words (a crawler, an export) then cycles through probation and leaves the
    common syllables, those that every other query needs, decoded.

    Short lists — a term in one block of a segment, or in none (a query's word looked
    up in each of 40 segments finds most of them empty) — have a part of their own (an
    eighth of the budget, each entry counted with its Python objects): a long list
    coming in used to push out hundreds of them at once, and at 1,000,000 profiles
    three lookups in four went to Whoosh's term files again.
    """

    PROTECTED_SHARE = 0.8
    SHORT_SHARE = 1 / 8
    # Postings of a short list: one Whoosh block at most, never in a dense file.
    SHORT = dense.MIN_POSTINGS - 1
    # What an entry costs beyond its arrays' bytes: the key, the tuple, two array headers.
    ENTRY_BYTES = 320

    def __init__(self, max_bytes):
        self.max_bytes = max(0, int(max_bytes))
        self._long_bytes = self.max_bytes - int(self.max_bytes * self.SHORT_SHARE)
        self._short_max = self.max_bytes - self._long_bytes
        self._lock = threading.Lock()
        self._probation = OrderedDict()
        self._protected = OrderedDict()
        self._short = OrderedDict()
        self._probation_bytes = 0
        self._protected_bytes = 0
        self._short_bytes = 0

    @property
    def size(self):
        """Bytes held (the arrays of every cached list and, for short ones, their objects)."""
        return self._probation_bytes + self._protected_bytes + self._short_bytes

    def __len__(self):
        return len(self._probation) + len(self._protected) + len(self._short)

    def get(self, key):
        with self._lock:
            found = self._short.get(key)
            if found is not None:
                self._short.move_to_end(key)
                return found
            found = self._protected.get(key)
            if found is not None:
                self._protected.move_to_end(key)
                return found
            found = self._probation.pop(key, None)
            if found is None:
                return None
            self._probation_bytes -= _nbytes(found)
            self._protected[key] = found
            self._protected_bytes += _nbytes(found)
            limit = self._long_bytes * self.PROTECTED_SHARE
            while self._protected_bytes > limit and len(self._protected) > 1:
                # Demoted, not dropped: it gets another chance in probation.
                old_key, old = self._protected.popitem(last=False)
                self._protected_bytes -= _nbytes(old)
                self._probation[old_key] = old
                self._probation_bytes += _nbytes(old)
            self._trim()
            return found

    def put(self, key, postings):
        if len(postings[0]) <= self.SHORT:
            self._put_short(key, postings)
            return
        size = _nbytes(postings)
        if size > self._long_bytes:
            return
        with self._lock:
            if key in self._probation or key in self._protected:
                return
            self._probation[key] = postings
            self._probation_bytes += size
            self._trim()

    def _put_short(self, key, postings):
        size = _nbytes(postings) + self.ENTRY_BYTES
        if size > self._short_max:
            return
        with self._lock:
            if key in self._short:
                return
            self._short[key] = postings
            self._short_bytes += size
            while self._short_bytes > self._short_max:
                _key, old = self._short.popitem(last=False)
                self._short_bytes -= _nbytes(old) + self.ENTRY_BYTES

    def _trim(self):
        long_bytes = self._probation_bytes + self._protected_bytes
        while long_bytes > self._long_bytes and self._probation:
            _key, old = self._probation.popitem(last=False)
            self._probation_bytes -= _nbytes(old)
            long_bytes -= _nbytes(old)
        while long_bytes > self._long_bytes and self._protected:
            _key, old = self._protected.popitem(last=False)
            self._protected_bytes -= _nbytes(old)
            long_bytes -= _nbytes(old)

    def clear(self):
        with self._lock:
            self._probation.clear()
            self._protected.clear()
            self._short.clear()
            self._probation_bytes = self._protected_bytes = self._short_bytes = 0


def _nbytes(postings):
    return postings[0].nbytes + postings[1].nbytes


class Facet(NamedTuple):
    """The values of one facet field, by document: ``values`` (a segment's sorted; the
    whole index's in the order first seen), and as codes (positions in ``values``). One
    value a document: ``codes`` holds each document's (-1 for none). Several: ``codes``
    and ``documents`` are the (document, value) pairs in document order, and
    ``starts[d]:starts[d + 1]`` are document ``d``'s."""
    values: list
    codes: np.ndarray
    documents: np.ndarray | None = None
    starts: np.ndarray | None = None


class SegmentData:
    """What the engine needs of one segment, read once and kept while it lives."""

    def __init__(self, reader, cache=None):
        self.reader = reader
        self.key = reader.segment().segment_id()
        self.size = reader.doc_count_all()
        self.cache = cache if cache is not None else PostingCache(DEFAULT_CACHE_BYTES)
        self._read_lock = threading.Lock()
        self._lengths = {}
        self._term_lists = {}
        # The segment's long lists, read from its dense file (dense.py), when it has one.
        self.dense = dense.open_for(reader)
        self.ids = np.array(list(reader.column_reader("id_num")), dtype=np.int64)
        self.updated = np.array(list(reader.column_reader("updated")), dtype=np.uint64)
        names = list(reader.column_reader("name_sort"))
        self.name_keys = [name.decode("utf-8") if isinstance(name, bytes) else name for name in names]
        self.name_prefix = np.array([_prefix64(key) for key in self.name_keys], dtype=np.uint64)
        self.name_second = np.array([_prefix64(key, 8) for key in self.name_keys], dtype=np.uint64)
        self.name_array = np.array(self.name_keys, dtype=object)
        self.facets = {name: self._facet(name) for name in FACET_FIELDS}
        self._value_bits = {}

    def _facet(self, name):
        """A :class:`Facet` of this segment (codes are positions in its own values)."""
        values = list(self.reader.field_terms(name))
        if name in MULTI_VALUED:
            documents, codes = [], []
            for code, value in enumerate(values):
                ids = self.postings(name, value)[0]
                documents.append(ids)
                codes.append(np.full(len(ids), code, dtype=FACET_CODES))
            documents = np.concatenate(documents) if values else _EMPTY_IDS
            codes = np.concatenate(codes) if values else _EMPTY_CODES
            # In document order, and where each document's pairs start: the values of a
            # few matches are then read without a pass over every pair.
            order = np.argsort(documents, kind="stable")
            documents, codes = documents[order], codes[order]
            starts = np.searchsorted(documents, np.arange(self.size + 1)).astype(POSTING_IDS)
            return Facet(values, codes, documents, starts)
        codes = np.full(self.size, -1, dtype=FACET_CODES)
        for code, value in enumerate(values):
            codes[self.postings(name, value)[0]] = code
        return Facet(values, codes)

    def value_bits(self, name):
        """The facet ``name`` (several values a document) as one bitmap per value over
        the segment's documents (rows of 64-bit words; read once)."""
        found = self._value_bits.get(name)
        if found is None:
            facet = self.facets[name]
            held = np.zeros((len(facet.values), _words64(self.size) * 64), dtype=bool)
            held[facet.codes, facet.documents] = True
            found = self._value_bits[name] = np.packbits(held, axis=1).view(np.uint64)
        return found

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

    def terms_starting(self, field, text):
        """The terms of ``field`` starting with ``text``, decoded (a slice of the term
        list in memory: the terms are sorted)."""
        raw, decoded = self.term_list(field)
        prefix = self.reader.schema[field].to_bytes(text)
        # No UTF-8 byte is 0xff: every term starting with the prefix sorts before this.
        return decoded[bisect_left(raw, prefix):bisect_left(raw, prefix + b"\xff")]

    def length_bytes(self, field):
        """Whoosh's quantised length of ``field`` per document, as the byte the index
        stores (one byte a document; ``_LENGTHS`` gives the length BM25 uses)."""
        found = self._lengths.get(field)
        if found is None:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
            column = self.reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            if column is None:  # byte 0 is length 0
                found = np.zeros(self.size, dtype=np.uint8)
            else:
                found = byte_column(column, self.size)
            self._lengths[field] = found
        return found

    def lengths(self, field):
        """Whoosh's quantised length of ``field`` per document (what BM25 uses)."""
        return _LENGTHS[self.length_bytes(field)]

    def postings(self, field, text):
        """(document numbers, term frequencies) of a term in this segment, deleted
        documents included (the live mask removes them), kept in the posting cache: on
        a miss, a long list is read from the dense file (one ``cumsum``), a short one
        decoded from Whoosh's blocks."""
        key = (self.key, field, text)
        found = self.cache.get(key)
        if found is None:
            if self.dense is not None:
                found = self.dense.get(field, self.reader.schema[field].to_bytes(text))
            if found is None:
                with self._read_lock:  # one file position per reader
                    found = read_postings(self.reader, field, text)
            self.cache.put(key, found)
        return found


def byte_column(column, size):
    """A Whoosh column of one byte a document (the field lengths) as an array, from one
    read of its bytes: the bytes written, then the column's default for the documents
    after the last one written. Read through the column a document at a time, it was
    half of the first search after an edit at 1,000,000 profiles (the merged segment's
    lengths are read again). Another kind of column is read the slow way."""
    if getattr(column, "_typecode", None) != "B":
        return np.array(list(column), dtype=np.uint8)
    written = min(column._count, size)
    found = np.full(size, column._default, dtype=np.uint8)
    if written:
        found[:written] = np.frombuffer(column._dbfile.get(column._basepos, written), dtype=np.uint8)
    return found


def _words64(size):
    """64-bit words that hold ``size`` bits."""
    return -(-size // 64)


def _prefix64(key, start=0):
    """8 bytes of a sort key (the first, or from ``start``) as a number: comparing
    numbers is fast, and only keys that share these bytes need comparing in full."""
    return int.from_bytes(key.encode("utf-8")[start:start + 8].ljust(8, b"\0"), "big")


def write_dense_postings(storage, schema, segment):
    """Write the dense file (dense.py) of ``segment``, just written in ``storage``, before
    it joins the index; nothing for a segment too small to hold a long list (a save)."""
    folder = getattr(storage, "folder", None)
    if folder is None or segment.doc_count_all() < dense.MIN_POSTINGS:
        return None
    reader = SegmentReader(storage, schema, segment)
    try:
        return dense.write_for(reader, folder, read_term_postings)
    finally:
        reader.close()


def read_postings(reader, field, text):
    """(document numbers, weights) of ``text`` in ``field`` of one segment, deleted
    documents included: the term's whole posting list read at once, its blocks
    decoded by C code (zlib, pickle) and numpy, with no Python step per posting."""
    return read_term_postings(reader, field, reader.schema[field].to_bytes(text))


def read_term_postings(reader, field, term):
    """:func:`read_postings` of a term given as the index stores it (bytes)."""
    terms = reader._terms  # the raw postings, without the per-searcher deletion filter
    try:
        info = terms.term_info(field, term)
    except TermNotFound:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    if info.is_inlined():
        ids, weights, _values = info.inlined_postings()
        return np.array(ids, dtype=POSTING_IDS), compact_weights(np.array(weights, dtype=np.float64))
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves the length unpacked
        length = length[0]
    return decode_postings(terms._postfile.get(offset, length))


def decode_postings(raw):
    """Decode a posting list as W3Codec writes it: a header, then blocks of a length
    (negative for the last block), a pickled tuple of block statistics and the
    (zlib-compressed) pickled tuple of delta-coded document numbers, weights and
    values. Each block's deltas start again from 0."""
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a posting list")
    stream = io.BytesIO(raw)
    position = 4
    deltas, counts, last_ids, weights = [], [], [], []
    while True:
        size = int.from_bytes(raw[position:position + 4], "big", signed=True)
        end = position + 4 + abs(size)
        stream.seek(position + 4)
        count, last_id, _top, compression, _low, _high = pickle.load(  # nosec B301 - own index files
            stream)
        data = raw[stream.tell():end]
        # Whoosh's own block format: pickled arrays in the index folder this process writes.
        block_ids, block_weights, _values = pickle.loads(  # nosec B301 - the app's own index files
            zlib.decompress(data) if compression else data)
        deltas.append(block_ids)
        counts.append(count)
        last_ids.append(last_id)
        weights.append(block_weights)
        if size < 0:
            break
        position = end
    total = sum(counts)
    ids = np.fromiter(itertools.chain.from_iterable(deltas), dtype=POSTING_IDS, count=total)
    if len(counts) > 1:
        # Chain the blocks: the first delta of each block is its absolute number.
        starts = np.cumsum(counts[:-1])
        ids[starts] -= np.array(last_ids[:-1], dtype=POSTING_IDS)
    np.cumsum(ids, out=ids)
    found = np.ones(total, dtype=np.float64)
    start = 0
    for count, block in zip(counts, weights):  # noqa: B905 - built together above
        if block is not None:
            found[start:start + count] = block
        start += count
    return ids, compact_weights(found)


def compact_weights(weights):
    """``weights`` as 16-bit integers when they all are whole numbers that fit (exact),
    else as they are (float64)."""
    if not len(weights):
        return _EMPTY_WEIGHTS
    if weights.min() >= 0 and weights.max() <= np.iinfo(WHOLE_WEIGHTS).max \
            and np.array_equal(weights, np.floor(weights)):
        return weights.astype(WHOLE_WEIGHTS)
    return weights


class KeptArrays:
    """Arrays over the whole index (a value per document, or per (document, value) pair
    of a facet) kept from one searcher to the next, in buffers a little larger than the
    index. A save adds a small segment at the end of the index and a merge replaces the
    small segments at its end: a new searcher's array keeps every region that the last
    one had at the same place (the same segment at the same position) and writes only
    the rest, instead of copying a million values out of every segment again (part of the
    quarter of a second the first search after an edit took at 1,000,000 profiles).

    Writing in place changes the arrays the previous searcher's :class:`Segments` handed
    out: the store makes a new one only under its lock, when the old searcher is done.
    Facet codes are positions in an append-only list of the values seen (a value that
    leaves the index keeps its code, counted 0), so a kept region's codes stay right."""

    GROWTH = 1 / 8

    def __init__(self):
        self._buffers = OrderedDict()  # the last used last
        self._values = {}

    def array(self, name, regions, size, write, dtype, extra=0):
        """The array ``name``: ``size`` elements laid out in ``regions`` (``(key, start,
        end)`` in order, covering ``0..size``), then ``extra`` more for the caller to
        set. Regions equal to the last array's (key and place) are kept; ``write(key,
        view)`` fills the others."""
        buffer, layout = self._buffers.get(name, (None, []))
        if buffer is None or buffer.dtype != np.dtype(dtype):
            buffer, layout = np.empty(0, dtype=dtype), []
        keep = 0
        while keep < min(len(layout), len(regions)) and layout[keep] == regions[keep]:
            keep += 1
        start = regions[keep - 1][2] if keep else 0
        needed = size + extra
        if len(buffer) < needed:
            grown = np.empty(needed + int(needed * self.GROWTH), dtype=dtype)
            grown[:start] = buffer[:start]
            buffer = grown
        for key, begin, end in regions[keep:]:
            if end > begin:
                write(key, buffer[begin:end])
        self._buffers.pop(name, None)
        self._buffers[name] = (buffer, list(regions))
        return buffer[:needed]

    def bound(self, prefix, limit):
        """Keep the ``limit`` arrays named ``prefix…`` used last; forget the others."""
        names = [name for name in self._buffers if name.startswith(prefix)]
        for name in names[:max(0, len(names) - limit)]:
            del self._buffers[name]

    def codes(self, name, values):
        """Codes of ``values`` in the list of values of the facet ``name`` (appended to
        when new), and that list."""
        known, index = self._values.setdefault(name, ([], {}))
        for value in values:
            if value not in index:
                if len(known) > np.iinfo(FACET_CODES).max:
                    raise OverflowError(f"more values of the facet {name} than FACET_CODES holds")
                index[value] = len(known)
                known.append(value)
        return [index[value] for value in values], known


class Segments:
    """The segments of one searcher, with their live masks and global statistics."""

    def __init__(self, searcher, cache, postings=None, kept=None):
        self.searcher = searcher
        self.kept = kept if kept is not None else KeptArrays()
        self.parts = []
        for reader, offset in searcher.reader().leaf_readers():
            if reader.doc_count_all() == 0:
                continue
            key = reader.segment().segment_id()
            data = cache.get(key)
            if data is None:
                data = SegmentData(reader, postings)
                cache[key] = data
            else:
                # Same segment, new searcher: read further postings through the open reader.
                data.reader = reader
                if data.dense is None:
                    # Written since (IndexStore.write_missing_dense_postings): one failed
                    # open a refresh while there is none.
                    data.dense = dense.open_for(reader)
            live = np.ones(data.size, dtype=bool)
            deleted = reader.deleted_docs_set if hasattr(reader, "deleted_docs_set") else ()
            if deleted:
                live[np.fromiter(deleted, dtype=np.int64)] = False
            self.parts.append((data, offset, live))
        # Segments whose documents are all deleted still count in the term statistics
        # (as in Whoosh) but hold no match: they are not searched.
        self.searched = [part for part in self.parts if part[2].any()]
        # Every part, its live mask None when it is not searched.
        self._all = [(data, offset, live if live.any() else None) for data, offset, live in self.parts]
        self._by_key = {data.key: data for data, _offset, _live in self.searched}
        self.size = searcher.reader().doc_count_all()
        self.live = self._global(lambda data, live: live, bool, False)
        self._idf = {}
        self._avg = {}
        self._arrays = {}
        self._facets = {}
        self._codes = {}
        self._facet_totals = {}
        self._norms = {}
        self._filter_masks = {}
        self.lexicon = Lexicon(self.parts)

    def _one_segment(self):
        """Whether one searched segment is the whole index (its arrays are the index's)."""
        return len(self.searched) == 1 and self.searched[0][0].size == self.size

    def _global(self, pick, dtype, fill):
        """An array over the whole index (document numbers of the searcher) from one
        array per searched segment: the segment's own array when it is the only one."""
        if self._one_segment():
            data, _offset, live = self.searched[0]
            return pick(data, live)
        found = np.full(self.size, fill, dtype=dtype)
        for data, offset, live in self.searched:
            found[offset:offset + data.size] = pick(data, live)
        return found

    def array(self, name):
        """A per-document array of the whole index, built once per searcher: ``ids``,
        ``updated``, ``name_prefix``, ``name_second``, ``name_array`` or ``length_bytes:<field>``."""
        found = self._arrays.get(name)
        if found is None:
            if name.startswith("length_bytes:"):
                field = name.split(":", 1)[1]
                found = self._lasting(name, lambda data: data.length_bytes(field), np.uint8, 0)
            else:
                sample = getattr(self.searched[0][0], name) if self.searched else np.zeros(0)
                fill = None if sample.dtype == object else 0
                found = self._lasting(name, lambda data: getattr(data, name), sample.dtype, fill)
            self._arrays[name] = found
        return found

    def _regions(self):
        """Where each segment's documents are: ``((segment, searched), start, end)``."""
        return [((data.key, live is not None), offset, offset + data.size)
                for data, offset, live in self._all]

    def _lasting(self, name, pick, dtype, fill):
        """A per-document array of the whole index from ``pick(segment data)`` (``fill``
        for the segments not searched), kept across searchers (:class:`KeptArrays`)."""
        if self._one_segment():
            return pick(self.searched[0][0])

        def write(key, view):
            view[:] = pick(self._by_key[key[0]]) if key[1] else fill

        return self.kept.array(name, self._regions(), self.size, write, dtype)

    def length_bytes(self, field):
        """Whoosh's quantised length of ``field`` per document of the whole index (kept)."""
        return self.array(f"length_bytes:{field}")

    def facet(self, name):
        """A :class:`Facet` of the whole index, built once per searcher: document numbers
        of the searcher, codes in the values of every searched segment together. Counted
        on it, a query's facets are a few array operations, however many segments."""
        found = self._facets.get(name)
        if found is None:
            searched = self._by_key

            def common(key):
                return self._recoded(name, searched[key])

            for key in searched:  # every value known before the counts read the list
                common(key)
            values = list(self.kept.codes(name, ())[1])  # this searcher's: the kept one grows
            if name not in MULTI_VALUED:
                def write(key, view):
                    view[:] = common(key[0])[searched[key[0]].facets[name].codes] if key[1] else -1
                codes = self.kept.array(f"facet:{name}", self._regions(), self.size, write, FACET_CODES)
                found = Facet(values, codes)
            else:
                # The pairs of each searched segment, one after the other; where each
                # document's pairs start (the segments not searched have none).
                pairs, base = [], {}
                for data, offset, live in self._all:
                    base[data.key] = pairs[-1][2] if pairs else 0
                    count = len(data.facets[name].codes) if live is not None else 0
                    pairs.append(((data.key, offset), base[data.key], base[data.key] + count))
                total = pairs[-1][2] if pairs else 0

                def write_starts(key, view):
                    own = searched[key[0]].facets[name].starts[:-1] if key[1] else 0
                    view[:] = own + base[key[0]]

                def write_documents(key, view):
                    view[:] = searched[key[0]].facets[name].documents + key[1]

                def write_codes(key, view):
                    view[:] = common(key[0])[searched[key[0]].facets[name].codes]

                starts = self.kept.array(f"facet:{name}:starts", self._regions(), self.size,
                                         write_starts, POSTING_IDS, extra=1)
                starts[self.size] = total
                found = Facet(values,
                              self.kept.array(f"facet:{name}:codes", pairs, total, write_codes, FACET_CODES),
                              self.kept.array(f"facet:{name}:documents", pairs, total, write_documents,
                                              POSTING_IDS),
                              starts)
            self._facets[name] = found
        return found

    def _recoded(self, name, data):
        """The codes of segment ``data``'s values of the facet ``name`` in the kept list of
        values, then -1 (so that a segment's -1, "no value", stays -1); per searcher."""
        found = self._codes.get((data.key, name))
        if found is None:
            codes, _values = self.kept.codes(name, data.facets[name].values)
            found = self._codes[(data.key, name)] = np.array([*codes, -1], dtype=FACET_CODES)
        return found

    def facet_by_values(self, name, packed):
        """How many documents hold each value of the facet ``name`` (several values a
        document) among those set in ``packed`` (:meth:`packed_mask`): per segment, the
        bits of each value's bitmap that the mask's bitmap shares, counted 64 at a time.
        Selecting the pairs through a mask of every pair cost 4-15 ms a facet at
        1,000,000 profiles when many documents match."""
        values = self.facet(name).values  # every value of the searched segments known
        total = np.zeros(len(values), dtype=np.int64)
        for (data, _offset, _live), bits in zip(self.searched, packed, strict=True):
            value_bits = data.value_bits(name)
            if not len(value_bits):
                continue
            # Each value once in a segment: no two counts go to one code.
            total[self._recoded(name, data)[:-1]] += np.bitwise_count(value_bits & bits).sum(
                axis=1, dtype=np.int64)
        return total

    def packed_mask(self, mask):
        """``mask`` as a bitmap per searched segment (64-bit words, as :meth:`SegmentData.value_bits`)."""
        packed = []
        for data, offset, _live in self.searched:
            own = np.zeros(_words64(data.size) * 64, dtype=bool)
            own[:data.size] = mask[offset:offset + data.size]
            packed.append(np.packbits(own).view(np.uint64))
        return packed

    def facet_totals(self, name):
        """How many live documents hold each value of the facet ``name`` (per searcher,
        counted when a query first needs it)."""
        found = self._facet_totals.get(name)
        if found is None:
            found = self._facet_totals[name] = _tally(self.facet(name), None, self.live)
        return found

    def idf(self, field, text):
        key = (field, text)
        if key not in self._idf:
            self._idf[key] = self.searcher.idf(field, text)
        return self._idf[key]

    def filter_mask(self, name, values):
        """The documents holding any of ``values`` in ``name``, as a mask over the index,
        kept for the searcher's life and, segment by segment, from one searcher to the
        next (the last ``FILTER_MASKS``): the visibility filter is on every query, and
        the same few filters come back query after query. Read only."""
        key = (name, tuple(values))
        found = self._filter_masks.pop(key, None)
        if found is None:
            searched = self._by_key

            def write(part, view):
                # A segment's own document numbers: its part of the mask, kept across
                # searchers (a new one after an edit computes only the new segments').
                view[:] = False
                for value in values if part[1] else ():
                    view[searched[part[0]].postings(name, value)[0]] = True

            found = self.kept.array(f"filter:{key!r}", self._regions(), self.size, write, bool)
            self.kept.bound("filter:", FILTER_MASKS)
            found.flags.writeable = False  # this view only: the kept buffer is rewritten in place
            while len(self._filter_masks) >= FILTER_MASKS:
                self._filter_masks.pop(next(iter(self._filter_masks)))
        self._filter_masks[key] = found  # the last used last
        return found

    def length_norms(self, field):
        """BM25's ``K1 * ((1 - B) + B * length / average)`` for each of the 256 quantised
        lengths of ``field``: the same operations as per document, on 256 numbers once
        per searcher, so the scores are the same to the last bit."""
        found = self._norms.get(field)
        if found is None:
            found = self._norms[field] = K1 * ((1 - B) + B * _LENGTHS / self.avg_length(field))
        return found

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
            # What Whoosh's ``terms_within`` gives for an index of several segments
            # (every term sharing the prefix compared by Damerau-Levenshtein distance),
            # each distinct term compared once, not once per segment that holds it (40
            # times at 1,000,000 profiles: half a second for a word no profile holds),
            # and only when its length allows the distance.
            candidates = set()
            for data in self.parts:
                candidates.update(data.terms_starting(field, text[:prefixlength]))
            self._near[key] = sorted(term for term in candidates if abs(len(term) - len(text)) <= maxdist
                                     and distance(term, text, limit=maxdist) <= maxdist)
        return self._near[key]


# A term with at least this many postings over the segments is scored segment by segment
# through views of the whole-index arrays (no list joined across segments, and each
# segment's scatter stays within a few hundred kilobytes); a shorter one is joined first:
# per segment, the Python steps would cost more than they save. At 1,000,000 profiles,
# against joining every list (bench.engine_ab, in turns): every term segment by segment,
# p50 / p95 1.08 / 0.93; from 65,536 postings, 1.08 / 0.85; from 262,144, 0.92 / 0.87.
BY_SEGMENT = 262_144


def _score_alternatives(segments, items, scores, matched, strong=None):
    """Add the BM25 scores of ``items``; mark the documents they match in ``matched``,
    and in ``strong`` those matched by an alternative that is not weak. The field
    statistics (idf, average length) are the whole index's, so one pass over the
    postings of every segment scores them all."""
    for item in items:
        scored = item.field in SCORED_FIELDS and not item.constant
        for term in item.terms:
            found = [(data, offset, postings) for data, offset, _live in segments.searched
                     for postings in (data.postings(item.field, term),) if len(postings[0])]
            if not found:
                continue
            weigh = _bm25(segments, item, term) if scored else None
            if sum(len(postings[0]) for _data, _offset, postings in found) >= BY_SEGMENT:
                for data, offset, (ids, weights) in found:
                    end = offset + data.size
                    _add(item, ids, weights, weigh, data.length_bytes, scores[offset:end],
                         None if matched is None else matched[offset:end],
                         None if strong is None else strong[offset:end])
                continue
            if len(found) == 1:
                data, offset, (ids, weights) = found[0]
                ids = ids + offset if offset else ids
            else:
                ids = np.concatenate([ids + offset for _data, offset, (ids, _w) in found])
                weights = np.concatenate([weights for _data, _offset, (_ids, weights) in found])
            _add(item, ids, weights, weigh, segments.length_bytes, scores, matched, strong)


def _bm25(segments, item, term):
    """BM25 of ``term`` in ``item.field`` times the item's boost, for postings (ids,
    weights) given ``length_bytes(field)`` (the index's or a segment's): Whoosh's
    operations in Whoosh's order, done in place, so the scores are the same bits."""
    idf = segments.idf(item.field, term)
    normalised = segments.length_norms(item.field)

    def weigh(ids, weights, length_bytes):
        # idf * ((w * (K1 + 1)) / (w + norm[length])), then * boost.
        bm25 = weights * (K1 + 1)
        below = normalised[length_bytes(item.field)[ids]]
        np.add(weights, below, out=below)
        np.divide(bm25, below, out=bm25)
        np.multiply(idf, bm25, out=bm25)
        np.multiply(item.boost, bm25, out=bm25)
        return bm25

    return weigh


def _add(item, ids, weights, weigh, length_bytes, scores, matched, strong):
    """Mark and score postings (ids, weights) in ``scores``/``matched``/``strong``
    (whole-index arrays or one segment's views, ``length_bytes`` the same's); ``weigh``
    (:func:`_bm25`) gives their BM25 scores, None for a field that is not scored."""
    if matched is not None:
        matched[ids] = True
    if strong is not None and not item.weak:
        strong[ids] = True
    if item.constant:
        scores[ids] += item.constant
    elif weigh is not None:
        scores[ids] += weigh(ids, weights, length_bytes)
    else:
        # float(): an integer boost would keep 16-bit weights 16-bit.
        scores[ids] += float(item.boost) * weights


class Evaluation:
    """A plan evaluated over the whole index: the mask of matches and their scores,
    by document number of the searcher. Iterated, it gives per searched segment
    ``(data, offset, mask, scores)`` (views of the global arrays)."""

    def __init__(self, segments, mask, scores):
        self.segments = segments
        self.mask = mask
        self.scores = scores

    @property
    def total(self):
        return int(np.count_nonzero(self.mask))

    def __iter__(self):
        for data, offset, _live in self.segments.searched:
            end = offset + data.size
            yield data, offset, self.mask[offset:end], self.scores[offset:end]


def evaluate(segments, plan):
    """The matches of ``plan`` and their scores (an :class:`Evaluation`)."""
    size = segments.size
    mask = segments.live.copy()
    for name, values in plan.filters:
        accepted = segments.filter_mask(name, values)
        if name == "visibility" and plan.own_ids:
            accepted = accepted | np.isin(segments.array("ids"), np.array(plan.own_ids, dtype=np.int64))
        mask &= accepted
    scores = np.zeros(size, dtype=np.float64)
    if plan.words or plan.optional:
        required = _words(segments, plan, scores)
    if plan.contact:
        contact = np.zeros(size, dtype=bool)
        _score_alternatives(segments, plan.contact, scores, contact)
        required = (required | contact) if plan.words else contact
    if plan.has_text:
        mask &= required
        if plan.bonus:
            _score_alternatives(segments, plan.bonus, scores, None)
    return Evaluation(segments, mask, scores)


def _words(segments, plan, scores):
    """The documents matching enough of the plan's words; their scores and tiers are
    added to ``scores`` (the strong and total number of words each one matches)."""
    size = segments.size
    if plan.min_words is None and not (plan.tier_strong or plan.tier_any):
        # Every word required, no tiers (the legacy plan): as Whoosh's And of Ors.
        required = np.ones(size, dtype=bool)
        for word in plan.words:
            matched = np.zeros(size, dtype=bool)
            _score_alternatives(segments, word, scores, matched)
            required &= matched
        return required
    count_any = np.zeros(size, dtype=np.int32)
    count_strong = np.zeros(size, dtype=np.int32)
    matched_words = []
    for word in plan.words + plan.optional:
        matched = np.zeros(size, dtype=bool)
        strong = np.zeros(size, dtype=bool)
        _score_alternatives(segments, word, scores, matched, strong)
        count_any += matched
        count_strong += strong
        matched_words.append(matched)
    scores += plan.tier_any * count_any + plan.tier_strong * count_strong
    # Units matched: a unit of several words (one word of the vocabulary) needs them all.
    groups = plan.units if plan.units is not None else [[number] for number in range(len(plan.words))]
    units_matched = np.zeros(size, dtype=np.int32)
    for group in groups:
        units_matched += np.logical_and.reduce([matched_words[number] for number in group])
    needed = len(groups) if plan.min_words is None else plan.min_words
    return units_matched >= needed


# Filter masks kept (one byte a document each), per searcher and across searchers.
FILTER_MASKS = 16
# Below this share of the index's documents, the values of a facet of several values a
# document are gathered through each match's own (document, value) pairs; above it, each
# value's bitmap is counted against the matches' (about 1 ms a facet at 1,000,000
# profiles whatever the share, where a pass over every pair cost 4-15 ms). A facet of one
# value a document is always read at the matches' numbers: gathering by number beat
# selecting by a mask of every document 2-6 times there, at every share measured (5-70 %).
FEW_MATCHES = 1 / 32
# Above this share, the documents that do not match are counted instead (the complement).
NEARLY_ALL = 15 / 16


def count_facets(evaluation):
    """Counts of every facet value over all the matches: one tally per facet over the
    whole index (:meth:`Segments.facet`), turned into a dict once. When nearly every
    live document matches (a search by filters only), the few that do not are counted
    and taken from the counts over every live document (:meth:`Segments.facet_totals`)."""
    segments = evaluation.segments
    mask = evaluation.mask
    matches = np.flatnonzero(mask)
    few = len(matches) < segments.size * FEW_MATCHES
    missing = None
    if len(matches) > segments.size * NEARLY_ALL:
        missing = np.flatnonzero(segments.live & ~mask)
    counts = {}
    packed = None
    for name in FACET_FIELDS:
        facet = segments.facet(name)
        if not facet.values or not len(matches):
            counts[name] = {}
            continue
        if missing is not None:
            tally = segments.facet_totals(name) - _tally(facet, missing, None)
        elif facet.starts is not None and not few:
            if packed is None:
                packed = segments.packed_mask(mask)
            tally = segments.facet_by_values(name, packed)
        else:
            tally = _tally(facet, matches, None)
        found = {facet.values[code]: int(tally[code]) for code in np.flatnonzero(tally)}
        counts[name] = dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))
    return counts


def _tally(facet, documents, mask):
    """How many of the documents hold each value of ``facet``: those of ``documents``
    (a few, by number), else those of ``mask``."""
    if facet.starts is not None:
        if documents is not None:
            codes = facet.codes[_ranges(facet.starts[documents], facet.starts[documents + 1])]
        else:
            codes = facet.codes[mask[facet.documents]]
    else:
        codes = facet.codes[documents] if documents is not None else facet.codes[mask]
        codes = codes[codes >= 0]
    return np.bincount(codes, minlength=len(facet.values))


def _ranges(starts, ends):
    """The positions ``starts[i]..ends[i]`` of every range, concatenated."""
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return _EMPTY_IDS
    shifts = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return shifts + np.arange(total)


def top(evaluation, limit, sort):
    """Document numbers of the first ``limit`` matches, in order."""
    segments = evaluation.segments
    docnums = np.nonzero(evaluation.mask)[0]
    if not len(docnums) or limit <= 0:
        return docnums[:0]
    if sort == "name":
        return _top_by_name(segments, docnums, limit)
    if sort == "updated":
        values = segments.array("updated")[docnums].astype(np.float64)
    else:
        values = evaluation.scores[docnums]
    if len(values) > limit:
        threshold = np.partition(values, len(values) - limit)[len(values) - limit]
        keep = values >= threshold
        values, docnums = values[keep], docnums[keep]
    # Highest first. Equal scores in document order, as Whoosh's collectors; equal
    # times with the last written first (it was indexed last).
    tie_break = -docnums if sort == "updated" else docnums
    order = np.lexsort((tie_break, -values))
    return docnums[order][:limit]


def _top_by_name(segments, docnums, limit):
    """The first ``limit`` of ``docnums`` by name sort key (ties by document number).
    The candidates are narrowed in linear time by the first 8 bytes of the keys as
    numbers (``argpartition``, not a sort of every match: a filter matching most of a
    million profiles), then, among those sharing the boundary's 8 bytes (a common given
    name and family name: thousands at a million profiles), by the next 8 bytes; only
    the few left are compared in full, in Python."""
    if len(docnums) > limit:
        prefixes = segments.array("name_prefix")[docnums]
        boundary = np.partition(prefixes, limit - 1)[limit - 1]
        below = docnums[prefixes < boundary]
        tied = docnums[prefixes == boundary]
        wanted = limit - len(below)
        if len(tied) > wanted:
            seconds = segments.array("name_second")[tied]
            tied = tied[seconds <= np.partition(seconds, wanted - 1)[wanted - 1]]
        docnums = np.concatenate([below, tied])
    full_keys = segments.array("name_array")[docnums]
    ranked = sorted(range(len(docnums)), key=lambda index: (full_keys[index], docnums[index]))
    return docnums[np.array(ranked[:limit], dtype=np.int64)]
