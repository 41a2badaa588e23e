"""The yearly reports: a department prepares its contribution (computed values of its own
records, corrections with reasons, narrative), submits it and it is frozen; the
Department of Science and Technology consolidates the submissions into the city report;
a record edited after submission does not change the submitted report; the XLSX and DOCX
exports read back in both languages."""
import io
import json

import openpyxl
import pytest
from conftest import client_as, post_form
from docx import Document
from docx.oxml.ns import qn

from expertnet.cooperation import missions
from expertnet.cooperation.models import Mission
from expertnet.core import access
from expertnet.core.models import Audit
from expertnet.programme import indicators, reports
from expertnet.programme.models import ProgrammeReport

DST = "Sở Khoa học và Công nghệ"
FOREIGN_AFFAIRS = "Sở Ngoại vụ"


@pytest.fixture
def foreign_affairs(make_user):
    user = make_user("official")
    user.department = FOREIGN_AFFAIRS
    user.save()
    return user


@pytest.fixture
def trips(official):
    def trip(day, department):
        return missions.save({"direction": "outgoing", "title": f"Đoàn {day}", "country": "KR",
                              "starts_on": day, "department": department}, official.id)
    return [trip("2026-03-01", FOREIGN_AFFAIRS), trip("2026-08-01", FOREIGN_AFFAIRS),
            trip("2026-10-01", DST)]


def _lines(data):
    return {line["code"]: line for line in data["lines"]}


def _form(report, **values):
    return {"version": str(report.version), **values}


def test_a_contribution_counts_its_department_and_freezes_on_submission(app, trips, foreign_affairs,
                                                                         official):
    viewer = access.viewer_for(foreign_affairs)
    report = reports.start(2026, "department", viewer)
    assert reports.start(2026, "department", viewer).id == report.id  # one per year and department
    assert _lines(reports.contents(report))["outgoing_delegations"]["computed"] == 2
    report = reports.save(report, _form(report, correction_trainees="35",
                                        reason_trainees="Hai lớp kỹ năng số",
                                        narrative_results="Hai đoàn đi Hàn Quốc."), foreign_affairs.id)
    line = _lines(reports.contents(report))["trainees"]
    # Computed from the trainings (none recorded), corrected to 35 with its reason.
    assert (line["computed"], line["value"], line["reason"]) == (0, 35, "Hai lớp kỹ năng số")
    report = reports.freeze(report, foreign_affairs.id)
    assert report.status == "submitted" and report.submitted_by == foreign_affairs.id
    # A record edited after submission does not change the submitted report.
    Mission.update(department=DST).where(Mission.id == trips[0].id).execute()
    missions.save({"direction": "outgoing", "title": "Đoàn mới", "country": "KR",
                   "starts_on": "2026-11-01", "department": FOREIGN_AFFAIRS}, official.id)
    frozen = reports.contents(ProgrammeReport.get_by_id(report.id))
    assert _lines(frozen)["outgoing_delegations"]["value"] == 2
    assert frozen["submitted_by"] == foreign_affairs.email
    with pytest.raises(reports.Refused):
        reports.save(report, _form(report), foreign_affairs.id)
    with pytest.raises(reports.Refused):
        reports.freeze(report, foreign_affairs.id)
    actions = {row.action for row in Audit.select()}
    assert {"programme_report.create", "programme_report.update", "programme_report.submit"} <= actions


def test_corrections_need_a_reason_and_a_whole_number(foreign_affairs):
    report = reports.start(2026, "department", access.viewer_for(foreign_affairs))
    with pytest.raises(reports.Problems) as caught:
        reports.save(report, _form(report, correction_trainees="12", correction_engagements="-1",
                                   reason_engagements="x"), foreign_affairs.id)
    assert {name for name, _m in caught.value.errors} == {"reason_trainees", "correction_engagements"}
    with pytest.raises(reports.Problems):
        reports.save(report, {"version": "7"}, foreign_affairs.id)  # a stale form
    assert ProgrammeReport.get_by_id(report.id).corrections == "{}"


def test_the_city_report_consolidates_the_submitted_contributions(app, trips, foreign_affairs,
                                                                   official, make_user):
    with pytest.raises(reports.Refused):
        reports.start(2026, "city", access.viewer_for(foreign_affairs))  # not the lead department
    contribution = reports.start(2026, "department", access.viewer_for(foreign_affairs))
    reports.freeze(contribution, foreign_affairs.id)
    draft = reports.start(2026, "department", access.viewer_for(official))  # not submitted
    city = reports.start(2026, "city", access.viewer_for(official))
    data = reports.contents(city)
    assert _lines(data)["outgoing_delegations"]["computed"] == 3  # every department
    assert [item["department"] for item in data["contributions"]] == [FOREIGN_AFFAIRS]
    assert draft.status == "draft"
    city = reports.freeze(city, official.id)
    assert city.status == "consolidated"
    assert reports.contents(city)["contributions"][0]["values"]["outgoing_delegations"] == 2


def test_the_pages_and_the_exports(app, trips, foreign_affairs, make_user):
    client = client_as(app, foreign_affairs)
    response = post_form(client, "/programme/reports/new", {"year": "2026", "kind": "department"},
                         form_path="/programme/reports")
    assert response.status_code == 303
    report = ProgrammeReport.get()
    path = f"/programme/reports/{report.id}"
    response = post_form(client, path, _form(report, correction_officials_abroad="3",
                                             reason_officials_abroad="Quyết định cử đi học",
                                             narrative_difficulties="=HYPERLINK(\"x\")"))
    assert response.status_code == 303
    assert post_form(client, path, {"version": "9"}).status_code == 400
    # Someone else's department may read it but not change it; an expert may not read it.
    other = client_as(app, make_user("official"))
    assert other.get(path).status_code == 200
    assert post_form(other, path, _form(report), form_path="/programme/reports").status_code == 403
    assert client_as(app, make_user("expert")).get(path).status_code == 403
    response = post_form(client, path + "/submit", {}, form_path=path)
    assert response.status_code == 303
    page = client.get(path).get_data(as_text=True)
    assert "Quyết định cử đi học" in page and "<textarea" not in page
    assert post_form(client, path + "/submit", {}, form_path="/programme/reports").status_code == 403

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(path + ".xlsx").data))
    cells = [[cell for cell in row] for row in workbook.active.iter_rows(values_only=True)]
    text = json.dumps(cells, ensure_ascii=False, default=str)
    assert "BÁO CÁO" in text and FOREIGN_AFFAIRS.upper() in text
    row = next(row for row in cells if row[1] == indicators.by_code("outgoing_delegations").name_vi)
    assert row[4] == 2 and row[6] == 2
    row = next(row for row in cells if row[1] == indicators.by_code("officials_abroad").name_vi)
    assert row[5] == 3 and row[7] == "Quyết định cử đi học"
    assert "'=HYPERLINK(\"x\")" in text.replace('\\"', '"')  # never a formula
    english = openpyxl.load_workbook(io.BytesIO(client.get(path + ".xlsx?lang=en").data))
    assert any(row[0] and "REPORT" in str(row[0]) for row in english.active.iter_rows(values_only=True))

    document = Document(io.BytesIO(client.get(path + ".docx").data))
    paragraphs = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Khó khăn, vướng mắc" in paragraphs and "=HYPERLINK" in paragraphs
    grid = document.tables[1]
    names = [row.cells[1].text for row in grid.rows]
    index = names.index(indicators.by_code("outgoing_delegations").name_vi)
    assert grid.rows[index].cells[6].text == "2"
    signatures = document.tables[-1]
    assert "NGƯỜI LẬP BIỂU" in signatures.rows[0].cells[0].text
    english = Document(io.BytesIO(client.get(path + ".docx?lang=en").data))
    assert "Difficulties and obstacles" in "\n".join(p.text for p in english.paragraphs)
    assert "Independence – Freedom – Happiness" in english.tables[0].rows[0].cells[1].text
    assert client.get("/programme/reports/999999.docx").status_code == 404
    _administrative_layout(document, FOREIGN_AFFAIRS)
    sheet = workbook.active
    assert sheet["A1"].value == "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"
    assert sheet["A2"].value == FOREIGN_AFFAIRS.upper()
    assert sheet["E1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and sheet["E2"].value == MOTTO
    # Printed across on A4, one page wide, the table's header row on every page.
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    header_row = next(row[0].row for row in sheet.iter_rows() if row[1].value == "Chỉ tiêu")
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    assert {cell.font.name for row in sheet.iter_rows() for cell in row if cell.value} == {reports.FONT}


MOTTO = "Độc lập - Tự do - Hạnh phúc"
CM = 360000  # EMU in a centimetre


def _administrative_layout(document, department):
    """What a department head checks before sending it: the national motto and the issuing
    body, A4 with the decree's margins, Times New Roman for every script (no theme font
    that would win over it), tables within the text width whose header row repeats on
    each page and whose rows do not break, the signature block."""
    issuing, motto = document.tables[0].rows[0].cells
    assert issuing.text.split("\n") == ["ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG", department.upper()]
    assert motto.text.split("\n") == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", MOTTO]
    assert "Số:" in document.tables[0].rows[1].cells[0].text
    assert "Hải Phòng, ngày … tháng … năm" in document.tables[0].rows[1].cells[1].text
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert any(text.startswith("Kết quả thực hiện chương trình hợp tác năm") for text in texts)
    section = document.sections[0]
    assert (round(section.page_width / CM, 1), round(section.page_height / CM, 1)) == (21, 29.7)
    assert (round(section.left_margin / CM, 1), round(section.right_margin / CM, 1)) == (3, 1.5)
    width = section.page_width - section.left_margin - section.right_margin
    for name in ("Normal", "Heading 2"):
        fonts = document.styles[name].element.rPr.rFonts
        assert {fonts.get(qn(f"w:{script}")) for script in ("ascii", "hAnsi", "eastAsia", "cs")} == {
            "Times New Roman"}, name
        assert not any(key.endswith("Theme") or key.endswith("theme") for key in fonts.attrib), name
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings[:2] == ["I. Các chỉ tiêu", "II. Kết quả đạt được"]
    for table in document.tables[1:-1]:
        columns = table._tbl.tblGrid.findall(qn("w:gridCol"))
        assert sum(int(column.get(qn("w:w"))) for column in columns) * 635 <= width  # twips → EMU
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows[1:])
    signatures = document.tables[-1]
    assert [cell.text for cell in signatures.rows[0].cells] == ["NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ"]


def test_the_city_report_exports_the_contributions_within_the_page(app, trips, foreign_affairs,
                                                                     official):
    reports.freeze(reports.start(2026, "department", access.viewer_for(foreign_affairs)),
                   foreign_affairs.id)
    city = reports.freeze(reports.start(2026, "city", access.viewer_for(official)), official.id)
    client = client_as(app, official)
    document = Document(io.BytesIO(client.get(f"/programme/reports/{city.id}.docx").data))
    _administrative_layout(document, official.department)
    grid = document.tables[2]  # one row per indicator and department: as wide however many reported
    assert [cell.text for cell in grid.rows[0].cells] == ["STT", "Chỉ tiêu", "Đơn vị tính",
                                                         "Cơ quan, đơn vị", "Số liệu báo cáo"]
    name = indicators.by_code("outgoing_delegations").name_vi
    row = next(row for row in grid.rows if row.cells[1].text == name)
    assert (row.cells[3].text, row.cells[4].text) == (FOREIGN_AFFAIRS, "2")
    assert len(grid.rows) == 1 + len(reports.contents(city)["lines"])
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/programme/reports/{city.id}.xlsx").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert any(row[1] == name and row[3] == FOREIGN_AFFAIRS and row[4] == 2 for row in rows)


def test_a_refused_draft_names_the_indicator_and_keeps_what_was_typed(app, foreign_affairs):
    client = client_as(app, foreign_affairs)
    post_form(client, "/programme/reports/new", {"year": "2027", "kind": "department"},
              form_path="/programme/reports")
    report = ProgrammeReport.get()
    path = f"/programme/reports/{report.id}"
    page = post_form(client, path, _form(report, correction_trainees="40",
                                         narrative_results="Kết quả năm 2027"))
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert f"{indicators.by_code('trainees').name_vi}: Hãy ghi lý do điều chỉnh." in text
    assert "Kết quả năm 2027" in text and ProgrammeReport.get().narrative == "{}"
