"""The records index (expertnet.search.records): one small index per kind of record,
Vietnamese with and without diacritics, facets, visibility levels and statuses."""
import pytest

from expertnet.search.records import RecordIndex, forget, records_index


def doc(record_id, names, text="", visibility="public", status="published", **facets):
    return {"id": record_id, "names": names, "text": text, "visibility": visibility,
            "status": status, "facets": facets}


DOCS = [
    doc(1, "Đại học Hàng hải Việt Nam Vietnam Maritime University VMU",
        "Đào tạo kỹ sư hàng hải, đóng tàu", type=["university"], country=["VN"], field=["ENG", "MAR"]),
    doc(2, "Đại học Hải Phòng Hai Phong University", "Sư phạm, kinh tế",
        type=["university"], country=["VN"], field=["EDU"]),
    doc(3, "Viện Tài nguyên và Môi trường biển", "Nghiên cứu môi trường biển",
        type=["research_institute"], country=["VN"], field=["ENV", "MAR"]),
    doc(4, "Tokyo University of Marine Science and Technology", "Marine science",
        type=["university"], country=["JP"], field=["MAR"]),
    doc(5, "Công ty Đức Anh", "Đóng tàu", visibility="officials",
        type=["enterprise"], country=["VN"]),
    doc(6, "Công ty Dục Anh", "Đóng tàu", type=["enterprise"], country=["VN"]),
    doc(7, "Hội người Việt tại Nhật Bản", "Diaspora", visibility="curators",
        type=["diaspora_association"], country=["JP"]),
    doc(8, "Bản nháp", "draft record", status="submitted", type=["enterprise"], country=["VN"]),
]


@pytest.fixture
def index(tmp_path):
    index = RecordIndex(tmp_path, "organisations")
    index.rebuild(DOCS)
    yield index
    forget(tmp_path)


ALL = ("public", "officials", "curators")


def test_folder_beside_the_profiles_index_and_count(tmp_path, index):
    assert index.path == tmp_path / "records" / "organisations"
    assert index.count() == len(DOCS)
    assert index.ids() == {d["id"] for d in DOCS}


def test_words_with_and_without_diacritics(index):
    with_marks = index.search("hàng hải", levels=ALL)
    without = index.search("hang hai", levels=ALL)
    assert with_marks.ids == [1] and without.ids == [1]
    assert index.search("HAI PHONG", levels=ALL).ids == [2]
    assert set(index.search("bien", levels=ALL).ids) == {3}


def test_exact_diacritics_rank_first(index):
    # "Đức" typed with its marks ranks Đức above Dục; both are found.
    found = index.search("Đức", levels=ALL)
    assert found.ids[0] == 5 and 6 in found.ids
    assert index.search("Dục", levels=ALL).ids[0] == 6
    # Typed without marks, both match.
    assert set(index.search("duc", levels=ALL).ids) == {5, 6}


def test_every_word_is_required_and_acronyms_are_names(index):
    assert index.search("maritime university", levels=ALL).ids == [1]
    assert index.search("maritime nothing", levels=ALL).ids == []
    assert index.search("vmu", levels=ALL).ids == [1]


def test_names_rank_above_text(index):
    ids = index.search("marine", levels=ALL).ids
    assert ids[0] == 4


def test_levels_and_statuses(index):
    public = index.search("", levels=("public",))
    assert 5 not in public.ids and 7 not in public.ids
    assert 5 in index.search("", levels=("public", "officials")).ids
    assert 7 in index.search("", levels=ALL).ids
    assert index.search("", levels=()).ids == []
    assert index.search("", levels=("secret",)).total == 0
    published = index.search("", levels=ALL, statuses=("published",))
    assert 8 not in published.ids and published.total == 7
    assert index.search("", levels=ALL, statuses=()).total == 0
    assert index.search("nháp", levels=ALL, statuses=("submitted",)).ids == [8]


def test_empty_query_lists_newest_first_with_paging(index):
    first = index.search("", levels=("public",), per_page=3)
    assert first.ids == [8, 6, 4] and first.total == 6
    second = index.search("", levels=("public",), per_page=3, page=2)
    assert second.ids == [3, 2, 1]
    assert index.search("", levels=("public",), per_page=3, page=5).ids == []


def test_filters_and_facet_counts(index):
    found = index.search("", levels=ALL, statuses=("published",), filters={"type": ["university"]},
                         facets=("type", "country", "field"))
    assert set(found.ids) == {1, 2, 4}
    assert found.facet_counts["country"] == [("VN", 2), ("JP", 1)]
    assert found.facet_counts["field"] == [("MAR", 2), ("EDU", 1), ("ENG", 1)]
    assert found.facet_counts["type"] == [("university", 3)]
    both = index.search("", levels=ALL, filters={"type": ["university", "research_institute"],
                                                 "country": "VN"})
    assert set(both.ids) == {1, 2, 3}
    # An unknown facet counts nothing and filters everything out.
    assert index.search("", levels=ALL, facets=("colour",)).facet_counts == {"colour": []}
    assert index.search("", levels=ALL, filters={"colour": ["red"]}).total == 0
    # Facet counts follow the words and the levels.
    words = index.search("biển", levels=("public",), facets=("type",))
    assert words.facet_counts["type"] == [("research_institute", 1)]


def test_facet_counts_may_ignore_their_own_filter(index):
    """A facet's counts over the records passing the other filters: the reader sees how
    far each choice widens; the words, levels and statuses still apply."""
    found = index.search("", levels=ALL, statuses=("published",),
                         filters={"type": ["university"], "country": ["VN"]},
                         facets=("type", "country", "field"), facets_ignore_own_filter=True)
    assert set(found.ids) == {1, 2} and found.total == 2
    assert found.facet_counts["type"] == [("enterprise", 2), ("university", 2), ("research_institute", 1)]
    assert found.facet_counts["country"] == [("VN", 2), ("JP", 1)]
    assert found.facet_counts["field"] == [("EDU", 1), ("ENG", 1), ("MAR", 1)]
    worded = index.search("hàng hải", levels=("public",), filters={"type": ["enterprise"]},
                          facets=("type",), facets_ignore_own_filter=True)
    assert worded.total == 0 and worded.facet_counts["type"] == [("university", 1)]
    unfiltered = index.search("", levels=("public",), facets=("type",), facets_ignore_own_filter=True)
    assert unfiltered.facet_counts == index.search("", levels=("public",), facets=("type",)).facet_counts


def test_replace_and_delete(index):
    index.replace(doc(2, "Đại học Hải Phòng Kiến An", type=["university"], country=["VN"]))
    assert index.search("kien an", levels=ALL).ids == [2]
    assert index.count() == len(DOCS)
    index.replace_many([doc(9, "Samsung Heavy Industries", type=["enterprise"], country=["KR"])])
    assert index.search("samsung", levels=ALL).ids == [9]
    index.delete(9)
    index.delete(404)
    assert index.search("samsung", levels=ALL).ids == []
    assert index.count() == len(DOCS)


def test_rebuild_replaces_everything_and_bad_documents_change_nothing(index):
    with pytest.raises(ValueError):
        index.rebuild([doc(20, "ok"), {"names": "no id"}])
    assert index.count() == len(DOCS)
    with pytest.raises(ValueError):
        index.replace(doc(21, "bad", visibility="everyone"))
    assert index.rebuild([doc(20, "Only one")]) == 1
    assert index.ids() == {20}


def test_odd_queries_never_fail(index):
    for q in ("", "   ", "*", "a OR b", "((", "đ" * 500, "Đại " * 40, "\x00"):
        index.search(q, levels=ALL, facets=("type",), page=3, per_page=500)


def test_opened_once_per_folder_and_kind(tmp_path):
    first = records_index(tmp_path, "offers")
    assert records_index(tmp_path, "offers") is first
    assert records_index(tmp_path, "demands") is not first
    assert first.count() == 0 and first.created
    with pytest.raises(ValueError):
        records_index(tmp_path, "../up")
    forget(tmp_path)


def test_another_schema_version_is_recreated_empty(tmp_path):
    index = RecordIndex(tmp_path, "organisations")
    index.rebuild(DOCS)
    (index.path / "RECORDS_SCHEMA_VERSION").write_text("0\n")
    reopened = RecordIndex(tmp_path, "organisations")
    assert reopened.count() == 0 and reopened.created
