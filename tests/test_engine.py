"""The vectorised engine gives exactly what Whoosh gives for the same query plan:
same totals, same top of the ranking, for text, filters, sorts and pages."""
import pytest
from conftest import context_of, module_snapshot

from expertnet import search
from expertnet.accounts import data_rights
from expertnet.cli import load_demo
from expertnet.search import engine

# The engine against Whoosh: the database only holds the profiles (tests/conftest.py).
pytestmark = pytest.mark.engine_only

QUERIES = [
    "nguyen", "Nguyễn Văn", "Đức", "cong nghe bien", "công nghệ", "quan ly", "logistics",
    "artificial intelligence", "tri tue nhan tao", "port automation", "tokyo", "hai phong",
    "cang bien thong minh", "Hoamg", "nguyen van du", "machine learning", "japan", "biển",
]
FILTERS = [{}, {"kind": ("diaspora",)}, {"fields": ("ai", "logistics")},
           {"country": ("JP", "KR"), "languages": ("ja", "ko")}]
VISIBILITY = [("public",), ("public", "officials", "curators")]


@pytest.fixture(scope="module")
def demo_once(module_app):
    """The demo data, loaded once for the tests that only search it."""
    with context_of(module_app):
        load_demo(count=320)


@pytest.fixture
def demo(module_app, demo_once):
    with context_of(module_app):
        yield search.get_store()


# Fewer profiles than the searches' demo: loading is slow (about 0.1 s a profile) and
# 120 still fill every facet and name. Loaded once; each test edits a copy.
demo_to_edit_state, snapshot = module_snapshot("demo_to_edit", lambda _app: load_demo(count=120))


@pytest.fixture
def demo_to_edit(app, demo_to_edit_state):
    return search.get_store()


def compare(store, **request):
    request = search.SearchRequest(**request)
    fast = search.search(store, request)
    slow = search.search_reference(store, request)
    assert fast.total == slow.total, request
    assert fast.ids == slow.ids, request
    return fast


@pytest.mark.parametrize("visibility", VISIBILITY, ids=["public", "curator"])
def test_text_queries_match_whoosh_exactly(demo, visibility):
    found_any = False
    for text in QUERIES:
        for filters in FILTERS:
            result = compare(demo, text=text, filters=filters, visibility=visibility, per_page=20)
            found_any = found_any or result.total > 0
    assert found_any


@pytest.mark.parametrize("sort", ["relevance", "name", "updated"])
def test_sorts_and_later_pages_match_whoosh(demo, sort):
    for text in ["", "nguyen", "cong nghe"]:
        for page in (1, 2, 5):
            compare(demo, text=text, sort=sort, page=page, per_page=10,
                    visibility=("public", "officials", "curators"))


def test_edits_and_deletes_are_seen_through_cached_segments(demo_to_edit, add):
    demo = demo_to_edit
    before = search.search(demo, search.SearchRequest(text="nguyen", per_page=5))
    expert = add(full_name="Nguyễn Mới Thêm")
    after = search.search(demo, search.SearchRequest(text="nguyen mới thêm"))
    assert after.ids == [expert.id]
    data_rights.delete_profile(expert)
    again = search.search(demo, search.SearchRequest(text="nguyen", per_page=5))
    assert again.total == before.total and again.ids == before.ids


def test_filters_kept_for_the_searcher_answer_each_search_as_a_fresh_one(demo_to_edit, add):
    """Filter masks are kept per searcher: a viewer's own profiles widen the visibility
    filter of that viewer's search only, the masks stay bounded, and an edit (a new
    searcher) is seen."""
    from expertnet.search import engine

    demo = demo_to_edit
    hidden = add(full_name="Xyzzy Plugh Riêng", visibility="curators")

    def found(**request):
        return search.search(demo, search.SearchRequest(text="xyzzy plugh", **request)).ids

    assert found(own_ids=(hidden.id,)) == [hidden.id]
    assert found() == []
    assert found(visibility=("public", "curators")) == [hidden.id]
    for country in ["JP", "KR", "US", "FR", "DE", "VN", "AU", "SE", "GB", "CN"] * 2:
        for kind in ("domestic", "foreign", "diaspora"):
            search.search(demo, search.SearchRequest(filters={"country": (country,), "kind": (kind,)}))
    with demo.searcher() as searcher:
        masks = demo.segments(searcher)._filter_masks
        assert 0 < len(masks) <= engine.FILTER_MASKS
        kept = [name for name in demo._kept_arrays._buffers if name.startswith("filter:")]
        assert 0 < len(kept) <= engine.FILTER_MASKS
        assert not any(mask.flags.writeable for mask in masks.values())
    shown = add(full_name="Xyzzy Plugh Riêng", visibility="public")
    assert found() == [shown.id]


def test_term_lookups_per_segment_answer_as_the_whole_index(demo_to_edit, add):
    demo = demo_to_edit
    add(full_name="Nguyễn Maire Trần", keywords=["benchedit"])  # a second segment
    with demo.searcher() as searcher:
        reader = searcher.reader()
        assert len(reader.leaf_readers()) >= 2
        lexicon = demo.segments(searcher).lexicon
        words = [term.decode() for term in reader.lexicon("name")][::7]
        for word in [*words, "nguyenn", "marie", "hoamg", "tran", "ng", "n", "zzz"]:
            for text in (word, word + "x", word[:-1]):
                expected = sorted(reader.terms_within("name", text, 1, prefix=1))
                assert lexicon.near("name", text, 1, 1) == expected
                for limit in (2, 8):
                    terms = list(reader.expand_prefix("name", text))
                    if len(terms) > limit:
                        terms.sort(key=lambda term: -reader.doc_frequency("name", term))
                    assert lexicon.prefix("name", text, limit) == [term.decode() for term in terms[:limit]]
                assert lexicon.has("name", text) == (("name", text) in reader)


@pytest.fixture
def several_segments(demo_to_edit, add):
    """The demo plus saves and a deletion: segments of several sizes, one with deletions."""
    store = demo_to_edit
    add(full_name="Nguyễn Thị Segment", keywords=["cảng biển"], languages=["ja"], kind="diaspora",
        country="JP")
    gone = add(full_name="Trần Văn Xoá", keywords=["logistics"], country="KR")
    add(full_name="Đặng Văn Segment", keywords=["logistics", "cảng"], languages=["ko", "en"])
    data_rights.delete_profile(gone)
    with store.searcher() as searcher:
        assert len([r for r, _o in searcher.reader().leaf_readers() if r.doc_count_all()]) >= 2
    return store


def whoosh_facets(store, request):
    """Facet counts of ``request``'s matches, counted by Whoosh: per value, the live
    documents that both match and hold the value."""
    from whoosh.query import Term

    with store.searcher() as searcher:
        _plan, (_total, (matching, _scoring)), _dropped = search.reference_queries(store, request, searcher)
        matches = set(searcher.docs_for_query(matching))
        counts = {}
        for name in search.FACET_FIELDS:
            found = {}
            for value in searcher.reader().field_terms(name):
                count = len(matches & set(searcher.docs_for_query(Term(name, value))))
                if count:
                    found[value] = count
            counts[name] = dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))
    return counts


def test_facet_counts_and_the_top_over_segments_equal_whooshs(several_segments):
    # From every document (bincount over the pairs) to a handful (through each
    # document's values), in several segments; sorted three ways.
    for text in ["", "logistics", "segment", "cang bien", "nguyen", "zzzz"]:
        for filters in ({}, {"country": ("JP",)}, {"languages": ("ko",)}):
            request = search.SearchRequest(text=text, filters=filters,
                                           visibility=("public", "officials", "curators"))
            result = compare(several_segments, **request.__dict__)
            assert result.facets == whoosh_facets(several_segments, request), (text, filters)
        for sort in ("relevance", "name", "updated"):
            for page in (1, 3):
                compare(several_segments, text=text, sort=sort, page=page, per_page=20,
                        visibility=("public", "officials", "curators"))


@pytest.mark.parametrize("by_segment", [1, 10**9], ids=["segment-by-segment", "joined"])
def test_terms_scored_segment_by_segment_or_joined_rank_as_whoosh(several_segments, monkeypatch, by_segment):
    # Long lists are scored through each segment's views, short ones joined first: both
    # ways, on every term, give Whoosh's ranking over several segments.
    monkeypatch.setattr(engine, "BY_SEGMENT", by_segment)
    for text in [*QUERIES, "segment", "logistics cang"]:
        for visibility in VISIBILITY:
            compare(several_segments, text=text, visibility=visibility, per_page=20)


def test_facets_counted_by_the_complement_equal_whooshs(several_segments, monkeypatch):
    # The three ways of counting (through the few matches' values, over every document,
    # and every live document's counts less those of the few that do not match), each
    # forced on the same searches by moving the threshold between them.
    for few, nearly_all in ((1 / 16, 15 / 16), (1 / 2, 1 / 2), (1 / 1000, 1 / 1000), (0.999, 0.999)):
        monkeypatch.setattr(engine, "FEW_MATCHES", few)
        monkeypatch.setattr(engine, "NEARLY_ALL", nearly_all)
        for text in ["", "logistics", "nguyen", "a"]:
            for visibility in (("public",), ("public", "officials", "curators")):
                for filters in ({}, {"languages": ("ko", "en")}):
                    request = search.SearchRequest(text=text, filters=filters, visibility=visibility)
                    found = search.search(several_segments, request)
                    assert found.facets == whoosh_facets(several_segments, request), \
                        (few, nearly_all, text, visibility, filters)


def test_segments_of_deleted_documents_only_leave_the_index(demo_to_edit, add):
    store = demo_to_edit
    with store.searcher() as searcher:
        before = len(store.segments(searcher).parts)
    gone = add(full_name="Lê Văn Tạm", keywords=["tamthoi"])
    data_rights.delete_profile(gone)
    with store.searcher() as searcher:
        segments = store.segments(searcher)
        # Dropped at the commit that deleted its last document: no search reads it.
        assert len(segments.parts) == before
        assert len(segments.searched) == len(segments.parts)
        assert not segments.lexicon.has("tags", "tamthoi")
    assert search.search(store, search.SearchRequest(text="tamthoi")).total == 0


def test_arrays_kept_across_searchers_answer_as_arrays_built_afresh(demo_to_edit, add, app):
    """Saves, deletions and merges, one after the other: after each, the store that kept
    its whole-index arrays from the searchers before (rewriting only the segments that
    changed) answers every search as a store opened afresh on the same index, sorts
    and filters, and counts the facets as Whoosh does (a country and a language no
    profile had before, sorted before the others, included)."""
    from expertnet.search import IndexStore

    store = demo_to_edit
    requests = [search.SearchRequest(text="nguyen", per_page=30),
                search.SearchRequest(text="logistics cảng", sort="name", per_page=30),
                search.SearchRequest(filters={"country": ("JP", "AD")}, sort="updated", per_page=30),
                search.SearchRequest(filters={"languages": ("ja", "af")}, sort="name", per_page=30),
                search.SearchRequest(per_page=30)]

    def answers(of):
        return [(found.ids, found.total, found.facets)
                for found in (search.search(of, request) for request in requests)]

    answers(store)  # the arrays of the searcher before the changes, kept
    added, most_segments = [], 0
    for step in range(9):
        added.append(add(full_name=f"Nguyễn Văn Bước {step}", keywords=["logistics", "cảng"],
                         country=("JP", "AD", "KR")[step % 3], languages=[("ja", "af", "ko")[step % 3]]))
        if step % 4 == 3:
            # The one saved before the last: its segment leaves, the last one moves down.
            data_rights.delete_profile(added.pop(-2))
        fresh = IndexStore(app.config["INDEX_DIR"])
        try:
            kept = answers(store)
            assert kept == answers(fresh), step
        finally:
            fresh.close()
        if step % 3 == 2:  # Whoosh's counts are slow: after every third change
            for request, (_ids, _total, facets) in zip(requests, kept, strict=True):
                assert facets == whoosh_facets(store, request), (step, request)
        with store.searcher() as searcher:
            most_segments = max(most_segments, len(store.segments(searcher).parts))
    assert most_segments >= 3


def test_the_name_order_compares_in_full_only_the_keys_their_first_16_bytes_tie():
    """Sorting by name narrows the matches by 8 bytes of the keys, then by the next 8
    among those tied with the boundary; the order is still the full keys' (then the
    document number), whatever the keys share: nothing, 8 bytes, 16 bytes, everything,
    a letter that its UTF-8 bytes split across the 8th byte."""
    import random

    import numpy as np

    from expertnet.search import engine

    rng = random.Random(2026)
    stems = ["an nguyen van an", "an nguyen van anh", "an nguyen văn an", "an ng", "anh", "b",
             "an nguyễn", "an nguyen van an "]
    keys = [rng.choice(stems) + rng.choice(["", " x", " a", "y", " đức"]) for _ in range(600)]

    class Arrays:
        arrays = {"name_prefix": np.array([engine._prefix64(key) for key in keys], dtype=np.uint64),
                  "name_second": np.array([engine._prefix64(key, 8) for key in keys], dtype=np.uint64),
                  "name_array": np.array(keys, dtype=object)}

        def array(self, name):
            return self.arrays[name]

    for docnums in (np.arange(len(keys)), np.arange(0, len(keys), 3)):
        expected = sorted(docnums.tolist(), key=lambda docnum: (keys[docnum], docnum))
        for limit in (1, 2, 7, 20, 150, len(docnums), len(docnums) + 5):
            found = engine._top_by_name(Arrays(), docnums, limit).tolist()
            assert found == expected[:limit], limit
