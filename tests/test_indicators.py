"""The programme's indicators: each computation against records counted by hand
(including records on profiles the reader may not open: the numbers are the programme's),
the state against the target, the board and an indicator's records for each role,
suppression of small counts of people for officials, admins' edits and entered values
with their evidence (audited), and the JSON API."""
import datetime
import io
import json
import re

import pytest
from conftest import client_as, post_form

from expertnet.accounts import users as accounts
from expertnet.cooperation import agreements, missions
from expertnet.cooperation import engagements as engagement_records
from expertnet.core import access
from expertnet.core.models import Audit
from expertnet.programme import computations, indicators
from expertnet.programme.models import Indicator, IndicatorValue

DST = "Sở Khoa học và Công nghệ"


def _day(text):
    return datetime.date.fromisoformat(text)


@pytest.fixture
def records(add, official):
    """Hand-counted records over 2026–2027 (and one before the programme)."""
    public = add(full_name="Trần Văn Cảng", kind="domestic", visibility="officials")
    diaspora = add(full_name="Lê Thị San Hô", kind="diaspora", visibility="public")
    hidden = add(full_name="Ẩn Danh", kind="diaspora", visibility="curators")

    def engage(expert, kind, day, department=DST):
        return engagement_records.save({"kind": kind, "title": f"Việc {kind} {day}",
                                        "department": department, "starts_on": day},
                                       expert, None, official.id)

    engage(public, "review", "2026-02-01")
    engage(public, "consultation", "2026-03-01", "SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    engage(diaspora, "lecture", "2026-03-05", "Sở Ngoại vụ")
    engage(hidden, "review", "2026-04-01")
    engage(hidden, "lecture", "2027-01-10")
    engage(public, "review", "2025-12-31")  # before the programme

    def trip(direction, day, department=DST):
        return missions.save({"direction": direction, "title": f"Đoàn {day}", "country": "JP",
                              "starts_on": day, "department": department}, official.id)

    trip("outgoing", "2026-05-03")
    trip("outgoing", "2026-09-10", "Sở Ngoại vụ")
    trip("incoming", "2026-06-01")
    trip("outgoing", "2027-02-01")

    def agree(title, status, signed, ends=None, department=DST):
        return agreements.save({"title": title, "partner": "Đại học Kobe", "partner_country": "JP",
                                "status": status, "signed_on": signed, "ends_on": ends or "",
                                "department": department}, official.id)

    agree("Ký 2026", "signed", "2026-04-04")
    agree("Ký 2026 hết hạn", "signed", "2026-01-10", "2026-06-30")
    agree("Chấm dứt", "ended", "2026-02-02")
    agree("Ký 2025", "signed", "2025-11-11")
    agree("Nháp", "draft", "")
    return {"public": public, "diaspora": diaspora, "hidden": hidden}


def _entered(code):
    """An indicator an admin set back to entered (no computation)."""
    Indicator.update(computation="").where(Indicator.code == code).execute()
    return indicators.by_code(code)


def _value(code, year, department=None):
    return indicators.value_of(computations.REGISTRY[code], *computations.year_range(year),
                               department)


def test_each_computation_against_the_records_counted_by_hand(records):
    assert _value("engagements", 2026) == 4  # the one of 2025 is before the year
    assert _value("engagements", 2027) == 1
    assert _value("review_advice", 2026) == 3  # two reviews and a consultation
    assert _value("engagements_lecture", 2026) == 1
    assert _value("experts_engaged", 2026) == 3  # the hidden profile counts too
    assert _value("diaspora_engaged", 2026) == 2
    assert _value("diaspora_engaged", 2027) == 1
    assert _value("outgoing_delegations", 2026) == 2  # not the visiting one
    assert _value("agreements_signed", 2026) == 3  # signed, expired and ended; not drafts
    assert _value("agreements_signed", 2025) == 1
    # In force on 31 December 2026: the one of 2026 and the one of 2025 (no end date);
    # not the one past its end date, nor the one ended.
    assert _value("agreements_in_force", 2026) == 2
    # Cumulative: counted over 2026 to the year, each distinct expert once.
    assert indicators.value_of(computations.REGISTRY["experts_engaged"],
                               *computations.cumulative_range(2027)) == 3
    assert indicators.value_of(computations.REGISTRY["engagements"],
                               *computations.cumulative_range(2027)) == 5


def test_a_department_counts_its_own_records_however_its_name_is_typed(records):
    key = "so khoa hoc va cong nghe"
    assert _value("engagements", 2026, key) == 3
    assert _value("outgoing_delegations", 2026, key) == 1
    assert _value("outgoing_delegations", 2026, "so ngoai vu") == 1
    assert _value("experts_engaged", 2026, "so ngoai vu") == 1


def test_the_seeded_targets():
    seeded = {row.code: row for row in Indicator.select()}
    assert seeded["outgoing_delegations"].computation == "outgoing_delegations"
    assert (seeded["trainees"].period_low, seeded["trainees"].period_high) == (400, 500)
    assert sum(seeded["trainees"].yearly_targets.values()) == 400
    assert (seeded["officials_abroad"].period_low, seeded["central_st_orgs"].period_high) == (8, 5)
    # Entered when seeded, computed since the records tell them (step 0086).
    for code in ("trainees", "officials_abroad", "central_st_orgs", "transfer_partners",
                 "partner_organisations", "market_connections", "market_contracts"):
        assert seeded[code].computation == code
    assert "Chưa tính được" not in seeded["trainees"].method_vi
    assert seeded["councils_concluded"].computation == "councils_concluded"
    assert seeded["market_contract_value"].unit_en == "VND"
    # Every computed indicator names a registered computation.
    assert all(row.computation in computations.REGISTRY for row in seeded.values() if row.computation)


def test_the_state_rule():
    may = datetime.date(2026, 7, 1)  # just under half of 2026 gone
    assert indicators.state_of(1, 2, 2026, may) == "green"  # 1 of the 1 expected by now
    assert indicators.state_of(0, 2, 2026, may) == "red"
    assert indicators.state_of(8, 10, 2026, _day("2027-01-01")) == "amber"
    assert indicators.state_of(6, 10, 2026, _day("2027-01-01")) == "red"
    assert indicators.state_of(0, 10, 2027, may) == "not_started"
    assert indicators.state_of(5, None, 2026, may) == "no_target"
    assert indicators.state_of(3, [(2026, 2), (2027, 2)], 2027, _day("2028-01-01"),
                               cumulative=True) == "amber"


def test_the_line_of_a_computed_and_of_an_entered_indicator(records, make_user):
    line = indicators.line(indicators.by_code("outgoing_delegations"), 2026, _day("2027-01-15"))
    assert (line.value, line.target, line.state) == (2, 2, "green")
    assert line.per_year[:2] == [(2026, 2, 2), (2027, 2, 1)]
    trainees = _entered("trainees")
    admin = make_user("admin")
    indicators.enter_value(trainees, {"year": "2026", "value": "95", "note": "Danh sách lớp"}, admin.id)
    indicators.enter_value(trainees, {"year": "2027", "value": "40", "note": "Danh sách"}, admin.id)
    line = indicators.line(trainees, 2027, _day("2028-01-02"))
    assert line.entered and (line.value, line.cumulative, line.cumulative_target) == (40, 135, 160)
    assert (line.state, line.cumulative_state) == ("red", "amber")
    assert line.progress == round(100 * 135 / 400)


def test_small_counts_of_people_are_hidden_from_officials_only():
    assert indicators.shown(2, True, False) == "<3"
    assert indicators.shown(2, True, True) == 2
    assert indicators.shown(2, False, False) == 2  # delegations are not people
    assert indicators.shown(0, True, False) == 0 and indicators.shown(3, True, False) == 3


def test_the_records_behind_a_number_hide_the_profiles_the_reader_may_not_open(records, official,
                                                                                 make_user):
    found = indicators.by_code("experts_engaged")
    drill = indicators.drill(found, 2026, access.viewer_for(official))
    assert drill.total == 3 and drill.hidden == 1
    assert {source.id for source in drill.sources} == {records["public"].id, records["diaspora"].id}
    curator = indicators.drill(found, 2026, access.viewer_for(make_user("curator")))
    assert curator.hidden == 0 and len(curator.sources) == 3


def test_the_board_and_an_indicator_for_each_role(app, records, official, make_user):
    client = client_as(app, official)
    page = client.get("/programme/indicators?year=2026").get_data(as_text=True)
    assert "Đoàn đi học tập kinh nghiệm ở nước ngoài" in page
    assert "counts for the programme" not in page  # Vietnamese by default
    assert "Các số liệu này tính cho Chương trình" in page
    assert "<progress" in page and "state-green" in page
    page = client.get("/programme/indicators/experts_engaged?year=2026").get_data(as_text=True)
    assert "Trần Văn Cảng" in page and "Ẩn Danh" not in page
    assert "(1)" not in page and "&lt;3" in page  # one hidden record: "<3"
    page = client.get("/programme/indicators/outgoing_delegations?year=2026&period=cumulative")
    assert page.status_code == 200 and "Đoàn 2026-05-03" in page.get_data(as_text=True)
    assert client.get("/programme/indicators/nope").status_code == 404
    assert client.get("/programme/indicators?year=abc").status_code == 200
    expert = client_as(app, make_user("expert"))
    assert expert.get("/programme/indicators").status_code == 403
    assert app.test_client().get("/programme/indicators").status_code == 302
    curator = client_as(app, make_user("curator"))
    page = curator.get("/programme/indicators/experts_engaged?year=2026").get_data(as_text=True)
    assert "Ẩn Danh" in page


def test_admins_edit_an_indicator_audited(app, make_user):
    admin = make_user("admin")
    client = client_as(app, admin)
    path = "/programme/indicators/review_advice/edit"
    form = {"name_vi": "Tư vấn, phản biện", "name_en": "Advice and review", "unit_vi": "lượt",
            "unit_en": "engagements", "computation": "review_advice", "department": DST,
            "method_vi": "Cách tính", "method_en": "How", "target_2026": "12", "period_low": "60",
            "version": "1"}
    response = post_form(client, path, form)
    assert response.status_code == 303
    found = indicators.by_code("review_advice")
    assert found.yearly_targets == {2026: 12} and found.period_low == 60 and found.version == 2
    entry = Audit.select().where(Audit.action == "indicator.update").get()
    assert json.loads(entry.changes)["indicator"] == "review_advice"
    # A stale form, a bad number, an unknown computation: refused, nothing written.
    assert post_form(client, path, form).status_code == 400
    bad = {**form, "version": "2", "target_2027": "-3", "computation": "nope"}
    page = post_form(client, path, bad)
    assert page.status_code == 400 and indicators.by_code("review_advice").version == 2
    assert client_as(app, make_user("official")).get(path).status_code == 403


def test_an_entered_value_with_its_evidence(app, official, make_user):
    _entered("central_st_orgs")
    client = client_as(app, official)
    path = "/programme/indicators/central_st_orgs"
    token_page = path + "?year=2026"
    pdf = (io.BytesIO(b"%PDF-1.4\nbien ban\n"), "biên bản.pdf")
    response = post_form(client, path + "/values", {"year": "2026", "value": "2", "file": pdf},
                         form_path=token_page, content_type="multipart/form-data")
    assert response.status_code == 303
    row = IndicatorValue.get()
    assert (row.value, row.year, row.filename) == (2, 2026, "biên bản.pdf")
    page = client.get(token_page).get_data(as_text=True)
    assert "biên bản.pdf" in page and "đã nhập" in page
    download = client.get(f"/programme/indicators/values/{row.id}/evidence")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    # A file that is not what it says is refused; no evidence at all is refused.
    fake = (io.BytesIO(b"MZ not a pdf"), "x.pdf")
    response = post_form(client, path + "/values", {"year": "2027", "value": "1", "file": fake},
                         form_path=token_page, content_type="multipart/form-data")
    assert response.status_code == 303 and "rejected=type" in response.location
    response = post_form(client, path + "/values", {"year": "2027", "value": "1"}, form_path=token_page)
    assert response.status_code == 400
    response = post_form(client, path + "/values", {"year": "1999", "value": "x", "note": "n"},
                         form_path=token_page)
    assert response.status_code == 400 and IndicatorValue.select().count() == 1
    # Only the responsible department (and admins) enter values; computed ones take none.
    other = make_user("official")
    accounts_client = client_as(app, other)
    response = post_form(accounts_client, path + "/values", {"year": "2026", "value": "1", "note": "n"},
                         form_path=token_page)
    assert response.status_code == 403
    response = post_form(client, "/programme/indicators/review_advice/values",
                         {"year": "2026", "value": "1", "note": "n"}, form_path=token_page)
    assert response.status_code == 409
    assert Audit.select().where(Audit.action == "indicator.value").count() == 1


def _token(user):
    return {"Authorization": f"Bearer {accounts.create_token(user)[1]}"}


def test_the_api(app, records, official, make_user):
    client = app.test_client()
    assert client.get("/api/v1/programme/indicators?year=2026").status_code == 401
    expert = make_user("expert")
    assert client.get("/api/v1/programme/indicators", headers=_token(expert)).status_code == 403
    response = client.get("/api/v1/programme/indicators?year=2026", headers=_token(official))
    assert response.status_code == 200
    body = response.get_json()
    rows = {row["code"]: row for row in body["results"]}
    assert body["year"] == 2026 and not body["exact"]
    assert (rows["outgoing_delegations"]["value"], rows["outgoing_delegations"]["target"]) == (2, 2)
    assert rows["diaspora_engaged"]["value"] is None and rows["diaspora_engaged"]["suppressed"]
    assert not rows["trainees"]["entered"] and rows["trainees"]["value"] == 0  # no course yet
    curator = client.get("/api/v1/programme/indicators?year=2027",
                         headers=_token(make_user("curator"))).get_json()
    rows = {row["code"]: row for row in curator["results"]}
    assert rows["diaspora_engaged"]["value"] == 1 and rows["diaspora_engaged"]["cumulative"] == 2
    assert client.get("/api/v1/programme/indicators?year=1999",
                      headers=_token(official)).status_code == 400
    assert client.get("/api/v1/programme/indicators?year=x²",
                      headers=_token(official)).status_code == 400


def test_a_refused_edit_names_the_fields_in_the_readers_words(app, make_user):
    client = client_as(app, make_user("admin"))
    path = "/programme/indicators/trainees/edit"
    page = post_form(client, path, {"name_vi": "", "name_en": "Trainees", "target_2028": "x",
                                    "version": "1"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Tên tiếng Việt: " in text and "Chỉ tiêu năm 2028: " in text


def test_a_long_list_of_records_is_cut_and_says_so(app, records, make_user, monkeypatch):
    from expertnet.programme.controllers.indicators import routes
    monkeypatch.setattr(routes, "SHOWN_ROWS", 1)
    client = client_as(app, make_user("curator"))
    page = client.get("/programme/indicators/engagements?year=2026").get_data(as_text=True)
    assert len(re.findall(r'href="/engagements/\d+"', page)) == 1
    assert "Danh sách hiển thị 1 bản ghi đầu tiên trong tổng số 4 bản ghi." in page
