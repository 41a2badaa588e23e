"""``/statistics`` (the page) and ``/statistics/<chart>.csv`` (one chart's numbers)."""
import csv
import io
import json

from flask import Response, abort, render_template, request

from expertnet.core import cells, vocab
from expertnet.core.access import current_viewer
from expertnet.core.i18n import _, current_language
from expertnet.programme import statistics as dashboard
from expertnet.programme.controllers.statistics import bp
from expertnet.web.guards import role_required

ROLES = ("official", "curator", "admin")


def _kind():
    """The kind filter: a known kind or "" (every kind); anything else is ignored."""
    kind = request.args.get("kind", "")
    return kind if kind in vocab.KINDS else ""


def _chart_data(chart, exact, language, growth=()):
    """What the chart script draws (a data attribute): labels and datasets; a
    suppressed count is null (no bar) with its text for the tooltip."""
    if chart.key == "growth":
        return {"type": "line",
                "labels": [dashboard.month_label(month, language) for month, _a, _t in growth],
                "datasets": [
                    {"label": _("Profiles added"), "values": [added for _m, added, _t in growth]},
                    {"label": _("Profiles in all"), "values": [total for _m, _a, total in growth]},
                ]}
    rows = [row for row in chart.rows if row.level == 0]
    shown = [row.shown(exact) for row in rows]
    return {"type": "bar", "horizontal": len(rows) > 8,
            "labels": [row.label for row in rows],
            "datasets": [{
                "label": _unit(chart),
                "values": [value if isinstance(value, int) else None for value in shown],
                "notes": ["" if isinstance(value, int) else _("fewer than 3") for value in shown],
            }]}


def _unit(chart):
    """What a chart's numbers count, as its column is headed."""
    return _("Organisations") if chart.counts_organisations else _("Profiles")


@bp.get("/statistics")
@role_required(*ROLES)
def page():
    viewer = current_viewer()
    language = current_language()
    kind = _kind()
    board = dashboard.build(viewer, language, kind)
    data = {key: json.dumps(_chart_data(chart, board.exact, language, board.growth),
                            ensure_ascii=False)
            for key, chart in board.charts.items()}
    world = None
    if "diaspora_country" in board.charts:
        world = dashboard.choropleth(board.charts["diaspora_country"], board.exact, language)
    return render_template("statistics/page.html", board=board, data=data, world=world,
                           kinds=vocab.KINDS_PLURAL, bins=dashboard.MAP_BINS,
                           month_label=lambda key: dashboard.month_label(key, language))


@bp.get("/statistics/<chart>.csv")
@role_required(*ROLES)
def chart_csv(chart):
    if chart not in dashboard.CHARTS:
        abort(404)
    viewer = current_viewer()
    language = current_language()
    kind = _kind()
    board = dashboard.build(viewer, language, kind, only=[chart])
    if chart not in board.charts:
        abort(404)  # a diaspora chart asked for another kind
    return _csv_response(board, chart, language)


def _csv_response(board, key, language):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # UTF-8 with BOM: spreadsheet programs then read Vietnamese
    writer = csv.writer(buffer, lineterminator="\r\n")
    if key == "growth":
        writer.writerow([_("Month"), _("Profiles added"), _("Profiles in all")])
        for month, added, total in board.growth:
            writer.writerow([month, added, total])
    else:
        header = [_("Code"), str(dashboard.CHARTS[key]), _unit(board.charts[key])]
        if key == "field":
            header.insert(1, _("Top-level field"))
        writer.writerow(header)
        parent = ""
        for row in board.charts[key].rows:
            cells_out = [cells.neutralise(row.code), cells.neutralise(row.label),
                         row.shown(board.exact)]
            if key == "field":
                parent = row.code if row.level == 0 else parent
                cells_out.insert(1, parent if row.level else "")
            writer.writerow(cells_out)
    name = f"statistics-{key}{'-' + board.kind if board.kind else ''}-{language}.csv"
    return Response(buffer.getvalue().encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
