"""Dense postings: a derived copy of a segment's long posting lists that numpy reads
without decoding.

Whoosh stores a posting list as blocks of 128 postings, each a zlib-compressed pickle:
reading one costs a zlib and a pickle call per block (about 40 µs), whatever is done
with it. At 1,000,000 profiles the 200 benchmark queries touch 550 MB of decoded
postings, four times the posting cache, so most of a query's time went to decoding the
same common syllables again. Beside each segment of the index this module writes one
file (``<segment id>.dense``) with every list of at least ``MIN_POSTINGS`` postings as
two plain arrays — document numbers as gaps (one byte each when every gap is below
256, as in the lists of common words; else two or four) and term frequencies (one
byte, else two) — and the engine reads such a list with one ``pread`` and one
``cumsum`` (its pages stay in the operating system's cache, shared by every worker of
a server). The posting cache keeps the lists used most, as before: what changes is
the price of a miss, which no longer grows with the number of Whoosh blocks.

The file is derived from the segment (Whoosh's files stay the index and the only
format written for it): it is written when the segment is (:func:`write_for`, under a
temporary name then renamed, so that a reader never sees half of it), it carries the
segment's name, so that Whoosh deletes it with the segment, and a segment without one
is read as before. Lists whose weights are not whole numbers (none in this schema)
are left out.
"""
import os
import pickle
import weakref
from pathlib import Path

import numpy as np

EXTENSION = ".dense"
# Lists shorter than this fit in one Whoosh block: decoded once, they stay in the
# posting cache; the dense file is for the long ones, which the cache cannot hold.
MIN_POSTINGS = 129
_MAGIC = b"EXDENSE1"
_GAPS = (np.uint8, np.uint16, np.uint32)
_WEIGHTS = (np.uint8, np.uint16)
# The table at the end: its offset (8 bytes) then the magic.
_FOOTER = 16


def _smallest(dtypes, largest):
    for number, dtype in enumerate(dtypes):
        if largest <= np.iinfo(dtype).max:
            return number
    return None


def path_for(folder, segment):
    return Path(folder) / segment.make_filename(EXTENSION)


def folder_of(reader):
    """The folder of the index that ``reader``'s segment belongs to, or None when the
    index is not in a folder (a storage in memory)."""
    storage = reader.storage()
    storage = getattr(storage, "b", storage)  # a compound segment: Whoosh's overlay
    return getattr(storage, "folder", None)


def write_for(reader, folder, read_postings):
    """Write the dense file of ``reader``'s segment into ``folder`` (where its files
    are); ``read_postings(reader, field, term bytes)`` reads a list as the engine does.
    A segment with no list long enough gets a file with an empty table, so that nothing
    derives it again (:meth:`IndexStore.write_missing_dense_postings` looks for the file).
    Returns the path."""
    path = path_for(folder, reader.segment())
    scratch = path.with_name(path.name + ".writing")
    table = {}
    out = None
    position = 0
    try:
        for (field, term), info in reader._terms.items():
            if info.doc_frequency() < MIN_POSTINGS:
                continue
            ids, weights = read_postings(reader, field, term)
            if weights.dtype.kind != "u" or not len(ids):
                continue  # weights that are not whole numbers: read from Whoosh's blocks
            gaps = np.diff(ids, prepend=0)
            gap_code = _smallest(_GAPS, int(gaps.max()))
            weight_code = _smallest(_WEIGHTS, int(weights.max()))
            if out is None:
                out = open(scratch, "wb")  # noqa: SIM115 - closed below, renamed when whole
            table[(field, term)] = (position, len(ids), gap_code, weight_code)
            for array in (gaps.astype(_GAPS[gap_code]), weights.astype(_WEIGHTS[weight_code])):
                raw = array.tobytes()
                padding = -len(raw) % 8  # each array starts on an 8-byte boundary
                out.write(raw + b"\0" * padding)
                position += len(raw) + padding
        if out is None:
            out = open(scratch, "wb")  # noqa: SIM115 - closed below, renamed when whole
        out.write(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
        out.write(position.to_bytes(8, "little") + _MAGIC)
        out.close()
        os.replace(scratch, path)
    except BaseException:
        if out is not None:
            out.close()
            scratch.unlink(missing_ok=True)
        raise
    return path


class DensePostings:
    """The dense file of one segment, open: :meth:`get` gives a long list's (document
    numbers, weights) or None for a list it does not hold. Each list is one ``pread``
    (its two arrays are side by side) and one ``cumsum``: no memory map, so that the
    process holds only what the posting cache keeps, as when Whoosh's blocks are read."""

    def __init__(self, path):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            end = os.fstat(descriptor).st_size
            footer = os.pread(descriptor, _FOOTER, max(0, end - _FOOTER))
            if end < _FOOTER or footer[8:] != _MAGIC:
                raise ValueError(f"{path} is not a dense postings file")
            start = int.from_bytes(footer[:8], "little")
            # Written by write_for beside the segment, in the index folder this process writes.
            self.table = pickle.loads(  # nosec B301 - the app's own index files
                os.pread(descriptor, end - _FOOTER - start, start))
        except BaseException:
            os.close(descriptor)
            raise
        self._descriptor = descriptor
        weakref.finalize(self, os.close, descriptor)

    def __len__(self):
        return len(self.table)

    def get(self, field, term):
        entry = self.table.get((field, term))
        if entry is None:
            return None
        position, count, gap_code, weight_code = entry
        gap_bytes = count * np.dtype(_GAPS[gap_code]).itemsize
        weights_at = gap_bytes + (-gap_bytes % 8)
        raw = os.pread(self._descriptor, weights_at + count * np.dtype(_WEIGHTS[weight_code]).itemsize,
                       position)
        gaps = np.frombuffer(raw, dtype=_GAPS[gap_code], count=count)
        # A copy: a view would keep the whole read (the gaps too) alive in the cache,
        # which counts only the arrays it holds.
        weights = np.frombuffer(raw, dtype=_WEIGHTS[weight_code], count=count, offset=weights_at).copy()
        return np.cumsum(gaps, dtype=np.int32), weights


def open_for(reader):
    """The :class:`DensePostings` of ``reader``'s segment, or None when it has none
    (a segment written before them, or one too small to hold a long list: a save's,
    looked for again by every new searcher)."""
    folder = folder_of(reader)
    if folder is None or reader.doc_count_all() < MIN_POSTINGS:
        return None
    path = path_for(folder, reader.segment())
    try:
        return DensePostings(path)
    except (FileNotFoundError, ValueError):
        return None
