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


def contribution_lines(data, language):
    """``[(number, indicator, unit, [(department, value)])]``: the departments' reported
    values indicator by indicator, a layout that keeps to the page's width however many
    departments submitted (the exports; the page shows :func:`contribution_rows`)."""
    found = []
    for number, line in enumerate(data["lines"], start=1):
        values = [(item["department"], _number(item["values"].get(line["code"])))
                  for item in data.get("contributions", [])]
        found.append((number, _name(line, language), _name(line, language, "unit"), values))
    return found


def contribution_header():
    return [_("No."), _("Indicator"), _("Unit"), _("Department"), _("Value reported")]


def signature_block(data):
    where = _("Hai Phong, day … month … year %(year)s", year=data["year"] + 1)
    return where, [_("Prepared by"), _("Head of the department")], _("(signature and full name)")


def heading_block(data):
    """The administrative heading: ``(issuing body lines, national motto lines, number)``;
    the issuing body is the city's People's Committee above the department."""
    return ((_("HAI PHONG CITY PEOPLE’S COMMITTEE"), data["department"].upper()),
            (_("SOCIALIST REPUBLIC OF VIET NAM"), _("Independence – Freedom – Happiness")),
            _("No.: ……/BC"))


def title_lines(data):
    """The kind of document (upper case) and what it is about, as an administrative
    document titles itself."""
    return _("REPORT"), _("Results of the cooperation programme in %(year)s", year=data["year"])


def section_titles(data):
    """The numbered sections of the document, in order: ``[(key, title)]``."""
    keys = [("indicators", _("Indicators")), *SECTIONS.items()]
    if data["kind"] == "city":
        keys.append(("contributions", _("Contributions of the departments")))
    return [(key, f"{ROMAN[index]}. {title}") for index, (key, title) in enumerate(keys)]


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
# The fonts Vietnamese administrative documents are written in (Decree 30/2020/ND-CP:
# Times New Roman, Unicode); a reader without it gets a metric-compatible serif.
FONT = "Times New Roman"
# Column widths (cm) of the indicator table on an A4 page with 3 cm and 1.5 cm margins.
# Sized so that no word breaks in either language at 10 pt ("organisations", "Corrected").
INDICATOR_WIDTHS = (0.9, 3.9, 2.3, 1.4, 1.9, 2.0, 1.8, 2.3)
CONTRIBUTION_WIDTHS = (0.9, 5.8, 2.3, 5.1, 2.4)
TABLE_POINTS = 10


def to_xlsx(data, language):
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = str(_("Report"))[:31]
    wrap = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(wrap_text=True, horizontal="center", vertical="top")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    body, motto, number = heading_block(data)
    sheet.append([str(body[0]), "", "", "", str(motto[0])])
    sheet.append([str(body[1]), "", "", "", str(motto[1])])
    sheet.append([str(number), "", "", "", signature_block(data)[0]])
    for row in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        sheet.merge_cells(start_row=row, start_column=5, end_row=row, end_column=8)
        for column in (1, 5):
            sheet.cell(row=row, column=column).alignment = centred
            sheet.cell(row=row, column=column).font = Font(name=FONT, bold=row == 2 or (
                row == 1 and column == 5), italic=row == 3 and column == 5)
    kind, about = title_lines(data)
    sheet.append([])
    # The title keeps column A: it is the first thing a reader of the sheet looks for.
    sheet.append([f"{str(kind).upper()}: {about}".upper()])
    sheet.cell(row=sheet.max_row, column=1).font = Font(name=FONT, bold=True, size=13)
    sheet.append([_period(data)])
    sheet.append([_status_line(data)])
    titles = dict(section_titles(data))

    def section(key):
        sheet.append([])
        sheet.append([titles[key]])
        sheet.cell(row=sheet.max_row, column=1).font = Font(name=FONT, bold=True)

    def grid_row(values, bold=False):
        sheet.append([safe_cell(value) if isinstance(value, str) else value for value in values])
        for cell in sheet[sheet.max_row][:len(values)]:
            cell.border = box
            cell.alignment = centred if bold else wrap
            cell.font = Font(name=FONT, bold=bold)

    section("indicators")
    grid_row(table_header(), bold=True)
    header_row = sheet.max_row
    for row in table_rows(data, language):
        grid_row(row)
    for key in SECTIONS:
        section(key)
        for paragraph in (data["narrative"].get(key) or "").split("\n"):
            # In column B (wide, wrapped) so that a long paragraph is printed whole.
            sheet.append(["", safe_cell(paragraph)])
            sheet.cell(row=sheet.max_row, column=2).alignment = wrap
    if data["kind"] == "city":
        section("contributions")
        grid_row(contribution_header(), bold=True)
        for number, name, unit, values in contribution_lines(data, language):
            for department, value in values or [("", "")]:
                grid_row([number, name, unit, department, value])
    where, signers, hint = signature_block(data)
    sheet.append([])
    sheet.append(["", str(signers[0]).upper(), "", "", str(signers[1]).upper()])
    sheet.append(["", hint, "", "", hint])
    for row in (sheet.max_row - 1, sheet.max_row):
        sheet.merge_cells(start_row=row, start_column=5, end_row=row, end_column=8)
        for column in (2, 5):
            sheet.cell(row=row, column=column).alignment = centred
            sheet.cell(row=row, column=column).font = Font(name=FONT, bold=row != sheet.max_row,
                                                           italic=row == sheet.max_row)
    widths = dict(zip("ABCDEFGH", (6, 45, 14, 12, 14, 14, 14, 30), strict=True))
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    _row_heights(sheet, widths)
    for row in sheet.iter_rows():
        for cell in row:
            if cell.font.name != FONT:
                cell.font = Font(name=FONT, bold=cell.font.bold, italic=cell.font.italic,
                                 size=cell.font.size)
    # Printed on A4 across, one page wide, the table's header repeated on every page.
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row_heights(sheet, widths):
    """The height of each row whose wrapped text takes several lines: a spreadsheet
    opening the file does not measure them itself, and the text would spill over the next
    row (about 1.3 characters of Times New Roman 11 pt fit in a unit of column width)."""
    import math

    merged = {range_.min_row for range_ in sheet.merged_cells.ranges}
    for row in sheet.iter_rows():
        if row[0].row in merged:
            continue
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                room = widths.get(cell.column_letter, 10) * 1.3
                lines = max(lines, sum(max(1, math.ceil(len(part) / room))
                                       for part in cell.value.split("\n")))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = 15 * lines


def _fonts(element):
    """Times New Roman for every script of ``element``'s runs (a style or a run's
    properties); the theme's fonts, which win over a named font, are taken off."""
    from docx.oxml.ns import qn

    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.insert(0, fonts)
    for name in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(name), None)
    for name in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(name), FONT)


def _paragraph(container, text, bold=False, italic=False, size=None, align=None, after=None):
    from docx.shared import Pt

    paragraph = container.add_paragraph()
    run = paragraph.add_run(str(text))
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _cell(cell, text, bold=False, italic=False, size=TABLE_POINTS, align=None):
    """Write ``text`` (lines) into a table cell, replacing what it held."""
    from docx.shared import Pt

    lines = str(text).split("\n")
    first = cell.paragraphs[0]
    for index, line in enumerate(lines):
        paragraph = first if index == 0 else cell.add_paragraph()
        run = paragraph.add_run(line)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        paragraph.paragraph_format.space_after = Pt(0)
        if align is not None:
            paragraph.alignment = align


def _grid(document, header):
    """A bordered table of fixed column widths whose header row repeats on each page and
    whose rows do not break across pages."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    properties = table.rows[0]._tr.get_or_add_trPr()
    properties.append(properties.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    # Narrow cell margins (1 mm): the columns keep their words whole.
    margins = table._tbl.tblPr.makeelement(qn("w:tblCellMar"), {})
    for side in ("left", "right"):
        margins.append(margins.makeelement(qn(f"w:{side}"), {qn("w:w"): "57", qn("w:type"): "dxa"}))
    table._tbl.tblPr.append(margins)
    return table


def _row(table, values, aligns=()):
    from docx.oxml.ns import qn

    row = table.add_row()
    properties = row._tr.get_or_add_trPr()
    properties.append(properties.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))
    for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
        _cell(cell, value, align=aligns[index] if index < len(aligns) else None)
    return row


def _widths(table, widths):
    """Fixed column widths (cm): the grid's (LibreOffice reads those) and each cell's
    (Word reads these)."""
    from docx.shared import Cm

    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def to_docx(data, language):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    centre, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    document = Document()
    # A4, margins of Decree 30/2020/ND-CP (top and bottom 2 cm, left 3 cm, right 1.5 cm).
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.size = Pt(13)
    _fonts(normal.element)
    normal.paragraph_format.space_after = Pt(6)
    for name in ("Heading 2", "Table Grid"):
        style = document.styles[name]
        _fonts(style.element)
        if style.type == 1:  # a paragraph style: the section titles
            style.font.size, style.font.bold, style.font.italic = Pt(13), True, False
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(12), Pt(6)

    body, motto, number = heading_block(data)
    where, signers, hint = signature_block(data)
    heading = document.add_table(rows=2, cols=2)
    heading.autofit = False
    (left, right_cell), (number_cell, place_cell) = (row.cells for row in heading.rows)
    _cell(left, body[0], size=12, align=centre)
    left.add_paragraph()
    _cell_line(left, body[1], bold=True, size=12, align=centre)
    _cell(right_cell, motto[0], bold=True, size=12, align=centre)
    right_cell.add_paragraph()
    _cell_line(right_cell, motto[1], bold=True, size=13, align=centre)
    _cell(number_cell, number, size=13, align=centre)
    _cell(place_cell, where, italic=True, size=13, align=centre)
    _widths(heading, (7, 9.5))

    kind, about = title_lines(data)
    title = _paragraph(document, str(kind).upper(), bold=True, size=14, align=centre, after=0)
    title.paragraph_format.space_before = Pt(18)
    _paragraph(document, about, bold=True, size=14, align=centre, after=6)
    _paragraph(document, _period(data), italic=True, align=centre, after=0)
    _paragraph(document, _status_line(data), italic=True, size=12, align=centre, after=12)

    titles = dict(section_titles(data))
    document.add_heading(titles["indicators"], level=2)
    table = _grid(document, table_header())
    numbers = (centre, None, centre, right, right, right, right, None)
    for row in table_rows(data, language):
        _row(table, [str(value) for value in row], numbers)
    _widths(table, INDICATOR_WIDTHS)
    for key in SECTIONS:
        document.add_heading(titles[key], level=2)
        text = data["narrative"].get(key) or ""
        for paragraph in (text.split("\n") if text else [str(_("Nothing written."))]):
            line = document.add_paragraph(paragraph)
            line.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            line.paragraph_format.first_line_indent = Cm(1)
    if data["kind"] == "city":
        document.add_heading(titles["contributions"], level=2)
        if data.get("contributions"):
            grid = _grid(document, contribution_header())
            for number, name, unit, values in contribution_lines(data, language):
                first = None
                for department, value in values:
                    row = _row(grid, ["", "", "", department, str(value)],
                               (centre, None, centre, None, right))
                    first = first or row
                    if row is not first:
                        for column in range(3):
                            first.cells[column].merge(row.cells[column])
                for column, text in enumerate((number, name, unit)):
                    _cell(first.cells[column], text, align=centre if column != 1 else None)
                    # The merge left the first, empty paragraph of the cell above the text.
                    empty = first.cells[column].paragraphs[0]
                    if not empty.text and len(first.cells[column].paragraphs) > 1:
                        empty._p.getparent().remove(empty._p)
            _widths(grid, CONTRIBUTION_WIDTHS)
        else:
            document.add_paragraph(str(_("No department has submitted its contribution yet.")))

    document.add_paragraph()
    signatures = document.add_table(rows=3, cols=2)
    signatures.autofit = False
    for column, signer in enumerate(signers):
        _cell(signatures.rows[0].cells[column], str(signer).upper(), bold=True, size=13, align=centre)
        _cell(signatures.rows[1].cells[column], hint, italic=True, size=13, align=centre)
        # Room for the signature (and the seal) above the name written by hand.
        _cell(signatures.rows[2].cells[column], "\n\n\n", size=13)
    _widths(signatures, (7.5, 9))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _cell_line(cell, text, bold=False, size=12, align=None):
    """Write ``text`` into the last (empty) paragraph of ``cell``."""
    from docx.shared import Pt

    paragraph = cell.paragraphs[-1]
    run = paragraph.add_run(str(text))
    run.bold, run.font.size = bold, Pt(size)
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
