"""Imports in the browser: upload, column mapping, preview, decisions, one batch
committed all or nothing, rollback, and the upload's limits (size, type, bombs)."""
import csv
import hashlib
import io
import json
import re
import zipfile

import pytest
from conftest import csrf_token
from defusedxml import DefusedXmlException

from expertnet import search
from expertnet.accounts import data_rights
from expertnet.core.models import Audit
from expertnet.curation import batches, importer
from expertnet.curation.models import ColumnMapping, ImportBatch, ImportRow
from expertnet.directory import writes
from expertnet.directory.models import Expert
from expertnet.directory.validation import COLUMNS

# The contract's columns and the survey's consent (without it, privacy by default keeps
# every imported profile for curators only).
HEADER = (*COLUMNS, "consent")


def csv_bytes(rows, columns=HEADER):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows, columns=HEADER):
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def curator(make_user, login):
    user = make_user("curator")
    login(user)
    return user


def upload(client, data, name="survey.csv"):
    token = csrf_token(client, "/curate/imports")
    return client.post("/curate/imports", data={"csrf_token": token,
                                                "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers={"Accept-Language": "en"})


def uploaded_batch(client, data, name="survey.csv"):
    response = upload(client, data, name)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    return ImportBatch.get_by_id(int(response.location.rstrip("/").split("/")[-1]))


def post(client, path, data, form_path):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, form_path)})


def decide(client, batch, decisions):
    data = {f"decision-{row_id}": value for row_id, value in decisions.items()}
    return post(client, f"/curate/imports/{batch.id}/decisions", data,
                f"/curate/imports/{batch.id}")


def commit(client, batch):
    return post(client, f"/curate/imports/{batch.id}/commit", {"confirm": "1"},
                f"/curate/imports/{batch.id}")


def row(batch, number):
    return ImportRow.get((ImportRow.batch == batch.id) & (ImportRow.number == number))


def searchable(name):
    store = search.get_store()
    return search.search(store, search.SearchRequest(text=name, visibility=("curators",
                                                                            "officials",
                                                                            "public"))).total


@pytest.fixture
def existing(add):
    return {
        "update": add(external_id="HP-1", full_name="Trần Thị Hoa", organization="Viện Cũ",
                      fields="ai"),
        "same": add(external_id="HP-2", full_name="Lê Văn Bình", kind="domestic"),
        "twin": add(full_name="Phạm Minh Đức", birth_year="1970", organization="Trường Cũ"),
    }


MIXED = [
    {"external_id": "HP-1", "kind": "domestic", "full_name": "Trần Thị Hoa",
     "organization": "Viện Mới", "visibility": "public", "consent": "publish; contact"},  # 2 update
    {"external_id": "HP-2", "kind": "domestic", "full_name": "Lê Văn Bình",
     "visibility": "public", "consent": "publish; contact"},                  # 3 unchanged
    {"kind": "diaspora", "full_name": "Nguyễn Thu Trang", "country": "Nhật Bản",
     "fields": "logistics", "visibility": "public", "consent": "publish"},     # 4 new
    {"kind": "domestic", "full_name": "PHAM MINH DUC", "birth_year": "1970",
     "organization": "Trường Mới"},                                             # 5 duplicate
    {"kind": "alien", "full_name": "Sai Loại", "birth_year": "năm ngoái"},     # 6 invalid
]


def test_a_csv_is_previewed_row_by_row_and_nothing_is_written_before_the_commit(
        app, client, curator, existing):
    before = Expert.select().count()
    batch = uploaded_batch(client, csv_bytes(MIXED))
    assert batch.status == "ready" and batch.file_type == "csv" and len(batch.sha256) == 64
    assert [row(batch, n).outcome for n in range(2, 7)] == \
        ["update", "unchanged", "new", "duplicate", "invalid"]
    assert row(batch, 5).match_id == existing["twin"].id
    assert Expert.select().count() == before
    assert Expert.get_by_id(existing["update"].id).organization == "Viện Cũ"

    english = client.get(f"/curate/imports/{batch.id}", headers={"Accept-Language": "en"}).text
    assert "Possible duplicate" in english and "Invalid" in english
    assert "is not a known value" in english and "is not a year" in english
    assert "Viện Cũ" in english and "Viện Mới" in english  # what the update changes
    client.set_cookie("lang", "vi")
    vietnamese = client.get(f"/curate/imports/{batch.id}").text
    assert "Có thể trùng" in vietnamese and "không phải là năm" in vietnamese


def test_the_commit_waits_for_every_duplicate_and_invalid_row(app, client, curator, existing):
    batch = uploaded_batch(client, csv_bytes(MIXED))
    response = commit(client, batch)
    assert response.status_code == 409
    assert ImportBatch.get_by_id(batch.id).status == "ready"
    assert Expert.select().count() == 3


def test_duplicate_choices_are_respected_and_the_batch_is_linked_and_audited(
        app, client, curator, existing):
    rows = MIXED[:4] + [
        {"kind": "domestic", "full_name": "Hoàng Văn Nam", "email": "nam@example.org"},
        {"kind": "domestic", "full_name": "Người Khác", "email": "nam@example.org"},
    ]
    writes.save_profile({"kind": "domestic", "full_name": "Hoàng V. Nam",
                           "email": "nam@example.org"})
    batch = uploaded_batch(client, csv_bytes(rows))
    assert [row(batch, n).outcome for n in (5, 6, 7)] == ["duplicate"] * 3
    response = decide(client, batch, {row(batch, 5).id: "update", row(batch, 6).id: "new",
                                      row(batch, 7).id: "skip"})
    assert response.status_code == 302
    assert commit(client, batch).status_code == 302
    batch = ImportBatch.get_by_id(batch.id)
    assert batch.status == "committed", batch.error
    assert Expert.get_by_id(existing["twin"].id).organization == "Trường Mới"   # updated
    assert Expert.select().where(Expert.full_name == "Hoàng Văn Nam").count() == 1  # new
    assert Expert.get_or_none(Expert.full_name == "Người Khác") is None          # skipped
    assert Expert.get(Expert.full_name == "Nguyễn Thu Trang").country == "JP"
    assert Expert.get_by_id(existing["update"].id).organization == "Viện Mới"
    tally = batch.tally
    assert (tally["result_created"], tally["result_updated"], tally["result_unchanged"],
            tally["result_skipped"]) == (2, 2, 1, 1)
    linked = {r.expert_id for r in ImportRow.select().where(
        (ImportRow.batch == batch.id) & ImportRow.result.in_(("created", "updated")))}
    audited = {a.expert_id for a in Audit.select().where(Audit.source == "import")
               if a.changed.get("batch") == batch.id}
    assert linked == audited and len(linked) == 4
    assert searchable("Nguyễn Thu Trang") == 1  # the index was updated


def test_an_xlsx_file_imports_like_a_csv(app, client, curator):
    rows = [{"external_id": "X-1", "kind": "foreign", "full_name": "Anna Schmidt",
             "country": "Germany", "phone": "+49 30 1234567"}]
    batch = uploaded_batch(client, xlsx_bytes(rows), name="khao-sat.xlsx")
    assert batch.file_type == "xlsx" and row(batch, 2).outcome == "new"
    commit(client, batch)
    anna = Expert.get(Expert.external_id == "X-1")
    assert anna.country == "DE" and anna.phone == "+49 30 1234567"


def test_rollback_deletes_what_was_created_and_restores_what_was_updated(
        app, client, curator, existing):
    rows = MIXED[:4]
    batch = uploaded_batch(client, csv_bytes(rows))
    decide(client, batch, {row(batch, 5).id: "update"})
    commit(client, batch)
    created = Expert.get(Expert.full_name == "Nguyễn Thu Trang")
    twin_before = Expert.get_by_id(existing["twin"].id)
    # Somebody edits one of the updated profiles after the import.
    writes.save_profile({"position": "Trưởng khoa"}, expert=twin_before)

    page = client.get(f"/curate/imports/{batch.id}/rollback").text
    history = f"/experts/{existing['twin'].id}/history"
    assert history in page  # listed as edited since, with a link to its history
    response = post(client, f"/curate/imports/{batch.id}/rollback", {"confirm": "1"},
                    f"/curate/imports/{batch.id}/rollback")
    assert response.status_code == 302
    batch = ImportBatch.get_by_id(batch.id)
    assert batch.status == "rolled_back"
    assert Expert.get_or_none(Expert.id == created.id) is None
    hoa = Expert.get_by_id(existing["update"].id)
    assert (hoa.organization, hoa.visibility) == ("Viện Cũ", "public")
    twin = Expert.get_by_id(existing["twin"].id)
    assert (twin.organization, twin.position) == ("Trường Mới", "Trưởng khoa")  # kept
    assert searchable("Nguyễn Thu Trang") == 0
    tally = batch.tally
    assert (tally["rollback_deleted"], tally["rollback_restored"], tally["rollback_kept"]) == \
        (1, 1, 1)
    assert history in client.get(f"/curate/imports/{batch.id}").text
    restore = Audit.get((Audit.expert_id == hoa.id) & (Audit.action == "profile.restore"))
    assert restore.changed["batch"] == batch.id


def test_a_failure_in_the_middle_of_a_commit_leaves_the_database_as_it_was(
        app, client, curator, existing, monkeypatch):
    app.config["IMPORT_CHUNK_ROWS"] = 2
    rows = [dict(MIXED[0])] + [{"kind": "domestic", "full_name": f"Người Thứ {n}",
                                "external_id": f"N-{n}"} for n in range(1, 8)]
    batch = uploaded_batch(client, csv_bytes(rows))
    before = {e.id: (e.version, e.organization) for e in Expert.select()}
    real = writes.upsert_profiles
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # the third chunk of two rows: rows 6 and 7
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(writes, "upsert_profiles", failing)
    commit(client, batch)
    monkeypatch.setattr(writes, "upsert_profiles", real)
    batch = ImportBatch.get_by_id(batch.id)
    assert batch.status == "failed" and "Nothing was imported" in batch.error
    assert {e.id: e.organization for e in Expert.select()} == \
        {expert_id: organization for expert_id, (_v, organization) in before.items()}
    assert Expert.select().where(Expert.external_id.startswith("N-")).count() == 0
    assert searchable("Người Thứ") == 0


def test_a_commit_that_cannot_be_undone_at_once_can_be_rolled_back_later(
        app, client, curator, monkeypatch):
    app.config["IMPORT_CHUNK_ROWS"] = 2
    rows = [{"kind": "domestic", "full_name": f"Người Số {n}", "external_id": f"S-{n}"}
            for n in range(1, 6)]
    batch = uploaded_batch(client, csv_bytes(rows))
    real_upsert, real_delete = writes.upsert_profiles, data_rights.delete_profile
    calls = []

    def failing_upsert(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_upsert(*args, **kwargs)

    def failing_delete(*args, **kwargs):
        raise RuntimeError("still full")

    monkeypatch.setattr(writes, "upsert_profiles", failing_upsert)
    monkeypatch.setattr(data_rights, "delete_profile", failing_delete)
    commit(client, batch)
    monkeypatch.setattr(writes, "upsert_profiles", real_upsert)
    monkeypatch.setattr(data_rights, "delete_profile", real_delete)
    batch = ImportBatch.get_by_id(batch.id)
    assert batch.status == "committed" and "roll it back" in batch.error
    assert Expert.select().count() == 2  # the first chunk
    post(client, f"/curate/imports/{batch.id}/rollback", {"confirm": "1"},
         f"/curate/imports/{batch.id}/rollback")
    assert ImportBatch.get_by_id(batch.id).status == "rolled_back"
    assert Expert.select().count() == 0


def test_an_invalid_row_can_be_corrected_in_the_browser(app, client, curator):
    batch = uploaded_batch(client, csv_bytes([MIXED[4]]))
    bad = row(batch, 2)
    path = f"/curate/imports/{batch.id}/rows/{bad.id}"
    assert "is not a known value" in client.get(path, headers={"Accept-Language": "en"}).text
    response = post(client, path, {"cell-kind": "chuyên gia trong nước", "cell-full_name": "Sai Loại",
                                   "cell-birth_year": "1980"}, path)
    assert response.status_code == 302
    assert row(batch, 2).outcome == "new"
    commit(client, batch)
    assert Expert.get(Expert.full_name == "Sai Loại").birth_year == 1980


def test_excluding_every_invalid_row_allows_the_commit(app, client, curator):
    batch = uploaded_batch(client, csv_bytes([MIXED[2], MIXED[4]]))
    post(client, f"/curate/imports/{batch.id}/decisions", {"all": "invalid:skip"},
         f"/curate/imports/{batch.id}")
    assert commit(client, batch).status_code == 302
    assert ImportBatch.get_by_id(batch.id).status == "committed"
    assert Expert.select().count() == 1


VIETNAMESE_HEADERS = ["Họ và tên", "Loại", "Quốc gia", "Lĩnh vực", "Email", "Năm sinh",
                      "Quê quán", "Cơ quan", "Ghi chú"]


def vietnamese_file(name="Nguyễn Văn Kiều"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(VIETNAMESE_HEADERS)
    writer.writerow([name, "kiều bào", "Pháp", "Trí tuệ nhân tạo", "kieu@example.org", "1980",
                     "xã An Lão", "Đại học Paris", "gặp ở hội nghị"])
    return buffer.getvalue().encode("utf-8")


def test_other_headers_are_mapped_once_and_the_mapping_is_remembered(app, client, curator):
    batch = uploaded_batch(client, vietnamese_file())
    assert batch.status == "mapping"
    path = f"/curate/imports/{batch.id}/columns"
    page = client.get(path).text
    guessed = dict(re.findall(r'name="column-(\d+)">.*?<option value="(\w+)" selected',
                              page, re.DOTALL))
    assert [guessed.get(str(i), "") for i in range(len(VIETNAMESE_HEADERS))] == \
        ["full_name", "kind", "country", "fields", "email", "birth_year", "hometown",
         "organization", ""]
    chosen = {f"column-{i}": column for i, column in enumerate(
        ["full_name", "kind", "country", "fields", "email", "birth_year", "hometown",
         "organization", "keywords"])}
    assert post(client, path, chosen, path).status_code == 302
    batch = ImportBatch.get_by_id(batch.id)
    assert batch.status == "ready" and row(batch, 2).outcome == "new"
    assert ColumnMapping.get_by_id("ghi chu").column == "keywords"
    commit(client, batch)
    kieu = Expert.get(Expert.full_name == "Nguyễn Văn Kiều")
    assert (kieu.kind, kieu.country, kieu.keywords, kieu.field_codes) == \
        ("diaspora", "FR", ["gặp ở hội nghị"], ["ai"])

    second = uploaded_batch(client, vietnamese_file("Trần Văn Sau"))
    page = client.get(f"/curate/imports/{second.id}/columns").text
    assert re.search(r'name="column-8">.*?<option value="keywords" selected', page, re.DOTALL)
    assert "chosen for an earlier file" in client.get(
        f"/curate/imports/{second.id}/columns", headers={"Accept-Language": "en"}).text


def test_a_mapping_without_the_required_columns_is_refused(app, client, curator):
    batch = uploaded_batch(client, vietnamese_file())
    path = f"/curate/imports/{batch.id}/columns"
    response = post(client, path, {"column-0": "full_name"}, path)
    assert response.status_code == 400
    assert ImportBatch.get_by_id(batch.id).status == "mapping"


def test_a_long_file_is_paginated_and_staged_in_the_background(app, client, curator):
    app.config["IMPORT_BACKGROUND_ROWS"] = 10  # tasks run immediately in tests
    rows = [{"kind": "domestic", "full_name": f"Chuyên Gia {n:03d}", "external_id": f"L-{n}"}
            for n in range(120)]
    batch = uploaded_batch(client, csv_bytes(rows))
    assert batch.status == "ready" and batch.total_rows == 120
    first = client.get(f"/curate/imports/{batch.id}").text
    assert "Chuyên Gia 049" in first and "Chuyên Gia 050" not in first
    third = client.get(f"/curate/imports/{batch.id}?page=3").text
    assert "Chuyên Gia 119" in third
    status = client.get(f"/curate/imports/{batch.id}/status.json").json
    assert status["status"] == "ready" and status["busy"] is False
    commit(client, batch)
    assert Expert.select().count() == 120


def test_the_progress_page_works_without_javascript(app, client, curator):
    batch = uploaded_batch(client, csv_bytes([MIXED[2]]))
    ImportBatch.update(status="committing").where(ImportBatch.id == batch.id).execute()
    page = client.get(f"/curate/imports/{batch.id}").text
    assert '<noscript><meta http-equiv="refresh"' in page and "progress.js" in page
    assert client.get(f"/curate/imports/{batch.id}/status.json").json["busy"] is True


def test_a_discarded_import_keeps_no_rows(app, client, curator):
    batch = uploaded_batch(client, csv_bytes([MIXED[2]]))
    response = post(client, f"/curate/imports/{batch.id}/discard", {"confirm": "1"},
                    f"/curate/imports/{batch.id}")
    assert response.status_code == 302
    assert ImportBatch.get_by_id(batch.id).status == "discarded"
    assert ImportRow.select().where(ImportRow.batch == batch.id).count() == 0
    assert Expert.select().count() == 0


# -- the upload's limits ----------------------------------------------------------------
def test_an_oversize_upload_answers_413_with_a_friendly_page(app, client, curator):
    app.config["IMPORT_MAX_BYTES"] = 10_000
    big = csv_bytes([{"kind": "domestic", "full_name": "A" * 50, "bio_vi": "x" * 5000}] * 5)
    response = upload(client, big)
    assert response.status_code == 413
    assert "MB" in response.text and "<html" in response.text
    assert ImportBatch.select().count() == 0


@pytest.mark.parametrize("content, name", [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "setup.xlsx"),   # a renamed .exe
    ("Họ và tên,Quốc gia\nAn,Nhật Bản\n".encode(), "notes.xlsx"),            # a renamed .txt
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "old.xls"),         # an XLS
    ("full_name,kind\nHà Nam,Pháp\n".encode("cp1258"), "windows.csv"),          # not UTF-8
])
def test_a_file_that_is_not_what_it_claims_is_refused(app, client, curator, content, name):
    response = upload(client, content, name)
    assert response.status_code == 200
    assert ImportBatch.select().count() == 0
    assert "notice error" in response.text


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_that_is_not_a_workbook_is_refused(app, client, curator):
    response = upload(client, _zip({"mimetype": "application/vnd.oasis.opendocument"}), "a.xlsx")
    assert "not an XLSX workbook" in response.text
    assert ImportBatch.select().count() == 0


def test_an_xlsx_bomb_is_refused_before_it_is_opened(app, client, curator):
    app.config["IMPORT_MAX_UNPACKED_BYTES"] = 2 * 1024 * 1024
    bomb = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>",
                 "xl/worksheets/sheet1.xml": b"\x00" * (8 * 1024 * 1024)})
    assert len(bomb) < 100_000
    response = upload(client, bomb, "bomb.xlsx")
    assert "unpacks to more than 1000 times its packed size" in response.text
    assert ImportBatch.select().count() == 0


def test_an_xml_entity_bomb_in_a_workbook_is_refused(app, client, curator, tmp_path):
    data = xlsx_bytes([{"kind": "domestic", "full_name": "An"}])
    entities = "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1)) * 10}">' for i in range(2, 10))
    sheet = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol1 "lol">' + entities + ']>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
             '</sheetData></worksheet>')
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {info.filename: source.read(info.filename) for info in source.infolist()}
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    bomb = _zip(members)
    response = upload(client, bomb, "laughs.xlsx")
    assert response.status_code == 200
    assert ImportBatch.select().count() == 0
    assert "not a readable XLSX workbook" in response.text
    # Refused by defusedxml (openpyxl parses with it), not by running out of memory.
    path = tmp_path / "laughs.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(importer.ImportFileError) as caught:
        importer.read_header(path)
    chain, error = [], caught.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(error, DefusedXmlException) for error in chain), chain


def test_formula_cells_and_apostrophes_of_an_export_come_back_verbatim(app, client, curator):
    rows = [{"kind": "domestic", "full_name": "Công Thức", "organization": "'=HYPERLINK(\"x\")",
             "phone": "'+84 912 345 678", "keywords": "'-khởi nghiệp"}]
    batch = uploaded_batch(client, csv_bytes(rows))
    commit(client, batch)
    expert = Expert.get(Expert.full_name == "Công Thức")
    assert (expert.organization, expert.phone, expert.keywords) == \
        ('=HYPERLINK("x")', "+84 912 345 678", ["-khởi nghiệp"])


def test_non_curators_cannot_import(app, client, make_user, login):
    login(make_user("official"))
    assert client.get("/curate/imports").status_code == 403


def test_the_batch_record_keeps_who_when_and_the_file(app, client, curator):
    data = csv_bytes([MIXED[2]])
    batch = uploaded_batch(client, data)
    assert batch.sha256 == hashlib.sha256(data).hexdigest() and batch.size == len(data)
    assert batch.user_id == curator.id and batch.file_name == "survey.csv"
    assert not batches.upload_path(batch).exists()  # staged, then the file is deleted
    entry = Audit.get(Audit.action == "import.upload")
    assert json.loads(entry.changes)["batch"] == batch.id


def test_a_browser_import_records_the_survey_consent_and_narrows_what_has_none(
        app, client, curator):
    header = HEADER
    rows = [{"kind": "diaspora", "full_name": "Đồng Ý Công Bố", "visibility": "public",
             "email": "a@example.org", "consent": "công bố; liên hệ"},
            {"kind": "diaspora", "full_name": "Không Đồng Ý", "visibility": "public",
             "email": "b@example.org"}]
    batch = uploaded_batch(client, csv_bytes(rows, header))
    assert batch.columns[-1] == "consent"  # the header is recognised as the consent column
    assert commit(client, batch).status_code == 302
    consented = Expert.get(Expert.full_name == "Đồng Ý Công Bố")
    silent = Expert.get(Expert.full_name == "Không Đồng Ý")
    assert consented.visibility == "public"
    assert {row.purpose for row in consented.consents} == {"publish", "contact"}
    assert silent.visibility == "curators" and silent.email_visibility == "curators"
    assert not list(silent.consents)


def test_an_unknown_consent_word_makes_the_row_invalid_in_the_preview(app, client, curator):
    rows = [{"kind": "domestic", "full_name": "Sai Đồng Ý", "consent": "có lẽ"}]
    batch = uploaded_batch(client, csv_bytes(rows))
    assert row(batch, 2).outcome == "invalid"
