"""Search promises: Vietnamese folding, exact-diacritic ranking, cross-language fields,
typos, prefixes, sorting, highlights, and queries that never break."""
import pytest
from werkzeug.datastructures import MultiDict

from expertnet.core.access import ANONYMOUS, CURATOR
from expertnet.directory import finder


def find(q="", viewer=CURATOR, **params):
    args = MultiDict({"q": q})
    for name, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            args.add(name, item)
    return finder.find(finder.parse_criteria(args), viewer=viewer)


def names(found):
    return [expert.full_name for expert in found.experts]


@pytest.mark.parametrize("query", ["nguyen van duc", "Nguyễn Văn Đức", "NGUYEN VAN DUC",
                                   "nguyễn văn đức", "NGUYỄN VĂN ĐỨC"])
def test_diacritics_and_case_do_not_matter(app, add, query):
    add(full_name="Nguyễn Văn Đức")
    add(full_name="Trần Thị Lan")
    assert names(find(query)) == ["Nguyễn Văn Đức"]


def test_exact_tone_marks_rank_first(app, add):
    add(full_name="Phạm Dục")
    add(full_name="Lê Đúc")
    add(full_name="Hoàng Đức")
    found = names(find("Đức"))
    assert found[0] == "Hoàng Đức"
    assert set(found) == {"Hoàng Đức", "Phạm Dục", "Lê Đúc"}


def test_decomposed_query_finds_composed_name(app, add):
    import unicodedata
    add(full_name="Đỗ Thị Hường")
    assert names(find(unicodedata.normalize("NFD", "Hường"))) == ["Đỗ Thị Hường"]


def test_field_in_vietnamese_finds_profile_with_english_bio(app, add):
    add(full_name="Alice Martin", kind="foreign", fields="ai",
        bio_en="Works on neural networks for ports.")
    add(full_name="Bob Stone", kind="foreign", fields="logistics", bio_en="Freight.")
    assert names(find("trí tuệ nhân tạo")) == ["Alice Martin"]
    assert names(find("tri tue nhan tao")) == ["Alice Martin"]
    assert names(find("machine learning")) == ["Alice Martin"]


def test_logistics_finds_hau_can_and_logistics_profiles(app, add):
    add(full_name="Vũ Văn Hải", fields="logistics", bio_vi="Chuyên về dịch vụ hậu cần cảng biển.")
    add(full_name="Emma Berg", kind="foreign", fields="logistics", bio_en="Supply chains.")
    add(full_name="Lý Thu", fields="ai")
    assert set(names(find("logistics"))) == {"Vũ Văn Hải", "Emma Berg"}
    assert set(names(find("hậu cần"))) == {"Vũ Văn Hải", "Emma Berg"}


def test_folded_field_words_find_marine_technology(app, add):
    add(full_name="Đinh Văn Biển", fields="marine", bio_en="Ocean engineering.")
    add(full_name="Ngô Thị Mai", fields="ai")
    assert names(find("cong nghe bien")) == ["Đinh Văn Biển"]


def test_a_child_field_is_found_through_its_parent(app, add):
    add(full_name="Tạ Văn Tàu", fields="shipbuilding")
    found = find("", field="marine")
    assert names(found) == ["Tạ Văn Tàu"]
    assert found.facets["field"] == {"shipbuilding": 1, "marine": 1}


def test_one_typo_in_a_name_still_finds_it(app, add):
    add(full_name="Nguyễn Thị Hoàng Yến")
    assert names(find("Hoamg")) == ["Nguyễn Thị Hoàng Yến"]


def test_last_word_completes_as_a_prefix(app, add):
    add(full_name="Nguyễn Văn Đức")
    add(full_name="Nguyễn Văn An")
    assert names(find("nguyen van du")) == ["Nguyễn Văn Đức"]


def test_other_names_are_searchable(app, add):
    add(full_name="Nguyễn Minh Tuấn", other_names="Tuan Nguyen;Tony Nguyen", kind="diaspora")
    assert names(find("Tony")) == ["Nguyễn Minh Tuấn"]


def test_organisation_country_and_keywords_are_searchable(app, add):
    add(full_name="Sato Kenji", kind="foreign", country="JP", organization="University of Tokyo",
        keywords="robotics;cảng thông minh")
    assert names(find("tokyo")) == ["Sato Kenji"]
    assert names(find("Nhật Bản")) == ["Sato Kenji"]
    assert names(find("japan")) == ["Sato Kenji"]
    assert names(find("cang thong minh")) == ["Sato Kenji"]


def test_sort_by_name_uses_the_given_name(app, add):
    for name in ["Nguyễn Văn Đức", "Trần Thị An", "Lê Bình"]:
        add(full_name=name)
    assert names(find("", sort="name")) == ["Trần Thị An", "Lê Bình", "Nguyễn Văn Đức"]


def test_sort_by_update_puts_the_latest_first(app, add):
    from expertnet.directory import writes
    first = add(full_name="Một")
    add(full_name="Hai")
    writes.save_profile({"position": "Giám đốc"}, expert=first)
    assert names(find("", sort="updated"))[0] == "Một"


def test_pagination_covers_every_result_once(app, add):
    # Two full pages and a partial one: the number of profiles proves nothing more (each
    # is saved and indexed one by one, so fewer is faster).
    for number in range(7):
        add(full_name=f"Chuyên gia {number:02d}", fields="ai")
    seen = []
    for page in (1, 2, 3):
        found = find("chuyen gia", page=str(page), per_page="3")
        assert found.total == 7
        seen += names(found)
    assert sorted(seen) == sorted(f"Chuyên gia {number:02d}" for number in range(7))
    assert names(find("chuyen gia", page="4", per_page="3")) == []


def test_highlights_mark_matches_and_escape_html(app, add):
    expert = add(full_name="Lò Văn Hưng", bio_vi="Nghiên cứu <script>alert(1)</script> cảng biển.")
    found = find("cang bien")
    snippet = found.highlights[expert.id]
    assert "<mark>cảng biển</mark>" in snippet  # a word of two syllables: one mark
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


UNSAFE = [
    '"unbalanced', "(bracket", "bracket)", "AND", "OR NOT", "NOT", "a AND OR b", "*", "?", "**",
    "field:value", "name:*", "\\", "'", "[1 TO 5]", "{}", "^2", "~", "x" * 10_000,
    "đ" * 5000, "\x00\x01\x02", "\u202e", "Nguyễn \x00 Văn", " ", "", "%", "_", "---", "a" * 200,
    "1e400", "😀", "<script>", "OR " * 500, '"' * 100, "nguyen~2", "duc^100",
]


@pytest.mark.parametrize("query", UNSAFE)
def test_any_query_string_answers(app, add, client, query):
    add(full_name="Nguyễn Văn Đức")
    found = find(query)
    assert found.total >= 0
    assert client.get("/api/v1/experts", query_string={"q": query}).status_code == 200
    assert client.get("/search", query_string={"q": query}).status_code == 200


def test_email_search_only_for_those_who_may_see_contacts(app, add):
    add(full_name="Hà Văn Kín", email="kin.ha@example.org", phone="+84 912 345 678")
    assert names(find("kin.ha@example.org", viewer=CURATOR)) == ["Hà Văn Kín"]
    assert names(find("+84 912 345 678", viewer=CURATOR)) == ["Hà Văn Kín"]
    assert names(find("kin.ha@example.org", viewer=ANONYMOUS)) == []
    assert names(find("0912345678", viewer=ANONYMOUS)) == []
    assert names(find("912 345 678", viewer=ANONYMOUS)) == []
