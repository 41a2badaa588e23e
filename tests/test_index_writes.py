"""The index write path the README describes: saves commit without merging, small
segments are merged once there are many (inline, or in a background thread), and a
rebuild writes committed batches that search exactly like one segment."""
import time

from werkzeug.datastructures import MultiDict
from whoosh import index as whoosh_index

from expertnet.accounts import data_rights
from expertnet.core.access import CURATOR
from expertnet.directory import finder, indexing, writes


def segment_count(store):
    with store.searcher() as searcher:
        return len(searcher.reader().leaf_readers())


def found(query=""):
    criteria = finder.parse_criteria(MultiDict({"q": query, "per_page": "100"}))
    result = finder.find(criteria, viewer=CURATOR)
    return [expert.id for expert in result.experts], result.total, result.facets


def test_saves_do_not_merge_until_there_are_many_segments(app, add, store):
    store.MAX_SEGMENTS = 5
    add(full_name="Một")
    add(full_name="Hai")
    assert segment_count(store) == 2  # each save its own segment: no merge yet
    for name in ("Ba", "Bốn", "Năm", "Sáu"):
        add(full_name=name)
    assert segment_count(store) < 5  # the small segments were merged
    assert found()[1] == 6


def test_a_background_merge_leaves_the_index_whole(app, add, store):
    store.MAX_SEGMENTS = 3
    store.background_merge = True
    for name in ("Một", "Hai", "Ba", "Bốn"):
        add(full_name=name)
    deadline = time.monotonic() + 10
    while store._merging and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not store._merging
    assert found()[1] == 4
    assert segment_count(store) < 4


def test_a_rebuild_in_batches_searches_like_one_segment(app, add, store):
    for number in range(7):
        add(full_name=f"Chuyên gia {number}", fields="ai" if number % 2 else "logistics")
    indexing.rebuild(store)
    before = {query: found(query) for query in ("", "chuyen gia", "logistics")}
    store.BUILD_SEGMENT = 2
    indexing.rebuild(store)
    assert segment_count(store) == 4
    assert {query: found(query) for query in before} == before


def test_a_failed_commit_releases_the_writer_lock(app, add, store, monkeypatch):
    """Regression (found by the form property test): a commit that raised kept Whoosh's
    write lock and the writer's searcher until the writer was garbage-collected, so every
    later save failed to index (IndexBusy) and files stayed open."""
    import gc

    from whoosh.writing import SegmentWriter

    first = add(full_name="Trước Lỗi")
    original = SegmentWriter.commit

    def failing(self, *args, **kwargs):
        raise AssertionError("simulated failure while writing the segment")

    monkeypatch.setattr(SegmentWriter, "commit", failing)
    gc.disable()  # the lock must be released by the code, not by a garbage collection
    try:
        second = add(full_name="Trong Lỗi")  # the database write stands, indexing failed
        monkeypatch.setattr(SegmentWriter, "commit", original)
        store.lock_timeout = 0.5
        third = add(full_name="Sau Lỗi")
    finally:
        gc.enable()
    ids = found()[0]
    assert {first.id, second.id, third.id} <= set(ids)


def test_segment_names_do_not_follow_the_global_random_seed(app, add, store):
    """Regression: Whoosh drew segment names from the global ``random``; code that seeds
    it (hypothesis replaying examples, Faker) made two writers pick one name and the
    second commit fail."""
    import random
    for name in ("Một", "Hai", "Ba"):
        random.seed(0)
        add(full_name=name)
    assert found()[1] == 3
def test_a_merge_writes_without_the_writer_lock_and_keeps_edits_made_meanwhile(app, add, store):
    store.MAX_SEGMENTS = store.TIER_WIDTH = 100  # no merge but the test's own
    store.lock_timeout = 0.5
    experts = [add(full_name=name, keywords=["hàng hải"]) for name in ("Một", "Hai", "Ba", "Bốn")]
    assert segment_count(store) == 4
    write_merged = store._write_merged

    def write_then_edit(*args):
        written = write_merged(*args)
        # The merged segment is written: saves go on meanwhile (no lock is held), and
        # they touch documents of the segments being merged.
        writes.save_profile({"keywords": ["cảng biển"]}, expert=experts[0])
        data_rights.delete_profile(experts[1])
        return written

    store._write_merged = write_then_edit
    assert store.merge_small()
    assert segment_count(store) == 2  # the merged one and the edit's own
    assert found("hang hai")[:2] == (sorted([experts[2].id, experts[3].id]), 2)
    assert found("cang bien")[:2] == ([experts[0].id], 1)
    assert found()[1] == 3
    assert not [path for path in store.live_path.iterdir() if path.name.startswith("merging")]


def test_a_merge_overtaken_by_another_is_thrown_away(app, add, store):
    store.MAX_SEGMENTS = store.TIER_WIDTH = 100  # no merge but the test's own
    for name in ("Một", "Hai", "Ba"):
        add(full_name=name)
    write_merged = store._write_merged

    def write_then_optimize(*args):
        written = write_merged(*args)
        store.optimize()  # merges everything under the lock, first
        return written

    store._write_merged = write_then_optimize
    assert not store.merge_small()
    assert segment_count(store) == 1
    assert found()[1] == 3
    assert not [path for path in store.live_path.iterdir() if path.name.startswith("merging")]


def test_one_merge_at_a_time(app, add, store):
    store.MAX_SEGMENTS = store.TIER_WIDTH = 100  # no merge but the test's own
    for name in ("Một", "Hai"):
        add(full_name=name)
    with store.exclusive("merge") as mine:
        assert mine
        assert not store.merge_small()  # another merge runs: nothing to do
    assert store.merge_small()
    assert segment_count(store) == 1


def _stale_generation_once(monkeypatch, store, commit):
    """Whoosh finds the latest generation, then ``commit`` (another process's save, a
    background merge's swap) writes the next table of contents and deletes that one,
    then Whoosh opens it: the interleaving that failed intermittently, made certain."""
    latest = whoosh_index.TOC._latest_generation.__func__
    calls = []

    def stale(cls, storage, indexname):
        generation = latest(cls, storage, indexname)
        if not calls:
            calls.append(generation)
            commit()
            assert latest(cls, storage, indexname) > generation
            assert not storage.file_exists(whoosh_index.TOC._filename(indexname, generation))
        return generation

    monkeypatch.setattr(whoosh_index.TOC, "_latest_generation", classmethod(stale))
    return calls


def test_a_table_of_contents_replaced_while_being_opened_is_read_again(app, add, store,
                                                                        monkeypatch):
    store.MAX_SEGMENTS = store.TIER_WIDTH = 100  # no merge but the test's own
    add(full_name="Một")
    assert found()[1] == 1
    calls = _stale_generation_once(monkeypatch, store, lambda: add(full_name="Hai"))
    add(full_name="Ba")  # the searcher is out of date: a new one reads the contents
    assert found()[1] == 3
    assert calls
    assert store.status() == "ok"


def test_a_merge_snapshot_survives_a_save_committed_as_it_starts(app, add, store, monkeypatch):
    store.MAX_SEGMENTS = store.TIER_WIDTH = 100  # no merge but the test's own
    for name in ("Một", "Hai", "Ba"):
        add(full_name=name)
    calls = _stale_generation_once(monkeypatch, store, lambda: add(full_name="Bốn"))
    assert store.merge_small()
    assert calls
    monkeypatch.undo()
    assert found()[1] == 4
