"""The statistics dashboard: counts by kind, field, country,
availability, sector, hometown, city and month, made by the database over the profiles
the reader may open; "<3" for officials' small cells; the world map's classes; CSV
downloads; both languages; who may open it."""
import csv
import datetime
import io
import re

import pytest
from conftest import client_as
from flask_babel import force_locale

from expertnet.accounts import data_rights
from expertnet.core.access import CURATOR, Viewer
from expertnet.curation import merging
from expertnet.directory import writes
from expertnet.directory.models import Expert
from expertnet.organisations.models import Organisation
from expertnet.programme import statistics as dashboard

OFFICIAL = Viewer(role="official")


def build(viewer, language, **options):
    with force_locale(language):
        return dashboard.build(viewer, language, **options)


@pytest.fixture
def people(app, add):
    """Seven profiles, two of them for curators only (FR and US), with known dates."""
    made = {
        "a": add(kind="domestic", full_name="Trần Văn An", country="VN", fields="ai",
                 sector="academia", available_for="consulting;lecturing",
                 hometown="phường Lưu Kiếm"),
        "b": add(kind="diaspora", full_name="Lê Thị Bình", country="JP", city="Tokyo",
                 fields="shipbuilding;oceanography", sector="industry",
                 available_for="consulting", hometown="huyện Thủy Nguyên"),
        "c": add(kind="diaspora", full_name="Phạm Văn Cường", country="JP", city="tokyo",
                 fields="marine", hometown="Lưu Kiếm", visibility="officials"),
        "d": add(kind="diaspora", full_name="Hoàng Văn Dũng", country="JP", city="Osaka",
                 visibility="officials"),
        "e": add(kind="diaspora", full_name="Vũ Thị Em", country="FR", city="Paris",
                 visibility="curators"),
        "f": add(kind="foreign", full_name="Hans Müller", country="DE", hometown="Berlin Mitte"),
        "g": add(kind="diaspora", full_name="Đỗ Văn Giang", country="US", visibility="curators"),
    }
    dates = {"a": datetime.datetime(2026, 1, 15), "b": datetime.datetime(2026, 3, 2)}
    for key, expert in made.items():
        when = dates.get(key, datetime.datetime(2026, 4, 10, 12, 30))
        Expert.update(created_at=when).where(Expert.id == expert.id).execute()
    return made


@pytest.fixture
def organisations(app):
    """Eight organisations of the register, hand-counted in the tests below."""
    made = {}
    for key, name, kind, country, visibility, partner in (
            ("vmu", "Đại học Hàng hải Việt Nam", "university", "VN", "public", False),
            ("hpu", "Đại học Hải Phòng", "university", "VN", "public", False),
            ("port", "Công ty Cảng Hải Phòng", "enterprise", "VN", "public", False),
            ("shi", "Samsung Heavy Industries", "enterprise", "KR", "public", True),
            ("osaka", "Đại học Osaka", "university", "JP", "officials", True),
            ("secret", "Viện nghiên cứu kín", "research_institute", "JP", "curators", True),
            ("association", "Hội trí thức Việt Nam tại Nhật Bản", "diaspora_association", "JP", "public",
             False),
            ("centre", "Trung tâm Đổi mới sáng tạo", "innovation_centre", "", "officials", False)):
        made[key] = Organisation.create(name_vi=name, type=kind, country=country, visibility=visibility,
                                        strategic_partner=partner, name_key=name.lower())
    return made


def _rows(chart, exact=True):
    return {row.label: row.shown(exact) for row in chart.rows}


def test_curators_count_every_profile_exactly(people):
    board = build(CURATOR, "en")
    assert board.exact and board.profiles == 7
    charts = board.charts
    assert _rows(charts["kind"]) == {"Domestic experts": 1, "Foreign experts": 1,
                                     "Overseas Hai Phong intellectuals": 5}
    assert _rows(charts["country"]) == {"Japan": 3, "Vietnam": 1, "Germany": 1, "France": 1,
                                        "United States": 1}
    assert [row.code for row in charts["country"].rows][0] == "JP"  # most first
    assert _rows(charts["diaspora_country"]) == {"Japan": 3, "France": 1, "United States": 1}
    fields = {row.code: (row.count, row.level) for row in charts["field"].rows}
    # b has two marine sub-fields and counts once under marine; c has marine itself.
    assert fields["marine"] == (2, 0)
    assert fields["shipbuilding"] == (1, 1) and fields["oceanography"] == (1, 1)
    assert fields["ai"] == (1, 0) and fields["logistics"] == (0, 0)
    assert fields[""] == (4, 0)  # d, e, f and g have no field
    assert _rows(charts["availability"])["Consulting"] == 2
    assert _rows(charts["availability"])["Lecturing"] == 1
    assert _rows(charts["availability"])["Not given"] == 5
    assert _rows(charts["sector"]) == {"Academia and research": 1, "Industry": 1, "Government": 0,
                                       "International organisation": 0, "Other": 0,
                                       "Not given": 5}
    hometown = _rows(charts["hometown"])
    assert hometown == {"phường Lưu Kiếm": 2, "thành phố Thủy Nguyên (former district)": 1,
                        "Not recognised as a Hai Phong hometown": 1}
    # Cities merged across case, with their country; g has no city.
    assert _rows(charts["diaspora_city"]) == {"Tokyo, Japan": 2, "Osaka, Japan": 1,
                                              "Paris, France": 1}
    assert board.growth == [("2026-01", 1, 1), ("2026-02", 0, 1), ("2026-03", 1, 2),
                            ("2026-04", 5, 7)]


def test_officials_count_what_they_may_open_with_small_cells_suppressed(people):
    board = build(OFFICIAL, "vi")
    assert not board.exact and board.profiles == 5
    charts = board.charts
    assert _rows(charts["kind"], exact=False) == {
        "Chuyên gia trong nước": "<3", "Chuyên gia nước ngoài": "<3",
        "Trí thức người Hải Phòng ở nước ngoài": 3}
    # France and the United States are for curators only: not counted, not named.
    assert _rows(charts["diaspora_country"], exact=False) == {"Nhật Bản": 3}
    assert _rows(charts["country"], exact=False) == {"Nhật Bản": 3, "Việt Nam": "<3",
                                                     "Đức": "<3"}
    # Zero stays zero: it identifies nobody.
    assert _rows(charts["sector"], exact=False)["Cơ quan nhà nước"] == 0
    assert board.growth[-1] == ("2026-04", 3, 5)  # c, d and f; growth is not suppressed


def test_kind_filter_and_deleted_or_merged_profiles(people):
    board = build(CURATOR, "en", kind="domestic")
    assert board.profiles == 1 and "diaspora_country" not in board.charts
    assert _rows(board.charts["country"]) == {"Vietnam": 1}
    data_rights.delete_profile(people["g"])
    keep, drop = Expert.get_by_id(people["c"].id), Expert.get_by_id(people["d"].id)
    merging.merge_profiles(keep, drop, writes.stored_values(keep), keep.version, drop.version)
    board = build(CURATOR, "en", kind="diaspora")
    assert board.profiles == 3
    assert _rows(board.charts["diaspora_country"]) == {"Japan": 2, "France": 1}


# -- the page ------------------------------------------------------------------------
@pytest.mark.parametrize("role, status", [("expert", 403), ("official", 200), ("curator", 200),
                                          ("admin", 200)])
def test_who_may_open_the_page(app, make_user, role, status):
    client = client_as(app, make_user(role))
    assert client.get("/statistics").status_code == status
    assert client.get("/statistics/kind.csv").status_code == status


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/statistics")
    assert response.status_code == 302 and "/auth/login" in response.location
    assert client.get("/statistics/kind.csv").status_code == 302


def _page(client, language, query=""):
    client.set_cookie("lang", language)
    response = client.get(f"/statistics{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_page_in_both_languages_with_tables_charts_and_links(app, people, organisations, make_user):
    client = client_as(app, make_user("curator"))
    for language, title, japan in (("vi", "Chuyên gia theo quốc gia cư trú", "Nhật Bản"),
                                   ("en", "Experts by country of residence", "Japan")):
        page = _page(client, language)
        assert f"<caption>{title}</caption>" in page
        assert f'<th scope="row">{japan}</th><td class="number">3</td>' in page
        assert page.count('<th scope="col"') >= 2 * len(dashboard.CHARTS)
        for key in dashboard.CHARTS:
            assert f'href="/statistics/{key}.csv"' in page
        # Charts: Chart.js and the page's script from static files, data in attributes.
        assert "vendor/chartjs/chart.umd.min.js" in page and "js/statistics.js" in page
        assert page.count("data-chart=") == len(dashboard.CHARTS) - 1  # the map is SVG
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None  # no inline script
    assert "Statistics" in page and 'href="/statistics"' in page  # in the navigation


def test_map_classes_and_titles(app, people, make_user):
    curator = client_as(app, make_user("curator"))
    page = _page(curator, "en")
    assert re.search(r'<path id="map-JP" data-country="JP" class="map-2" d="[^"]+">'
                     r"<title>Japan: 3</title>", page)
    assert re.search(r'id="map-FR" data-country="FR" class="map-1"[^>]*><title>France: 1</title>', page)
    assert re.search(r'id="map-VN" data-country="VN" class="map-0"[^>]*><title>Vietnam: 0</title>', page)
    assert len(re.findall(r'<path id="map-[A-Z]{2}', page)) > 200
    official = client_as(app, make_user("official"))
    page = _page(official, "vi")
    assert re.search(r'id="map-JP" data-country="JP" class="map-2"[^>]*><title>Nhật Bản: 3</title>',
                     page)
    # France's profile is for curators only: for an official, France has none.
    assert re.search(r'id="map-FR" data-country="FR" class="map-0"[^>]*><title>Pháp: 0</title>', page)


def test_every_country_is_on_the_map():
    _view_box, shapes = dashboard.map_shapes()
    codes = {shape.code for shape in shapes}
    assert {"VN", "JP", "US", "FR", "DE", "KR", "AU", "SG", "CA", "GB", "RU"} <= codes


def test_officials_see_small_cells_as_fewer_than_three(app, people, make_user):
    page = _page(client_as(app, make_user("official")), "en")
    assert '<abbr title="fewer than 3">&lt;3</abbr>' in page
    assert "Counts of 1 or 2 in a category are shown as" in page
    assert "Vũ Thị Em" not in page and "Paris" not in page
    page = _page(client_as(app, make_user("curator")), "en")
    assert "&lt;3" not in page and "Paris, France" in page


def test_kind_filter_on_the_page(app, people, make_user):
    client = client_as(app, make_user("curator"))
    page = _page(client, "en", "?kind=foreign")
    assert "map-JP" not in page and 'href="/statistics/country.csv?kind=foreign"' in page
    assert '<option value="foreign" selected>' in page
    page = _page(client, "en", "?kind=%3Cscript%3E")  # unknown: every kind, no error
    assert "map-JP" in page
    assert client.get("/statistics/diaspora_city.csv?kind=domestic").status_code == 404
    assert client.get("/statistics/nothing.csv").status_code == 404


# -- CSV -----------------------------------------------------------------------------
def _csv(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # UTF-8 with BOM
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_headers_content_and_languages(app, people, make_user):
    client = client_as(app, make_user("curator"))
    client.set_cookie("lang", "vi")
    rows = _csv(client.get("/statistics/diaspora_country.csv"))
    assert rows[0] == ["Mã", "Trí thức người Hải Phòng ở nước ngoài theo quốc gia cư trú", "Số hồ sơ"]
    assert rows[1:] == [["JP", "Nhật Bản", "3"], ["US", "Hoa Kỳ", "1"], ["FR", "Pháp", "1"]]
    client.set_cookie("lang", "en")
    rows = _csv(client.get("/statistics/field.csv"))
    assert rows[0] == ["Code", "Top-level field", "Experts by field of expertise", "Profiles"]
    assert ["shipbuilding", "marine", "Shipbuilding", "1"] in rows
    assert ["marine", "", "Marine science and technology", "2"] in rows
    rows = _csv(client.get("/statistics/growth.csv"))
    assert rows == [["Month", "Profiles added", "Profiles in all"], ["2026-01", "1", "1"],
                    ["2026-02", "0", "1"], ["2026-03", "1", "2"], ["2026-04", "5", "7"]]


def test_csv_for_officials_is_suppressed(app, people, make_user):
    client = client_as(app, make_user("official"))
    client.set_cookie("lang", "en")
    rows = _csv(client.get("/statistics/kind.csv"))
    assert rows[1:] == [["domestic", "Domestic experts", "<3"], ["foreign", "Foreign experts", "<3"],
                        ["diaspora", "Overseas Hai Phong intellectuals", "3"]]


def test_csv_neutralises_formulas(app, add, make_user):
    for _ in range(3):
        add(kind="diaspora", full_name="Người Ở Xa", country="JP", city='=HYPERLINK("http://x")')
    client = client_as(app, make_user("curator"))
    client.set_cookie("lang", "en")
    rows = _csv(client.get("/statistics/diaspora_city.csv"))
    assert rows[1][1] == "'=HYPERLINK(\"http://x\"), Japan"
    assert rows[1][2] == "3"


def test_empty_directory(app, make_user):
    client = client_as(app, make_user("official"))
    page = _page(client, "en")
    assert "No profiles to count." in page
    assert _csv(client.get("/statistics/growth.csv")) == [["Month", "Profiles added",
                                                           "Profiles in all"]]


def test_counts_read_the_statistics_index_not_the_rows(app):
    from expertnet.core.db import database, is_sqlite
    from expertnet.core.migrations.m27_0013_statistics_index import STATISTICS_INDEX_COLUMNS
    index = {index.name: index for index in database.get_indexes("expert")}["expert_statistics"]
    assert tuple(index.columns) == STATISTICS_INDEX_COLUMNS
    if is_sqlite():
        where = dashboard.population(OFFICIAL)
        for column in (Expert.kind, Expert.country, Expert.sector, Expert.city, Expert.hometown):
            query = (Expert.select(column, dashboard.fn.COUNT(Expert.id)).where(where)
                     .group_by(column))
            sql, params = query.sql()
            plan = " ".join(str(row) for row in database.execute_sql(f"EXPLAIN QUERY PLAN {sql}",
                                                                      params))
            assert "COVERING INDEX expert_statistics" in plan, plan


# -- organisations of the register ------------------------------------------------------
def test_curators_count_every_organisation_by_type_country_and_partnership(organisations):
    board = build(CURATOR, "en")
    assert (board.organisations, board.partners) == (8, 3)
    assert _rows(board.charts["organisation_type"]) == {
        "University": 3, "Research institute": 1, "Enterprise": 2, "Innovation or start-up centre": 1,
        "State body": 0, "International organisation": 0, "Foreign partner": 0, "Diaspora association": 1,
        "S&T representative office abroad": 0}
    country = board.charts["organisation_country"]
    assert [(row.code, row.label, row.count) for row in country.rows] == [
        ("JP", "Japan", 3), ("VN", "Vietnam", 3), ("KR", "South Korea", 1), ("", "Not given", 1)]
    assert [(row.code, row.count) for row in board.charts["partner_country"].rows] == [("JP", 2), ("KR", 1)]
    # The kind-of-expert filter does not apply to organisations.
    assert _rows(build(CURATOR, "en", kind="foreign").charts["organisation_type"])["University"] == 3


def test_officials_count_the_organisations_they_may_see_with_small_cells_suppressed(organisations):
    board = build(OFFICIAL, "vi")
    assert (board.organisations, board.partners) == (7, 2)  # not the one kept for curators
    assert _rows(board.charts["organisation_type"], exact=False) == {
        "Trường đại học": 3, "Viện nghiên cứu": 0, "Doanh nghiệp": "<3",
        "Trung tâm đổi mới sáng tạo, khởi nghiệp": "<3", "Cơ quan nhà nước": 0, "Tổ chức quốc tế": 0,
        "Đối tác nước ngoài": 0, "Hội người Việt Nam / hội trí thức ở nước ngoài": "<3",
        "Cơ quan đại diện khoa học và công nghệ ở nước ngoài": 0}
    assert _rows(board.charts["organisation_country"], exact=False) == {
        "Việt Nam": 3, "Nhật Bản": "<3", "Hàn Quốc": "<3", "Không ghi": "<3"}
    assert _rows(board.charts["partner_country"], exact=False) == {"Hàn Quốc": "<3", "Nhật Bản": "<3"}


def test_the_organisation_charts_on_the_page_and_in_the_downloads(app, organisations, make_user):
    official = client_as(app, make_user("official"))
    page = _page(official, "en")
    assert "<caption>Organisations by type</caption>" in page
    assert '<th scope="col" class="number">Organisations</th>' in page
    assert '<th scope="row">University</th><td class="number">3</td>' in page
    assert '<th scope="row">Enterprise</th><td class="number"><abbr title="fewer than 3">&lt;3</abbr></td>' \
        in page
    assert "7 organisations of the register counted" in page and "(2 strategic partners)" in page
    assert "Viện nghiên cứu kín" not in page
    vi = _page(official, "vi")
    assert "<caption>Tổ chức theo loại hình</caption>" in vi
    assert "<caption>Đối tác chiến lược theo quốc gia</caption>" in vi
    official.set_cookie("lang", "en")
    rows = _csv(official.get("/statistics/organisation_country.csv"))
    assert rows == [["Code", "Organisations by country", "Organisations"], ["VN", "Vietnam", "3"],
                    ["JP", "Japan", "<3"], ["KR", "South Korea", "<3"], ["", "Not given", "<3"]]
    curator = client_as(app, make_user("curator"))
    curator.set_cookie("lang", "en")
    assert _csv(curator.get("/statistics/partner_country.csv"))[1:] == [["JP", "Japan", "2"],
                                                                       ["KR", "South Korea", "1"]]


def test_no_organisation_to_count(app, make_user):
    page = _page(client_as(app, make_user("official")), "en")
    assert "No organisations to count." in page and "0 organisations of the register counted" in page
