"""The indicators the later records tell: people trained, officials abroad, councils
concluded, partner organisations (by cooperation type, and the central ones), the
organisations in technology transfer and the marketplace's connections and contracts —
each against records counted by hand, including records the reader may not open; the
drill-down hides what the reader may not open but counts it; the board and the API show
the computed values."""
import datetime
import json

import pytest
from conftest import client_as

from expertnet.accounts import users as accounts
from expertnet.cooperation.models import Agreement, Mission, MissionOrganisation
from expertnet.cooperation.training_models import OfficialAbroad, Training
from expertnet.core import access
from expertnet.councils.models import Council
from expertnet.organisations.models import Organisation
from expertnet.programme import computations, indicators
from expertnet.programme.models import IndicatorValue
from expertnet.technology import brokers
from expertnet.technology.models import Connection, TechnologyDemand, TechnologyOffer

DST = "Sở Khoa học và Công nghệ"
HOME = "Sở Nội vụ"
ABROAD = "Sở Ngoại vụ"


def _day(text):
    return datetime.date.fromisoformat(text)


def _value(code, year, department=None, cumulative=False):
    span = (computations.cumulative_range if cumulative else computations.year_range)(year)
    return indicators.value_of(computations.REGISTRY[code], *span, department)


@pytest.fixture
def records(app, official):
    def organisation(name, kind, country, city, visibility):
        return Organisation.create(name_vi=name, type=kind, country=country, city=city,
                                   visibility=visibility, name_key=name.lower())

    institute = organisation("Viện Hàn lâm KH&CN Việt Nam", "research_institute", "VN", "Hà Nội",
                             "curators")  # officials may not open it
    home_university = organisation("Trường Đại học Hải Phòng", "university", "VN", "TP. Hải Phòng",
                                   "public")
    kobe = organisation("Đại học Kobe", "foreign_partner", "JP", "Kobe", "public")
    province = organisation("Sở KH&CN Bắc Ninh", "state_body", "VN", "Bắc Ninh", "officials")

    def agree(title, status, signed, partner, department=DST):
        return Agreement.create(title=title, partner=partner.name_vi, partner_country=partner.country,
                                partner_scope="foreign" if partner.country == "JP" else "domestic",
                                status=status, signed_on=_day(signed) if signed else None,
                                department=department, partner_organisation_id=partner.id)

    agree("Ký với Viện", "signed", "2026-03-01", institute)
    agree("Ký với Kobe", "signed", "2026-05-01", kobe)
    agree("Nháp với Bắc Ninh", "draft", "", province)
    agree("Ký lại với Viện", "signed", "2027-02-02", institute)

    def trip(direction, day, department, met):
        mission = Mission.create(direction=direction, title=f"Đoàn {day}", country="JP",
                                 starts_on=_day(day), department=department)
        for each in met:
            MissionOrganisation.create(mission=mission, text_key=each.name_key,
                                       organisation_id=each.id)

    trip("outgoing", "2026-06-01", DST, (kobe, home_university))
    trip("incoming", "2026-07-01", ABROAD, (province,))

    def course(topic, day, department=HOME, **groups):
        return Training.create(topic=topic, starts_on=_day(day), department=department,
                               **{f"trainees_{group}": count for group, count in groups.items()})

    course("Kỹ năng số cho cán bộ", "2026-03-10", officials=20, enterprises=5, students=10)
    course("Tổ công nghệ số cộng đồng", "2026-11-01", "SỞ NỘI VỤ", community=12)
    course("Chuyển đổi số doanh nghiệp", "2027-01-05", DST, officials=7)
    course("Trước chương trình", "2025-12-01", officials=100)
    course("Chưa có học viên", "2026-04-04")  # no trainee: no row

    def stay(name, purpose, day, department=HOME):
        return OfficialAbroad.create(name=name, purpose=purpose, starts_on=_day(day),
                                     department=department, country="JP", host_name="Đại học Kobe")

    stay("Nguyễn Văn A", "training", "2026-04-01")
    stay("Trần Thị B", "work", "2026-08-01", ABROAD)
    stay("Lê Văn C", "exchange", "2027-02-01")

    def council(title, kind, concluded, status="concluded"):
        return Council.create(title=title, kind=kind, department=DST, status=status,
                              concluded_on=_day(concluded) if concluded else None)

    council("Phản biện đề án cảng", "review", "2026-05-05")
    council("Tư vấn quy hoạch", "advisory", "2026-06-06")
    council("Đang lập", "review", None, "composing")
    council("Phản biện 2027", "review", "2027-03-03")

    def demand(title, visibility, asking=None):
        return TechnologyDemand.create(title=title, problem="Vấn đề", visibility=visibility,
                                       status="published", organisation=asking)

    public_demand = demand("Xử lý nước thải cảng", "public", home_university)
    curators_demand = demand("Nhu cầu kín", "curators")
    offer = TechnologyOffer.create(title_vi="Công nghệ lọc", trl=6, ip_status="patent",
                                   organisation=institute, status="published")

    def connect(need, opened, status="introduced", closed=None, value=None, offering=None,
                department=DST):
        return Connection.create(demand=need, offer=offering, opened_on=_day(opened), status=status,
                                 closed_on=_day(closed) if closed else None, contract_value=value,
                                 department=department)

    connect(public_demand, "2026-02-01", "contract_signed", "2026-09-01", 500_000_000, offer)
    connect(curators_demand, "2026-03-01", "contract_signed", "2027-01-10")
    connect(public_demand, "2026-04-01", department=ABROAD)
    connect(public_demand, "2025-12-01")
    return {"institute": institute, "province": province, "kobe": kobe,
            "home_university": home_university}


def test_people_trained_officials_abroad_and_councils_counted_by_hand(records):
    assert _value("trainees", 2026) == 47  # 35 + 12; not the course of 2025
    assert _value("trainees", 2027) == 7
    assert _value("trainees", 2027, cumulative=True) == 54
    assert (_value("trainees_officials", 2026), _value("trainees_community", 2026),
            _value("trainees_enterprises", 2026), _value("trainees_students", 2026)) == (20, 12, 5, 10)
    assert _value("trainees", 2026, "so noi vu") == 47  # however the department is typed
    rows = computations.REGISTRY["trainees"].sources(*computations.year_range(2026))
    assert [(row.kind, row.label, row.amount) for row in rows] == [
        ("training", "Kỹ năng số cho cán bộ", 35), ("training", "Tổ công nghệ số cộng đồng", 12)]
    assert _value("officials_abroad", 2026) == 2 and _value("officials_abroad", 2027) == 1
    assert _value("officials_abroad_training", 2026) == 1
    assert _value("officials_abroad", 2026, "so ngoai vu") == 1
    assert computations.REGISTRY["officials_abroad"].personal
    assert _value("councils_concluded", 2026) == 2  # not the one being composed
    assert _value("review_councils_concluded", 2026) == 1
    assert _value("councils_concluded", 2027, cumulative=True) == 3


def test_partner_organisations_by_cooperation_and_the_central_ones(records):
    # Agreements signed in 2026: the institute and Kobe (not the draft); delegations of
    # 2026: Kobe, the Hai Phong university and the Bac Ninh department. Distinct: 4.
    assert _value("partners_agreements", 2026) == 2
    assert _value("partners_delegations", 2026) == 3
    assert _value("partner_organisations", 2026) == 4
    assert _value("partner_organisations", 2026, "so ngoai vu") == 1
    assert _value("partner_organisations", 2027, cumulative=True) == 4  # each once
    # Central: Vietnamese state bodies, institutes, universities not of Hai Phong.
    rows = computations.REGISTRY["central_st_orgs"].sources(*computations.year_range(2026))
    assert [row.id for row in rows] == [records["institute"].id, records["province"].id]
    assert rows[0].on == _day("2026-03-01") and rows[0].visibility == "curators"
    assert _value("central_st_orgs", 2027) == 1
    # In technology transfer: the organisations of the connections opened in 2026 are the
    # Hai Phong university (asking) and the institute (offering): only the institute.
    assert _value("transfer_partners", 2026) == 1
    assert _value("transfer_partners", 2025) == 0  # the university only


def test_marketplace_connections_and_contracts(records):
    assert _value("market_connections", 2026) == 3
    assert _value("market_connections", 2026, "so ngoai vu") == 1
    assert _value("market_contracts", 2026) == 1 and _value("market_contracts", 2027) == 1
    assert _value("market_contract_value", 2026) == 500_000_000
    assert _value("market_contract_value", 2027) == 0  # signed without a value


def test_the_records_behind_a_number_hide_what_the_reader_may_not_open(records, official,
                                                                        make_user):
    viewer = access.viewer_for(official)
    drill = indicators.drill(indicators.by_code("central_st_orgs"), 2026, viewer)
    assert drill.total == 2 and drill.hidden == 1
    assert [source.label for source in drill.sources] == ["Sở KH&CN Bắc Ninh"]
    drill = indicators.drill(indicators.by_code("market_connections"), 2026, viewer)
    assert drill.total == 3 and drill.hidden == 1
    assert "Nhu cầu kín" not in {source.label for source in drill.sources}
    curator = access.viewer_for(make_user("curator"))
    assert indicators.drill(indicators.by_code("central_st_orgs"), 2026, curator).hidden == 0


def test_the_board_and_the_api_show_the_computed_values(app, records, official, make_user):
    admin = make_user("admin")
    # A value entered before the indicator was computed stays, not counted.
    IndicatorValue.create(indicator=indicators.by_code("trainees"), year=2026, value=999,
                          note="Báo cáo giấy", entered_by=admin.id)
    line = indicators.line(indicators.by_code("trainees"), 2026, _day("2027-01-15"))
    assert not line.entered and line.value == 47 and line.cumulative == 47
    client = client_as(app, official)
    page = client.get("/programme/indicators?year=2026").get_data(as_text=True)
    assert "không được cộng" in page  # the board says what an old entered value means
    page = client.get("/programme/indicators/trainees?year=2026").get_data(as_text=True)
    assert "Kỹ năng số cho cán bộ" in page and "/trainings/" in page and "999" in page
    page = client.get("/programme/indicators/central_st_orgs?year=2026").get_data(as_text=True)
    assert "Sở KH&amp;CN Bắc Ninh" in page and "Viện Hàn lâm" not in page
    assert f"/organisations/{records['province'].id}" in page
    page = client.get("/programme/indicators/officials_abroad?year=2026").get_data(as_text=True)
    assert "Nguyễn Văn A" in page and "&lt;3" in page  # two people: "<3" for officials
    token = accounts.create_token(official)[1]
    body = app.test_client().get("/api/v1/programme/indicators?year=2026",
                                 headers={"Authorization": f"Bearer {token}"}).get_json()
    rows = {row["code"]: row for row in body["results"]}
    assert (rows["trainees"]["value"], rows["trainees"]["target"]) == (47, 80)
    assert not rows["trainees"]["entered"]
    assert rows["partner_organisations"]["value"] == 4
    assert rows["market_contract_value"]["value"] == 500_000_000
    assert rows["officials_abroad"]["value"] is None and rows["officials_abroad"]["suppressed"]
    curator_token = accounts.create_token(make_user("curator"))[1]
    body = json.loads(app.test_client().get(
        "/api/v1/programme/indicators?year=2026",
        headers={"Authorization": f"Bearer {curator_token}"}).data)
    rows = {row["code"]: row for row in body["results"]}
    assert rows["officials_abroad"]["value"] == 2 and rows["central_st_orgs"]["value"] == 2


def test_connection_rows_link_only_for_readers_who_may_open_a_connection(app, records, official, make_user):
    """A connection's page is for brokers and its parties: an official who brokers nothing
    sees the rows unlinked (a link would be a 404), a broker follows them."""
    page = client_as(app, official).get("/programme/indicators/market_connections?year=2026")
    assert page.status_code == 200 and "/technology/connections/" not in page.get_data(as_text=True)
    broker = make_user("official")
    brokers.grant(broker, None)
    page = client_as(app, broker).get("/programme/indicators/market_connections?year=2026")
    assert "/technology/connections/" in page.get_data(as_text=True)


@pytest.mark.every_database
def test_the_step_switches_the_seeded_indicators_an_admin_left_alone(app, make_user):
    """On a database migrated before step 0086 (indicators as step 0083 seeded them, some
    changed by an admin, a value entered), the step computes what the records tell."""
    from expertnet.core import migrations
    from expertnet.core.db import database
    from expertnet.core.migrations.m38_0083_indicators import SEED
    from expertnet.programme.models import Indicator

    seeded = {row[0]: row for row in SEED}
    switched = ("central_st_orgs", "transfer_partners", "trainees", "officials_abroad",
                "partner_organisations", "market_connections", "market_contracts")
    with database.atomic():
        for code in switched:
            Indicator.update(computation="", method_vi=seeded[code][10], method_en=seeded[code][11],
                             version=1).where(Indicator.code == code).execute()
        Indicator.delete().where(Indicator.code.in_(("councils_concluded",
                                                     "market_contract_value"))).execute()
        migrations.SchemaMigration.delete().where(
            migrations.SchemaMigration.name == "0086_indicator_computations").execute()
    # An admin chose another computation for one, rewrote the method of another.
    Indicator.update(computation="engagements").where(Indicator.code == "officials_abroad").execute()
    Indicator.update(method_vi="Theo cách của Sở", method_en="Our way").where(
        Indicator.code == "market_connections").execute()
    admin = make_user("admin")
    IndicatorValue.create(indicator=indicators.by_code("trainees"), year=2026, value=120,
                          note="Báo cáo giấy", entered_by=admin.id)

    assert migrations.upgrade(database) == ["0086_indicator_computations"]
    rows = {row.code: row for row in Indicator.select()}
    assert rows["officials_abroad"].computation == "engagements"  # the admin's choice stays
    assert rows["market_connections"].computation == "market_connections"
    assert rows["market_connections"].method_vi == "Theo cách của Sở"  # the admin's text stays
    assert rows["trainees"].computation == "trainees" and rows["trainees"].version == 2
    assert "Chưa tính được" not in rows["trainees"].method_vi
    assert all(rows[code].computation == code for code in switched if code != "officials_abroad")
    assert rows["councils_concluded"].position == max(row.position for row in rows.values()) - 1
    assert rows["market_contract_value"].computation == "market_contract_value"
    # The value entered before stays, no longer counted.
    assert IndicatorValue.get().value == 120
    line = indicators.line(rows["trainees"], 2026, _day("2027-01-15"))
    assert not line.entered and line.value == 0 and line.entries[2026].value == 120
    assert migrations.upgrade(database) == []


def test_organisations_are_named_in_the_readers_language(app, records, official):
    Organisation.update(name_en="Kobe University").where(Organisation.id == records["kobe"].id).execute()
    Organisation.update(name_en="Bac Ninh Department of Science and Technology").where(
        Organisation.id == records["province"].id).execute()
    OfficialAbroad.update(host=records["kobe"].id).where(OfficialAbroad.name == "Nguyễn Văn A").execute()
    span = computations.year_range(2026)
    rows = computations.REGISTRY["partners_agreements"].sources(*span)
    assert {row.label_in("en") for row in rows} == {"Viện Hàn lâm KH&CN Việt Nam", "Kobe University"}
    assert {row.label_in("vi") for row in rows} == {"Viện Hàn lâm KH&CN Việt Nam", "Đại học Kobe"}
    rows = computations.REGISTRY["agreements_signed"].sources(*span)
    assert [row.label_in("en") for row in rows] == ["Ký với Viện — Viện Hàn lâm KH&CN Việt Nam",
                                                    "Ký với Kobe — Kobe University"]
    assert rows[1].label_in("vi") == "Ký với Kobe — Đại học Kobe"
    rows = computations.REGISTRY["officials_abroad"].sources(*span)
    # The linked host by its record's name; the other stay's host as typed, in both languages.
    assert [row.label_in("en") for row in rows] == ["Nguyễn Văn A — Kobe University — JP",
                                                    "Trần Thị B — Đại học Kobe — JP"]
    assert [row.label_in("vi") for row in rows] == ["Nguyễn Văn A — Đại học Kobe — JP",
                                                    "Trần Thị B — Đại học Kobe — JP"]
    path = "/programme/indicators/central_st_orgs?year=2026"
    page = client_as(app, official).get(path).get_data(as_text=True)
    assert "Sở KH&amp;CN Bắc Ninh" in page and "Bac Ninh Department" not in page
    official.language = "en"
    official.save()
    page = client_as(app, official).get(path).get_data(as_text=True)
    assert "Bac Ninh Department of Science and Technology" in page and "Sở KH&amp;CN Bắc Ninh" not in page
