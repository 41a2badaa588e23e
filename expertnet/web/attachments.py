"""The request side of attached files (engagements, agreements): the upload read from a
form, refused before it is read when it says it is too large, and the download answer.
The checks on the content are ``attachments``'s."""
import io

from flask import abort, current_app, request, send_file

from expertnet.cooperation import attachments


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


def download(row):
    """The stored file of ``row`` (``stored_name``, ``content_type``, ``filename``)."""
    path = attachments.path_of(row.stored_name)
    if not path.is_file():
        abort(404)
    # Read whole (files are small and bounded): no file handle outlives the request.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=row.content_type,
                         as_attachment=True, download_name=row.filename, conditional=False,
                         etag=False)
    # Personal data: never kept by a browser or a proxy (send_file would allow a cache).
    response.headers["Cache-Control"] = "no-store"
    return response
