"""The import contract: CSV/XLSX, validation per row, idempotence, exit codes."""
import csv
import unicodedata

import pytest

from expertnet.curation import importer
from expertnet.directory.models import Expert
from expertnet.directory.validation import COLUMNS

GOOD = [
    {"external_id": "HP-1", "kind": "diaspora", "full_name": "Nguyễn Văn Đức",
     "other_names": "Duc Nguyen; Duke", "title": "PGS", "degree": "TS", "birth_year": "1975",
     "hometown": "phường Lê Chân", "country": "Nhật Bản", "city": "Tokyo",
     "organization": "University of Tokyo", "fields": "Trí tuệ nhân tạo;logistics",
     "languages": "vi;ja;English", "available_for": "tư vấn;reviewing",
     "bio_en": "Works on AI for ports.", "email": "Duc.Nguyen@Example.org",
     "orcid": "0000-0002-1825-0097", "website": "example.org/duc", "visibility": "public"},
    {"external_id": "HP-2", "kind": "chuyên gia nước ngoài", "full_name": "Anna Schmidt",
     "country": "Germany", "fields": "automation", "visibility": ""},
]


def write_csv(path, rows, columns=COLUMNS, encoding="utf-8", delimiter=","):
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), delimiter=delimiter,
                                extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def write_xlsx(path, rows, columns=COLUMNS):
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])
    workbook.save(path)
    return path


def test_a_valid_file_imports_every_column(app, tmp_path):
    report = importer.import_file(write_csv(tmp_path / "in.csv", GOOD))
    assert (report.created, report.rejected, report.exit_code) == (2, 0, 0)
    duc = Expert.get(Expert.external_id == "HP-1")
    assert duc.country == "JP" and duc.title == "assoc_prof" and duc.degree == "phd"
    assert duc.other_names == ["Duc Nguyen", "Duke"]
    assert duc.languages == ["vi", "ja", "en"]
    assert duc.available_for == ["consulting", "reviewing"]
    assert duc.field_codes == ["ai", "logistics"]
    assert duc.email == "duc.nguyen@example.org" and duc.website == "https://example.org/duc"
    anna = Expert.get(Expert.external_id == "HP-2")
    assert anna.kind == "foreign" and anna.country == "DE"
    # An empty visibility cell means curators only, like a missing column.
    assert anna.visibility == "curators"


def test_reimporting_the_same_file_changes_nothing(app, tmp_path):
    path = write_csv(tmp_path / "in.csv", GOOD)
    importer.import_file(path)
    versions = {e.external_id: (e.version, e.updated_at) for e in Expert.select()}
    report = importer.import_file(path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert {e.external_id: (e.version, e.updated_at) for e in Expert.select()} == versions
    assert Expert.select().count() == 2


def test_a_changed_row_updates_its_profile_and_bumps_the_version(app, tmp_path):
    importer.import_file(write_csv(tmp_path / "a.csv", GOOD))
    changed = [dict(GOOD[0], position="Giáo sư thỉnh giảng"), GOOD[1]]
    report = importer.import_file(write_csv(tmp_path / "b.csv", changed))
    assert (report.updated, report.unchanged) == (1, 1)
    duc = Expert.get(Expert.external_id == "HP-1")
    assert duc.version == 2 and duc.position == "Giáo sư thỉnh giảng"


BAD_ROWS = [
    ({"full_name": ""}, "full_name"),
    ({"kind": "alien"}, "kind"),
    ({"fields": "ai;basket weaving"}, "fields"),
    ({"languages": "vi;klingon"}, "languages"),
    ({"available_for": "napping"}, "available_for"),
    ({"visibility": "everyone"}, "visibility"),
    ({"country": "Atlantis"}, "country"),
    ({"birth_year": "nineteen"}, "birth_year"),
    ({"birth_year": "1899"}, "birth_year"),
    ({"birth_year": "2999"}, "birth_year"),
    ({"email": "not-an-address"}, "email"),
    ({"bio_vi": "x" * 100_000}, "bio_vi"),
    ({"full_name": "N" * 201}, "full_name"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"orcid": "0000-0002-1825-0098"}, "orcid"),
]


@pytest.mark.parametrize("change, column", BAD_ROWS)
def test_invalid_rows_are_reported_and_change_nothing(app, tmp_path, change, column):
    good = {"external_id": "OK-1", "kind": "domestic", "full_name": "Hợp Lệ"}
    bad = dict({"external_id": "BAD-1", "kind": "domestic", "full_name": "Sai Một"}, **change)
    report = importer.import_file(write_csv(tmp_path / "in.csv", [good, bad]))
    assert report.exit_code == 1 and report.created == 1
    assert list(report.problems) == [3]  # the header is row 1
    assert [c for c, _m in report.problems[3]] == [column]
    assert Expert.select().count() == 1
    assert Expert.get_or_none(Expert.external_id == "BAD-1") is None


def test_cli_reports_rows_in_vietnamese_and_returns_exit_codes(app, runner, tmp_path):
    path = write_csv(tmp_path / "in.csv", [GOOD[0], {"kind": "domestic", "full_name": "X",
                                                      "birth_year": "abc"}])
    result = runner.invoke(args=["import-profiles", str(path), "--lang", "vi"])
    assert result.exit_code == 1
    assert "Dòng 3" in result.output and "birth_year" in result.output
    result = runner.invoke(args=["import-profiles", str(path), "--lang", "en"])
    assert "Row 3" in result.output
    ok = write_csv(tmp_path / "ok.csv", [GOOD[1]])
    assert runner.invoke(args=["import-profiles", str(ok)]).exit_code == 0
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\xff\xfe\x00\x00binary\x00junk")
    assert runner.invoke(args=["import-profiles", str(garbage)]).exit_code == 2
    assert runner.invoke(args=["import-profiles", str(tmp_path / "missing.csv")]).exit_code == 2


def test_dry_run_writes_nothing(app, runner, tmp_path):
    path = write_csv(tmp_path / "in.csv", GOOD)
    result = runner.invoke(args=["import-profiles", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert Expert.select().count() == 0


def test_bom_semicolons_and_decomposed_text_are_accepted(app, tmp_path):
    row = dict(GOOD[0], full_name=unicodedata.normalize("NFD", "Trần Thị Hường"))
    path = write_csv(tmp_path / "in.csv", [row], encoding="utf-8-sig", delimiter=";")
    report = importer.import_file(path)
    assert report.exit_code == 0, report.problems
    assert Expert.get().full_name == unicodedata.normalize("NFC", "Trần Thị Hường")


def test_xlsx_imports_like_csv_and_keeps_formulas_as_text(app, tmp_path):
    row = dict(GOOD[1], organization='=HYPERLINK("http://evil.example","x")')
    report = importer.import_file(write_xlsx(tmp_path / "in.xlsx", [GOOD[0], row]))
    assert report.exit_code == 0, report.problems
    assert Expert.get(Expert.external_id == "HP-2").organization.startswith("=HYPERLINK(")


def test_a_file_named_xlsx_that_is_not_one_cannot_be_read(app, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(importer.ImportFileError):
        importer.import_file(fake)


def test_unknown_and_sensitive_columns_are_reported_and_ignored(app, tmp_path):
    columns = [*COLUMNS, "favourite_colour", "religion"]
    row = dict(GOOD[0], favourite_colour="blue", religion="x")
    report = importer.import_file(write_csv(tmp_path / "in.csv", [row], columns=columns))
    assert report.exit_code == 0
    assert report.unknown_columns == ["favourite_colour"]
    assert report.sensitive_columns == ["religion"]


def test_missing_required_column_means_the_file_cannot_be_read(app, tmp_path):
    path = write_csv(tmp_path / "in.csv", [{"kind": "domestic"}], columns=["kind", "city"])
    with pytest.raises(importer.ImportFileError):
        importer.import_file(path)


def test_likely_duplicates_without_external_id_are_reported_not_doubled(app, tmp_path):
    importer.import_file(write_csv(tmp_path / "a.csv", GOOD))
    again = [{"kind": "diaspora", "full_name": "NGUYEN VAN DUC", "birth_year": "1975"},
             {"kind": "domestic", "full_name": "Someone Else", "email": "duc.nguyen@example.org"},
             {"kind": "domestic", "full_name": "Người Mới", "birth_year": "1980"},
             {"kind": "domestic", "full_name": "Nguoi Moi", "birth_year": "1980"}]
    report = importer.import_file(write_csv(tmp_path / "b.csv", again))
    assert report.created == 1
    assert sorted(report.problems) == [2, 3, 5]
    assert Expert.select().count() == 3


def test_the_template_csv_in_the_repository_imports_cleanly(app):
    from pathlib import Path
    template = Path(__file__).resolve().parent.parent / "data" / "import-template.csv"
    report = importer.import_file(template)
    assert report.exit_code == 0, report.problems
    assert report.created >= 6
