"""The engine's bulk posting reader gives exactly Whoosh's postings, and its cache of
decoded lists keeps to its size."""
import numpy as np
import pytest
from conftest import add_profile, module_snapshot
from whoosh.fields import NUMERIC

from expertnet import search
from expertnet.accounts import data_rights
from expertnet.cli import load_demo
from expertnet.search import engine
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
