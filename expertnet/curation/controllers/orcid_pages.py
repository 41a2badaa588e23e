"""``/experts/<id>/orcid``: attach an ORCID iD and read its public record (an uploaded
file, or fetched when the server may), then ``/experts/<id>/orcid/<import>``: the
preview of what changes, field by field, where the person ticks what to apply.

Who: whoever may edit the profile (curators, the owner, the owner's delegates). An
owner's changes to fields curators vouch for wait for a curator, as on the edit form."""
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from expertnet.core.access import current_viewer
from expertnet.core.i18n import _, current_language
from expertnet.core.text import parse_id
from expertnet.curation import columns, orcid
from expertnet.directory import validation, writes
from expertnet.directory.blueprint import bp
from expertnet.directory.editing import display, editable_or_abort
from expertnet.directory.forms import OrcidApplyForm, OrcidForm


@bp.route("/experts/<int:expert_id>/orcid", methods=["GET", "POST"])
@login_required
def orcid_import(expert_id):
    expert = editable_or_abort(expert_id, current_viewer())
    form = OrcidForm(data={"orcid": expert.orcid})
    fetching = bool(current_app.config.get("ORCID_FETCH"))
    error = None
    if form.validate_on_submit():
        orcid_id = orcid.normalize_id(form.orcid.data)
        upload = form.file.data
        if orcid_id is None:
            form.orcid.errors = [orcid.id_error()]
        else:
            try:
                if request.form.get("fetch") == "1" and fetching:
                    data, source = orcid.fetch(orcid_id), "api"
                elif upload is None or not upload.filename:
                    raise orcid.RecordError(_no_file_message(fetching))
                else:
                    data, source = orcid.read_bytes(upload.stream), "upload"
                record = orcid.read_record(data, orcid_id)
            except orcid.RecordError as exc:
                error = str(exc)
            else:
                row = orcid.stage(expert, record, data, current_user.id, source)
                return redirect(url_for("profiles.orcid_preview", expert_id=expert.id,
                                        import_id=row.id))
    return render_template("profiles/orcid.html", form=form, expert=expert, error=error,
                           fetching=fetching, max_mb=round(orcid.max_bytes() / 1048576, 1))


def _no_file_message(fetching):
    if fetching:
        return _("Choose the file of the ORCID record, or fetch it from ORCID.")
    return _("Choose the file of the ORCID record.")


def _rows(record, expert):
    language = current_language()
    return [(name, columns.LABELS[name], display(name, old, language),
             display(name, new, language)) for name, old, new in orcid.proposal(record, expert)]


@bp.route("/experts/<int:expert_id>/orcid/<int:import_id>", methods=["GET", "POST"])
@login_required
def orcid_preview(expert_id, import_id):
    viewer = current_viewer()
    expert = editable_or_abort(expert_id, viewer)
    row = orcid.staged(expert.id, import_id)
    if row is None:
        abort(404)
    record = orcid.Record.from_json(row.record)
    form = OrcidApplyForm(data={"version": str(expert.version)})
    conflict = False
    if request.method == "POST" and row.status == "previewed":
        if not form.validate_on_submit():
            abort(400)
        version = parse_id(form.version.data)
        if version is None:
            abort(400)
        chosen = set(request.form.getlist("apply")) & set(orcid.FIELDS)
        try:
            written, proposed = orcid.apply(row, expert, chosen, version, viewer, current_user.id)
        except writes.VersionConflict:
            conflict = True
            expert = editable_or_abort(expert_id, viewer)
            form.version.data = str(expert.version)
            form.version.raw_data = [str(expert.version)]
        except writes.ProfileGone:
            abort(404)
        except validation.ProfileErrors:
            abort(400)  # the proposal is made to fit the profile's limits
        else:
            return redirect(url_for("profiles.orcid_preview", expert_id=expert.id,
                                    import_id=row.id, done=1,
                                    review=1 if proposed else None))
    elif request.method == "POST":
        abort(409)  # decided already
    return render_template("profiles/orcid_preview.html", expert=expert, row=row,
                           record=record, rows=_rows(record, expert), form=form,
                           conflict=conflict, is_curator=viewer.is_curator,
                           done=request.args.get("done") == "1",
                           review=request.args.get("review") == "1")
