"""``/search/export.csv``, ``/search/export.xlsx`` and ``/experts/<id>/vcard``.

Who may export: a search, the roles that work with the directory (officials, curators,
admins); a vCard, anyone signed in who may see the profile. Anonymous readers export
nothing (they can read the public pages). Every export needs a password typed in the
last ``RECENT_LOGIN_MINUTES`` and leaves an audit entry (who, which criteria or
profile, how many, which contact details); an official's view of contact details in an
export is logged per profile, as on the profile page."""
from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user, login_required

from expertnet.core import access, audit
from expertnet.core.db import database
from expertnet.core.i18n import current_language
from expertnet.curation import exports, jobs
from expertnet.curation.controllers.downloads import bp
from expertnet.directory import finder
from expertnet.web.guards import role_required
from expertnet.web.recent import recent_login_required

EXPORTERS = ("official", "curator", "admin")
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.get("/search/export.<file_format>")
@role_required(*EXPORTERS)
@recent_login_required
def search_export(file_format):
    # Not ``kind``: that is a search filter (the kind of profile), kept in the query string.
    if file_format not in MIMETYPES:
        abort(404)
    # Readable headers and labels unless the contract's layout is asked for (re-import).
    layout = request.args.get("layout") or "readable"
    if layout not in exports.LAYOUTS:
        abort(400)
    try:
        criteria = finder.parse_criteria(request.args)
    except finder.BadParameter:
        abort(400)
    viewer = access.current_viewer()
    total, found = finder.find_all(criteria, viewer, current_app.config["EXPORT_MAX_ROWS"])
    total = min(total, current_app.config["EXPORT_MAX_ROWS"])
    if total > current_app.config["EXPORT_BACKGROUND_ROWS"]:
        # A large export: written by a background job the person watches (jobs.py),
        # with the rights they have now.
        job = jobs.start_export(criteria, file_format, viewer, total, layout,
                                current_language())
        return redirect(url_for("downloads.job_page", job_id=job.id))
    logged = exports.Logged(found, viewer)
    handle = exports.spreadsheet(logged, viewer, file_format, layout)
    with database.atomic():
        audit.write_many([
            audit.entry("export.search", actor_id=viewer.user_id, source="screen", changes={
                "format": file_format, "layout": layout, "count": logged.count,
                "with_contact": len(logged.views),
                "criteria": {"q": criteria.q, **criteria.filters, "sort": criteria.sort}}),
            *logged.views])
    response = current_app.response_class(_stream(handle), mimetype=MIMETYPES[file_format])
    response.headers["Content-Disposition"] = exports.attachment_header(
        exports.file_name(criteria, file_format, layout))
    return response


def _stream(handle, size=64 * 1024):
    """The temporary file in pieces, closed (and so deleted) once sent."""
    try:
        while chunk := handle.read(size):
            yield chunk
    finally:
        handle.close()


@bp.get("/experts/<int:expert_id>/vcard")
@login_required
@recent_login_required
def vcard(expert_id):
    viewer = access.current_viewer()
    expert = finder.get_visible(expert_id, viewer)
    if expert is None:
        abort(404)
    url = url_for("main.profile", expert_id=expert.id, _external=True)
    card = exports.vcard(expert, viewer, url, current_language())
    shown = exports.shown_contact(expert, viewer)
    audit.record("export.vcard", actor_id=current_user.id, expert_id=expert.id, source="screen",
                 changes={"fields": shown})
    audit.contact_view(viewer, expert, shown, source="screen")
    response = current_app.response_class(card, mimetype="text/vcard")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{exports.file_stem(expert)}.vcf"')
    return response
