"""Importing organisations (CSV/XLSX) with the profiles' modes and fidelity: headers in
Vietnamese and English, a preview that writes nothing, bad rows reported and nothing of
them written, likely duplicates reported, the modes update / fill / replace."""
import io

import openpyxl
import pytest
from conftest import post_form

from expertnet.organisations import importer, writes
from expertnet.organisations.models import Organisation

HEADER = ("Mã,Tên tiếng Việt,Tên tiếng Anh,Tên viết tắt,Loại hình,Quốc gia,Thành phố,Trang web,Lĩnh vực,"
          "Đối tác chiến lược,Cơ quan chủ quản,Ghi chú lạ\n")
ROWS = (
    "ORG-1,Đại học Hàng hải Việt Nam,Vietnam Maritime University,VMU,Trường đại học,Việt Nam,Hải Phòng,"
    "vimaru.edu.vn,,có,,x\n"
    "ORG-2,Khoa Máy tàu biển,Faculty of Marine Engineering,,university,VN,Hải Phòng,,,không,"
    "Đại học Hàng hải Việt Nam,\n"
    "ORG-3,,Tokyo University of Marine Science and Technology,TUMSAT,university,Nhật Bản,Tokyo,,,,,\n"
    "ORG-4,Công ty ma,,,tàu vũ trụ,Atlantis,,javascript:alert(1),,,,\n"
    "ORG-5,Trường ĐH Hàng hải VN,,,university,VN,,,,,,\n"
)


def write_csv(tmp_path, text, name="orgs.csv", bom=True):
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_plan_writes_nothing_and_reads_vietnamese_headers(app, tmp_path):
    plan = importer.plan(write_csv(tmp_path, HEADER + ROWS))
    assert Organisation.select().count() == 0
    assert plan.unknown == ["Ghi chú lạ"]
    assert [row.action for row in plan.rows] == ["create", "create", "create", "error", "duplicate"]
    bad = dict(plan.rows[3].errors)
    assert {"type", "country", "website"} <= set(bad)
    assert str(plan.rows[4].errors[0][1]).rstrip(".").endswith(" 2")  # the earlier row named


def test_apply_writes_good_rows_each_whole(app, tmp_path):
    plan = importer.apply(write_csv(tmp_path, HEADER + ROWS))
    assert plan.count("create") == 3 and plan.rejected == 2
    vmu = Organisation.get(Organisation.external_id == "ORG-1")
    assert (vmu.type, vmu.country, vmu.website, vmu.strategic_partner) == \
        ("university", "VN", "https://vimaru.edu.vn", True)
    faculty = Organisation.get(Organisation.external_id == "ORG-2")
    assert faculty.parent_id == vmu.id and faculty.strategic_partner is False
    assert Organisation.get(Organisation.external_id == "ORG-3").country == "JP"
    assert not Organisation.select().where(Organisation.external_id.in_(["ORG-4", "ORG-5"])).exists()
    from expertnet.organisations import indexing
    assert indexing.health()["in_step"]


def test_modes_update_fill_replace_and_names_keep_their_diacritics(app, tmp_path):
    importer.apply(write_csv(tmp_path, HEADER + ROWS))
    header = "external_id,name_vi,city,website,other_names\n"
    row = "ORG-1,Dai hoc Hang hai Viet Nam,,https://vmu.example,VIMARU\n"
    plan = importer.apply(write_csv(tmp_path, header + row, "update.csv"), mode="update")
    vmu = Organisation.get(Organisation.external_id == "ORG-1")
    assert plan.rows[0].action == "update"
    assert vmu.name_vi == "Đại học Hàng hải Việt Nam"  # the form with more diacritics stays
    assert vmu.city == "Hải Phòng" and vmu.website == "https://vmu.example" and vmu.other_names == ["VIMARU"]
    importer.apply(write_csv(tmp_path, header + "ORG-1,,Kiến An,https://other.example,\n", "fill.csv"),
                   mode="fill")
    vmu = Organisation.get(Organisation.external_id == "ORG-1")
    assert vmu.city == "Hải Phòng" and vmu.website == "https://vmu.example"
    importer.apply(write_csv(tmp_path, header + "ORG-1,,,,Maritime Uni\n", "replace.csv"), mode="replace")
    vmu = Organisation.get(Organisation.external_id == "ORG-1")
    assert vmu.city == "" and vmu.website == "" and vmu.other_names == ["Maritime Uni"]
    assert vmu.name_vi == "Đại học Hàng hải Việt Nam"  # a name cell left empty does not erase the name


def test_xlsx_with_english_headers(app, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Acronym", "Type", "Country", "Strategic partner"])
    sheet.append(["Pusan National University", "PNU", "university", "Korea", "yes"])
    sheet.append(["=HYPERLINK(\"http://x\")", "", "enterprise", "KR", ""])
    path = tmp_path / "orgs.xlsx"
    book.save(path)
    plan = importer.apply(path)
    assert plan.count("create") == 2
    pusan = Organisation.get(Organisation.acronym == "PNU")
    assert (pusan.name_en, pusan.country, pusan.strategic_partner) == \
        ("Pusan National University", "KR", True)
    assert Organisation.get(Organisation.type == "enterprise").name_en == "=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("content, name", [
    (b"\x00\x01\x02 binary", "x.csv"),
    (b"PK\x03\x04 not a workbook", "x.xlsx"),
    (b"plain text", "x.xlsx"),
    ("Họ và tên,Email\nAn,a@b.c\n".encode(), "profiles.csv"),
])
def test_unreadable_files_are_refused_whole(app, tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(importer.ImportFileError):
        importer.apply(path)
    assert Organisation.select().count() == 0


def test_existing_record_without_import_id_is_a_duplicate(app, tmp_path):
    writes.save({"name_vi": "Đại học Hải Phòng", "acronym": "DHHP", "type": "university", "country": "VN"})
    text = "name_vi,acronym,type,country\nĐH Hải Phòng,,university,VN\nTrường khác,DHHP,university,VN\n"
    plan = importer.apply(write_csv(tmp_path, text))
    assert [row.action for row in plan.rows] == ["duplicate", "duplicate"]
    assert Organisation.select().count() == 1


def test_import_pages_preview_then_confirm(app, client, make_user, login, tmp_path):
    assert client.get("/organisations/import").status_code == 302
    login(make_user("curator"))
    token = None
    data = {"file": (io.BytesIO(("\ufeff" + HEADER + ROWS).encode()), "orgs.csv"), "mode": "update"}
    preview = post_form(client, "/organisations/import", data, content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Ghi chú lạ" in page and Organisation.select().count() == 0
    import re
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    done = post_form(client, "/organisations/import/confirm", {"token": token, "mode": "update"},
                     form_path="/organisations/import")
    assert done.status_code == 200 and Organisation.select().count() == 3
    again = post_form(client, "/organisations/import/confirm", {"token": token, "mode": "update"},
                      form_path="/organisations/import")
    assert again.status_code == 302  # the upload is gone: nothing imported twice
    for bad in ({"token": "../../etc", "mode": "update"}, {"token": "x" * 300, "mode": "update"},
                {"token": token, "mode": "wipe"}):
        assert post_form(client, "/organisations/import/confirm", bad,
                         form_path="/organisations/import").status_code == 302
    unreadable = post_form(client, "/organisations/import",
                           {"file": (io.BytesIO(b"\x00\x00"), "x.csv"), "mode": "update"},
                           content_type="multipart/form-data")
    assert unreadable.status_code == 422
    empty = post_form(client, "/organisations/import", {"mode": "update"}, content_type="multipart/form-data")
    assert empty.status_code == 422


def test_command_line_exit_codes(app, runner, tmp_path):
    mixed = write_csv(tmp_path, HEADER + ROWS)
    assert runner.invoke(args=["import-organisations", str(mixed)]).exit_code == 1
    good = write_csv(tmp_path, "name_en,type\nBusan Port Authority,state_body\n", "good.csv")
    assert runner.invoke(args=["import-organisations", "--dry-run", str(good)]).exit_code == 0
    assert not Organisation.select().where(Organisation.name_en == "Busan Port Authority").exists()
    assert runner.invoke(args=["import-organisations", str(good)]).exit_code == 0
    assert runner.invoke(args=["import-organisations", str(tmp_path / "missing.csv")]).exit_code == 2
