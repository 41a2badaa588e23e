"""A word is a word. A word typed with its tone marks matches that word;
its folded forms (another word in Vietnamese) and typos are weaker matches; function
words are never required nor marked; a long query needs most of its words."""
from urllib.parse import unquote

from werkzeug.datastructures import MultiDict

from expertnet import search
from expertnet.core.access import CURATOR
from expertnet.directory import finder
from expertnet.search import query as search_query


def find(q, **params):
    args = MultiDict({"q": q, **params})
    return finder.find(finder.parse_criteria(args), viewer=CURATOR)


def names(found):
    return [expert.full_name for expert in found.experts]


def compare(**request):
    """The engine ranks and counts as Whoosh does for the same plan."""
    store = search.get_store()
    request = search.SearchRequest(visibility=("public", "officials", "curators"), **request)
    fast, slow = search.search(store, request), search.search_reference(store, request)
    assert (fast.total, fast.ids) == (slow.total, slow.ids), request
    return fast


def test_a_word_typed_with_tone_marks_is_not_a_surname_nor_another_word(app, add):
    reviewer = add(full_name="Lê Thu Hà", fields="seaports",
                   bio_vi="Nhiều năm phản biện đề tài về cảng xanh.")
    add(full_name="Phan Văn Biển", fields="marine", bio_vi="Nghiên cứu cảng biển xanh.")
    add(full_name="Đỗ Thị Lan", bio_vi="Cổ phần hóa doanh nghiệp biển.")
    found = find("phản biện cảng xanh")
    assert names(found)[0] == "Lê Thu Hà"
    snippet = found.highlights[reviewer.id]
    # One word, one mark.
    assert "<mark>phản biện</mark>" in snippet and "<mark>phản</mark>" not in snippet


def test_weak_matches_never_outrank_the_word_typed(app, add):
    add(full_name="Phan Thanh Tùng", fields="marine", bio_vi="Kỹ sư công trình biển.")
    add(full_name="Vũ Ngọc Ánh", bio_vi="Chuyên gia phản biện độc lập.")
    found = names(find("phản"))
    # The surname Phan is still found (names keep their behaviour), after the word.
    assert found == ["Vũ Ngọc Ánh", "Phan Thanh Tùng"]


def test_a_query_without_diacritics_matches_every_form(app, add):
    add(full_name="Vũ Ngọc Ánh", bio_vi="Chuyên gia phản biện độc lập.")
    add(full_name="Trịnh Hữu Nam", bio_vi="Cổ phần hóa doanh nghiệp biển.")
    assert set(names(find("phan bien", literal="1"))) == {"Vũ Ngọc Ánh", "Trịnh Hữu Nam"}
    # One exact result is nearly empty: the folded forms widen it, after the word.
    assert names(find("phản biện", literal="1")) == ["Vũ Ngọc Ánh", "Trịnh Hữu Nam"]
    add(full_name="Lý Hải", bio_vi="Phản biện đề tài cấp thành phố.")
    add(full_name="Tăng Mỹ", bio_vi="Ủy viên hội đồng phản biện.")
    assert set(names(find("phản biện", literal="1"))) == {"Vũ Ngọc Ánh", "Lý Hải", "Tăng Mỹ"}


def test_folded_forms_widen_a_search_the_exact_words_leave_empty(app, add):
    add(full_name="Trịnh Hữu Nam", bio_vi="Kinh tế biển và phát triển bền vững.")
    found = find("kinh tế biện")  # a typo of one tone mark
    assert names(found) == ["Trịnh Hữu Nam"]
    # Only the words matched as typed are marked, never the weak form.
    snippet = found.highlights[found.experts[0].id]
    # "kinh tế biển" is a word of the taxonomy: its part typed as written is one mark.
    assert "<mark>Kinh tế</mark> biển và" in snippet


def test_names_keep_exact_diacritics_first_then_folded_forms(app, add):
    add(full_name="Phạm Dục")
    add(full_name="Hoàng Đức")
    assert names(find("Đức")) == ["Hoàng Đức", "Phạm Dục"]
    assert set(names(find("duc"))) == {"Hoàng Đức", "Phạm Dục"}


def test_function_words_are_not_required_nor_marked(app, add):
    both = add(full_name="Mai Anh Tuấn", fields="ai;logistics",
               bio_vi="Ứng dụng học máy cho chuỗi cung ứng.")
    add(full_name="Đặng Thu Trang", fields="ai;logistics",
        bio_vi="Tối ưu kho bãi trong logistics bằng trí tuệ nhân tạo.")
    add(full_name="Hồ Văn Khoa", fields="ai", bio_vi="Thị giác máy tính.")
    found = find("trí tuệ nhân tạo trong logistics")
    assert set(names(found)) == {"Mai Anh Tuấn", "Đặng Thu Trang"}
    for snippet in found.highlights.values():
        assert "<mark>trong</mark>" not in snippet
    assert both.id in found.highlights or both.id in [e.id for e in found.experts]
    assert set(names(find("experts in artificial intelligence and logistics"))) == {
        "Mai Anh Tuấn", "Đặng Thu Trang"}


def test_a_long_query_needs_most_words_and_ranks_by_how_many(app, add):
    add(full_name="Cao Minh Đạt", keywords="cảng xanh;giảm phát thải tàu biển")
    add(full_name="Lưu Thị Hồng", keywords="cảng xanh")
    add(full_name="Tô Văn Lâm", keywords="kho bãi")
    found = names(find("cảng xanh giảm phát thải"))
    assert found[0] == "Cao Minh Đạt"
    assert "Tô Văn Lâm" not in found


def test_a_function_word_in_a_name_query_still_ranks_the_name(app, add):
    add(full_name="Hoàng Trọng Dũng")
    add(full_name="Nguyễn Hoàng Dũng", bio_vi="Ứng dụng công nghệ trong sản xuất.")
    assert names(find("hoang trong dung"))[0] == "Hoàng Trọng Dũng"


def test_function_words_alone_still_search(app, add):
    add(full_name="Chuyên gia Một")
    assert names(find("chuyên gia")) == ["Chuyên gia Một"]


def test_engine_matches_whoosh_on_tiers_and_most_words(app, add):
    add(full_name="Lê Thu Hà", fields="seaports", bio_vi="Phản biện đề tài về cảng xanh.")
    add(full_name="Phan Văn Biển", fields="marine;ai", bio_vi="Cảng biển xanh, học máy.")
    add(full_name="Hoàng Trọng Dũng", fields="logistics", bio_en="Green ports in Japan.")
    for text in ("phản biện cảng xanh", "phan bien", "trí tuệ nhân tạo trong logistics",
                 "hoang trong dung", "cảng xanh học máy logistics japan", "Phán", "bien"):
        compare(text=text)
        compare(text=text, legacy=True)


def test_the_plan_leaves_function_words_out():
    plan = search_query.plan("chuyên gia về trí tuệ nhân tạo trong logistics", {}, ("public",))
    typed = [word[1].terms[0] for word in plan.words]
    assert typed == ["tri", "tue", "nhan", "tao", "logistics"]
    assert plan.min_words == 4
    assert "trong" not in plan.highlight and "trí" in plan.highlight
    # Folded, "co" is cơ (cơ khí), "tai" is tái (tái tạo), "an" is an (an ninh) and "to"
    # is tô (ô tô): kept.
    folded = search_query.plan("co khi tai tao an ninh o to", {}, ("public",))
    assert len(folded.words) == 8


# -- query understanding ----------------------------------------------
def meanings(found):
    return [(meaning.parameter, meaning.value) for meaning in found.understood]


def test_role_words_become_the_kind_of_help(app, add):
    add(full_name="Lê Thu Hà", fields="seaports", available_for="reviewing",
        keywords="cảng xanh")
    add(full_name="Phan Văn Biển", fields="seaports", available_for="consulting",
        keywords="cảng xanh", bio_vi="Phản biện nhiều đề tài cảng biển.")
    found = find("phản biện cảng xanh")
    assert meanings(found)[0] == ("available_for", "reviewing")
    assert names(found) == ["Lê Thu Hà"]
    assert names(find("reviewers for seaports")) == ["Lê Thu Hà"]
    assert names(find("phan bien cang xanh")) == ["Lê Thu Hà"]
    # Literally, the words are searched as typed: the bio's "phản biện" counts.
    literal = find("phản biện cảng xanh", literal="1")
    assert literal.understood == [] and "Phan Văn Biển" in names(literal)


def test_place_words_become_the_country(app, add):
    add(full_name="Sato Kenji", kind="foreign", country="JP", fields="logistics")
    add(full_name="Kim Min-jun", kind="foreign", country="KR", fields="logistics")
    add(full_name="Hoàng Đức", fields="logistics")
    for text in ("logistics ở Nhật", "logistics tại Nhật Bản", "logistics in Japan",
                 "logistics o nhat"):
        found = find(text)
        assert ("country", "JP") in meanings(found), text
        assert names(found) == ["Sato Kenji"], text
    assert names(find("logistics bên Hàn Quốc")) == ["Kim Min-jun"]
    # Đức alone is a name, not Germany.
    found = find("Đức")
    assert found.understood == [] and names(found) == ["Hoàng Đức"]


def test_kind_words_become_the_kind_of_expert(app, add):
    add(full_name="Trần Minh Khôi", kind="diaspora", country="DE", fields="ai")
    add(full_name="Anna Schmidt", kind="foreign", country="DE", fields="ai")
    add(full_name="Vũ Thị Hạnh", kind="domestic", fields="ai")
    assert names(find("kiều bào trí tuệ nhân tạo")) == ["Trần Minh Khôi"]
    assert names(find("người Hải Phòng ở nước ngoài làm AI")) == ["Trần Minh Khôi"]
    assert names(find("chuyên gia nước ngoài về trí tuệ nhân tạo")) == ["Anna Schmidt"]
    assert names(find("trí tuệ nhân tạo trong nước")) == ["Vũ Thị Hạnh"]
    assert names(find("overseas AI experts")) == ["Trần Minh Khôi"]


def test_field_names_synonyms_and_abbreviations_become_the_field(app, add):
    add(full_name="Mai Anh Tuấn", fields="ai", bio_vi="Ứng dụng mạng nơ-ron.")
    add(full_name="Đỗ Văn Số", fields="digital_transformation")
    add(full_name="Hà Thu An", fields="cybersecurity")
    add(full_name="Lương Thế Vinh", bio_vi="Có nói về trí tuệ nhân tạo trong bài giảng.")
    for text, expected in (("TTNT", "Mai Anh Tuấn"), ("CĐS", "Đỗ Văn Số"),
                           ("chuyên gia ATTT", "Hà Thu An"), ("học máy", "Mai Anh Tuấn")):
        found = find(text)
        assert names(found) == [expected], text
        assert [name for name, _value in meanings(found)] == ["field"], text


def test_an_understood_filter_that_leaves_nothing_is_dropped_with_a_note(app, add):
    add(full_name="Sato Kenji", kind="foreign", country="JP", fields="logistics")
    found = find("logistics ở Pháp")
    assert [(meaning.parameter, meaning.value) for meaning in found.dropped] == [("country", "FR")]
    assert names(found) == ["Sato Kenji"]


def test_a_removed_chip_is_not_applied(app, add):
    add(full_name="Sato Kenji", kind="foreign", country="JP", fields="logistics")
    add(full_name="Kim Min-jun", kind="foreign", country="KR", fields="logistics",
        bio_vi="Từng làm việc ở Nhật mười năm.")
    found = find("logistics ở Nhật", ignore="country:JP")
    assert ("country", "JP") not in meanings(found)
    assert set(names(found)) == {"Sato Kenji", "Kim Min-jun"}


def test_engine_matches_whoosh_with_understanding(app, add):
    from expertnet.taxonomy import store as catalog
    add(full_name="Lê Thu Hà", fields="seaports;ai", available_for="reviewing", country="JP",
        kind="diaspora", keywords="cảng xanh")
    add(full_name="Sato Kenji", kind="foreign", country="JP", fields="logistics;ai")
    vocabulary = finder.search_vocabulary(catalog.load())
    for text in ("phản biện cảng xanh", "trí tuệ nhân tạo trong logistics ở Nhật",
                 "kiều bào TTNT", "logistics ở Pháp", "reviewers for AI in Japan"):
        compare(text=text, vocabulary=vocabulary)


def test_the_api_says_what_it_understood_and_searches_literally_on_request(app, add, client):
    add(full_name="Lê Thu Hà", fields="seaports", available_for="reviewing", country="JP")
    add(full_name="Phan Văn Biển", fields="seaports", bio_vi="Phản biện đề tài cảng biển.")
    body = client.get("/api/v1/experts", query_string={"q": "phản biện cảng biển ở Nhật"}).json
    applied = {(item["parameter"], item["value"]) for item in body["understood"]["applied"]}
    assert applied == {("available_for", "reviewing"), ("field", "seaports"), ("country", "JP")}
    assert body["understood"]["literal"] is False and body["understood"]["dropped"] == []
    assert [item["full_name"] for item in body["results"]] == ["Lê Thu Hà"]
    texts = {item["parameter"]: item["text"] for item in body["understood"]["applied"]}
    assert texts["available_for"] == "phản biện" and texts["country"] == "ở nhật"
    literal = client.get("/api/v1/experts", query_string={"q": "phản biện cảng biển",
                                                          "literal": "1"}).json
    assert literal["understood"] == {"literal": True, "applied": [], "dropped": []}
    assert [item["full_name"] for item in literal["results"]] == ["Phan Văn Biển"]
    ignored = client.get("/api/v1/experts", query_string={
        "q": "phản biện cảng biển", "ignore": "available_for:reviewing"}).json
    assert [item["parameter"] for item in ignored["understood"]["applied"]] == ["field"]
    dropped = client.get("/api/v1/experts", query_string={"q": "cảng biển ở Pháp"}).json
    assert [(item["parameter"], item["value"]) for item in dropped["understood"]["dropped"]] == [
        ("country", "FR")]
    assert dropped["total"] == 2


def test_the_search_page_shows_removable_chips_and_a_literal_link(app, add, client):
    add(full_name="Lê Thu Hà", fields="seaports", available_for="reviewing", country="JP")
    page = client.get("/search", query_string={"q": "phản biện cảng biển ở Nhật"},
                      headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Hiểu là:" in page
    links = unquote(page)
    assert "ignore=available_for:reviewing" in links and "ignore=country:JP" in links
    assert "literal=1" in links
    english = client.get("/search", query_string={"q": "logistics in France"},
                         headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "was not applied" in english
    literal = client.get("/search", query_string={"q": "phản biện", "literal": "1"},
                         headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Read roles, places, kinds and fields in the words again" in literal


# -- did you mean ------------------------------------------------------
def test_did_you_mean_corrects_a_word_nobody_holds(app, add, client):
    add(full_name="Emma Berg", kind="foreign", fields="logistics",
        bio_en="Supply chains and logistics for container ports.")
    add(full_name="Ngô Văn Cảng", fields="seaports", bio_vi="Quản lý cảng container.")
    found = find("logitics", literal="1")
    assert found.total == 0 and found.suggestion == "logistics"
    # A wrong tone mark: the directory's own word with its diacritics.
    assert find("quản lý cẩng", literal="1").suggestion == "quản lý cảng"
    body = client.get("/api/v1/experts", query_string={"q": "logitics"}).json
    assert body["did_you_mean"] == "logistics"
    page = client.get("/search", query_string={"q": "logitics"},
                      headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Có phải anh/chị muốn tìm:" in page and ">logistics</a>" in page


def test_no_suggestion_when_the_words_are_known_or_results_are_enough(app, add):
    for number in range(3):
        add(full_name=f"Chuyên gia {number}", fields="logistics")
    assert find("logistics").suggestion == ""
    assert find("zzzzqqq").suggestion == ""


def test_exports_keep_the_literal_switch_and_removed_meanings(app, add, client, login,
                                                              make_user):
    login(make_user("official"))
    add(full_name="Lê Thu Hà", fields="seaports", bio_vi="Phản biện đề tài cảng biển.")
    page = client.get("/search", query_string={"q": "phản biện cảng biển",
                                               "ignore": "available_for:reviewing"}).get_data(as_text=True)
    form = page[page.index('class="export-form"'):]
    form = form[:form.index("</form>")]
    assert '<input type="hidden" name="ignore" value="available_for:reviewing">' in form


def test_a_field_read_in_the_words_still_highlights_them(app, add):
    expert = add(full_name="Mai Anh Tuấn", fields="ai",
                 bio_vi="Nghiên cứu trí tuệ nhân tạo cho cảng biển.")
    found = find("trí tuệ nhân tạo")
    assert meanings(found) == [("field", "ai")]
    assert "<mark>trí tuệ nhân tạo</mark>" in found.highlights[expert.id]
