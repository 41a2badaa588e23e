"""Bulk writing of Whoosh segments, for full rebuilds.

Whoosh's writer handles one posting at a time in Python: it analyses each field, puts
every (field, term, document) tuple in a pool, sorts the pool, then for each posting
looks up the document's field length in a column and feeds a block writer. At 100,000
profiles that took five minutes. This module writes the same segments in bulk:

1. Each document is analysed with the schema's analyzers, or with a fast equivalent
   of the project's own analyzers (:mod:`.analysis`: a regular expression, lower case,
   folding, bigrams), with each distinct word analysed once per segment. Every term
   becomes a number; a field's postings are two flat arrays (term, document).
2. numpy sorts the postings by (term bytes, document) and counts frequencies.
3. The segment is written through Whoosh's own codec classes (``W3Codec``): the
   per-document writer (stored fields, columns, field lengths) and the field writer
   (term index, posting blocks of 128 filled a block at a time instead of a posting
   at a time), then assembled into a compound file as Whoosh's writer does.

The result reads exactly as the segment Whoosh's writer would write for the same
documents (same terms, postings, weights, lengths, block statistics, stored fields and
columns; ``tests/test_index_builder.py`` compares them). Formats other than existence
and frequency (positions, characters), field boosts, spelling fields and term vectors
are not handled: :func:`supported` says so and the caller uses Whoosh's writer.

Segments can be built in several processes at once (:func:`build_segments`); each is a
contiguous run of the documents, so document numbers follow the input order.
"""
import io
import itertools
import multiprocessing
import os
import shutil
import struct
import zlib
from array import array
from concurrent.futures import ProcessPoolExecutor
from pickle import dumps

import numpy as np
from whoosh import formats
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC as HEADER
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.fields import NUMERIC
from whoosh.index import TOC, clean_files
from whoosh.system import pack_byte, pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from expertnet.core.text import fold, nfc

from . import engine
from .analysis import WORD, bigram_analyzer, exact_analyzer, folded_analyzer

BLOCK = 128  # postings per block: W3Codec's default blocklimit
# Postings converted to Python lists at a time while writing (bounded memory).
WRITE_CHUNK = 1 << 20
# Field values cached per segment for fields analysed by Whoosh (ids, keywords): the
# same country or kind comes back in most documents.
VALUE_CACHE = 50_000


def _fast_modes():
    return ((folded_analyzer(), "folded"), (exact_analyzer(), "exact"), (bigram_analyzer(), "bigram"))


def _mode(field, fast):
    """How to analyse ``field``: a fast mode name, ``"whoosh"`` or None (unsupported)."""
    fmt = field.format
    if type(fmt) not in (formats.Existence, formats.Frequency) or fmt.field_boost != 1.0:
        return None
    if field.vector or field.separate_spelling():
        return None
    if isinstance(field, NUMERIC) and type(field) is NUMERIC:
        return "numeric"
    if type(fmt) is formats.Frequency:
        for analyzer, name in fast:
            if field.analyzer == analyzer:
                return name
    return "whoosh"


def supported(schema):
    """Whether every indexed field of ``schema`` can be written by this module."""
    fast = _fast_modes()
    return all(_mode(schema[name], fast) is not None
               for name in schema.names() if schema[name].indexed)


class _Ids(dict):
    """Term → number, numbered in order of first sight."""

    def __missing__(self, term):
        number = self[term] = len(self)
        return number


class _Words(dict):
    """Raw word → term number of one field, the word analysed on first sight."""

    def __init__(self, normalise, ids):
        super().__init__()
        self.normalise = normalise
        self.ids = ids

    def __missing__(self, word):
        number = self[word] = self.ids[self.normalise(word)]
        return number


class _NumericTerms(dict):
    """(shift, value >> shift) → term number of a NUMERIC field: the terms of
    ``NUMERIC.index``, one per precision step."""

    def __init__(self, field, ids):
        super().__init__()
        self.pack = field._struct.pack
        self.ids = ids

    def __missing__(self, key):
        shift, high = key
        number = self[key] = self.ids[pack_byte(shift) + self.pack(high)]
        return number


class _Folded(dict):
    """Raw word → folded word."""

    def __missing__(self, word):
        folded = self[word] = fold(word.lower())
        return folded


class _FieldPostings:
    def __init__(self, name, field, mode, folded):
        self.name = name
        self.field = field
        self.mode = mode
        self.scorable = field.scorable
        self.ids = _Ids()
        self.terms = array("I")    # term number of every token
        self.counts = array("I")   # tokens per document (0 when absent)
        self.values = {}           # whoosh mode: value → (term numbers, length)
        self.folded = folded
        if mode == "folded":
            self.words = _Words(lambda word: folded[word], self.ids)
        elif mode == "exact":
            self.words = _Words(str.lower, self.ids)
        elif mode == "numeric":
            self.numeric = _NumericTerms(field, self.ids)
            self.shifts = tuple(range(0, field.bits, field.shift_step)) if field.shift_step else (0,)

    def add(self, value):
        """Analyse ``value`` of the next document; returns its length (tokens)."""
        mode = self.mode
        if mode == "numeric":
            if type(value) is not int:
                return self._add_items(value)
            # NUMERIC.to_bytes: the number prepared and made sortable, then shifted.
            sortable = self.field.to_column_value(value)
            numeric = self.numeric
            numbers = [numeric[shift, sortable >> shift] for shift in self.shifts]
            self.terms.extend(numbers)
            self.counts.append(len(numbers))
            return 0
        if mode != "whoosh" and not isinstance(value, str):
            # A sequence of ready-made tokens (or a wrong type, which Whoosh refuses).
            return self._add_items(value, decode=True)
        if mode == "folded" or mode == "exact":
            numbers = list(map(self.words.__getitem__, WORD.findall(nfc(value))))
        elif mode == "bigram":
            words = list(map(self.folded.__getitem__, WORD.findall(nfc(value))))
            ids = self.ids
            numbers = [ids[f"{first}_{second}"] for first, second in zip(words, words[1:])]  # noqa: B905
        else:
            return self._add_items(value)
        self.terms.extend(numbers)
        self.counts.append(len(numbers))
        return len(numbers) if self.scorable else 0

    def _add_items(self, value, decode=False):
        """Through the field's own ``index`` (Whoosh's analysis)."""
        cacheable = isinstance(value, str)
        found = self.values.get(value) if cacheable else None
        if found is None:
            numbers, length = [], 0
            for tbytes, freq, weight, _vbytes in self.field.index(value):
                if weight != float(freq if type(self.field.format) is formats.Frequency else 1):
                    raise ValueError(f"unsupported weight in field {self.name!r}")
                numbers.extend([self.ids[tbytes.decode("utf-8") if decode else tbytes]] * freq)
                if self.scorable:
                    length += freq
            found = (numbers, length)
            if cacheable and len(self.values) < VALUE_CACHE:
                self.values[value] = found
        numbers, length = found
        self.terms.extend(numbers)
        self.counts.append(len(numbers))
        return length

    def skip(self):
        self.counts.append(0)

    def term_bytes(self):
        to_bytes = self.field.to_bytes
        return [term if isinstance(term, bytes) else to_bytes(term) for term in self.ids]


class _Spool(io.BytesIO):
    """Stands in for a segment file while it is written: in memory, where ``tell()``
    costs no system call (Whoosh asks for the position at every term), copied to the
    real file when closed. Whoosh writes these files serially."""

    def __init__(self, real):
        super().__init__()
        self.real = real
        self.start = real.tell()
        self.seek(self.start)

    def close(self):
        if not self.closed:
            self.real.write(self.getvalue()[self.start:])
            self.real.close()
        super().close()


# Below this many tokens in a field (a save of one profile) the postings are sorted
# in plain Python: numpy's fixed cost per call is larger than the work.
SMALL_FIELD = 4096


def _layout_small(postings, terms):
    """(terms in order, start and end of each term's postings, a function giving the
    postings' document numbers, delta-coded numbers, frequencies and length bytes)."""
    pairs = {}
    position = 0
    tokens = postings.terms
    for docnum, count in enumerate(postings.counts):
        for term in tokens[position:position + count]:
            pairs[term, docnum] = pairs.get((term, docnum), 0) + 1
        position += count
    order, starts, ends, ids, freqs = [], [], [], [], []
    last = None
    for (term, docnum), freq in sorted(pairs.items(), key=lambda item: (terms[item[0][0]], item[0][1])):
        if term != last:
            if last is not None:
                ends.append(len(ids))
            starts.append(len(ids))
            order.append(term)
            last = term
        ids.append(docnum)
        freqs.append(freq)
    ends.append(len(ids))
    deltas = list(ids)
    for start, end in zip(starts, ends):  # noqa: B905
        for index in range(start + 1, end):
            if (index - start) % BLOCK:
                deltas[index] = ids[index] - ids[index - 1]
    length_bytes = None
    if postings.scorable:
        by_document = [length_to_byte(count) for count in postings.counts]
        length_bytes = [by_document[docnum] for docnum in ids]

    def chunk(start, end):
        return 0, len(ids), ids, deltas, freqs, length_bytes

    return order, starts, ends, chunk


def _layout_large(postings, terms, doc_count):
    """As :func:`_layout_small`, sorted by numpy, the lists made a chunk at a time."""
    order = sorted(range(len(terms)), key=terms.__getitem__)
    rank = np.empty(len(terms), dtype=np.uint64)
    rank[np.array(order, dtype=np.int64)] = np.arange(len(terms), dtype=np.uint64)
    counts = np.frombuffer(postings.counts, dtype=np.uint32)
    documents = np.repeat(np.arange(doc_count, dtype=np.uint64), counts)
    keys = (rank[np.frombuffer(postings.terms, dtype=np.uint32)] << np.uint64(32)) | documents
    del documents, rank
    keys, freqs = np.unique(keys, return_counts=True)
    term_ranks = keys >> np.uint64(32)
    docnums = (keys & np.uint64(0xFFFFFFFF)).astype(np.int64)
    del keys
    starts = np.flatnonzero(np.concatenate(([True], term_ranks[1:] != term_ranks[:-1])))
    ends = np.append(starts[1:], len(docnums))
    del term_ranks
    # Document numbers are delta-coded within a block, the first one from 0.
    deltas = np.diff(docnums, prepend=0)
    within = np.arange(len(docnums)) - np.repeat(starts, ends - starts)
    block_starts = within % BLOCK == 0
    deltas[block_starts] = docnums[block_starts]
    del within, block_starts
    length_bytes = None
    if postings.scorable:
        length_bytes = np.array([length_to_byte(n) for n in range(int(counts.max()) + 1)],
                                dtype=np.int64)[counts]

    def chunk(start, end):
        stop = max(end, start + WRITE_CHUNK)
        return (start, stop, docnums[start:stop].tolist(), deltas[start:stop].tolist(),
                freqs[start:stop].tolist(),
                length_bytes[docnums[start:stop]].tolist() if length_bytes is not None else None)

    return order, starts.tolist(), ends.tolist(), chunk


def _write_field(fieldwriter, postings, doc_count):
    """The postings of one field, sorted, in W3Codec's format: per term a header, blocks
    of up to 128 postings (a pickled, zlib-compressed tuple of delta-coded document
    numbers, weights and values, after a pickled tuple of block statistics) and a term
    info in the term index. It is what ``W3PostingsWriter`` writes, a block at a time."""
    terms = postings.term_bytes()
    if not terms:
        return
    if len(postings.terms) <= SMALL_FIELD:
        order, starts, ends, chunk = _layout_small(postings, terms)
    else:
        order, starts, ends, chunk = _layout_large(postings, terms, doc_count)
    fixed = postings.field.format.fixed_value_size()
    if fixed not in (0, 4):
        raise ValueError(f"unsupported format in field {postings.name!r}")

    fieldwriter.start_field(postings.name, postings.field)
    prefix = pack_ushort(fieldwriter._fieldid)
    postfile = fieldwriter._postfile
    write, tell = postfile.write, postfile.tell
    add_term = fieldwriter._tindex.add
    compression = 3  # W3Codec's default, as Whoosh's writer uses it
    chunk_start = chunk_end = 0
    for term_index, (start, end) in enumerate(zip(starts, ends)):  # noqa: B905
        if end > chunk_end:
            chunk_start, chunk_end, ids_list, deltas_list, freqs_list, bytes_list = chunk(start, end)
        offset = tell()
        write(HEADER)
        total = max_weight = 0
        min_byte = 255
        max_byte = 0
        for block_start in range(start - chunk_start, end - chunk_start, BLOCK):
            block_end = min(block_start + BLOCK, end - chunk_start)
            block_freqs = freqs_list[block_start:block_end]
            top = max(block_freqs)
            if top == 1:
                weights = None
            elif min(block_freqs) == top:
                weights = float(top)
            else:
                weights = tuple(map(float, block_freqs))
            values = struct.pack(f">{block_end - block_start}I", *block_freqs) if fixed else None
            data = zlib.compress(dumps((tuple(deltas_list[block_start:block_end]), weights, values), 2),
                                 compression)
            if postings.scorable:
                block_bytes = bytes_list[block_start:block_end]
                low, high = min(block_bytes), max(block_bytes)
                min_byte, max_byte = min(min_byte, low), max(max_byte, high)
            else:
                low = high = 0
            info = dumps((block_end - block_start, ids_list[block_end - 1], float(top), compression,
                          low, high), 2)
            size = len(info) + len(data)
            write(pack_int(-size if block_end + chunk_start == end else size))
            write(info)
            write(data)
            total += sum(block_freqs)
            max_weight = max(max_weight, top)
        if postings.scorable:
            lengths = (byte_to_length(min_byte), byte_to_length(max_byte))
        else:
            lengths = (None, 0)
        terminfo = W3TermInfo(float(total), end - start, lengths[0], lengths[1], float(max_weight),
                              ids_list[start - chunk_start], ids_list[end - 1 - chunk_start])
        terminfo.set_extent(offset, tell() - offset)
        add_term(prefix + terms[order[term_index]], terminfo.to_bytes())
    fieldwriter.finish_field()


def build_segment(storage, schema, documents, indexname="MAIN"):
    """Write ``documents`` (dicts of field values, as for ``add_document``) as one new
    segment of the index in ``storage``; returns the segment (not yet in the index's
    table of contents), or None when there are no documents."""
    codec = default_codec()
    segment = codec.new_segment(storage, indexname)
    fast = _fast_modes()
    folded = _Folded()
    postings = {}
    for name in schema.names():
        field = schema[name]
        if field.indexed:
            mode = _mode(field, fast)
            if mode is None:
                raise ValueError(f"field {name!r} cannot be written in bulk")
            postings[name] = _FieldPostings(name, field, mode, folded)
    perdoc = codec.per_document_writer(storage, segment)
    docnum = 0
    try:
        for document in documents:
            names = sorted(name for name in document if not name.startswith("_"))
            for name in names:
                if name not in schema:
                    raise ValueError(f"no field named {name!r} in the schema")
            perdoc.start_doc(docnum)
            present = set()
            for name in names:
                value = document[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    length = postings[name].add(value)
                    present.add(name)
                stored = document.get(f"_stored_{name}", value)
                perdoc.add_field(name, field, stored if field.stored else None, length)
                column = field.column_type
                if column and stored is not None:
                    perdoc.add_column_value(name, column, field.to_column_value(stored))
            for name, field_postings in postings.items():
                if name not in present:
                    field_postings.skip()
            perdoc.finish_doc()
            docnum += 1
    finally:
        perdoc.close()
    if not docnum:
        _remove_files(storage, segment)
        return None
    fieldwriter = codec.field_writer(storage, segment)
    fieldwriter._postfile.file = _Spool(fieldwriter._postfile.file)
    fieldwriter._tindex.dbfile.file = _Spool(fieldwriter._tindex.dbfile.file)
    for name in sorted(postings):
        _write_field(fieldwriter, postings.pop(name), docnum)
    fieldwriter.close()
    segment.set_doc_count(docnum)
    if segment.should_assemble():
        segment.create_compound_file(storage)
        segment.compound = True
    engine.write_dense_postings(storage, schema, segment)
    return segment


def _remove_files(storage, segment):
    prefix = segment.make_filename("")
    for name in storage.list():
        if name.startswith(prefix):
            storage.delete_file(name)


def _build_in_child(storage, schema, documents, indexname):
    return build_segment(storage, schema, documents, indexname)


def build_segments(ix, documents, segment_docs, processes=1, progress=None):
    """Write ``documents`` into ``ix`` (a new, empty index nobody else writes to) as
    segments of ``segment_docs`` documents, with ``processes`` processes, and commit
    them. Returns the number of documents written."""
    storage, schema = ix.storage, ix.schema
    documents = iter(documents)
    count = 0

    def batches():
        nonlocal count
        while True:
            batch = []
            for document in itertools.islice(documents, segment_docs):
                batch.append(document)
                count += 1
                if progress:
                    progress(count)
            if not batch:
                return
            yield batch

    segments = []
    if processes <= 1:
        for batch in batches():
            segments.append(build_segment(storage, schema, batch, ix.indexname))
    else:
        # fork: the children only write files (no database, no logging) and leave
        # with os._exit, as Whoosh's own multiprocessing writer does.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            pending = []
            for batch in batches():
                pending.append(pool.submit(_build_in_child, storage, schema, batch, ix.indexname))
                del batch
                # At most one batch waiting beyond those being built: bounded memory.
                while len([f for f in pending if not f.done()]) > processes:
                    pending[[f.done() for f in pending].index(False)].result()
            segments = [future.result() for future in pending]
    segments = [segment for segment in segments if segment is not None]
    if segments:
        lock = ix.lock("WRITELOCK")
        lock.acquire(blocking=True)
        try:
            toc = ix._read_toc()
            segments = [*toc.segments, *segments]
            TOC(schema, segments, toc.generation + 1).write(storage, ix.indexname)
            clean_files(storage, ix.indexname, toc.generation + 1, segments)
        finally:
            lock.release()
    # The per-document writers' scratch folder (Whoosh's writer removes it too).
    shutil.rmtree(os.path.join(storage.folder, f"{ix.indexname}.tmp"), ignore_errors=True)
    return count
