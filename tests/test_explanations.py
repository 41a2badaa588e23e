"""A proposal explains itself with whole words and phrases, never a
lone syllable nor a function word, whatever the need says (property test over
generated needs, on the demo directory)."""
import pytest
from conftest import context_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expertnet.cli import load_demo
from expertnet.core.access import Viewer
from expertnet.core.text import fold
from expertnet.outreach import matching
from expertnet.search import query as search_query
from expertnet.search.similar import _SYLLABLE, phrases
from expertnet.taxonomy.fields import FIELDS

TOPICS = [name for field in FIELDS for name in (field["name_vi"], *field["synonyms_vi"],
                                                 field["name_en"])]
HELP = ["phản biện", "tư vấn", "giảng dạy", "chuyển giao công nghệ", "hợp tác nghiên cứu",
        "reviewers for", "consultants on"]
FILLERS = ["cần", "chuyên gia", "cho", "trong", "và", "của", "các", "những", "về", "có",
           "được", "với", "là", "người", "dự án", "phát triển", "thành phố", "Lạch Huyện",
           "cảng xanh", "in", "of", "for", "the", "and", "with", "experts"]


class Need:
    def __init__(self, title, description):
        self.title, self.description = title, description
        self.organization, self.fields, self.available_for, self.language = "Sở KH&CN", [], [], ""


def assert_whole(phrase):
    """No function word (as typed: with its diacritics, or folded when typed without),
    no function phrase, no lone syllable."""
    words = phrase.split()
    assert words, phrase
    for word in words:
        typed_marked = word != fold(word)
        assert word not in (search_query.FUNCTION_WORDS if typed_marked
                            else search_query.FOLDED_FUNCTION_WORDS), phrase
    assert tuple(fold(word) for word in words) not in search_query.FUNCTION_PHRASES, phrase
    if len(words) == 1:
        assert not _SYLLABLE.match(fold(words[0])), phrase


def assert_reasons(reasons):
    """Whole words only, each saying where it stands (every word shown stands somewhere)."""
    for phrase in reasons.words:
        assert_whole(phrase)
    assert set(reasons.where) <= set(matching.PLACES)
    assert reasons.words == list(dict.fromkeys(
        phrase for held in reasons.where.values() for phrase in held))
    for held in reasons.where.values():
        assert held
        for phrase in held:
            assert_whole(phrase)


@pytest.fixture(scope="module")
def demo(module_app):
    with context_of(module_app):
        load_demo(count=320)
    return module_app


pieces = st.lists(st.sampled_from(TOPICS + HELP + FILLERS), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=pieces, description=pieces, folded=st.booleans())
def test_reasons_and_key_terms_are_whole_words_without_function_words(demo, title,
                                                                       description, folded):
    title, description = " ".join(title), " ".join(description)
    if folded:
        title, description = fold(title), fold(description)
    with context_of(demo):
        found = matching.propose(Need(title, description), Viewer(role="curator"), limit=10)
    for phrase in found.key_terms:
        assert_whole(phrase)
    for reasons in found.reasons.values():
        assert_reasons(reasons)


def test_phrases_join_only_held_pairs_and_leave_out_syllables_and_function_words():
    text = "Cần chuyên gia phản biện dự án phát triển cảng xanh cho Lạch Huyện trong logistics"
    held = {"phan", "bien", "phan_bien", "du", "an", "phat", "trien", "phat_trien", "cang",
            "xanh", "cang_xanh", "cho", "lach_huyen", "logistics", "trong", "can"}
    assert phrases(text, held) == ["phản biện", "phát triển", "cảng xanh", "lạch huyện",
                                   "logistics"]


def test_experts_match_counts_only_those_above_the_stated_threshold(app, add):
    strong = add(full_name="Lê Cảng Xanh", fields="seaports", available_for="reviewing",
                 keywords="cảng xanh;giảm phát thải tàu biển",
                 bio_vi="Phản biện các dự án cảng xanh và giảm phát thải tại Lạch Huyện.")
    add(full_name="Trần Phát", fields="education", bio_vi="Phát triển chương trình đào tạo.")
    need = Need("Phản biện dự án phát triển cảng xanh Lạch Huyện",
                "Cần chuyên gia phản biện dự án cảng xanh, giảm phát thải tàu biển.")
    need.available_for = ["reviewing"]
    found = matching.propose(need, Viewer(role="curator"))
    assert found.matching == 2 and found.total == 1
    assert found.experts[0].id == strong.id
    assert "cảng xanh" in found.reasons[strong.id].words
    for reasons in found.reasons.values():
        assert_reasons(reasons)


def test_each_reason_says_where_the_words_of_the_need_stand(app, add, official, client):
    from conftest import client_as

    from expertnet.core.access import viewer_for
    from expertnet.outreach import needs as records
    expert = add(full_name="Cao Minh Đạt", keywords="cảng xanh", position="Trưởng phòng logistics",
                 organization="Công ty Kiểm soát khí thải", fields="seaports",
                 bio_vi="Tư vấn kiểm soát khí thải cho cảng xanh.")
    add(full_name="Lưu Thị Hồng", bio_vi="Nuôi trồng thủy sản.")
    need = records.save({"title": "Cảng xanh và kiểm soát khí thải trong logistics",
                         "description": "Cần chuyên gia về cảng xanh, logistics, kiểm soát khí thải.",
                         "organization": "Sở Giao thông vận tải", "shared": True}, owner=official)
    found = matching.propose(need, viewer_for(official))
    where = found.reasons[expert.id].where
    assert "cảng xanh" in where["keywords"] and "cảng xanh" in where["bio"]
    assert "kiểm soát khí thải" in where["organization"]
    assert "logistics" in where["position"]
    assert list(where) == [place for place in matching.PLACES if place in where]
    browser = client_as(app, official)
    for language, words in (("en", ("In the keywords:", "In the position:", "In the organisation:",
                                     "In the biography:")),
                            ("vi", ("Trong từ khóa:", "Trong chức vụ:", "Trong tên cơ quan, đơn vị:",
                                    "Trong tiểu sử:"))):
        page = browser.get(f"/needs/{need.id}/proposal",
                           headers={"Accept-Language": language}).get_data(as_text=True)
        assert all(word in page for word in words), language
    # The count is of the experts above the threshold the page states in words.
    page = browser.get(f"/needs/{need.id}/proposal", headers={"Accept-Language": "en"}).text
    assert f"{found.total} expert" in page and "at least half as high as the best match" in page
