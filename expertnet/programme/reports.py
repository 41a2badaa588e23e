"""The yearly reports: a department's contribution for a year (the values computed from
its records, its corrections with their reasons, a narrative per section), submitted; and
the city's report, which the Department of Science and Technology (``config
PROGRAMME_LEAD_DEPARTMENT``) consolidates from the submitted contributions.

Submitting or consolidating freezes a report: ``contents`` is then the snapshot written at
that moment (every number, name and text, who and when), and a record changed later does
not change it. Exports (XLSX, DOCX) are made from ``contents`` in the language asked for
(the caller sets the locale); a draft's export says it is a draft.
"""
import datetime
import io
import json

from flask import current_app

from expertnet.accounts.models import User
from expertnet.core import audit
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _, _l, format_day, format_moment
from expertnet.core.text import clean, clean_multiline, fold, parse_id
from expertnet.programme import indicators
from expertnet.programme.computations import YEARS, year_range
from expertnet.programme.models import IndicatorValue, ProgrammeReport
from expertnet.programme.report import safe_cell

SECTIONS = {
    "results": _l("Results achieved"),
    "difficulties": _l("Difficulties and obstacles"),
    "proposals": _l("Proposals and recommendations"),
    "next_year": _l("Tasks for the next year"),
}
KINDS = {"department": _l("Department's contribution"), "city": _l("City report")}
STATUSES = {"draft": _l("Draft"), "submitted": _l("Submitted"), "consolidated": _l("Consolidated")}
MAX_NARRATIVE = 20_000
MAX_REASON = 1_000


class Problems(indicators.Problems):
    pass


class Refused(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# -- who -----------------------------------------------------------------------------------
def lead_department():
    return clean(current_app.config["PROGRAMME_LEAD_DEPARTMENT"])


def is_lead(viewer):
    """Admins and the officials of the consolidating department."""
    if viewer.role == "admin":
        return True
    mine = fold(indicators.department_of(viewer.user_id))
    return viewer.role == "official" and bool(mine) and mine == fold(lead_department())


def may_edit(viewer, report):
    if report.frozen:
        return False
    if report.kind == "city":
        return is_lead(viewer)
    if viewer.role == "admin":
        return True
    return viewer.role == "official" and fold(indicators.department_of(viewer.user_id)) \
        == report.department_key


def listing(year=None):
    query = ProgrammeReport.select().order_by(ProgrammeReport.year.desc(), ProgrammeReport.kind.desc(),
                                              ProgrammeReport.department_key)
    if year:
        query = query.where(ProgrammeReport.year == year)
    return list(query)


# -- writes --------------------------------------------------------------------------------
def start(year, kind, viewer):
    """The draft of ``viewer``'s department (or of the city) for ``year``: the one that
    exists, or a new one."""
    if year not in YEARS:
        raise Refused(_("Choose a year of the programme."))
    if kind == "city":
        if not is_lead(viewer):
            raise Refused(_("Only the consolidating department prepares the city report."))
        department = lead_department()
    else:
        department = indicators.department_of(viewer.user_id)
        if viewer.role not in ("official", "admin") or not department:
            raise Refused(_("Your account names no department: ask an administrator to set it."))
    key = fold(department)
    found = ProgrammeReport.get_or_none((ProgrammeReport.year == year) & (ProgrammeReport.kind == kind)
                                        & (ProgrammeReport.department_key == key))
    if found is not None:
        return found
    with database.atomic():
        report = ProgrammeReport.create(year=year, kind=kind, department=department,
                                        department_key=key, created_by=viewer.user_id)
        audit.record("programme_report.create", actor_id=viewer.user_id,
                     changes={"report": report.id, "year": year, "kind": kind})
    return report


def save(report, raw, actor):
    """Corrections (a value and its reason per indicator) and the narrative, from a form."""
    if report.frozen:
        raise Refused(_("This report is frozen: it was submitted."))
    errors, corrections = [], {}
    for indicator in indicators.ordered():
        text = clean(raw.get(f"correction_{indicator.code}") or "")
        reason = clean(raw.get(f"reason_{indicator.code}") or "")
        if not text:
            continue
        value = parse_id(text)
        if value is None or value > indicators.MAX_VALUE:
            errors.append((f"correction_{indicator.code}",
                           _("Enter a whole number from %(low)s to %(high)s.", low=0,
                             high=indicators.MAX_VALUE)))
            continue
        if not reason:
            errors.append((f"reason_{indicator.code}", _("Give the reason for the correction.")))
        elif len(reason) > MAX_REASON:
            errors.append((f"reason_{indicator.code}",
                           _("is too long (%(length)s characters; at most %(limit)s)",
                             length=len(reason), limit=MAX_REASON)))
        corrections[indicator.code] = {"value": value, "reason": reason}
    narrative = {}
    for section in SECTIONS:
        text = clean_multiline(raw.get(f"narrative_{section}"))
        if len(text) > MAX_NARRATIVE:
            errors.append((f"narrative_{section}", _("is too long (%(length)s characters; at most %(limit)s)",
                                                     length=len(text), limit=MAX_NARRATIVE)))
        narrative[section] = text
    if parse_id(raw.get("version")) != report.version:
        errors.append(("version", _("Someone changed this report meanwhile: reload the page and make "
                                    "your change again.")))
    if errors:
        raise Problems(errors)
    with database.atomic():
        changed = (ProgrammeReport.update(corrections=json.dumps(corrections, ensure_ascii=False),
                                          narrative=json.dumps(narrative, ensure_ascii=False),
                                          updated_at=utcnow(), version=ProgrammeReport.version + 1)
                   .where((ProgrammeReport.id == report.id) & (ProgrammeReport.version == report.version)
                          & (ProgrammeReport.status == "draft")).execute())
        if not changed:
            raise Problems([("version", _("Someone changed this report meanwhile: reload the page and "
                                          "make your change again."))])
        audit.record("programme_report.update", actor_id=actor,
                     changes={"report": report.id, "corrections": sorted(corrections)})
    return ProgrammeReport.get_by_id(report.id)


def freeze(report, actor):
    """Submit a department's contribution, or consolidate the city report: its snapshot
    is written and it changes no more."""
    if report.frozen:
        raise Refused(_("This report is frozen: it was submitted."))
    status = "consolidated" if report.kind == "city" else "submitted"
    user = User.get_or_none(User.id == actor)
    now = utcnow()
    snapshot = build(report)
    snapshot.update(status=status, submitted_at=now.isoformat(),
                    submitted_by=user.email if user else "",
                    submitted_by_department=clean(user.department) if user else "")
    with database.atomic():
        changed = (ProgrammeReport.update(status=status, submitted_by=actor, submitted_at=now,
                                          snapshot=json.dumps(snapshot, ensure_ascii=False),
                                          version=ProgrammeReport.version + 1, updated_at=now)
                   .where((ProgrammeReport.id == report.id) & (ProgrammeReport.status == "draft"))
                   .execute())
        if not changed:
            raise Refused(_("This report is frozen: it was submitted."))
        audit.record(f"programme_report.{'consolidate' if report.kind == 'city' else 'submit'}",
                     actor_id=actor, changes={"report": report.id, "year": report.year})
    return ProgrammeReport.get_by_id(report.id)


# -- what a report says ----------------------------------------------------------------------
def build(report):
    """The report's contents as they stand now (JSON-ready)."""
    key = None if report.kind == "city" else report.department_key
    corrections = report.correction_values
    entries = {row.indicator_id: row.value for row in IndicatorValue.select()
               .where(IndicatorValue.year == report.year)}
    lines = []
    for indicator in indicators.ordered():
        computation = indicators.computation_of(indicator)
        if computation is not None:
            computed = indicators.value_of(computation, *year_range(report.year), key)
        elif report.kind == "city":
            computed = entries.get(indicator.id)
        else:
            computed = None
        correction = corrections.get(indicator.code)
        lines.append({
            "code": indicator.code, "name_vi": indicator.name_vi, "name_en": indicator.name_en,
            "unit_vi": indicator.unit_vi, "unit_en": indicator.unit_en,
            "target": indicator.yearly_targets.get(report.year),
            "entered": computation is None, "computed": computed,
            "correction": correction["value"] if correction else None,
            "reason": correction["reason"] if correction else "",
            "value": correction["value"] if correction else computed,
        })
    data = {"year": report.year, "kind": report.kind, "department": report.department,
            "status": report.status, "lines": lines,
            "narrative": {section: report.narrative_texts.get(section, "") for section in SECTIONS}}
    if report.kind == "city":
        data["contributions"] = contributions(report.year)
    return data


def contributions(year):
    """The submitted contributions of ``year`` (their snapshots)."""
    found = []
    for row in (ProgrammeReport.select().where((ProgrammeReport.year == year)
                                               & (ProgrammeReport.kind == "department")
                                               & (ProgrammeReport.status == "submitted"))
                .order_by(ProgrammeReport.department_key)):
        frozen = row.frozen_contents
        found.append({"department": frozen["department"], "submitted_at": frozen["submitted_at"],
                      "submitted_by": frozen["submitted_by"],
                      "values": {line["code"]: line["value"] for line in frozen["lines"]},
                      "narrative": frozen["narrative"]})
    return found


def contents(report):
    return report.frozen_contents or build(report)


# -- exports ---------------------------------------------------------------------------------
def _name(line, language, key="name"):
    return line[f"{key}_vi"] if language == "vi" else (line[f"{key}_en"] or line[f"{key}_vi"])


def _title(data):
    return _("Report on the results of the cooperation programme in %(year)s", year=data["year"])


def _status_line(data):
    if data["status"] == "draft":
        return _("DRAFT: not submitted; the numbers may still change.")
    moment = format_moment(datetime.datetime.fromisoformat(data["submitted_at"]))
    if data["status"] == "consolidated":
        return _("Consolidated on %(moment)s by %(who)s", moment=moment, who=data["submitted_by"])
    return _("Submitted on %(moment)s by %(who)s", moment=moment, who=data["submitted_by"])


def _period(data):
    start, end = year_range(data["year"])
    return _("Period: from %(start)s to %(end)s", start=format_day(start), end=format_day(end))


def _number(value):
    return "" if value is None else value


def table_header():
    return [_("No."), _("Indicator"), _("Unit"), _("Target for the year"),
            _("Computed from the records"), _("Corrected value"), _("Value reported"),
            _("Reason for the correction")]


def table_rows(data, language):
    rows = []
    for number, line in enumerate(data["lines"], start=1):
        computed = line["computed"]
        if computed is None and line["entered"]:
            computed = _("entered") if data["kind"] == "city" else _("to report")
        rows.append([number, _name(line, language), _name(line, language, "unit"),
                     _number(line["target"]), _number(computed), _number(line["correction"]),
                     _number(line["value"]), line["reason"]])
    return rows


def contribution_rows(data, language):
    """``[header, *rows]``: each department's reported value per indicator."""
    names = [_name(line, language) for line in data["lines"]]
    codes = [line["code"] for line in data["lines"]]
    header = [_("Department"), *names]
    rows = [[item["department"], *[_number(item["values"].get(code)) for code in codes]]
            for item in data.get("contributions", [])]
    return [header, *rows]


def signature_block(data):
    where = _("Hai Phong, day … month … year %(year)s", year=data["year"] + 1)
    return where, [_("Prepared by"), _("Head of the department")], _("(signature and full name)")


def to_xlsx(data, language):
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = str(_("Report"))[:31]
    bold = Font(bold=True)
    sheet.append([data["department"].upper()])
    sheet.append([_title(data).upper()])
    sheet["A2"].font = Font(bold=True, size=13)
    sheet.append([_period(data)])
    sheet.append([_status_line(data)])
    sheet.append([])
    sheet.append(table_header())
    for cell in sheet[sheet.max_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table_rows(data, language):
        sheet.append([safe_cell(value) if isinstance(value, str) else value for value in row])
    for section, title in SECTIONS.items():
        sheet.append([])
        sheet.append([str(title)])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for paragraph in (data["narrative"].get(section) or "").split("\n"):
            sheet.append([safe_cell(paragraph)])
    if data["kind"] == "city":
        sheet.append([])
        sheet.append([str(_("Contributions of the departments"))])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for row in contribution_rows(data, language):
            sheet.append([safe_cell(value) if isinstance(value, str) else value for value in row])
    where, signers, hint = signature_block(data)
    sheet.append([])
    sheet.append(["", "", "", "", "", where])
    sheet.append(["", signers[0], "", "", "", signers[1]])
    sheet.append(["", hint, "", "", "", hint])
    for column, width in zip("ABCDEFGH", (6, 50, 14, 12, 14, 14, 14, 40), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_docx(data, language):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    heading = document.add_table(rows=1, cols=2)
    left, right = heading.rows[0].cells
    left.text = "\n".join((_("HAI PHONG CITY PEOPLE’S COMMITTEE"), data["department"].upper()))
    right.text = "\n".join((_("SOCIALIST REPUBLIC OF VIET NAM"), _("Independence – Freedom – Happiness")))
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in paragraph.runs:
                run.bold = True
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_title(data).upper())
    run.bold = True
    for text in (_period(data), _status_line(data)):
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading(str(_("Indicators")), level=2)
    header = table_header()
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table_rows(data, language):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    for section, section_title in SECTIONS.items():
        document.add_heading(str(section_title), level=2)
        text = data["narrative"].get(section) or ""
        for paragraph in (text.split("\n") if text else [str(_("Nothing written."))]):
            document.add_paragraph(paragraph)
    if data["kind"] == "city":
        document.add_heading(str(_("Contributions of the departments")), level=2)
        rows = contribution_rows(data, language)
        if len(rows) > 1:
            grid = document.add_table(rows=0, cols=len(rows[0]))
            grid.style = "Table Grid"
            for row in rows:
                for cell, value in zip(grid.add_row().cells, row, strict=True):
                    cell.text = str(value)
        else:
            document.add_paragraph(str(_("No department has submitted its contribution yet.")))
    where, signers, hint = signature_block(data)
    place = document.add_paragraph(where)
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signatures = document.add_table(rows=2, cols=2)
    for column, signer in enumerate(signers):
        signatures.rows[0].cells[column].text = str(signer).upper()
        signatures.rows[1].cells[column].text = str(hint)
        for row in signatures.rows:
            row.cells[column].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
