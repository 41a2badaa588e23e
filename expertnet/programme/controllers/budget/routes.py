"""``/budget`` (officials, curators, admins): the finance view, and the budget lines of an
event, a delegation, a council, a training course or an engagement."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.cooperation import common
from expertnet.cooperation import engagements as engagement_records
from expertnet.core.access import current_viewer
from expertnet.core.text import parse_id
from expertnet.directory import finder
from expertnet.programme import budget
from expertnet.programme.budget_models import BudgetLine
from expertnet.programme.controllers.budget import bp
from expertnet.web.guards import role_required

ROLES = common.ROLES


def _record_or_404(kind, record_id):
    """The record (one the viewer may read: an engagement only of a profile they may see)."""
    record = budget.record_of(kind, record_id)
    if record is None:
        abort(404)
    if kind == "engagement":
        expert = finder.get_visible(record.expert_id, current_viewer())
        if expert is None or not engagement_records.may_see(current_viewer(), expert):
            abort(404)
    return record


def _page(kind, record, errors=(), status=200, editing=None):
    viewer = current_viewer()
    rows = budget.lines(kind, record.id)
    _model, label, _date, endpoint, key = budget.KINDS[kind]
    return render_template("budget/record.html", kind=kind, record=record, rows=rows,
                           label=label, title=budget.title_of(kind, record),
                           back=url_for(endpoint, **{key: record.id}),
                           totals=budget.totals(rows), categories=budget.CATEGORIES,
                           may_edit=budget.may_edit(viewer, kind, record), errors=list(errors),
                           editing=editing), status


@bp.get("/budget")
@role_required(*ROLES)
def finance():
    year = parse_id(request.args.get("year"))
    years = budget.years()
    year = year if year in years else None
    return render_template("budget/finance.html", sums=budget.by_year_and_department(year),
                           years=years, year=year, categories=budget.CATEGORIES)


@bp.get("/budget/<kind>/<int:record_id>")
@role_required(*ROLES)
def record(kind, record_id):
    return _page(kind, _record_or_404(kind, record_id))


def _editable(kind, record_id):
    found = _record_or_404(kind, record_id)
    if not budget.may_edit(current_viewer(), kind, found):
        abort(403)
    return found


@bp.post("/budget/<kind>/<int:record_id>")
@role_required(*ROLES)
def add(kind, record_id):
    found = _editable(kind, record_id)
    try:
        budget.add(kind, found, request.form, current_user.id)
    except common.Problems as exc:
        return _page(kind, found, exc.errors, 400)
    return redirect(url_for("budget.record", kind=kind, record_id=found.id))


def _line_or_404(kind, record_id, line_id):
    found = _editable(kind, record_id)
    row = BudgetLine.get_or_none((BudgetLine.id == line_id) & (BudgetLine.record_kind == kind)
                                 & (BudgetLine.record_id == found.id))
    if row is None:
        abort(404)
    return found, row


@bp.post("/budget/<kind>/<int:record_id>/lines/<int:line_id>")
@role_required(*ROLES)
def update(kind, record_id, line_id):
    found, row = _line_or_404(kind, record_id, line_id)
    try:
        budget.update(row, request.form, current_user.id)
    except common.Problems as exc:
        return _page(kind, found, exc.errors, 400, editing=row.id)
    return redirect(url_for("budget.record", kind=kind, record_id=found.id))


@bp.post("/budget/<kind>/<int:record_id>/lines/<int:line_id>/delete")
@role_required(*ROLES)
def remove(kind, record_id, line_id):
    found, row = _line_or_404(kind, record_id, line_id)
    budget.remove(row, current_user.id)
    return redirect(url_for("budget.record", kind=kind, record_id=found.id))
