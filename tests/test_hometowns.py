"""Hai Phong hometowns in both naming schemes: the table, recognition of
what people type, the stored spelling, and search by either scheme."""
import pytest

from expertnet.curation.importer import import_rows
from expertnet.directory import indexing, search_documents, writes
from expertnet.directory.models import Expert
from expertnet.taxonomy import hometowns
from expertnet.taxonomy import store as catalog


def test_the_table_has_every_current_unit_once():
    units = hometowns.units()
    assert len(units) == 114
    kinds = [unit.kind for unit in units]
    assert (kinds.count("phường"), kinds.count("xã"), kinds.count("đặc khu")) == (45, 67, 2)
    assert len({unit.name for unit in units}) == 114
    known = {name for name, _kinds, _province in hometowns.FORMER_DISTRICTS}
    assert all(set(unit.former_districts) <= known for unit in units)
    # Every former district left at least one current unit.
    assert all(hometowns.successors(name) for name in known)


@pytest.mark.parametrize("typed", ["Thủy Nguyên", "thuy nguyen", "THỦY NGUYÊN", "Thuỷ Nguyên"])
def test_a_name_of_both_schemes_is_the_ward_and_the_former_district(typed):
    found = hometowns.recognise(typed)
    assert found.unit.written == "phường Thủy Nguyên"
    assert found.district.name == "Thủy Nguyên"
    assert found.canonical == "Thủy Nguyên"
    assert "huyện Thủy Nguyên" in found.former_names()


@pytest.mark.parametrize("typed", ["huyện An Lão", "huyen an lao", "H. An Lão", "huyện An Lão cũ"])
def test_a_former_district_keeps_its_scheme_and_lists_its_current_units(typed):
    found = hometowns.recognise(typed)
    assert found.unit is None and found.district.name == "An Lão"
    assert found.canonical == "huyện An Lão"
    assert set(found.current_names()) == {"xã An Hưng", "xã An Khánh", "xã An Quang",
                                          "xã An Trường", "xã An Lão"}


def test_current_units_with_their_former_district_and_province():
    found = hometowns.recognise("xa ke sat, huyen binh giang, tinh hai duong")
    assert found.unit.written == "xã Kẻ Sặt"
    assert found.district.name == "Bình Giang"
    assert found.canonical == "xã Kẻ Sặt, huyện Bình Giang, tỉnh Hải Dương"
    names = hometowns.search_names("xã Kẻ Sặt")
    assert {"huyện Bình Giang", "tỉnh Hải Dương", "thành phố Hải Phòng"} <= set(names)
    kien_an = hometowns.recognise("Kiến An")
    assert (kien_an.unit.written, kien_an.district.written) == ("phường Kiến An", "quận Kiến An")


def test_the_former_capital_of_hai_duong_is_not_the_province():
    city = hometowns.recognise("TP Hải Dương")
    assert city.district.written == "thành phố Hải Dương" and city.provinces == []
    province = hometowns.recognise("Hải Dương")
    assert province.provinces == ["Hải Dương"] and province.district is None


def test_former_communes_of_a_special_zone():
    found = hometowns.recognise("thị trấn Cát Bà")
    assert found.unit.written == "đặc khu Cát Hải"


@pytest.mark.parametrize("typed", ["Nam Định", "tỉnh Hòa Bình", "phường Hồng Châu, Hưng Yên",
                                   "Osaka", ""])
def test_other_places_are_not_recognised_and_are_kept_as_written(typed):
    assert hometowns.recognise(typed) is None
    assert hometowns.canonical(typed) == typed
    assert hometowns.search_names(typed) == []


def test_a_partly_recognised_hometown_is_kept_as_written_but_indexed():
    typed = "xã Lưu Kỳ, huyện Thủy Nguyên"  # Lưu Kỳ is a former commune not in the table
    assert hometowns.canonical(typed) == typed
    assert "phường Lưu Kiếm" in hometowns.search_names(typed)


def test_canonical_is_stable():
    for typed in ("huyen an lao", "p. le chan", "Thanh Hà, Hải Dương", "thuy nguyen"):
        once = hometowns.canonical(typed)
        assert hometowns.canonical(once) == once


def test_edits_and_imports_store_the_canonical_spelling(app):
    saved = writes.save_profile({"kind": "diaspora", "full_name": "Phạm Quê Một",
                                   "hometown": "quan kien an, hai phong"}).expert
    assert Expert.get_by_id(saved.id).hometown == "quận Kiến An, Hải Phòng"
    header = ["external_id", "kind", "full_name", "hometown"]
    report = import_rows(header, iter([(2, ["Q-1", "diaspora", "Phạm Quê Hai", "xa tu ky"]),
                                       (3, ["Q-2", "diaspora", "Phạm Quê Ba", "Osaka, Nhật"])]))
    assert report.created == 2
    assert Expert.get(Expert.external_id == "Q-1").hometown == "xã Tứ Kỳ"
    assert Expert.get(Expert.external_id == "Q-2").hometown == "Osaka, Nhật"
    again = import_rows(header, iter([(2, ["Q-1", "diaspora", "Phạm Quê Hai", "xa tu ky"])]))
    assert again.unchanged == 1


def _found(client, q):
    return {item["id"] for item in client.get("/api/v1/experts", query_string={"q": q}).json["results"]}


def test_both_schemes_and_folded_input_find_the_same_profile(app, client, add):
    new_scheme = add(full_name="Đỗ Quê Mới", hometown="phường Lưu Kiếm")
    old_scheme = add(full_name="Đỗ Quê Cũ", hometown="huyện Thanh Hà, tỉnh Hải Dương")
    elsewhere = add(full_name="Đỗ Quê Khác", hometown="Nam Định")
    for q in ("Lưu Kiếm", "luu kiem", "Thủy Nguyên", "thuy nguyen", "huyện Thủy Nguyên"):
        assert new_scheme.id in _found(client, q), q
    for q in ("huyện Thanh Hà", "thanh ha", "xã Hà Tây", "ha tay", "Hải Dương"):
        assert old_scheme.id in _found(client, q), q
    assert _found(client, "Hải Phòng") == {new_scheme.id, old_scheme.id}
    assert elsewhere.id in _found(client, "nam dinh")


def test_migration_0020_queues_every_profile_and_reconcile_indexes_the_names(app, client, add):
    from expertnet.core import migrations
    from expertnet.core.db import database
    from expertnet.directory.models import PendingIndex

    expert = add(full_name="Vũ Quê Cũ", hometown="Kẻ Sặt")
    # An index written before hometown names were indexed: the plain document only.
    store = app.extensions["expertnet.search"]
    document = search_documents.document_for(expert, [], catalog.load())
    document["place"] = "Kẻ Sặt"
    store.apply([document])
    assert expert.id not in _found(client, "Bình Giang")
    with database.atomic():
        migrations.SchemaMigration.delete().where(
            migrations.SchemaMigration.name == "0020_reindex_for_hometowns").execute()
    assert migrations.upgrade(database) == ["0020_reindex_for_hometowns"]
    assert PendingIndex.select().where(PendingIndex.expert_id == expert.id).exists()
    indexing.reconcile()
    assert expert.id in _found(client, "Bình Giang")


def test_the_profile_page_shows_the_other_scheme(app, client, add):
    new_scheme = add(full_name="Lý Quê Mới", hometown="xã Kẻ Sặt")
    old_scheme = add(full_name="Lý Quê Cũ", hometown="huyện An Lão")
    client.set_cookie("lang", "en")
    page = client.get(f"/experts/{new_scheme.id}").get_data(as_text=True)
    assert "Formerly: huyện Bình Giang, tỉnh Hải Dương" in page
    client.set_cookie("lang", "vi")
    page = client.get(f"/experts/{old_scheme.id}").get_data(as_text=True)
    assert "Nay thuộc: xã An Hưng, xã An Khánh" in page
