"""Files attached to engagements: checked by content, kept outside ``static``.

An upload is accepted only if its first bytes (and, for Office files, the parts inside
the zip) say it is a PDF, a DOCX, an XLSX, a PNG or a JPEG, whatever its name or the
type the browser claimed; its size is bounded (``ATTACHMENT_MAX_BYTES``), and so is what
an Office file really unpacks to (``ATTACHMENT_MAX_UNPACKED_BYTES``, counted by
``archives`` by inflating it, not read from the sizes its zip declares, which a crafted
file sets to anything: a bomb for whoever opens it). Files live in
``<instance>/attachments/`` under a random name, so a name typed by someone never
becomes a path, and are only served by a view that checks who asks, as a download
(``Content-Disposition: attachment``; every response carries ``nosniff``).
"""
import hashlib
import io
import os
import re
import uuid
import zipfile
from pathlib import Path

from flask import current_app

from expertnet.core import archives
from expertnet.core.text import clean
from expertnet.web.attachments import send_stored

# type → (content type, extension)
TYPES = {
    "pdf": ("application/pdf", ".pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
}
# An Office file is a zip; one with an absurd number of parts is refused.
MAX_PARTS = 5000
OFFICE_TYPES = frozenset({"docx", "xlsx"})
_UNSAFE_NAME = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")


class Rejected(ValueError):
    """``reason``: ``too_large`` (the upload), ``type``, ``unpacked`` (an Office file
    that unpacks to more than ``ATTACHMENT_MAX_UNPACKED_BYTES``) or ``ratio`` (one of
    its parts unpacks to more than archives.MAX_RATIO times its packed size)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def sniff(data):
    """The type of ``data`` (bytes) from its content, or ``None``."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return None


def _office_type(data):
    """The Office type its parts' names say (the sizes are ``check_unpacked``'s)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                return None
            names = {part.filename for part in parts}
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def check_unpacked(data):
    """Raise :class:`Rejected` unless the Office file ``data`` really unpacks to at most
    ``ATTACHMENT_MAX_UNPACKED_BYTES``, no part more than archives.MAX_RATIO times its
    packed size."""
    try:
        archives.check_unpacked_size(io.BytesIO(data),
                                     current_app.config["ATTACHMENT_MAX_UNPACKED_BYTES"])
    except archives.Refused as exc:
        raise Rejected({"total": "unpacked", "ratio": "ratio"}.get(exc.reason, "type")) from exc


def folder():
    path = Path(current_app.instance_path) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def clean_filename(name, kind):
    """A name to offer on download: the uploaded one without path or control
    characters, with the extension of the type found."""
    base = _UNSAFE_NAME.sub("_", clean(os.path.basename((name or "").replace("\\", "/"))))
    stem = os.path.splitext(base)[0].strip(" .")[:150] or "attachment"
    return stem + TYPES[kind][1]


def store(stream, filename):
    """Read at most ``ATTACHMENT_MAX_BYTES`` from ``stream``, check the type and write
    the file. Returns ``{"filename", "stored_name", "content_type", "size", "sha256"}``;
    raises :class:`Rejected`."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Rejected("too_large")
    kind = sniff(data)
    if kind is None:
        raise Rejected("type")
    if kind in OFFICE_TYPES:
        check_unpacked(data)
    stored_name = uuid.uuid4().hex
    target = folder() / stored_name
    temporary = target.with_suffix(".part")
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, target)
    return {"filename": clean_filename(filename, kind), "stored_name": stored_name,
            "content_type": TYPES[kind][0], "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def path_of(stored_name):
    return folder() / stored_name


def download(row):
    """The download answer for the stored file of ``row`` (``stored_name``,
    ``content_type``, ``filename``); 404 when the file is gone."""
    return send_stored(path_of(row.stored_name), row.content_type, row.filename)


def remove(stored_names):
    """Delete stored files (after the rows that named them are gone)."""
    for name in stored_names:
        try:
            (folder() / name).unlink()
        except FileNotFoundError:
            pass
