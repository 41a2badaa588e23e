"""Edits do not pile segments up: a segment whose documents were all edited or deleted
leaves the index at once, and small segments are merged in tiers, so many single-profile
edits leave a bounded number of segments, search as a rebuilt index does, and never pull
files from under a reader (another process's searcher)."""
import random

import pytest
from werkzeug.datastructures import MultiDict
from whoosh.query import Every, Term

from expertnet.accounts import data_rights
from expertnet.core.access import CURATOR
from expertnet.directory import finder, indexing, writes
from expertnet.directory.models import Expert
from expertnet.search.index import IndexStore, tiered_segments

# The engine against Whoosh: the database only holds the profiles (tests/conftest.py).
pytestmark = pytest.mark.engine_only

KEYWORDS = ("cảng biển", "logistics xanh", "học máy", "thủy sản", "năng lượng tái tạo")
QUERIES = ("", "cang bien", "logistics", "học máy", "thuy san nang luong", "chuyen gia")


def segments(store):
    with store.searcher() as searcher:
        return [reader.segment() for reader, _offset in searcher.reader().leaf_readers()]


def found(query):
    """What a search finds: its profiles (their order by relevance follows the index's
    term statistics, which count deleted documents until a merge), total and facets."""
    criteria = finder.parse_criteria(MultiDict({"q": query, "per_page": "100"}))
    result = finder.find(criteria, viewer=CURATOR)
    return sorted(expert.id for expert in result.experts), result.total, result.facets


class _Segment:
    def __init__(self, live):
        self.live = live

    def doc_count(self):
        return self.live


def test_a_full_tier_is_merged_with_the_smaller_ones():
    small = [_Segment(1), _Segment(3), _Segment(12), _Segment(40), _Segment(75), _Segment(99)]
    large = [_Segment(25_000)]
    assert tiered_segments(small[:2] + large) == []
    # Four of 10–99: they and the smaller ones become one; the large one stays.
    assert tiered_segments(small + large) == small
    # Only a full tier merges, with what is below it (not what is above).
    tier_zero = [_Segment(2) for _ in range(4)]
    assert tiered_segments(tier_zero + [_Segment(500)]) == tier_zero
    # A large segment whose documents were mostly edited since counts by what lives.
    mostly_edited = _Segment(3)  # written with 25,000 documents, 3 of them live
    assert tiered_segments([mostly_edited] + tier_zero[:3]) == [mostly_edited] + tier_zero[:3]


def test_single_profile_edits_leave_a_bounded_number_of_segments(app, add, store):
    rng = random.Random(2026)
    ids = [add(full_name=f"Chuyên gia {number}", keywords=[rng.choice(KEYWORDS)],
               fields="ai" if number % 3 else "logistics").id for number in range(30)]
    # Readers in other processes (their own stores on the same folder): one searches
    # after every edit, one holds a searcher open while edits commit, merge and drop
    # segments.
    other, holder = IndexStore(store.root), IndexStore(store.root)
    try:
        with holder.searcher() as held:
            held_documents = held.doc_count()
            for number in range(60):
                expert = Expert.get_by_id(rng.choice(ids))
                if number % 20 == 19:
                    data_rights.delete_profile(expert)
                    ids.remove(expert.id)
                else:
                    writes.save_profile({"keywords": [rng.choice(KEYWORDS)]}, expert=expert)
                now = segments(store)
                # 30 profiles: tiers of 1–9 and 10–99, at most TIER_WIDTH - 1 each.
                assert len(now) <= 2 * (store.TIER_WIDTH - 1), number
                assert all(segment.doc_count() > 0 for segment in now), number
                with other.searcher() as fresh:
                    assert fresh.doc_count() == len(ids)
            # The held searcher still reads what it held: stored fields and postings.
            assert len(list(held.all_stored_fields())) == held_documents
            assert held.search(Every(), limit=None).scored_length() == held_documents
            assert held.search(Term("fields", "ai"), limit=None).scored_length() > 0
    finally:
        other.close()
        holder.close()
    assert found("")[1] == len(ids)
    edited = {query: found(query) for query in QUERIES}
    indexing.rebuild(store)
    assert len(segments(store)) == 1
    assert {query: found(query) for query in QUERIES} == edited


def test_a_profile_edited_twice_leaves_no_dead_segment(app, add, store):
    store.MAX_SEGMENTS = store.TIER_WIDTH = 100  # no merge: only the drop is seen
    expert = add(full_name="Một")
    add(full_name="Hai")
    assert len(segments(store)) == 2
    for keyword in KEYWORDS[:3]:
        writes.save_profile({"keywords": [keyword]}, expert=Expert.get_by_id(expert.id))
        assert len(segments(store)) == 2  # "Hai", and the edit's own (the previous one left)
    data_rights.delete_profile(Expert.get_by_id(expert.id))
    assert len(segments(store)) == 1
    assert found("")[1] == 1


def test_a_segment_dropped_as_a_merge_starts_is_left_out(app, add, store):
    store.MAX_SEGMENTS = store.TIER_WIDTH = 100  # no merge but the test's own
    experts = [add(full_name=name) for name in ("Một", "Hai", "Ba")]
    write_merged = store._write_merged

    def delete_then_write(*args):
        # After the merge's snapshot: the profile's segment leaves the index, files and all.
        data_rights.delete_profile(Expert.get_by_id(experts[0].id))
        return write_merged(*args)

    store._write_merged = delete_then_write
    assert store.merge_small()
    assert len(segments(store)) == 1
    assert found("")[1] == 2
    assert not [path for path in store.live_path.iterdir() if path.name.startswith("merging")]
