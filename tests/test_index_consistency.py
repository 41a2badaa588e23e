"""The database is the truth; the index follows it and can always be rebuilt."""
import shutil

from werkzeug.datastructures import MultiDict

from expertnet.accounts import data_rights
from expertnet.core.access import CURATOR
from expertnet.directory import finder, indexing, writes
from expertnet.directory.models import PendingIndex
from expertnet.search import IndexBusy

QUERIES = ["", "nguyen", "logistics", "tri tue nhan tao", "Đức", "cang bien"]


def snapshot(queries=QUERIES):
    results = {}
    for query in queries:
        found = finder.find(finder.parse_criteria(MultiDict({"q": query, "per_page": "100"})),
                            viewer=CURATOR)
        results[query] = ([expert.id for expert in found.experts], found.total, found.facets)
    return results


def seed(add):
    add(full_name="Nguyễn Văn Đức", fields="logistics", bio_vi="Dịch vụ cảng biển.")
    add(full_name="Nguyễn Thị Dục", fields="ai", visibility="officials")
    add(full_name="Anna Berg", kind="foreign", country="SE", fields="ai", visibility="curators")
    add(full_name="Trần Cảng", fields="seaports", kind="diaspora", country="JP")


def test_a_saved_profile_is_found_by_the_next_request(client, add):
    assert client.get("/api/v1/experts?q=Hoàng Phi Hồng").json["total"] == 0
    add(full_name="Hoàng Phi Hồng")
    body = client.get("/api/v1/experts?q=hoang phi hong").json
    assert body["total"] == 1 and body["results"][0]["full_name"] == "Hoàng Phi Hồng"


def test_an_edit_replaces_the_document_and_a_delete_removes_it(app, add):
    expert = add(full_name="Phan Văn Cũ")
    writes.save_profile({"full_name": "Phan Văn Mới"}, expert=expert)
    assert snapshot(["phan van cu"])["phan van cu"][1] == 0
    assert snapshot(["phan van moi"])["phan van moi"][0] == [expert.id]
    data_rights.delete_profile(expert)
    assert snapshot(["phan van moi"])["phan van moi"][1] == 0


def test_deleted_index_is_rebuilt_with_identical_results(app, add, store):
    seed(add)
    before = snapshot()
    store.close()
    shutil.rmtree(store.root)
    assert store.status() == "missing"
    summary = indexing.reconcile()
    assert summary["rebuilt"] is True
    assert snapshot() == before


def test_reindex_command_gives_identical_results(app, add, runner):
    seed(add)
    before = snapshot()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "4" in result.output
    assert snapshot() == before


def test_a_failed_index_write_keeps_the_database_write_and_is_repaired(app, add, store,
                                                                       monkeypatch):
    seed(add)

    def broken(*args, **kwargs):
        raise IndexBusy("held by someone else")

    monkeypatch.setattr(store, "apply", broken)
    expert = add(full_name="Lạc Mất Chỉ Mục")
    assert expert.id is not None
    assert PendingIndex.get_or_none(PendingIndex.expert_id == expert.id) is not None
    assert snapshot(["lac mat chi muc"])["lac mat chi muc"][1] == 0
    monkeypatch.undo()
    summary = indexing.reconcile()
    assert summary["indexed"] >= 1
    assert snapshot(["lac mat chi muc"])["lac mat chi muc"][0] == [expert.id]
    assert PendingIndex.select().count() == 0


def test_the_next_successful_write_repairs_earlier_failures(app, add, store, monkeypatch):
    original = store.apply
    monkeypatch.setattr(store, "apply", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    lost = add(full_name="Bị Lỡ")
    monkeypatch.setattr(store, "apply", original)
    add(full_name="Người Sau")
    assert snapshot(["bi lo"])["bi lo"][0] == [lost.id]


def test_reconcile_mends_stale_and_orphan_documents(app, add, store):
    seed(add)
    kept = add(full_name="Giữ Lại")
    # Simulate a crash between commit and index: the index holds an old version and a
    # document of a profile that no longer exists.
    from expertnet.directory.models import Expert
    Expert.update(version=Expert.version + 5, full_name="Đã Đổi").where(Expert.id == kept.id).execute()
    store.apply([{"id": "999999", "id_num": 999999, "version": 1, "kind": "domestic",
                  "visibility": "public", "name": "Ma", "name_exact": "Ma", "name_sort": "ma"}])
    summary = indexing.reconcile()
    assert summary["indexed"] == 1 and summary["removed"] == 1
    assert snapshot(["da doi"])["da doi"][0] == [kept.id]
    assert snapshot(["ma"])["ma"][1] == 0


def test_the_searcher_is_reused_until_the_index_changes(app, add, store):
    add(full_name="Một")
    with store.searcher() as first:
        pass
    with store.searcher() as again:
        assert again is first
    add(full_name="Hai")
    with store.searcher() as refreshed:
        assert refreshed is not first


def test_a_held_writer_lock_times_out_instead_of_hanging(app, add, store):
    import time
    store.lock_timeout = 0.3
    writer = store._open().writer()
    try:
        started = time.monotonic()
        expert = add(full_name="Chờ Khóa")
        assert time.monotonic() - started < 5
        assert PendingIndex.get_or_none(PendingIndex.expert_id == expert.id) is not None
    finally:
        writer.cancel()
    indexing.flush_pending()
    assert snapshot(["cho khoa"])["cho khoa"][0] == [expert.id]
