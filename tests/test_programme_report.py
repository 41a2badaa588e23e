"""The programme report: engagements of a period counted by kind, field, department
and kind of expert, experts newly added and newly active; over the profiles the reader
may see; as a page and as an XLSX whose cells never run as formulas."""
import datetime
import io

import openpyxl
import pytest
from conftest import client_as

from expertnet import access, engagement_records, programme_report
from expertnet.db import utcnow


@pytest.fixture
def recorded(add, official):
    this_year = utcnow().year
    port = add(full_name="Trần Văn Cảng", kind="domestic", fields="shipping", visibility="officials")
    coral = add(full_name="Lê Thị San Hô", kind="diaspora", fields="marine_environment;ai")
    hidden = add(full_name="Ẩn Danh", kind="foreign", fields="ai", visibility="curators")

    def engage(expert, kind, day, department="Sở Khoa học và Công nghệ"):
        return engagement_records.save({"kind": kind, "title": "Việc", "department": department,
                                        "starts_on": day}, expert, None, official.id)

    engage(port, "consultation", f"{this_year}-02-01")
    engage(port, "review", f"{this_year}-03-01", "SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    engage(coral, "lecture", f"{this_year}-03-05", "=HYPERLINK(\"http://evil.example\")")
    engage(coral, "lecture", f"{this_year - 1}-12-31")  # before the period
    engage(hidden, "conference_talk", f"{this_year}-04-01")
    start, end = datetime.date(this_year, 1, 1), datetime.date(this_year, 12, 31)
    return {"port": port, "coral": coral, "hidden": hidden, "start": start, "end": end}


def test_counts_over_what_an_official_may_see(recorded, official):
    report = programme_report.build(recorded["start"], recorded["end"],
                                    access.viewer_for(official))
    assert report.engagements == 3
    assert dict(report.by_kind) == {"consultation": 1, "review": 1, "lecture": 1,
                                    "technology_transfer": 0, "joint_research": 0,
                                    "conference_talk": 0, "delegation_visit": 0, "mentoring": 0}
    # One department however it is typed; the top-level fields of each expert.
    assert report.by_department[0] == ("Sở Khoa học và Công nghệ", 2)
    assert dict(report.by_field) == {"seaports": 2, "marine": 1, "ai": 1}
    assert dict(report.by_expert_kind) == {"domestic": 2, "foreign": 0, "diaspora": 1}
    assert dict(report.new_experts) == {"domestic": 1, "foreign": 0, "diaspora": 1}
    # The diaspora expert's first engagement was last year: not newly active.
    assert dict(report.newly_active) == {"domestic": 1, "foreign": 0, "diaspora": 0}


def test_curators_count_every_profile(recorded, make_user):
    report = programme_report.build(recorded["start"], recorded["end"],
                                    access.viewer_for(make_user("curator")))
    assert report.engagements == 4 and dict(report.by_expert_kind)["foreign"] == 1


def test_the_page_and_the_workbook(app, recorded, official, make_user):
    client = client_as(app, official)
    query = f"from={recorded['start']}&to={recorded['end']}"
    page = client.get(f"/engagements/report?{query}", headers={"Accept-Language": "vi"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Báo cáo chương trình" in text and "Ẩn Danh" not in text
    download = client.get(f"/engagements/report.xlsx?{query}", headers={"Accept-Language": "vi"})
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "Báo cáo chương trình" in cells and "Tư vấn" in cells
    formula = [cell for cell in cells if isinstance(cell, str) and "HYPERLINK" in cell]
    assert formula == ["'=HYPERLINK(\"http://evil.example\")"]
    assert client.get("/engagements/report?from=2026-13-01").status_code == 400
    assert client.get("/engagements/report?from=2026-05-01&to=2026-01-01").status_code == 400
    assert client.get("/engagements/report.xlsx?to=nope").status_code == 400
    assert client.get("/engagements/report").status_code == 200  # this year by default
    assert client_as(app, make_user("expert")).get("/engagements/report").status_code == 403
