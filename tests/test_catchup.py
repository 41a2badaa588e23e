"""Several hosts on one database, each with its own index: a host catches up from the
change log, in order, idempotently, without skipping a change that commits after a
later one."""
import time

import pytest
from conftest import PG_URL

from expertnet.accounts import data_rights
from expertnet.core.db import utcnow
from expertnet.curation import merging
from expertnet.directory import catchup, indexing, writes
from expertnet.directory.models import ChangeLog


# -- the bookkeeping alone -------------------------------------------------------------
def test_the_position_follows_contiguous_changes():
    gaps = {}
    assert catchup.advance(0, 0, gaps, [1, 2, 3], now=10.0, grace=30) == (3, 3)
    assert gaps == {}


def test_a_missing_number_holds_the_position_until_it_appears():
    gaps = {}
    assert catchup.advance(3, 3, gaps, [4, 6, 7], now=10.0, grace=30) == (4, 7)
    assert gaps == {5: 10.0}
    assert catchup.advance(4, 7, gaps, [8], now=20.0, grace=30) == (4, 8)
    assert catchup.advance(4, 8, gaps, [5], now=21.0, grace=30) == (8, 8)  # committed late
    assert gaps == {}


def test_a_missing_number_is_given_up_after_the_grace_period():
    gaps = {}
    assert catchup.advance(0, 0, gaps, [1, 3], now=0.0, grace=30) == (1, 3)
    assert catchup.advance(1, 3, gaps, [], now=29.0, grace=30) == (1, 3)
    assert catchup.advance(1, 3, gaps, [], now=30.0, grace=30) == (3, 3)  # rolled back


# -- two hosts ---------------------------------------------------------------------------
@pytest.fixture
def second_host(app, app_factory, tmp_path):
    """Another host: the same database, its own index folder, catching up."""
    def make(**config):
        settings = {"INDEX_DIR": str(tmp_path / "index-second-host"), "INDEX_CATCHUP": True,
                    "INDEX_CATCHUP_BACKGROUND": False, "INDEX_CATCHUP_INTERVAL": 0.5}
        settings.update(config)
        return app_factory(**settings)
    return make


def names_found(client, text):
    body = client.get("/api/v1/experts", query_string={"q": text, "per_page": 100}).json
    return sorted(item["full_name"] for item in body["results"])


def wait_for(client, text, expected, within=2.0):
    started = time.monotonic()
    while True:
        found = names_found(client, text)
        if found == expected or time.monotonic() - started > within:
            return found, time.monotonic() - started
        time.sleep(0.05)


def test_a_write_through_one_host_is_found_through_the_other_within_two_seconds(app, client, add,
                                                                                second_host):
    other = second_host().test_client()
    assert names_found(other, "Đinh") == []
    expert = add(full_name="Đinh Văn Xa")
    assert names_found(client, "Đinh") == ["Đinh Văn Xa"]  # this host: at once
    found, waited = wait_for(other, "Đinh", ["Đinh Văn Xa"])
    assert found == ["Đinh Văn Xa"] and waited < 2.0
    writes.save_profile({"full_name": "Đinh Văn Gần"}, expert=expert)
    assert wait_for(other, "Đinh", ["Đinh Văn Gần"])[0] == ["Đinh Văn Gần"]
    data_rights.delete_profile(expert)
    assert wait_for(other, "Đinh", [])[0] == []


def test_catching_up_twice_changes_nothing_and_a_rebuild_records_its_position(app, add, second_host):
    host = second_host(INDEX_CATCHUP_INTERVAL=0)
    follower = host.extensions[catchup.EXTENSION]
    store = host.extensions["expertnet.search"]
    experts = [add(full_name=f"Lặp Lại {n}") for n in range(3)]
    with host.app_context():
        assert follower.run() == 3
        assert follower.run() == 0
        assert store.read_position() == indexing.last_change()
        assert store.stored_versions() == {expert.id: 1 for expert in experts}
        indexing.rebuild(store)
        # The grace period keeps the newest changes to be checked again: nothing to do.
        assert store.read_position() <= indexing.last_change()
        assert follower.run() == 0


def test_healthz_of_a_host_reports_its_place_in_the_change_log(app, add, second_host):
    other = second_host(INDEX_CATCHUP_INTERVAL=0).test_client()
    add(full_name="Sức Khỏe")
    body = other.get("/healthz").json
    assert body["status"] == "ok" and body["index"]["in_step"] is True
    assert body["index"]["changes"]["behind"] == 0
    assert body["index"]["changes"]["position"] == indexing.last_change()


def test_a_missing_sequence_number_is_waited_for_then_given_up(app, add, second_host):
    host = second_host(INDEX_CATCHUP_INTERVAL=0, INDEX_CATCHUP_GRACE=0.3)
    follower = host.extensions[catchup.EXTENSION]
    store = host.extensions["expertnet.search"]
    first = add(full_name="Khoảng Trống Một")
    with host.app_context():
        follower.run()
        before = store.read_position()
    # A number handed out to a transaction that never commits (a rollback).
    second = add(full_name="Khoảng Trống Hai")
    ChangeLog.update(seq=ChangeLog.seq + 1).where(ChangeLog.expert_id == second.id).execute()
    with host.app_context():
        follower.run()
        assert store.read_position() == before  # waiting for the missing number
        assert set(store.stored_versions()) == {first.id, second.id}  # later ones applied
        time.sleep(0.35)
        follower.run()
        assert store.read_position() == indexing.last_change()


def test_a_database_that_went_back_is_reconciled(app, add, second_host):
    host = second_host(INDEX_CATCHUP_INTERVAL=0)
    follower = host.extensions[catchup.EXTENSION]
    store = host.extensions["expertnet.search"]
    kept = add(full_name="Còn Lại")
    with host.app_context():
        follower.run()
    gone = add(full_name="Bị Mất")
    with host.app_context():
        follower.run()
        assert set(store.stored_versions()) == {kept.id, gone.id}
    # What a restore of an older backup looks like: the log is shorter, the profile gone.
    ChangeLog.delete().where(ChangeLog.expert_id == gone.id).execute()
    from expertnet.directory.models import Expert, ExpertField
    ExpertField.delete().where(ExpertField.expert == gone.id).execute()
    Expert.delete().where(Expert.id == gone.id).execute()
    with host.app_context():
        follower.run()
        assert set(store.stored_versions()) == {kept.id}
        assert store.read_position() <= indexing.last_change()


@pytest.mark.skipif(not PG_URL, reason="SQLite serialises writers (BEGIN IMMEDIATE): sequence "
                                       "numbers commit in order there, so no late commit exists")
def test_a_change_committed_after_a_later_one_is_not_skipped(app, add, second_host, database_url):
    import psycopg2

    host = second_host(INDEX_CATCHUP_INTERVAL=0)
    follower = host.extensions[catchup.EXTENSION]
    store = host.extensions["expertnet.search"]
    slow = add(full_name="Chậm Trễ")
    with host.app_context():
        follower.run()
    late = psycopg2.connect(database_url)
    try:
        with late.cursor() as cursor:  # a transaction takes its number, and takes its time
            cursor.execute("UPDATE expert SET full_name = %s, version = version + 1 WHERE id = %s",
                           ("Chậm Trễ Mới", slow.id))
            cursor.execute("INSERT INTO change_log (expert_id, version, changed_at) "
                           "VALUES (%s, 2, %s) RETURNING seq", (slow.id, utcnow()))
            late_seq = cursor.fetchone()[0]
        fast = add(full_name="Nhanh Hơn")  # a later number, committed first
        with host.app_context():
            follower.run()
            assert store.versions_of([slow.id, fast.id]) == {slow.id: 1, fast.id: 1}
            assert store.read_position() == late_seq - 1
        late.commit()
    finally:
        late.close()
    with host.app_context():
        follower.run()
        assert store.versions_of([slow.id, fast.id]) == {slow.id: 2, fast.id: 1}
        assert store.read_position() == indexing.last_change()
    assert names_found(host.test_client(), "Chậm Trễ") == ["Chậm Trễ Mới"]


def test_a_merge_reaches_the_other_host(app, add, second_host):
    host = second_host(INDEX_CATCHUP_INTERVAL=0)
    follower = host.extensions[catchup.EXTENSION]
    store = host.extensions["expertnet.search"]
    keep, drop = add(full_name="Gộp Giữ Lại"), add(full_name="Gộp Bỏ Đi")
    with host.app_context():
        follower.run()
        assert set(store.stored_versions()) == {keep.id, drop.id}
    values = {**writes.stored_values(keep), "other_names": ["Gộp Bỏ Đi"]}
    merging.merge_profiles(keep, drop, values, keep.version, drop.version)
    with host.app_context():
        follower.run()
        assert store.stored_versions() == indexing.database_versions() == {keep.id: 2}
