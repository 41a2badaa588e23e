"""Duplicate detection: the score's components, the blocking, the
stored search of the whole database, "not a duplicate", and the curators' page."""
import pytest
from conftest import post_form

from expertnet.curation import duplicates
from expertnet.curation.duplicates import find_pairs, record, score
from expertnet.curation.models import DuplicateCandidate, DuplicateDismissal


def _codes(a, b):
    return [code for code, _points in score(a, b).components]


def test_name_order_diacritics_and_a_missing_middle_name_are_the_same_name():
    original = record(1, "Nguyễn Văn Đức", birth_year=1980)
    assert _codes(original, record(2, "Nguyen Van Duc", birth_year=1980)) == \
        ["name_same", "birth_same"]
    assert _codes(original, record(3, "Duc Van Nguyen"))[0] == "name_swapped"
    assert _codes(original, record(4, "Đức Nguyễn"))[0] == "name_contained"
    assert _codes(original, record(5, "TS. Nguyễn Văn Đức"))[0] == "name_same"
    assert _codes(original, record(6, "Nguyễn Văn Dưc"))[0] == "name_marks"
    assert _codes(original, record(7, "Nguyễn Vnă Đức"))[0] == "name_typo"


def test_near_namesakes_are_not_the_same_name():
    anh = record(1, "Nguyễn Văn Anh", birth_year=1980)
    # One letter apart: only "very similar", and never enough on its own.
    assert _codes(anh, record(2, "Nguyễn Văn An", birth_year=1980)) == ["name_typo", "birth_same"]
    assert score(anh, record(2, "Nguyễn Văn An", birth_year=1980)).total < duplicates.THRESHOLD
    # Hùng and Hưng fold alike but are different names when both are written in full.
    hung = score(record(3, "Trần Văn Hùng", birth_year=1975), record(4, "Trần Văn Hưng",
                                                                     birth_year=1975))
    assert hung.components[0][0] == "name_marks" and hung.total < duplicates.THRESHOLD
    # Another middle name is another person, even when both go by "Thinh Nguyen" abroad.
    left = record(5, "Nguyễn Hữu Thịnh", ["Thinh Nguyen"], birth_year=1970)
    right = record(6, "Nguyễn Xuân Thịnh", ["Thinh Nguyen"], birth_year=1970)
    assert _codes(left, right)[0] == "name_similar"
    assert score(left, right).total < duplicates.THRESHOLD


def test_contact_details_birth_years_and_organisation():
    a = record(1, "Lê Thị Hoa", birth_year=1985, email="Hoa.Le@Example.org",
               phone="+84 912 345 678", orcid="0000-0002-1825-0097",
               organization="Trường Đại học Hàng hải Việt Nam")
    b = record(2, "Le Thi Hoa", birth_year=1985, email="hoa.le@example.org", phone="0912345678",
               orcid="0000-0002-1825-0097", organization="TRUONG DAI HOC HANG HAI VIET NAM")
    assert _codes(a, b) == ["name_same", "birth_same", "email", "phone", "orcid", "organization"]
    far = record(3, "Lê Thị Hoa", birth_year=1990, orcid="0000-0001-5109-3700")
    assert "birth_conflict" in _codes(a, far) and "orcid_conflict" in _codes(a, far)
    assert score(a, far).total < duplicates.THRESHOLD
    # Reasons are words in the reader's language.
    assert all(str(text) for _code, _points, text in score(a, b).reasons)


def test_find_pairs_uses_blocks_and_finds_what_scoring_all_pairs_finds():
    names = ["Nguyễn Văn Đức", "Nguyen Van Duc", "Nguyễn Văn An", "Nguyễn Văn Anh",
             "Trần Thị Lan", "Lan Tran", "Phạm Minh Tuấn", "Pham Minh Tuan", "John Smith",
             "Smith John", "Lê Hữu Phước", "Lê Hữu Phưóc"]
    records = [record(i, name, birth_year=1970 + ((i - 1) // 2) % 3,
                      organization=f"Org {(i - 1) // 2}")
               for i, name in enumerate(names, start=1)]
    # Many other people, so that blocks are big enough to be scored in bulk.
    records += [record(100 + i, f"Nguyễn {middle} {given}", birth_year=1960 + i % 30,
                       organization=f"Viện {i % 7}")
                for i, (middle, given) in enumerate((m, g) for m in ("Văn", "Hữu", "Minh", "Đức")
                                                    for g in ("Đức", "An", "Anh", "Hải", "Long"))]
    found, stats = find_pairs(records)
    brute = {(min(a.id, b.id), max(a.id, b.id)) for i, a in enumerate(records)
             for b in records[i + 1:] if score(a, b).total >= duplicates.THRESHOLD}
    assert {(item.a, item.b) for item in found} == brute
    assert {(1, 2), (5, 6), (7, 8), (9, 10)} <= brute
    assert stats.scored < len(records) * (len(records) - 1) // 4
    assert [item.score.total for item in found] == sorted(
        (item.score.total for item in found), reverse=True)


def test_a_typo_in_the_family_name_still_meets_in_a_block():
    records = [record(1, "Nguyễn Văn Đức", birth_year=1980, organization="X"),
               record(2, "Ngyuen Van Duc", birth_year=1980, organization="X")]
    found, _stats = find_pairs(records)
    assert [(item.a, item.b) for item in found] == [(1, 2)]


@pytest.fixture
def pair(app, add):
    a = add(full_name="Hoàng Minh Châu", birth_year="1979", organization="Viện Hải dương học",
            email="chau.hoang@example.org")
    b = add(full_name="Chau Hoang", birth_year="1979", email="chau.hoang@example.org",
            visibility="curators")
    add(full_name="Hoàng Minh Châu", birth_year="1950", organization="Nơi khác")
    return a, b


def test_refresh_stores_the_pairs_and_a_dismissal_is_remembered(pair):
    a, b = pair
    stats = duplicates.refresh()
    assert stats.extra["stored"] == 1
    assert [(row.expert_a, row.expert_b) for row in duplicates.open_candidates()] == [(a.id, b.id)]
    duplicates.dismiss(b.id, a.id, actor=None)
    assert list(duplicates.open_candidates()) == []
    duplicates.refresh()
    assert DuplicateCandidate.select().count() == 0
    assert DuplicateDismissal.select().count() == 1


def test_the_curators_page_lists_reasons_in_both_languages(app, client, make_user, login, pair):
    a, b = pair
    login(make_user("curator"))
    page = client.get("/curate/duplicates").get_data(as_text=True)
    assert "Search again" in page or "Tìm lại" in page
    response = post_form(client, "/curate/duplicates/refresh", {}, form_path="/curate/duplicates")
    assert response.status_code == 302
    client.set_cookie("lang", "en")
    page = client.get("/curate/duplicates").get_data(as_text=True)
    assert f"/curate/duplicates/{a.id}/{b.id}" in page
    assert "same e-mail address" in page and "same year of birth" in page
    client.set_cookie("lang", "vi")
    page = client.get("/curate/duplicates").get_data(as_text=True)
    assert "cùng địa chỉ thư điện tử" in page
    compare = client.get(f"/curate/duplicates/{a.id}/{b.id}").get_data(as_text=True)
    assert "Chau Hoang" in compare and "Hoàng Minh Châu" in compare
    response = post_form(client, f"/curate/duplicates/{a.id}/{b.id}/dismiss", {},
                         form_path=f"/curate/duplicates/{a.id}/{b.id}")
    assert response.status_code == 302
    page = client.get("/curate/duplicates").get_data(as_text=True)
    assert f"/curate/duplicates/{a.id}/{b.id}" not in page


def test_the_page_is_paginated(app, client, make_user, login, add):
    for number in range(23):
        add(full_name=f"Người Số {number}", email=f"same{number}@example.org")
        add(full_name=f"Nguoi So {number}", email=f"same{number}@example.org")
    duplicates.refresh()
    login(make_user("curator"))
    first = client.get("/curate/duplicates").get_data(as_text=True)
    second = client.get("/curate/duplicates?page=2").get_data(as_text=True)
    assert first.count("/dismiss") == 0  # dismissal is on the comparison page
    assert first.count('class="score"') == 20 and second.count('class="score"') == 3
    assert "?page=2" in first


def test_non_curators_cannot_see_or_change_duplicates(app, client, make_user, login, pair):
    a, b = pair
    login(make_user("official"))
    assert client.get("/curate/duplicates").status_code == 403
    assert client.get(f"/curate/duplicates/{a.id}/{b.id}").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/curate/duplicates").status_code == 302
