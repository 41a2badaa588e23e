"""Exports a person can read: headers and labels in the reader's
language by default, the import contract's headers and codes on request (and then a
lossless round trip through ``import-profiles``), numbers as numbers and dates as dates
in XLSX, and a file name that says the date and the search."""
import csv
import datetime
import io
import zoneinfo
from urllib.parse import unquote

import openpyxl
import pytest
from conftest import _database_copy, client_as, make_app

from expertnet.accounts import consent
from expertnet.core.db import connect_url, database
from expertnet.curation.models import Job
from expertnet.directory import writes
from expertnet.directory.models import Expert
from expertnet.directory.validation import COLUMNS

PEOPLE = [
    {"external_id": "KS-HP-0007", "kind": "diaspora", "full_name": "Nguyễn Thị Thu Hương",
     "other_names": "Huong Nguyen; Thu Huong Nguyen", "title": "PGS", "degree": "TS",
     "gender": "female", "birth_year": "1978", "hometown": "xã An Lão", "country": "JP",
     "city": "Yokohama", "organization": "Đại học Quốc gia Yokohama",
     "position": "Phó Giáo sư, Khoa Kỹ thuật Hàng hải", "sector": "academia",
     "fields": "ai; logistics", "keywords": "-tối ưu hóa cảng; học máy, dự báo; cảng thông minh",
     "languages": "vi; ja; en", "available_for": "consulting; research_collaboration",
     "bio_vi": "Nghiên cứu tối ưu hóa cảng biển, chuỗi cung ứng.\n\nHướng dẫn 12 nghiên cứu sinh "
               "người Việt tại Nhật Bản; cộng tác với “Cảng Hải Phòng”.",
     "bio_en": "Works on port optimisation and supply chains.", "email": "huong@example.jp",
     "phone": "+81 45 123 4567", "website": "https://example.jp/huong",
     "orcid": "0000-0002-1825-0097", "visibility": "public", "email_visibility": "officials",
     "phone_visibility": "curators"},
    {"external_id": "NN-0002", "kind": "foreign", "full_name": "Hans Müller", "country": "DE",
     "city": "Dortmund", "organization": "Fraunhofer IML", "fields": "logistics",
     "languages": "de; en", "available_for": "lecturing", "visibility": "officials",
     "email": "hans.mueller@example.de", "email_visibility": "officials"},
    {"external_id": "TN-0100", "kind": "domestic", "full_name": "Trần Văn Đạt",
     "birth_year": "1990", "organization": "=SUM(A1:A9)", "position": "Kỹ sư trưởng",
     "fields": "automation", "visibility": "curators", "phone": "0912 345 678"},
]
VI_FIELDS = "Trí tuệ nhân tạo; Logistics"
HAI_PHONG = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def with_consent(expert):
    """The profile with both consents on record, as the survey gave them."""
    for purpose in consent.PURPOSES:
        consent.decide(expert, None, purpose, True, consent.NOTICE_VERSION)
    return expert


@pytest.fixture
def people(app):
    return [with_consent(writes.save_profile(dict(values)).expert) for values in PEOPLE]


@pytest.fixture
def curator(app, make_user):
    return client_as(app, make_user("curator"))


def get(client, path, language="vi"):
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, response.status_code
    return response


def csv_rows(response):
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # a BOM: Excel reads the diacritics
    return list(csv.DictReader(io.StringIO(text[1:])))


def sheet_of(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    return workbook.worksheets[0]


def local_date(moment):
    return moment.replace(tzinfo=datetime.UTC).astimezone(HAI_PHONG).date()


# -- the readable layout ---------------------------------------------------------------------------
def test_by_default_headers_and_values_are_in_vietnamese(app, curator, people):
    rows = csv_rows(get(curator, "/search/export.csv?sort=name"))
    huong = next(row for row in rows if row["Mã tham chiếu trong tệp nguồn"] == "KS-HP-0007")
    assert huong["Họ và tên"] == "Nguyễn Thị Thu Hương"
    assert huong["Loại chuyên gia"] == "Trí thức người Hải Phòng ở nước ngoài"
    assert huong["Tên gọi khác"] == "Huong Nguyen; Thu Huong Nguyen"
    assert (huong["Chức danh khoa học"], huong["Học vị"], huong["Giới tính"]) == \
        ("Phó Giáo sư", "Tiến sĩ", "Nữ")
    assert huong["Năm sinh"] == "1978"
    assert (huong["Quốc gia cư trú"], huong["Thành phố"]) == ("Nhật Bản", "Yokohama")
    assert huong["Cơ quan, đơn vị"] == "Đại học Quốc gia Yokohama"
    assert huong["Khu vực công tác"] == "Nghiên cứu và đào tạo"
    assert huong["Lĩnh vực chuyên môn"] == VI_FIELDS
    assert huong["Ngôn ngữ"] == "Tiếng Việt; Tiếng Nhật; Tiếng Anh"
    assert huong["Có thể hỗ trợ"] == "Tư vấn; Hợp tác nghiên cứu"
    assert huong["Tiểu sử bằng tiếng Việt"] == PEOPLE[0]["bio_vi"]
    assert (huong["Ai được xem hồ sơ"], huong["Ai được xem địa chỉ thư điện tử"],
            huong["Ai được xem số điện thoại"]) == ("Công khai", "Cán bộ, công chức",
                                                     "Chỉ cán bộ quản lý")
    assert huong["Sự đồng ý đã ghi nhận"] == "chia sẻ thông tin liên hệ; công bố hồ sơ"
    stored = Expert.get(Expert.external_id == "KS-HP-0007")
    assert huong["Ngày tạo hồ sơ"] == local_date(stored.created_at).isoformat()
    assert huong["Cập nhật lần cuối"] == local_date(stored.updated_at).isoformat()
    # No code of a closed vocabulary is left for the reader to decode.
    codes = {"diaspora", "assoc_prof", "phd", "female", "JP", "ai", "academia", "public",
             "officials", "curators", "consulting", "publish"}
    assert not codes & {value for row in rows for value in row.values()}


def test_an_english_reader_gets_english_headers_and_labels(app, curator, people):
    rows = csv_rows(get(curator, "/search/export.csv", "en"))
    huong = next(row for row in rows if row["Full name"] == "Nguyễn Thị Thu Hương")
    assert huong["Kind of expert"] == "Overseas Hai Phong intellectual"
    assert huong["Country of residence"] == "Japan"
    assert huong["Fields of expertise"] == "Artificial intelligence; Logistics"
    assert huong["Languages"] == "Vietnamese; Japanese; English"
    assert huong["Available for"] == "Consulting; Research collaboration"
    assert huong["Academic title"] == "Associate Professor"
    assert huong["Consent on record"] == "sharing contact details; publishing the profile"
    hans = next(row for row in rows if row["Full name"] == "Hans Müller")
    assert (hans["Country of residence"], hans["Languages"]) == ("Germany", "German; English")
    assert hans["Year of birth"] == ""


def test_an_official_reads_only_what_officials_may_see(app, make_user, people):
    official = client_as(app, make_user("official"))
    rows = csv_rows(get(official, "/search/export.csv"))
    assert sorted(row["Họ và tên"] for row in rows) == ["Hans Müller", "Nguyễn Thị Thu Hương"]
    huong = next(row for row in rows if row["Họ và tên"] == "Nguyễn Thị Thu Hương")
    assert huong["Địa chỉ thư điện tử"] == "huong@example.jp" and huong["Điện thoại"] == ""
    assert (huong["Năm sinh"], huong["Giới tính"], huong["Ai được xem số điện thoại"],
            huong["Sự đồng ý đã ghi nhận"]) == ("", "", "", "")


def test_formula_looking_text_stays_neutralised_in_the_readable_layout(app, curator, people):
    rows = csv_rows(get(curator, "/search/export.csv"))
    dat = next(row for row in rows if row["Họ và tên"] == "Trần Văn Đạt")
    assert dat["Cơ quan, đơn vị"] == "'=SUM(A1:A9)"
    sheet = sheet_of(get(curator, "/search/export.xlsx"))
    texts = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row
             if isinstance(cell.value, str)]
    assert "'=SUM(A1:A9)" in texts and "'-tối ưu hóa cảng; học máy, dự báo; cảng thông minh" in texts
    assert not [text for text in texts if text[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# -- XLSX cells ------------------------------------------------------------------------------------
@pytest.mark.parametrize("language, date_format", [("vi", "dd/mm/yyyy"), ("en", "yyyy-mm-dd")])
def test_xlsx_numbers_are_numbers_and_dates_are_dates(app, curator, people, language,
                                                      date_format):
    sheet = sheet_of(get(curator, "/search/export.xlsx?sort=name", language))
    header = [cell.value for cell in sheet[1]]
    assert all(cell.font.b for cell in sheet[1])
    # The header row and the names stay in view.
    assert sheet.freeze_panes == "B2" and header[0] == ("Họ và tên" if language == "vi"
                                                         else "Full name")
    rows = {row[header.index("Họ và tên" if language == "vi" else "Full name")].value: row
            for row in sheet.iter_rows(min_row=2)}
    huong = rows["Nguyễn Thị Thu Hương"]
    birth = huong[header.index("Năm sinh" if language == "vi" else "Year of birth")]
    assert birth.value == 1978 and birth.data_type == "n"
    stored = Expert.get(Expert.external_id == "KS-HP-0007")
    for position, moment in ((-2, stored.created_at), (-1, stored.updated_at)):
        cell = huong[position]
        assert cell.is_date and cell.number_format == date_format
        assert cell.value == datetime.datetime.combine(local_date(moment), datetime.time())
    # An empty birth year is an empty cell, not a zero or a text.
    hans = rows["Hans Müller"]
    assert hans[header.index("Năm sinh" if language == "vi" else "Year of birth")].value is None


def test_the_import_layout_keeps_contract_headers_codes_and_a_numeric_birth_year(
        app, curator, people):
    sheet = sheet_of(get(curator, "/search/export.xlsx?layout=import"))
    header = [cell.value for cell in sheet[1]]
    assert header == [*COLUMNS, "consent"]
    rows = {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=2)}
    huong = dict(zip(header, rows["KS-HP-0007"], strict=True))
    assert (huong["kind"], huong["country"], huong["fields"], huong["title"]) == \
        ("diaspora", "JP", "ai; logistics", "assoc_prof")
    assert huong["birth_year"] == 1978
    assert huong["consent"] == "contact; publish"
    csv_huong = next(row for row in csv_rows(get(curator, "/search/export.csv?layout=import"))
                     if row["external_id"] == "KS-HP-0007")
    assert csv_huong["birth_year"] == "1978" and csv_huong["languages"] == "vi; ja; en"


# -- the round trip through import-profiles ---------------------------------------------------------
def snapshot():
    """Every profile's contract values and consents, by external id."""
    decisions = consent.latest_decisions([expert.id for expert in Expert.select()])
    return {expert.external_id: ({column: expert.field_codes if column == "fields"
                                  else getattr(expert, column) for column in COLUMNS},
                                 decisions.get(expert.id, {}))
            for expert in Expert.select()}


def versions():
    return {expert.external_id: (expert.version, expert.updated_at) for expert in Expert.select()}


def import_profiles(app, path):
    """``import-profiles FILE`` as an operator runs it (the default mode, ``update``)."""
    result = app.test_cli_runner().invoke(args=["import-profiles", str(path), "--lang", "en"])
    return result.exit_code, result.output


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_re_import_layout_round_trips_through_import_profiles(
        app, curator, people, tmp_path, migrated_template, file_format):
    response = get(curator, f"/search/export.{file_format}?layout=import")
    path = tmp_path / f"export.{file_format}"
    path.write_bytes(response.get_data())
    before, stamps = snapshot(), versions()
    home = app.config["DATABASE_URL"]

    # Into a fresh directory: every profile comes back as it was, consents included.
    (tmp_path / "fresh").mkdir()
    with _database_copy(tmp_path / "fresh", migrated_template) as fresh_url:
        fresh = make_app(tmp_path / "fresh", fresh_url)
        try:
            with fresh.app_context():
                assert Expert.select().count() == 0
                code, output = import_profiles(fresh, path)
                assert code == 0, output
                assert "3 rows read: 3 created, 0 updated, 0 unchanged, 0 rejected." in output
                assert snapshot() == before
                # And a second time there: nothing changes.
                code, output = import_profiles(fresh, path)
                assert "0 created, 0 updated, 3 unchanged, 0 rejected." in output
        finally:
            fresh.extensions["expertnet.search"].close()
            if not database.is_closed():
                database.close()

    # Into the same directory: no change reported, no new version.
    database.initialize(connect_url(home))
    code, output = import_profiles(app, path)
    assert code == 0, output
    assert "3 rows read: 0 created, 0 updated, 3 unchanged, 0 rejected." in output
    assert snapshot() == before and versions() == stamps


# -- file names ------------------------------------------------------------------------------------
def disposition(response):
    """``(ASCII name, exact name)`` of an attachment."""
    header = response.headers["Content-Disposition"]
    assert header.startswith("attachment; ")
    plain = header.split('filename="', 1)[1].split('"', 1)[0]
    exact = unquote(header.split("filename*=UTF-8''", 1)[1])
    assert plain.isascii()
    return plain, exact


def test_the_file_name_says_the_date_and_the_search(app, curator, people):
    today = datetime.datetime.now(HAI_PHONG).date().isoformat()
    response = get(curator, "/search/export.xlsx?field=ai&country=JP")
    assert disposition(response) == (f"chuyen-gia_{today}_linh-vuc-ai_nhat-ban.xlsx",
                                     f"chuyên-gia_{today}_lĩnh-vực-ai_nhật-bản.xlsx")
    response = get(curator, "/search/export.csv?field=ai&country=JP", "en")
    assert disposition(response) == (f"experts_{today}_field-ai_japan.csv",) * 2
    response = get(curator, "/search/export.csv?q=Cảng+biển&kind=diaspora&layout=import")
    assert disposition(response)[1] == (f"chuyên-gia_{today}_cảng-biển_trí-thức-người-hải-"
                                        f"phòng-ở-nước-ngoài_để-nhập-lại.csv")
    assert disposition(response)[0] == (f"chuyen-gia_{today}_cang-bien_tri-thuc-nguoi-hai-"
                                        f"phong-o-nuoc-ngoai_de-nhap-lai.csv")
    plain, exact = disposition(get(curator, "/search/export.csv?q=" + "rất dài " * 40
                                   + "&available_for=technology_transfer"))
    assert len(exact) <= 100 and exact.endswith(".csv") and plain.endswith(".csv")


def test_a_background_export_keeps_the_askers_language_layout_and_file_name(
        app, make_user, people):
    app.config["EXPORT_BACKGROUND_ROWS"] = 0
    client = client_as(app, make_user("curator"))
    response = client.get("/search/export.csv?field=logistics",
                          headers={"Accept-Language": "en"})
    job = Job.get()
    assert response.status_code == 302 and job.status == "done"
    today = datetime.datetime.now(HAI_PHONG).date().isoformat()
    assert job.result_name == f"experts_{today}_field-logistics.csv"
    with client.get(f"/jobs/{job.id}/download", headers={"Accept-Language": "vi"}) as download:
        assert disposition(download)[1] == job.result_name
        rows = csv_rows(download)
    assert sorted(row["Full name"] for row in rows) == ["Hans Müller", "Nguyễn Thị Thu Hương"]
    assert {row["Kind of expert"] for row in rows} == {"Foreign expert",
                                                       "Overseas Hai Phong intellectual"}

    client.get("/search/export.xlsx?field=ai&layout=import", headers={"Accept-Language": "vi"})
    job = Job.select().order_by(Job.id.desc()).get()
    assert job.result_name == f"chuyên-gia_{today}_lĩnh-vực-ai_để-nhập-lại.xlsx"
    with client.get(f"/jobs/{job.id}/download") as download:
        plain, _exact = disposition(download)
        sheet = sheet_of(download)
    assert plain == f"chuyen-gia_{today}_linh-vuc-ai_de-nhap-lai.xlsx"
    assert [cell.value for cell in sheet[1]] == [*COLUMNS, "consent"]
