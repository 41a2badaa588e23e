"""ZIP archives as they were received (the Office files: XLSX imports, DOCX and XLSX
attachments): what their parts really unpack to.

A ZIP's directory declares each part's sizes, and a crafted file declares whatever it
likes; a program that opens the file (Word, Excel, LibreOffice) inflates each part to
its end. So the sizes are counted by inflating every part from its first byte, in
pieces whose output is counted and dropped, and the count stops as soon as a limit is
passed: memory stays bounded, and the time is bounded by the limit.
"""
import os
import struct
import zipfile
import zlib

# A part unpacking to more than this many times its packed bytes is refused once past
# its first MiB: real documents compress 5–50 times, compressed "bombs" thousands of times.
MAX_RATIO = 1000
RATIO_FLOOR = 1024 * 1024
_PIECE = 64 * 1024
# The local header before each part's data (APPNOTE 4.3.7): signature, version, flags,
# method, time, date, CRC, both sizes, the lengths of the name and of the extra field.
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_STORED, _DEFLATED = 0, 8
_ENCRYPTED = 0x1


class Refused(ValueError):
    """Why the archive is refused. ``reason``: ``total`` (the parts together unpack to
    more than the limit), ``ratio`` (``part`` unpacks to more than MAX_RATIO times its
    packed bytes) or ``unreadable`` (not a ZIP, an encrypted or truncated part, a
    compression Office files never use). ``size`` and ``packed``: the bytes unpacked
    when it stopped, and the packed bytes that gave the part's share of them."""

    def __init__(self, reason, part="", size=0, packed=0):
        super().__init__(reason)
        self.reason, self.part, self.size, self.packed = reason, part, size, packed


def check_unpacked_size(handle, limit, max_ratio=MAX_RATIO):
    """The bytes the parts of the ZIP archive open as ``handle`` (a seekable binary file)
    unpack to, counted by inflating them; raises :class:`Refused` as soon as the count
    passes ``limit`` or a part passes ``max_ratio``."""
    try:
        with zipfile.ZipFile(handle) as archive:  # a file given is left open
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Refused("unreadable") from exc
    end = handle.seek(0, os.SEEK_END)
    total = 0
    for part in parts:
        total += _unpacked_size(handle, end, part, limit - total, total, max_ratio)
    return total


def _unpacked_size(handle, end, part, budget, before, max_ratio):
    """The bytes ``part`` unpacks to; ``before``: the bytes of the parts counted before
    it (for the total a refusal reports)."""
    if not 0 <= part.header_offset < end:  # a directory that points out of the file
        raise Refused("unreadable", part.filename)
    handle.seek(part.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or not header.startswith(_LOCAL_SIGNATURE):
        raise Refused("unreadable", part.filename)
    _signature, _version, flags, method, *_dates_and_sizes, name_length, extra_length = \
        _LOCAL_HEADER.unpack(header)
    if flags & _ENCRYPTED:
        raise Refused("unreadable", part.filename)
    start = handle.seek(name_length + extra_length, os.SEEK_CUR)
    if method == _STORED:
        # Stored bytes are read as they are: at most what the file holds after the header.
        size = max(0, min(part.compress_size, end - start))
        if size > budget:
            raise Refused("total", part.filename, before + size, size)
        return size
    if method != _DEFLATED:
        raise Refused("unreadable", part.filename)
    return _inflated_size(handle, part.filename, budget, before, max_ratio)


def _inflated_size(handle, name, budget, before, max_ratio):
    """Inflate the deflate stream at the handle's position to its end (not to the size
    declared), counting its output without keeping it."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = fed = 0
    while not inflater.eof:
        if inflater.unconsumed_tail:
            piece = inflater.unconsumed_tail
        else:
            piece = handle.read(_PIECE)
            fed += len(piece)
        try:
            produced = len(inflater.decompress(piece, _PIECE))
        except zlib.error as exc:
            raise Refused("unreadable", name) from exc
        size += produced
        packed = fed - len(inflater.unconsumed_tail)
        if size > budget:
            raise Refused("total", name, before + size, packed)
        if size > RATIO_FLOOR and size > max_ratio * max(packed, 1):
            raise Refused("ratio", name, size, packed)
        if not piece and not produced:
            # The file ends before the part does: no program can open it either.
            raise Refused("unreadable", name)
    return size
