"""The programme report: engagements of a period counted by kind, field, department
and kind of expert, experts newly added and newly active; over the profiles the reader
may see; as a page and as an XLSX whose cells never run as formulas."""
import datetime
import io

import openpyxl
import pytest
from conftest import client_as

from expertnet.cooperation import engagements as engagement_records
from expertnet.core import access
from expertnet.core.db import utcnow
from expertnet.programme import report as programme_report


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


@pytest.fixture
def cooperation(recorded, official):
    """Events, participations, delegations and agreements of this year (and one of last
    year, one draft and one hidden participant that must not count for officials)."""
    from expertnet.cooperation import agreements, events
    from expertnet.cooperation import missions as delegations

    year = recorded["start"].year

    def event(kind, day):
        return events.save({"kind": kind, "title": f"Sự kiện {kind}", "starts_on": day,
                            "department": "Sở Khoa học và Công nghệ"}, official.id)

    conference = event("conference", f"{year}-05-01")
    workshop = event("workshop", f"{year}-06-01")
    event("technology_fair", f"{year - 1}-11-01")  # before the period
    came = [(recorded["port"], "speaker", "attended"), (recorded["coral"], "participant", "attended")]
    for expert, role, attendance in came:
        row = events.invite(conference, expert, official, role)
        events.record_attendance(row, attendance, official.id)
    absent = events.invite(workshop, recorded["port"], official, "panellist")
    events.record_attendance(absent, "absent", official.id)
    # A curators-only profile that came: curators count it, officials do not.
    from expertnet.cooperation.models import EventInvitation
    EventInvitation.create(event=workshop.id, expert=recorded["hidden"].id, role="speaker",
                           status="accepted", attendance="attended")
    for direction, country, day in (("outgoing", "JP", f"{year}-04-01"),
                                    ("outgoing", "JP", f"{year}-07-01"),
                                    ("outgoing", "KR", f"{year}-08-01"),
                                    ("incoming", "FR", f"{year}-09-01"),
                                    ("incoming", "FR", f"{year - 1}-09-01")):
        delegations.save({"direction": direction, "title": "Đoàn", "country": country,
                          "starts_on": day, "department": "Sở Ngoại vụ"}, official.id)
    for country, status, day in (("JP", "signed", f"{year}-03-01"), ("VN", "signed", f"{year}-04-01"),
                                 ("VN", "ended", f"{year}-05-01"), ("KR", "draft", ""),
                                 ("FR", "signed", f"{year - 1}-03-01")):
        agreements.save({"title": "Thỏa thuận", "partner": "Đối tác", "partner_country": country,
                         "status": status, "signed_on": day, "department": "Sở Ngoại vụ"},
                        official.id)
    return recorded


def test_events_delegations_and_agreements_are_counted(cooperation, official, make_user):
    report = programme_report.build(cooperation["start"], cooperation["end"],
                                    access.viewer_for(official))
    assert report.events == 2
    assert dict(report.events_by_kind) == {"conference": 1, "workshop": 1, "technology_fair": 0,
                                           "supply_demand_session": 0}
    # Only attendance counts; the absent panellist and the hidden speaker do not.
    assert report.participations == 2
    assert dict(report.participations_by_role) == {"speaker": 1, "panellist": 0, "participant": 1}
    assert dict(report.participations_by_expert_kind) == {"domestic": 1, "foreign": 0,
                                                          "diaspora": 1}
    assert report.delegations == 4
    assert dict(report.delegations_by_direction) == {"outgoing": 3, "incoming": 1}
    assert report.delegations_by_country == [(("outgoing", "JP"), 2), (("outgoing", "KR"), 1),
                                             (("incoming", "FR"), 1)]
    # Drafts and last year's agreement do not count; an ended one was signed this year.
    assert report.agreements == 3
    assert dict(report.agreements_by_scope) == {"domestic": 2, "foreign": 1}
    curators = programme_report.build(cooperation["start"], cooperation["end"],
                                      access.viewer_for(make_user("curator")))
    assert curators.participations == 3 and dict(curators.participations_by_expert_kind)["foreign"] == 1


@pytest.mark.parametrize("language, words", [
    ("vi", ["Sự kiện được tổ chức", "Hội nghị", "Lượt tham dự theo vai trò", "Diễn giả",
            "Đoàn công tác theo quốc gia", "Đoàn đi công tác nước ngoài · Nhật Bản",
            "Đối tác trong nước"]),
    ("en", ["Events held", "Conference", "Participations by role", "Speaker",
            "Delegations by country", "Outgoing delegation (abroad) · Japan", "Domestic partner"]),
])
def test_the_page_and_the_workbook_show_them_localised(app, cooperation, official, language,
                                                       words):
    client = client_as(app, official)
    query = f"from={cooperation['start']}&to={cooperation['end']}"
    page = client.get(f"/engagements/report?{query}",
                      headers={"Accept-Language": language}).get_data(as_text=True)
    for word in words:
        assert word in page, word
    download = client.get(f"/engagements/report.xlsx?{query}",
                          headers={"Accept-Language": language})
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    for word in words:
        assert word in rows, word
    assert rows[words[0]] == 2  # events held
    assert isinstance(rows[words[4]], str)  # a section's heading row: "Number"
    assert rows[words[5]] == 2


def test_a_delegate_counts_the_profile_they_edit(recorded, official, make_user):
    """The report counts what the reader may open (``access.can_view``): a hidden
    profile an official edits as a delegate counts for that official, not for another."""
    from expertnet.accounts import delegates
    delegates.add(recorded["hidden"], official.email, make_user("curator").id)
    report = programme_report.build(recorded["start"], recorded["end"],
                                    access.viewer_for(official))
    assert report.engagements == 4 and dict(report.by_expert_kind)["foreign"] == 1
    other = programme_report.build(recorded["start"], recorded["end"],
                                   access.viewer_for(make_user("official")))
    assert other.engagements == 3
