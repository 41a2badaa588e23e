"""Words of several syllables are one word: adjacent typed syllables that form a word
of the directory (a field's name or synonym, a pair of the term list, a keyword of a
profile) are one unit of matching and are marked as one in snippets; the vocabulary is
built once per version of the taxonomy, the term list and the keywords; a saved search
replays the words as the official read them."""
import json

from conftest import client_as, post_form
from werkzeug.datastructures import MultiDict

from expertnet import search
from expertnet.core.access import CURATOR
from expertnet.directory import finder, writes
from expertnet.outreach import saved_searches
from expertnet.outreach.models import SavedSearch
from expertnet.search import highlighting
from expertnet.taxonomy import store as catalog
from expertnet.taxonomy import terms


def find(q, **params):
    args = MultiDict({"q": q, **params})
    return finder.find(finder.parse_criteria(args), viewer=CURATOR)


def names(found):
    return [expert.full_name for expert in found.experts]


# -- keywords of the directory as units --------------------------------------------------
def test_a_keyword_of_the_directory_typed_together_is_one_unit(app, add):
    keyworded = add(full_name="Cao Minh Đạt", keywords="cảng xanh;kiểm soát khí thải",
                    bio_vi="Kiểm soát khí thải cho cảng xanh Lạch Huyện.")
    scattered = add(full_name="Lưu Thị Hồng",
                    bio_vi="Cảng xanh: kiểm soát chi phí, xử lý nước thải.")
    query = "cảng xanh kiểm soát khí thải"
    plan = search.query.plan(query, {}, ("public",),
                             vocabulary=finder.vocabulary_for(catalog.load()))
    # Two units, both needed whole, rather than 5 syllables of 6.
    assert plan.units == [[0, 1], [2, 3, 4, 5]] and plan.min_words == 2
    found = find(query)
    assert names(found) == ["Cao Minh Đạt"]
    assert found.highlights[keyworded.id].count("<mark>") == 2
    assert "<mark>Kiểm soát khí thải</mark>" in found.highlights[keyworded.id]
    # Literal searches read the units too (words, not meanings).
    assert names(find(query, literal="1")) == ["Cao Minh Đạt"]
    # Without the keywords in the directory the syllables are words of their own: 5 of 6.
    writes.save_profile({"keywords": []}, expert=keyworded)
    assert set(names(find(query))) == {"Cao Minh Đạt", "Lưu Thị Hồng"}
    assert scattered.id in find(query).highlights


def test_adjacent_syllables_of_a_unit_rank_before_scattered_ones(app, add):
    add(full_name="Ngô Văn Tản", bio_vi="Phát triển vận tải thủy; giảm tiếng ồn, xử lý chất thải.",
        keywords="logistics")
    add(full_name="Bùi Thị Lan", bio_vi="Giảm phát thải trong logistics.",
        keywords="giảm phát thải")
    assert names(find("giảm phát thải logistics", literal="1"))[0] == "Bùi Thị Lan"


# -- one unit, one mark ------------------------------------------------------------------
def test_a_unit_is_marked_once_and_its_syllables_apart_are_not(app, add):
    expert = add(full_name="Lê Thu Hà", keywords="phản biện độc lập",
                 bio_vi="Phản biện độc lập các đề tài; phản ứng nhanh, biện pháp an toàn.")
    found = find("phản biện độc lập", literal="1")
    snippet = found.highlights[expert.id]
    assert "<mark>Phản biện độc lập</mark>" in snippet
    assert "<mark>phản</mark>" not in snippet and "<mark>biện</mark>" not in snippet
    assert snippet.count("<mark>") == 1


def test_a_word_typed_without_diacritics_marks_every_form_of_the_unit(app, add):
    expert = add(full_name="Lê Thu Hà", bio_vi="Nhiều năm phản biện đề tài cảng biển.")
    snippet = find("phan bien cang bien", literal="1").highlights[expert.id]
    assert "<mark>cảng biển</mark>" in snippet  # a field's name: one word
    assert "<mark>phản</mark>" in snippet or "<mark>phản biện</mark>" in snippet


def test_a_weaker_form_is_never_marked_as_the_unit_typed(app, add):
    expert = add(full_name="Phan Văn Biển", bio_vi="Phán biên bản và cảng biển xanh.")
    found = find("phản biện", literal="1")
    snippet = found.highlights.get(expert.id, "")
    assert "Phán biên</mark>" not in snippet and "<mark>Phán" not in snippet


def test_snippets_mark_phrases_runs_and_words_and_escape():
    text = "Giảm phát thải <b>và</b> kinh tế biển; giảm chi phí; logistics xanh."
    html = highlighting.snippet(text, {"logistics"}, {("giam", "phat", "thai"),
                                                      ("kinh", "te", "biện")})
    assert html.startswith("<mark>Giảm phát thải</mark> &lt;b&gt;và&lt;/b&gt; <mark>kinh tế</mark>")
    assert "<mark>giảm</mark>" not in html and "<mark>logistics</mark>" in html
    # Typed with its diacritics, a word marks only itself.
    assert highlighting.snippet("Phan Văn Biển, phản biện.", {"phản"}, (), {"phản"}) == \
        "Phan Văn Biển, <mark>phản</mark> biện"
    assert highlighting.snippet("Nothing here.", {"cang"}) == ""


def test_long_texts_give_the_two_best_fragments_in_order():
    text = " ".join(["đệm"] * 80 + ["cảng", "biển"] + ["đệm"] * 80 + ["logistics"] + ["đệm"] * 80
                    + ["cảng", "biển", "logistics"])
    html = highlighting.snippet(text, {"logistics"}, {("cang", "bien")})
    fragments = html.split(highlighting.BETWEEN)
    assert len(fragments) == 2
    assert "<mark>cảng biển</mark> <mark>logistics</mark>" in fragments[1]
    assert all(len(fragment.replace("<mark>", "").replace("</mark>", "")) <= 240
               for fragment in fragments)


# -- the vocabulary, built once per version ----------------------------------------------
def test_the_taxonomy_is_loaded_once_for_a_worded_search(app, add, client, monkeypatch):
    add(full_name="Lê Thu Hà", fields="seaports", available_for="reviewing")
    loads = []
    load = catalog.load
    monkeypatch.setattr(catalog, "load", lambda: loads.append(1) or load())
    assert client.get("/search", query_string={"q": "phản biện cảng biển",
                                               "field": "seaports"}).status_code == 200
    assert len(loads) == 1
    loads.clear()
    assert client.get("/api/v1/experts", query_string={"q": "phản biện"}).status_code == 200
    assert len(loads) == 1


def test_the_vocabulary_is_rebuilt_only_when_a_version_changes(app, add, monkeypatch):
    expert = add(full_name="Lê Thu Hà", keywords="giảm phát thải")
    built = []
    build = finder.search_vocabulary
    monkeypatch.setattr(finder, "search_vocabulary",
                        lambda *args, **kwargs: built.append(args) or build(*args, **kwargs))
    first = finder.vocabulary_for(catalog.load())
    assert finder.vocabulary_for(catalog.load()) is first and len(built) == 1
    assert ("giam", "phat", "thai") in first.phrases
    # A profile's new keyword: read from the change log, only that profile's.
    writes.save_profile({"keywords": ["giảm phát thải", "năng lượng sạch"]}, expert=expert)
    second = finder.vocabulary_for(catalog.load())
    assert ("nang", "luong", "sach") in second.phrases and len(built) == 2
    # A term accepted by a curator.
    pair = terms.TermPair.create(vi="điện gió ngoài khơi", en="offshore wind",
                                 key=terms.key_of("điện gió ngoài khơi", "offshore wind"))
    terms.accept(pair, actor_id=None)
    third = finder.vocabulary_for(catalog.load())
    assert ("offshore", "wind") in third.phrases and len(built) == 3
    assert finder.vocabulary_for(catalog.load()) is third
    # A taxonomy edited (a synonym added) has another version.
    field = catalog.load().fields["seaports"]
    field.synonyms_vi = [*field.synonyms_vi, "cảng nước sâu"]
    field.save()
    assert finder.vocabulary_for(catalog.load()) is not third and len(built) == 4


def test_the_taxonomy_version_follows_its_content(app):
    before = catalog.load()
    assert before.version == catalog.load().version
    field = before.fields["ai"]
    field.name_en = "Artificial intelligence (AI)"
    field.save()
    assert catalog.load().version != before.version


# -- saved searches replay how the words were read -----------------------------------------
def test_a_saved_search_keeps_literal_and_removed_meanings(app, add, official):
    add(full_name="Lê Thu Hà", fields="seaports", available_for="reviewing",
        bio_vi="Phản biện đề tài cảng biển.")
    add(full_name="Phan Văn Biển", fields="marine", bio_vi="Phản biện các dự án nghề cá.")
    client = client_as(app, official)
    page = client.get("/search", query_string={"q": "phản biện", "literal": "1"}).text
    form = page[page.index('class="save-search"'):]
    form = form[:form.index("</form>")]
    assert '<input type="hidden" name="literal" value="1">' in form
    page = client.get("/search", query_string={"q": "phản biện cảng biển",
                                               "ignore": "field:seaports"}).text
    form = page[page.index('class="save-search"'):]
    assert '<input type="hidden" name="ignore" value="field:seaports">' in form[:form.index("</form>")]
    response = post_form(client, "/saved-searches",
                         {"name": "Phản biện", "frequency": "daily", "q": "phản biện", "literal": "1"},
                         form_path="/saved-searches")
    assert response.status_code == 302
    saved = SavedSearch.get(SavedSearch.name == "Phản biện")
    assert json.loads(saved.query) == [["q", "phản biện"], ["literal", "1"]]
    viewer = finder.access.viewer_for(official)
    # Literal: both reviewers by their words (understood, only the one available for it).
    assert len(saved_searches.matching_ids(saved, viewer)) == 2
    assert len(finder.find_ids(finder.parse_criteria(MultiDict({"q": "phản biện"})), viewer, 10)) == 1
    listing = client.get(f"/saved-searches/{saved.id}").text
    assert "literal=1" in listing


# -- counts and reasons that say what they rest on -----------------------------------------
def test_the_search_page_states_the_threshold_its_count_rests_on(app, add, client):
    add(full_name="Cao Minh Đạt", keywords="cảng xanh;kiểm soát khí thải;năng lượng;hàng hải")
    add(full_name="Lưu Thị Hồng", keywords="cảng xanh;kiểm soát khí thải;năng lượng")
    query = "cảng xanh kiểm soát khí thải năng lượng hàng hải"
    found = find(query, literal="1")
    assert (found.needed, found.words) == (3, ["cảng xanh", "kiểm soát khí thải", "năng lượng",
                                               "hàng hải"])
    assert found.total == 2
    page = client.get("/search", query_string={"q": query, "literal": "1"},
                      headers={"Accept-Language": "en"}).text
    assert ("holds at least 3 of the 4 words that carry this search (cảng xanh, kiểm soát khí "
            "thải, năng lượng, hàng hải)") in page
    page = client.get("/search", query_string={"q": query, "literal": "1"},
                      headers={"Accept-Language": "vi"}).text
    assert "ít nhất 3 trong 4 từ chính" in page
    # Every word needed: nothing to state.
    assert find("cảng xanh", literal="1").needed == 0


def test_each_search_result_says_where_the_words_stand(app, add, client):
    expert = add(full_name="Cao Minh Đạt", keywords="cảng xanh", position="Trưởng phòng logistics",
                 organization="Công ty Cảng xanh", bio_vi="Tư vấn logistics cho cảng biển.")
    found = find("cảng xanh trong logistics", literal="1")
    assert found.reasons[expert.id] == {"keywords": ["cảng xanh"], "position": ["logistics"],
                                        "organization": ["cảng xanh"], "bio": ["logistics"]}
    # A word typed with its tone marks is found with them only; function words never.
    add(full_name="Phan Văn Biển", bio_vi="Phan biên tập sách về cảng.")
    found = find("phản biện cảng", literal="1")
    assert all("phản biện" not in phrases for why in found.reasons.values()
               for phrases in why.values())
    for language, words in (("en", ("In the keywords: cảng xanh", "In the position: logistics")),
                            ("vi", ("Trong từ khóa: cảng xanh", "Trong chức vụ: logistics"))):
        page = client.get("/search", query_string={"q": "cảng xanh trong logistics"},
                          headers={"Accept-Language": language}).text
        assert all(word in page for word in words), language
        assert "trong</li>" not in page


def test_a_saved_search_replays_only_what_was_understood_when_it_was_saved(app, add, official):
    add(full_name="Lê Thu Hà", fields="seaports", available_for="reviewing", country="JP",
        bio_vi="Phản biện đề tài cảng biển.")
    add(full_name="Phan Văn Biển", fields="seaports", country="JP",
        bio_vi="Phản biện các dự án cảng biển ở Nhật.")
    client = client_as(app, official)
    page = client.get("/search", query_string={"q": "phản biện cảng biển"}).text
    form = page[page.index('class="save-search"'):]
    form = form[:form.index("</form>")]
    assert ('<input type="hidden" name="understood" value="available_for:reviewing,field:seaports">'
            in form)
    assert post_form(client, "/saved-searches",
                     {"name": "Phản biện cảng", "frequency": "daily", "q": "phản biện cảng biển",
                      "understood": "available_for:reviewing,field:seaports"},
                     form_path="/saved-searches").status_code == 302
    saved = SavedSearch.get(SavedSearch.name == "Phản biện cảng")
    viewer = finder.access.viewer_for(official)
    assert len(saved_searches.matching_ids(saved, viewer)) == 1
    # Words the vocabularies read since ("ở Nhật" would be Japan) are not read on replay.
    saved.query = json.dumps([["q", "phản biện cảng biển ở Nhật"],
                              ["understood", "available_for:reviewing,field:seaports"]])
    saved.save()
    criteria = finder.parse_criteria(MultiDict(saved.pairs))
    found = finder.find(criteria, viewer=viewer)
    assert {(item.parameter, item.value) for item in found.understood} == {
        ("available_for", "reviewing"), ("field", "seaports")}
    # Nothing understood then: nothing understood on replay.
    found = finder.find(finder.parse_criteria(MultiDict({"q": "phản biện cảng biển",
                                                         "understood": "-"})), viewer=viewer)
    assert found.understood == [] and len(found.experts) == 2
    # The page keeps it while the words stay, and drops it for other words.
    page = client.get("/search", query_string={"q": "phản biện cảng biển", "understood": "-"}).text
    assert "understood=-" in page
