"""The engine's bulk posting reader gives exactly Whoosh's postings, and its cache of
decoded lists keeps to its size."""
import numpy as np
import pytest
from conftest import add_profile, module_snapshot
from whoosh.fields import NUMERIC

from expertnet import search
from expertnet.accounts import data_rights
from expertnet.cli import load_demo
from expertnet.search import dense, engine
from expertnet.search import index as index_module
from expertnet.search.schema import SCORED_FIELDS

# The engine against Whoosh: the database only holds the profiles (tests/conftest.py).
pytestmark = pytest.mark.engine_only


def whoosh_postings(reader, field, term):
    """(ids, weights) through Whoosh's own matcher, a posting at a time, deleted
    documents included (the raw matcher, as the engine reads)."""
    matcher = reader._terms.matcher(field, term, reader.schema[field].format)
    found = [(docnum, matcher.weight()) for docnum in matcher.all_ids()]
    return [docnum for docnum, _weight in found], [weight for _docnum, weight in found]


def _build_segmented(_app):
    """An index of several segments: the bulk build of the demo, segments merged by
    Whoosh's own writer, a segment of one save, and deleted documents in them."""
    add = add_profile
    load_demo(count=200)
    first = add(full_name="Trần Văn Một", keywords=["postings one"], bio_vi="Cảng biển và logistics.")
    second = add(full_name="Lê Thị Hai", keywords=["postings two"], bio_en="Port automation, ports.")
    search.get_store().merge_small()
    third = add(full_name="Phạm Ba", keywords=["postings three"])
    data_rights.delete_profile(first)
    add(full_name="Vũ Bốn", keywords=["postings four", "cảng"])
    return second, third


# Built once for the module's tests, which only read it.
segmented_state, snapshot = module_snapshot("segmented", _build_segmented)


@pytest.fixture
def segmented(app, segmented_state):
    return search.get_store(), segmented_state.value()


def test_bulk_postings_equal_whooshs_for_every_term_of_every_segment(segmented):
    store, _kept = segmented
    with store.searcher() as searcher:
        leaves = [reader for reader, _offset in searcher.reader().leaf_readers()
                  if reader.doc_count_all()]
        assert len(leaves) >= 2
        assert any(reader.has_deletions() for reader in leaves)
        data = {id(reader): data for data, _offset, _live in store.segments(searcher).parts
                for reader in leaves if data.reader is reader}
        checked = postings_checked = longest = 0
        for reader in leaves:
            for field in reader.indexed_field_names():
                numeric = isinstance(reader.schema[field], NUMERIC)
                for term in reader.lexicon(field):
                    ids, weights = engine.read_term_postings(reader, field, term)
                    expected_ids, expected_weights = whoosh_postings(reader, field, term)
                    # Compact as the cache keeps them: every weight here is a whole number.
                    assert ids.dtype == np.int32 and weights.dtype == np.uint16
                    assert ids.tolist() == expected_ids, (field, term)
                    assert weights.tolist() == expected_weights, (field, term)
                    if not numeric:
                        text = reader.schema[field].from_bytes(term)
                        again = engine.read_postings(reader, field, text)
                        assert again[0].tolist() == expected_ids
                    if field in SCORED_FIELDS:
                        lengths = data[id(reader)].lengths(field)[ids]
                        assert lengths.tolist() == [reader.doc_field_length(docnum, field)
                                                    for docnum in expected_ids]
                    checked += 1
                    postings_checked += len(expected_ids)
                    longest = max(longest, len(expected_ids))
        # Long lists (several blocks of 128) were among them.
        assert checked > 1000 and postings_checked > 20_000
        assert longest > 128
        assert engine.read_postings(leaves[0], "text", "zzzabsent")[0].tolist() == []


def test_deleted_documents_are_in_the_postings_and_out_of_the_results(segmented):
    store, (second, third) = segmented
    with store.searcher() as searcher:
        deleted = [(reader, docnum) for reader, _offset in searcher.reader().leaf_readers()
                   for docnum in (reader.deleted_docs_set if reader.has_deletions() else ())]
        assert deleted
        for reader, docnum in deleted:
            # Every document has a visibility: a deleted one is still in its postings.
            held = np.concatenate([engine.read_term_postings(reader, "visibility", term)[0]
                                   for term in reader.lexicon("visibility")])
            assert docnum in held.tolist()
    found = search.search(store, search.SearchRequest(text="postings"))
    # "postings one" was deleted; two, three and four remain.
    assert found.total == 3 and {second.id, third.id} <= set(found.ids)


def test_weights_are_kept_in_16_bits_only_when_that_is_exact():
    assert engine.compact_weights(np.array([1.0, 3.0, 22.0])).dtype == np.uint16
    assert engine.compact_weights(np.array([1.0, 65535.0])).tolist() == [1, 65535]
    for inexact in ([1.0, 2.5], [1.0, 65536.0], [-1.0, 2.0]):
        kept = engine.compact_weights(np.array(inexact))
        assert kept.dtype == np.float64 and kept.tolist() == inexact
    assert len(engine.compact_weights(np.zeros(0))) == 0


def test_the_cache_keeps_to_its_size_and_keeps_the_lists_used_again():
    cache = engine.PostingCache(100_000)

    def postings(count):
        return np.arange(count, dtype=np.int64), np.ones(count, dtype=np.float64)

    common = postings(1000)  # 16,000 bytes
    cache.put("common", common)
    assert cache.get("common") is common  # used twice: protected
    for number in range(200):
        cache.put(("rare", number), postings(500))
        cache.get("common")
        assert cache.size <= 100_000
    assert cache.get("common") is common
    assert cache.get(("rare", 0)) is None and cache.get(("rare", 199)) is not None
    cache.put("huge", postings(10_000))  # larger than the whole cache: not kept
    assert cache.get("huge") is None and cache.size <= 100_000
    cache.clear()
    assert cache.size == 0 and len(cache) == 0


def test_long_lists_coming_in_leave_the_short_ones_and_the_empty_ones(monkeypatch):
    cache = engine.PostingCache(2_400_000)
    empty = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.uint16))
    for number in range(200):  # a word looked up in segments that mostly lack it
        cache.put(("absent", number), empty)
        cache.put(("short", number), (np.arange(100, dtype=np.int32), np.ones(100, dtype=np.uint16)))
    for number in range(500):  # long lists, 6,000 bytes each: the long part holds 350
        cache.put(("long", number), (np.arange(1000, dtype=np.int32), np.ones(1000, dtype=np.uint16)))
        assert cache.size <= 2_400_000
    assert all(cache.get(("absent", number)) is not None for number in range(200))
    assert all(cache.get(("short", number)) is not None for number in range(200))
    assert cache.get(("long", 0)) is None and cache.get(("long", 499)) is not None
    # The short part keeps to its own share, counting each entry's objects.
    for number in range(2000):
        cache.put(("more", number), empty)
    assert cache._short_bytes <= 2_400_000 * engine.PostingCache.SHORT_SHARE
    assert cache.get(("absent", 0)) is None and cache.get(("more", 1999)) is not None
    assert cache.size <= 2_400_000


def test_a_small_cache_answers_the_same_within_its_size(app, add):
    load_demo(count=60)
    store = search.get_store()
    assert store.postings.max_bytes == app.config["SEARCH_CACHE_MB"] * 2**20
    requests = [search.SearchRequest(text=text, visibility=("public", "officials", "curators"))
                for text in ("cong nghe", "nguyen", "logistics", "hai phong", "")]
    expected = [search.search(store, request) for request in requests]
    store.postings = engine.PostingCache(4096)
    store._engine_segments = {}
    store._segments = None
    for request, before in zip(requests, expected, strict=True):
        after = search.search(store, request)
        assert (after.ids, after.total, after.facets) == (before.ids, before.total, before.facets)
        assert store.postings.size <= 4096


# -- dense files (expertnet/search/dense.py) ---------------------------------------------
def test_dense_files_hold_exactly_the_long_lists_of_every_segment(segmented):
    store, _kept = segmented
    with store.searcher() as searcher:
        leaves = [reader for reader, _offset in searcher.reader().leaf_readers()
                  if reader.doc_count_all()]
        with_file = held = 0
        for reader in leaves:
            mapped = dense.open_for(reader)
            if reader.doc_count_all() < dense.MIN_POSTINGS:
                assert mapped is None  # a save's segment holds no long list
                continue
            assert mapped is not None
            with_file += 1
            in_file = 0
            for (field, term), info in reader._terms.items():
                found = mapped.get(field, term)
                if info.doc_frequency() < dense.MIN_POSTINGS:
                    assert found is None, (field, term)
                    continue
                expected_ids, expected_weights = whoosh_postings(reader, field, term)
                ids, weights = found
                assert ids.dtype == np.int32 and weights.dtype.kind == "u"
                assert ids.tolist() == expected_ids and weights.tolist() == expected_weights, (field, term)
                in_file += 1
            assert in_file == len(mapped) > 0
            held += in_file
        assert with_file >= 1 and held > 20


class _Info:
    def __init__(self, count):
        self.count = count

    def doc_frequency(self):
        return self.count


class _Segment:
    def make_filename(self, extension):
        return f"MAIN_fake{extension}"


class _Terms:
    def __init__(self, lists):
        self.lists = lists

    def items(self):
        return [((field, term), _Info(len(ids))) for (field, term), (ids, _w) in self.lists.items()]


class _Reader:
    """What dense.write_for reads of a segment reader."""

    def __init__(self, lists):
        self._terms = _Terms(lists)

    def segment(self):
        return _Segment()


def test_a_dense_file_keeps_every_width_of_gap_and_weight_exactly(tmp_path):
    rng = np.random.default_rng(2026)
    lists = {
        ("text", b"narrow"): (np.arange(3, 3 + 2 * 300, 2, dtype=np.int32), np.ones(300, dtype=np.uint16)),
        ("text", b"gaps16"): (np.cumsum(rng.integers(1, 60_000, 200)).astype(np.int32),
                              rng.integers(1, 300, 200).astype(np.uint16)),
        ("text", b"gaps32"): (np.cumsum(rng.integers(1, 200_000, 150)).astype(np.int32),
                              rng.integers(1, 65_535, 150).astype(np.uint16)),
        ("kind", b"short"): (np.arange(10, dtype=np.int32), np.ones(10, dtype=np.uint16)),
        ("bio", b"inexact"): (np.arange(200, dtype=np.int32), np.full(200, 1.5)),
    }
    path = dense.write_for(_Reader(lists), tmp_path, lambda _reader, field, term: lists[(field, term)])
    assert path == tmp_path / "MAIN_fake.dense"
    mapped = dense.DensePostings(path)
    assert len(mapped) == 3  # neither the short list nor the one with fractional weights
    for key in (("text", b"narrow"), ("text", b"gaps16"), ("text", b"gaps32")):
        ids, weights = mapped.get(*key)
        assert ids.tolist() == lists[key][0].tolist() and weights.tolist() == lists[key][1].tolist()
    assert mapped.get("kind", b"short") is None and mapped.get("bio", b"inexact") is None
    assert mapped.get("text", b"absent") is None
    # Nothing long enough: a file with an empty table, so that nothing derives it again.
    (tmp_path / "x").mkdir()
    empty = dense.write_for(_Reader({("kind", b"short"): lists[("kind", b"short")]}), tmp_path / "x",
                            lambda *_args: None)
    assert len(dense.DensePostings(empty)) == 0 and dense.DensePostings(empty).get("kind", b"short") is None


def _demo_and_answers():
    """The demo of 200 (one segment with a dense file), three searches and their answers."""
    load_demo(count=200)
    store = search.get_store()
    requests = [search.SearchRequest(text=text, visibility=("public", "officials", "curators"))
                for text in ("cong nghe", "logistics", "hai phong")]
    answers = [search.search(store, request) for request in requests]
    files = list(store.live_path.resolve().glob("*.dense"))
    assert files
    return store, requests, answers, files


def _answer_as_before(store, requests, answers):
    for request, before in zip(requests, answers, strict=True):
        after = search.search(store, request)
        assert (after.ids, after.total, after.facets) == (before.ids, before.total, before.facets)


def test_a_damaged_dense_file_is_ignored_and_the_lists_read_from_whoosh(app):
    store, requests, answers, files = _demo_and_answers()
    for path in files:
        path.write_bytes(path.read_bytes()[:-5])  # the end of the file lost
    store.close()
    _answer_as_before(store, requests, answers)
    with store.searcher() as searcher:
        assert all(data.dense is None for data, _o, _l in store.segments(searcher).parts)


def test_an_index_without_dense_files_gets_them_and_answers_the_same(app):
    store, requests, answers, files = _demo_and_answers()
    for path in files:
        path.unlink()  # as an index written before them
    store.close()
    _answer_as_before(store, requests, answers)
    # What a background merge runs in its child process writes them, merge or not.
    index_module._merge_child(store)
    assert sorted(store.live_path.resolve().glob("*.dense")) == sorted(files)
    assert store.write_missing_dense_postings() == 0
    _answer_as_before(store, requests, answers)
    # The next searcher (after a save) reads the segments it already knew through their new files.
    add_profile(full_name="Đỗ Năm", keywords=["logistics"])
    with store.searcher() as searcher:
        assert any(data.dense is not None for data, _o, _l in store.segments(searcher).parts)
    for request in requests:
        fast, reference = search.search(store, request), search.search_reference(store, request)
        assert (fast.ids, fast.total) == (reference.ids, reference.total)


def test_a_dense_file_leaves_with_its_segment(app):
    load_demo(count=200)
    store = search.get_store()
    folder = store.live_path.resolve()

    def files_and_segments():
        with store.searcher() as searcher:
            alive = {reader.segment().segment_id() for reader, _o in searcher.reader().leaf_readers()}
        return {path.name.split(".")[0] for path in folder.glob("*.dense*")}, alive

    for number in range(3):
        add_profile(full_name=f"Ngô Sáu {number}", keywords=["merge"])
    # A background merge of every segment (written by Whoosh's writer in a folder of its
    # own, its dense file beside it, both moved in when swapped).
    assert store._merge(lambda segments: list(segments), rounds=1)
    files, alive = files_and_segments()
    assert files == alive and len(alive) == 1
    add_profile(full_name="Ngô Bảy", keywords=["merge"])
    store.optimize()
    files, alive = files_and_segments()
    assert files == alive and len(alive) == 1
