"""The indicator board and the yearly reports (officials, curators and admins)."""
import io
import json

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_login import current_user

from expertnet.cooperation import attachments
from expertnet.core.access import current_viewer
from expertnet.core.db import utcnow
from expertnet.core.i18n import current_language
from expertnet.core.text import parse_id
from expertnet.programme import computations, indicators, reports
from expertnet.programme.controllers.indicators import bp
from expertnet.programme.models import IndicatorValue, ProgrammeReport
from expertnet.web.guards import role_required

ROLES = ("official", "curator", "admin")
# The records listed under an indicator at most (the number counts them all).
SHOWN_ROWS = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _year(raw=None):
    """The year asked for (a year of the programme), else this year within the programme."""
    year = parse_id(raw if raw is not None else request.args.get("year"))
    if year in computations.YEARS:
        return year
    today = utcnow().date().year
    return min(max(today, computations.YEARS[0]), computations.YEARS[-1])


def _indicator_or_404(indicator_code):
    found = indicators.by_code(indicator_code)
    if found is None:
        abort(404)
    return found


def _chart(line, language):
    return json.dumps({
        "type": "bar", "horizontal": False,
        "labels": [str(year) for year, _t, _v in line.per_year],
        "datasets": [{"label": line.indicator.name(language),
                      "values": [value for _y, _t, value in line.per_year],
                      "notes": [""] * len(line.per_year)}],
    }, ensure_ascii=False)


@bp.get("/programme/indicators")
@role_required(*ROLES)
def board():
    viewer = current_viewer()
    year = _year()
    return render_template("indicators/board.html", lines=indicators.board(year), year=year,
                           years=computations.YEARS, exact=indicators.exact_for(viewer),
                           shown=indicators.shown, states=indicators.STATES, rule=indicators.RULE)


def _indicator_page(found, year, cumulative=False, errors=(), values=None, status=200):
    viewer = current_viewer()
    line = indicators.line(found, year)
    exact = indicators.exact_for(viewer)
    chart = None
    if not line.personal or exact or all(value is None or value == 0 or value >= 3
                                         for _y, _t, value in line.per_year):
        chart = _chart(line, current_language())
    return render_template("indicators/indicator.html", line=line, indicator=found, year=year,
                           years=computations.YEARS, cumulative=cumulative, exact=exact,
                           drill=indicators.drill(found, year, viewer, cumulative),
                           shown=indicators.shown, states=indicators.STATES, rule=indicators.RULE,
                           chart=chart, links=computations.links_for(viewer), shown_rows=SHOWN_ROWS,
                           may_enter=indicators.may_enter(viewer, found),
                           rejected=request.args.get("rejected", ""), errors=list(errors),
                           values=values or {},
                           limit=current_app.config["ATTACHMENT_MAX_BYTES"]), status


@bp.get("/programme/indicators/<indicator_code>")
@role_required(*ROLES)
def indicator(indicator_code):
    return _indicator_page(_indicator_or_404(indicator_code), _year(),
                           request.args.get("period") == "cumulative")


@bp.route("/programme/indicators/<indicator_code>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(indicator_code):
    found = _indicator_or_404(indicator_code)
    errors, values = [], None
    if request.method == "POST":
        try:
            indicators.update(found, request.form, current_user.id)
        except indicators.Problems as exc:
            errors, values = exc.errors, request.form
        else:
            return redirect(url_for("indicators.indicator", indicator_code=found.code), code=303)
    status = 400 if errors else 200
    return render_template("indicators/edit.html", indicator=found, errors=errors, values=values,
                           years=computations.YEARS, registry=computations.REGISTRY), status


@bp.post("/programme/indicators/<indicator_code>/values")
@role_required(*ROLES)
def enter_value(indicator_code):
    viewer = current_viewer()
    found = _indicator_or_404(indicator_code)
    if not indicators.may_enter(viewer, found):
        abort(403)
    if computations.REGISTRY.get(found.computation):
        abort(409)  # computed from the records: nothing to enter
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if request.content_length and request.content_length > limit + 64 * 1024:
        abort(413)
    upload = request.files.get("file")
    stream, filename = (upload.stream, upload.filename) if upload and upload.filename else (None, "")
    try:
        row = indicators.enter_value(found, request.form, current_user.id, stream, filename)
    except indicators.Problems as exc:
        return _indicator_page(found, _year(request.form.get("year")), errors=exc.errors,
                               values=request.form, status=400)
    except attachments.Rejected as exc:
        if exc.reason == "too_large":
            abort(413)
        return redirect(url_for("indicators.indicator", indicator_code=found.code,
                                rejected=exc.reason), code=303)
    return redirect(url_for("indicators.indicator", indicator_code=found.code, year=row.year),
                    code=303)


def _or_404(model, record_id):
    row = model.get_or_none(model.id == record_id)
    if row is None:
        abort(404)
    return row


@bp.get("/programme/indicators/values/<int:value_id>/evidence")
@role_required(*ROLES)
def evidence(value_id):
    row = _or_404(IndicatorValue, value_id)
    if not row.stored_name:
        abort(404)
    return attachments.download(row)


@bp.post("/programme/indicators/values/<int:value_id>/delete")
@role_required(*ROLES)
def remove_value(value_id):
    row = _or_404(IndicatorValue, value_id)
    if not indicators.may_enter(current_viewer(), row.indicator):
        abort(403)
    indicators.remove_value(row, current_user.id)
    return redirect(url_for("indicators.indicator", indicator_code=row.indicator.code,
                            year=row.year), code=303)


# -- yearly reports ----------------------------------------------------------------------------
@bp.get("/programme/reports")
@role_required(*ROLES)
def report_list():
    viewer = current_viewer()
    return render_template("indicators/reports.html", reports=reports.listing(), years=computations.YEARS,
                           year=_year(), is_lead=reports.is_lead(viewer), kinds=reports.KINDS,
                           statuses=reports.STATUSES, problem=request.args.get("problem") == "1",
                           department=indicators.department_of(viewer.user_id))


@bp.post("/programme/reports/new")
@role_required(*ROLES)
def report_new():
    viewer = current_viewer()
    kind = "city" if request.form.get("kind") == "city" else "department"
    year = parse_id(request.form.get("year"))
    try:
        found = reports.start(year, kind, viewer)
    except reports.Refused as exc:
        return render_template("indicators/reports.html", reports=reports.listing(),
                               years=computations.YEARS, year=_year(), is_lead=reports.is_lead(viewer),
                               kinds=reports.KINDS, statuses=reports.STATUSES, refused=exc.message,
                               department=indicators.department_of(viewer.user_id)), 400
    return redirect(url_for("indicators.report", report_id=found.id), code=303)


def _show_report(found, errors=(), values=None, status=200):
    viewer = current_viewer()
    data = reports.contents(found)
    language = current_language()
    labels = {f"narrative_{section}": str(title) for section, title in reports.SECTIONS.items()}
    for line in data["lines"]:
        name = line["name_vi"] if language == "vi" else line["name_en"]
        labels[f"correction_{line['code']}"] = labels[f"reason_{line['code']}"] = name
    return render_template("indicators/report.html", report=found, data=data, labels=labels,
                           errors=list(errors),
                           values=values, may_edit=reports.may_edit(viewer, found),
                           sections=reports.SECTIONS, kinds=reports.KINDS, statuses=reports.STATUSES,
                           header=reports.table_header(), rows=reports.table_rows(data, language),
                           contributions=reports.contribution_rows(data, language)), status


@bp.get("/programme/reports/<int:report_id>")
@role_required(*ROLES)
def report(report_id):
    return _show_report(_or_404(ProgrammeReport, report_id))


@bp.post("/programme/reports/<int:report_id>")
@role_required(*ROLES)
def report_save(report_id):
    found = _or_404(ProgrammeReport, report_id)
    if not reports.may_edit(current_viewer(), found):
        abort(403)
    try:
        reports.save(found, request.form, current_user.id)
    except reports.Problems as exc:
        return _show_report(found, exc.errors, request.form, 400)
    return redirect(url_for("indicators.report", report_id=found.id, saved=1), code=303)


@bp.post("/programme/reports/<int:report_id>/submit")
@role_required(*ROLES)
def report_submit(report_id):
    found = _or_404(ProgrammeReport, report_id)
    if not reports.may_edit(current_viewer(), found):
        abort(403)
    try:
        reports.freeze(found, current_user.id)
    except reports.Refused:
        abort(409)
    return redirect(url_for("indicators.report", report_id=found.id), code=303)


def _export(report_id, extension):
    found = _or_404(ProgrammeReport, report_id)
    language = "en" if request.args.get("lang") == "en" else "vi"
    with force_locale(language):
        data = reports.contents(found)
        body = (reports.to_xlsx if extension == "xlsx" else reports.to_docx)(data, language)
    name = f"report-{found.year}-{found.kind}-{found.id}-{language}.{extension}"
    response = send_file(io.BytesIO(body), as_attachment=True, download_name=name,
                         mimetype=XLSX if extension == "xlsx" else DOCX, conditional=False, etag=False)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/programme/reports/<int:report_id>.xlsx")
@role_required(*ROLES)
def report_xlsx(report_id):
    return _export(report_id, "xlsx")


@bp.get("/programme/reports/<int:report_id>.docx")
@role_required(*ROLES)
def report_docx(report_id):
    return _export(report_id, "docx")
