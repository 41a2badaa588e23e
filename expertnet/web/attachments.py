"""The request side of stored files, for any module that keeps some: the upload read
from a form, refused before it is read when it says it is too large, and the answer that
serves a stored file. Where files are kept and the checks on their content are the
owning module's (``cooperation.attachments``)."""
import io

from flask import abort, current_app, request, send_file


def uploaded_file():
    """The form's ``file`` (a werkzeug ``FileStorage``); 413 when the request says it is
    larger than the limit (refused before it is read), 400 when there is no file."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if request.content_length and request.content_length > limit + 64 * 1024:
        abort(413)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400)
    return upload


def send_stored(path, content_type, filename):
    """The file at ``path`` as a download named ``filename``; 404 when it is not there."""
    if not path.is_file():
        abort(404)
    # Read whole (files are small and bounded): no file handle outlives the request.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=content_type,
                         as_attachment=True, download_name=filename, conditional=False,
                         etag=False)
    # Personal data: never kept by a browser or a proxy (send_file would allow a cache).
    response.headers["Cache-Control"] = "no-store"
    return response
