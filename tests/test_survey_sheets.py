"""Survey sheets as ward offices write them: Vietnamese
headers read the same way by the command line and the browser, yes/no consent columns
per purpose, columns nobody asked for ignored, values in another word order or a common
synonym accepted, refused values with the closest allowed value and the allowed list,
and every invalid cell of a batch corrected on one page."""
import csv
import io
import re

import pytest
from conftest import csrf_token
from flask_babel import force_locale
from test_import_browser import commit, uploaded_batch

from expertnet.accounts import consent
from expertnet.accounts.models import Consent
from expertnet.cli import format_report
from expertnet.core import vocab
from expertnet.core.models import Audit
from expertnet.curation import batches, columns, importer
from expertnet.curation.models import ImportBatch, ImportRow
from expertnet.directory import validation
from expertnet.directory.models import Expert
from expertnet.taxonomy import store as catalog

# A ward office's sheet: a running number, the person, where they work and live, one
# column per consent as the office ticked it, and the officer's own notes.
WARD_HEADER = ["STT", "Họ và tên", "Đối tượng", "Đơn vị công tác", "Nước cư trú",
               "Hình thức hợp tác", "Đồng ý công bố thông tin", "Đồng ý cho liên hệ", "Ghi chú"]
WARD_ROWS = [
    ["1", "Nguyễn Thị Thu Hà", "Kiều bào", "Đại học Tokyo", "Nhật Bản",
     "nghiên cứu hợp tác; tư vấn", "Có", "x", "Phường Lê Chân gửi"],
    ["2", "Trần Văn Đông", "Trí thức kiều bào", "Samsung Electronics", "Hàn Quốc",
     "hợp tác NC", "x", "", ""],
    ["3", "Phạm Minh Châu", "kiều bào Hải Phòng", "CNRS", "Pháp",
     "giảng dạy", "✓", "Không", "đã gọi điện"],
    ["4", "Lê Hoàng Yến", "Kiều bào", "Deakin University", "Úc",
     "Tư vấn chính sách", "Không", "Có", ""],
    ["5", "Vũ Đức Thắng", "Kiều bào", "Siemens", "Đức", "", "", "", "chưa xác minh"],
]
# Which purposes each row consented to, by name.
EXPECTED = {
    "Nguyễn Thị Thu Hà": {"publish", "contact"},
    "Trần Văn Đông": {"publish"},
    "Phạm Minh Châu": {"publish"},
    "Lê Hoàng Yến": {"contact"},
    "Vũ Đức Thắng": set(),
}


# What the sheet must give, by the command line and the browser alike: kind, organisation,
# country, kinds of help and who sees the e-mail address (with the consents, EXPECTED).
# Who sees the profile is left out: the visibility of consenting rows is item 4.
OUTCOME = {
    "Nguyễn Thị Thu Hà": ("diaspora", "Đại học Tokyo", "JP",
                          ["research_collaboration", "consulting"], "officials"),
    "Trần Văn Đông": ("diaspora", "Samsung Electronics", "KR", ["research_collaboration"],
                      "curators"),
    "Phạm Minh Châu": ("diaspora", "CNRS", "FR", ["lecturing"], "curators"),
    "Lê Hoàng Yến": ("diaspora", "Deakin University", "AU", ["consulting"], "officials"),
    "Vũ Đức Thắng": ("diaspora", "Siemens", "DE", [], "curators"),
}


def outcome():
    return {expert.full_name: (expert.kind, expert.organization, expert.country,
                               expert.available_for, expert.email_visibility)
            for expert in Expert.select()}


def ward_csv(path, header=WARD_HEADER, rows=WARD_ROWS):
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def ward_xlsx(path, header=WARD_HEADER, rows=WARD_ROWS):
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Phiếu khảo sát"
    sheet.append(header)
    for values in rows:
        # STT as a number, as a spreadsheet keeps it.
        sheet.append([int(values[0]), *values[1:]])
    workbook.save(path)
    return path


def consents_by_name():
    found = {}
    for expert in Expert.select():
        found[expert.full_name] = {row.purpose for row in
                                   Consent.select().where((Consent.expert == expert.id)
                                                          & Consent.granted)}
    return found


@pytest.fixture
def curator(make_user, login):
    user = make_user("curator")
    login(user)
    return user


def profiles_by_name():
    return {expert.full_name: expert for expert in Expert.select()}


# -- headers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("header", "column"), [
    ("Họ và tên", "full_name"), ("Đơn vị công tác", "organization"), ("Nước cư trú", "country"),
    ("Đồng ý công bố thông tin", "consent_publish"), ("Đồng ý cho liên hệ", "consent_contact"),
    ("Consent to publish", "consent_publish"), ("Consent to be contacted", "consent_contact"),
    ("Có đồng ý công khai hồ sơ không?", "consent_publish"),
    ("ĐỒNG Ý CHO LIÊN LẠC (có/không)", "consent_contact"),
    ("Agreed to publication", "consent_publish"),
    ("Đồng ý đăng thông tin lên cơ sở dữ liệu", "consent_publish"),
    ("Agrees to be listed in the directory", "consent_publish"),
    ("Đồng ý để Sở kết nối", "consent_contact"),
    ("Permission to share contact details", "consent_contact"),
    ("Đồng ý công bố và liên hệ", "consent"), ("Đồng ý", "consent"), ("consent", "consent"),
    ("consent_publish", "consent_publish"),
    # A header about contact details, not about consent, is not a consent column.
    ("Thông tin liên hệ", ""), ("STT", ""), ("Ghi chú", ""),
])
def test_headers_are_read_as_people_write_them(app, header, column):
    assert columns.guess(header) == column or importer.contract_column(header) == column


def test_the_command_line_reads_the_headers_the_browser_proposes(app, tmp_path):
    report = importer.ImportReport()
    mapping = importer.map_header(WARD_HEADER, report)
    proposed = [proposal["column"] for proposal in columns.propose(WARD_HEADER)]
    assert [mapping.get(index, "") for index in range(len(WARD_HEADER))] == proposed
    assert report.unknown_columns == ["STT", "Ghi chú"]
    assert ("Đồng ý công bố thông tin", "consent_publish") in report.recognised_columns


def test_unknown_columns_are_reported_once_and_leave_the_exit_code_alone(app, runner, tmp_path):
    header = [*WARD_HEADER, "Ghi chú"]  # the officer's notes twice
    rows = [[*values, "thêm"] for values in WARD_ROWS]
    path = ward_csv(tmp_path / "phuong-le-chan.csv", header, rows)
    result = runner.invoke(args=["import-profiles", str(path), "--lang", "vi"])
    assert result.exit_code == 0, result.output
    assert result.output.count("“Ghi chú”") == 1
    assert result.output.count("“STT”") == 1
    assert "“Đồng ý công bố thông tin”" in result.output and "consent_publish" in result.output
    assert Expert.select().count() == 5


# -- yes/no consent columns ------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["Có", "có", "x", "X", "✓", "✔", "yes", "Yes", "y", "Y",
                                  "đồng ý", "Đồng ý", "dong y", "1", "true", "TRUE"])
def test_each_way_of_saying_yes_consents(cell):
    assert consent.parse_yes_no(cell) is True


@pytest.mark.parametrize("cell", ["Không", "không", "khong", "no", "No", "n", "N", "0", "false",
                                  "FALSE", "", "  "])
def test_each_way_of_saying_no_does_not(cell):
    assert consent.parse_yes_no(cell) is False


@pytest.mark.parametrize("cell", ["chưa rõ", "?", "có thể", "2"])
def test_anything_else_is_neither(cell):
    assert consent.parse_yes_no(cell) is None


@pytest.mark.parametrize("make", [ward_csv, ward_xlsx])
def test_a_ward_sheet_imports_on_the_command_line_with_its_consents(app, runner, tmp_path, make):
    path = make(tmp_path / f"phuong-le-chan{'.csv' if make is ward_csv else '.xlsx'}")
    result = runner.invoke(args=["import-profiles", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "5 rows read: 5 created" in result.output
    assert consents_by_name() == EXPECTED
    # Without consent to contact the e-mail address stays for curators (privacy by default).
    assert outcome() == OUTCOME


def test_the_browser_imports_the_same_sheet_with_the_same_outcome(app, client, curator, tmp_path):
    path = ward_xlsx(tmp_path / "phuong-le-chan.xlsx")
    batch = uploaded_batch(client, path.read_bytes(), "phuong-le-chan.xlsx")
    assert batch.status == "mapping"
    page = client.get(f"/curate/imports/{batch.id}/columns", headers={"Accept-Language": "vi"})
    text = page.get_data(as_text=True)
    assert "Đồng ý công bố thông tin" in text
    # The curator accepts the proposals as they are.
    proposals = columns.propose(WARD_HEADER)
    data = {f"column-{index}": proposal["column"] for index, proposal in enumerate(proposals)}
    data["csrf_token"] = csrf_token(client, f"/curate/imports/{batch.id}/columns")
    response = client.post(f"/curate/imports/{batch.id}/columns", data=data)
    assert response.status_code == 302
    batch = ImportBatch.get_by_id(batch.id)
    assert batch.status == "ready" and batch.tally == {"new": 5}
    assert commit(client, batch).status_code == 302
    assert ImportBatch.get_by_id(batch.id).status == "committed"
    assert consents_by_name() == EXPECTED
    assert outcome() == OUTCOME


def test_an_unrecognised_yes_no_value_rejects_the_row_in_both_languages(app, runner, tmp_path):
    rows = [list(values) for values in WARD_ROWS]
    rows[1][6] = "chưa rõ"
    path = ward_csv(tmp_path / "phuong.csv", rows=rows)
    vietnamese = runner.invoke(args=["import-profiles", str(path), "--lang", "vi", "--dry-run"])
    english = runner.invoke(args=["import-profiles", str(path), "--lang", "en"])
    assert english.exit_code == 1
    assert "Row 3, column consent_publish: “chưa rõ” is neither yes nor no" in english.output
    assert "Dòng 3" in vietnamese.output and "“chưa rõ”" in vietnamese.output
    assert "neither yes nor no" not in vietnamese.output
    # The other rows are imported; the refused one is not.
    assert "Trần Văn Đông" not in profiles_by_name()
    assert len(profiles_by_name()) == 4


def test_a_yes_no_column_and_the_consent_column_combine(app, tmp_path):
    header = ["full_name", "kind", "consent", "Đồng ý công bố thông tin", "Đồng ý cho liên hệ"]
    rows = [
        ["Đỗ Thị Lan", "diaspora", "contact; 2025-11-20", "Có", ""],   # union
        ["Bùi Văn Nam", "diaspora", "công bố", "", ""],                # empty adds nothing
        ["Ngô Thị Mai", "diaspora", "công bố; liên hệ", "", "Không"],  # contradiction
    ]
    report = importer.import_file(ward_csv(tmp_path / "hai-cot.csv", header, rows))
    assert consents_by_name() == {"Đỗ Thị Lan": {"publish", "contact"}, "Bùi Văn Nam": {"publish"}}
    recorded = Consent.get(Consent.purpose == "publish", Consent.expert ==
                           Expert.get(Expert.full_name == "Đỗ Thị Lan").id)
    assert recorded.created_at.date().isoformat() == "2025-11-20"
    assert list(report.problems) == [4]
    (column, message), = report.problems[4]
    assert column == "consent_contact" and "contact" in message


def test_nothing_is_written_while_a_row_is_invalid_in_the_browser(app, client, curator, tmp_path):
    rows = [list(values) for values in WARD_ROWS]
    rows[0][6] = "chưa rõ"
    path = ward_csv(tmp_path / "phuong.csv", rows=rows)
    batch = uploaded_batch(client, path.read_bytes(), "phuong.csv")
    chosen = [proposal["column"] for proposal in columns.propose(WARD_HEADER)]
    batches.set_mapping(batch, chosen, curator.id)
    batch = ImportBatch.get_by_id(batch.id)
    assert batch.tally == {"new": 4, "invalid": 1}
    response = commit(client, batch)
    assert response.status_code == 409
    assert Expert.select().count() == 0


# -- values: word order, synonyms, suggestions -----------------------------------------------
@pytest.mark.parametrize(("column", "cell", "expected"), [
    ("available_for", "nghiên cứu hợp tác", ["research_collaboration"]),
    ("available_for", "Hợp tác NC", ["research_collaboration"]),
    ("available_for", "tư vấn chính sách; đào tạo", ["consulting", "lecturing"]),
    ("available_for", "collaboration research", ["research_collaboration"]),
    ("available_for", "khởi nghiệp cố vấn", ["mentoring"]),
    ("kind", "Việt kiều", "diaspora"),
    ("kind", "nước ngoài chuyên gia", "foreign"),
    ("sector", "Nghiên cứu và đào tạo", "academia"),
    ("sector", "Academia and research", "academia"),
    ("visibility", "Chỉ cán bộ quản lý", "curators"),
    ("fields", "nhân tạo trí tuệ", ["ai"]),
    ("country", "Quốc Hàn", "KR"),
])
def test_other_word_orders_and_common_synonyms_are_accepted(app, column, cell, expected):
    values, errors = validation.normalize({column: cell}, catalog.load())
    assert errors == [] and values[column] == expected


def test_a_word_set_shared_by_two_values_decides_nothing():
    matcher = vocab.Matcher([("hợp tác nghiên cứu", "research"), ("nghiên cứu hợp tác xã", "coop"),
                             ("hợp tác xã nghiên cứu", "other")])
    assert matcher.parse("nghiên cứu hợp tác") == "research"
    assert matcher.parse("xã hợp tác nghiên cứu") is None
    assert matcher.parse("hợp tác xã nghiên cứu") == "other"  # as written: no guess needed


def test_spreadsheet_booleans_and_numbers_are_yes_and_no(app, tmp_path):
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Đối tượng", "Consent to publish", "Consent to be contacted"])
    sheet.append(["Đinh Văn Hải", "Kiều bào", True, 0])
    sheet.append(["Mai Thị Hạnh", "Kiều bào", 1, False])
    workbook.save(tmp_path / "booleans.xlsx")
    report = importer.import_file(tmp_path / "booleans.xlsx")
    assert (report.created, report.rejected) == (2, 0)
    assert consents_by_name() == {"Đinh Văn Hải": {"publish"}, "Mai Thị Hạnh": {"publish"}}


def test_every_label_shown_in_either_language_is_accepted_back(app):
    taxonomy = catalog.load()
    for column in validation.CLOSED_COLUMNS:
        for language in ("vi", "en"):
            with force_locale(language):
                for code, label in validation.allowed_values(column, taxonomy):
                    assert validation.closed_code(column, label, taxonomy) == code, (column, label)


def test_a_refused_value_names_the_closest_and_the_allowed_values(app):
    taxonomy = catalog.load()
    with force_locale("vi"):
        _values, errors = validation.normalize({"available_for": "hop tac nghien cu"}, taxonomy)
        (column, message), = errors
        assert column == "available_for"
        assert "“Hợp tác nghiên cứu”." in message
        assert "“Tư vấn”, “Giảng dạy”" in message
        assert validation.proposal(column, "Tư vấn; hop tac nghien cu", taxonomy) == \
            "Tư vấn; Hợp tác nghiên cứu"
        assert validation.proposal("languages", "tiếng Nhật; japnese; klingonese", taxonomy) == \
            "tiếng Nhật; klingonese"
    with force_locale("en"):
        _values, errors = validation.normalize({"country": "Nhat Banz"}, taxonomy)
        (_column, message), = errors
        assert "Did you mean “Japan”?" in message
        # Hundreds of countries: only the closest are named.
        assert "Closest allowed values: “Japan”" in message and "Viet" not in message


def test_nothing_close_means_no_suggestion_only_the_allowed_values(app):
    with force_locale("en"):
        _values, errors = validation.normalize({"kind": "giáo viên"}, catalog.load())
    (_column, message), = errors
    assert "Did you mean" not in message
    assert "Allowed values: “Domestic expert”, “Foreign expert”" in message
    assert validation.proposal("kind", "giáo viên", catalog.load()) == ""


def test_the_command_line_prints_the_suggestion_and_the_allowed_values(app, runner, tmp_path):
    rows = [list(values) for values in WARD_ROWS]
    rows[2][5] = "giang day; hop tac nghien cu"
    path = ward_csv(tmp_path / "phuong.csv", rows=rows)
    result = runner.invoke(args=["import-profiles", str(path), "--lang", "vi"])
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if line.startswith("Dòng 4"))
    assert "hop tac nghien cu" in line and "“Hợp tác nghiên cứu”" in line
    assert "“Cố vấn khởi nghiệp”" in line


# -- the batch-wide correction page ----------------------------------------------------------
def bad_sheet(tmp_path):
    rows = [list(values) for values in WARD_ROWS]
    rows[0][5] = "hop tac nghien cu"       # close to an allowed value
    rows[1][4] = "Han Quoc xyz"            # a country misspelt
    rows[2][6] = "chưa rõ"                 # neither yes nor no
    rows[3][2] = "giáo viên"               # nothing close
    return ward_csv(tmp_path / "phuong-sai.csv", rows=rows)


def staged(client, curator, tmp_path):
    batch = uploaded_batch(client, bad_sheet(tmp_path).read_bytes(), "phuong-sai.csv")
    batches.set_mapping(batch, [p["column"] for p in columns.propose(WARD_HEADER)], curator.id)
    return ImportBatch.get_by_id(batch.id)


def row_id(batch, number):
    return ImportRow.get((ImportRow.batch == batch.id) & (ImportRow.number == number)).id


def field_value(html, name):
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    return match.group(1) if match else None


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_correction_page_lists_every_invalid_cell_with_a_suggestion(app, client, curator,
                                                                        tmp_path, language):
    batch = staged(client, curator, tmp_path)
    assert batch.tally == {"new": 1, "invalid": 4}
    preview = client.get(f"/curate/imports/{batch.id}", headers={"Accept-Language": language})
    assert f"/curate/imports/{batch.id}/corrections" in preview.get_data(as_text=True)
    client.set_cookie("lang", language)
    page = client.get(f"/curate/imports/{batch.id}/corrections")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    first, second = row_id(batch, 2), row_id(batch, 3)
    third, fourth = row_id(batch, 4), row_id(batch, 5)
    expected = {"vi": ("Hợp tác nghiên cứu", "Hàn Quốc"),
                "en": ("Research collaboration", "South Korea")}[language]
    assert field_value(html, f"cell-{first}-available_for") == expected[0]
    assert field_value(html, f"cell-{second}-country") == expected[1]
    assert field_value(html, f"cell-{third}-consent_publish") == "chưa rõ"
    assert field_value(html, f"cell-{fourth}-kind") == "giáo viên"
    assert 'list="allowed-kind"' in html and '<datalist id="allowed-kind">' in html
    assert {"vi": "Có", "en": "Yes"}[language] in html


@pytest.mark.parametrize("language", ["vi", "en"])
def test_several_rows_are_corrected_at_once_then_committed(app, client, curator, tmp_path,
                                                           language):
    batch = staged(client, curator, tmp_path)
    page = f"/curate/imports/{batch.id}/corrections"
    client.set_cookie("lang", language)
    html = client.get(page).get_data(as_text=True)
    assert {"vi": "Sửa các dòng không hợp lệ", "en": "Correct the invalid rows"}[language] in html
    first, second = row_id(batch, 2), row_id(batch, 3)
    third, fourth = row_id(batch, 4), row_id(batch, 5)
    data = {name: field_value(html, name) for name in (
        f"cell-{first}-available_for", f"cell-{second}-country")}
    data[f"cell-{third}-consent_publish"] = "Có"
    data[f"cell-{fourth}-kind"] = "không biết"  # still wrong
    data["csrf_token"] = csrf_token(client, page)
    response = client.post(page, data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert {"vi": "“không biết” không phải là giá trị hợp lệ",
            "en": "“không biết” is not a known value"}[language] in html
    # Only the row still refused is listed, with what the curator typed.
    assert field_value(html, f"cell-{fourth}-kind") == "không biết"
    assert f"cell-{first}-" not in html
    batch = ImportBatch.get_by_id(batch.id)
    assert batch.tally == {"new": 4, "invalid": 1}
    assert Expert.select().count() == 0  # nothing is written while a row is invalid
    assert commit(client, batch).status_code == 409
    response = client.post(page, data={f"cell-{fourth}-kind": "Kiều bào",
                                       "csrf_token": csrf_token(client, page)})
    assert response.status_code == 302
    assert response.location.endswith(f"/curate/imports/{batch.id}")
    batch = ImportBatch.get_by_id(batch.id)
    assert batch.tally == {"new": 5}
    entries = [entry.changed for entry in Audit.select().where(Audit.action == "import.correct")
               .order_by(Audit.id)]
    assert entries[0]["rows"] == [2, 3, 4, 5] and entries[0]["batch"] == batch.id
    assert "available_for" in entries[0]["columns"] and "Kiều" not in str(entries)
    assert commit(client, batch).status_code == 302
    profiles = profiles_by_name()
    assert profiles["Nguyễn Thị Thu Hà"].available_for == ["research_collaboration"]
    assert profiles["Trần Văn Đông"].country == "KR"
    assert profiles["Lê Hoàng Yến"].kind == "diaspora"
    assert consents_by_name()["Phạm Minh Châu"] == {"publish"}


def test_a_row_can_be_excluded_from_the_correction_page(app, client, curator, tmp_path):
    batch = staged(client, curator, tmp_path)
    page = f"/curate/imports/{batch.id}/corrections"
    data = {f"exclude-{row_id(batch, number)}": "1" for number in (2, 3, 4, 5)}
    response = client.post(page, data={**data, "csrf_token": csrf_token(client, page)})
    assert response.status_code == 302
    assert batches.blocking(ImportBatch.get_by_id(batch.id)) == 0
    assert commit(client, batch).status_code == 302
    assert set(profiles_by_name()) == {"Vũ Đức Thắng"}


def test_a_long_list_of_invalid_rows_comes_a_page_at_a_time(app, client, curator, tmp_path,
                                                             monkeypatch):
    monkeypatch.setattr(batches, "CORRECTION_ROWS", 3)
    batch = staged(client, curator, tmp_path)
    page = f"/curate/imports/{batch.id}/corrections"
    client.set_cookie("lang", "en")
    html = client.get(page).get_data(as_text=True)
    assert "The first 3 invalid rows are shown" in html
    assert f"exclude-{row_id(batch, 5)}" not in html
    response = client.post(page, data={f"exclude-{row_id(batch, number)}": "1"
                                       for number in (2, 3, 4)}
                           | {"csrf_token": csrf_token(client, page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The first" not in html
    assert f"cell-{row_id(batch, 5)}-kind" in html


def test_the_single_row_page_offers_the_allowed_values_too(app, client, curator, tmp_path):
    batch = staged(client, curator, tmp_path)
    client.set_cookie("lang", "vi")
    html = client.get(f"/curate/imports/{batch.id}/rows/{row_id(batch, 5)}").get_data(as_text=True)
    assert 'id="cell-kind" name="cell-kind" value="giáo viên" list="allowed-kind"' in html
    assert '<option value="Trí thức người Hải Phòng ở nước ngoài">' in html


def test_corrections_touch_only_invalid_rows_of_the_same_batch(app, client, curator, tmp_path):
    batch = staged(client, curator, tmp_path)
    valid = row_id(batch, 6)
    page = f"/curate/imports/{batch.id}/corrections"
    client.post(page, data={f"cell-{valid}-full_name": "Đổi Tên", f"cell-{valid}-STT": "x",
                            "csrf_token": csrf_token(client, page)})
    assert ImportRow.get_by_id(valid).cells["full_name"] == "Vũ Đức Thắng"
    assert client.post(page, data={}).status_code == 400  # no CSRF token


def test_the_report_lists_recognised_and_ignored_columns(app, tmp_path):
    report = importer.import_file(ward_csv(tmp_path / "phuong.csv"), dry_run=True)
    with force_locale("vi"):
        text = format_report(report)
    assert "“Họ và tên”" in text and "full_name" in text
    assert "“STT”" in text and "“Ghi chú”" in text


def test_an_upload_with_yes_no_columns_named_as_the_contract_needs_no_mapping(app, client, curator):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["full_name", "kind", "consent_publish", "consent_contact"])
    writer.writerow(["Hoàng Văn Tùng", "diaspora", "x", "không"])
    batch = uploaded_batch(client, buffer.getvalue().encode(), "hop-dong.csv")
    assert batch.status == "ready" and batch.tally == {"new": 1}
    assert commit(client, batch).status_code == 302
    assert consents_by_name() == {"Hoàng Văn Tùng": {"publish"}}
