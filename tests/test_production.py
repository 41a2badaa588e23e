"""Production serving: nothing is open when a server forks its workers, every worker
sees another worker's writes on its next request, and /healthz tells a load balancer
whether this instance can serve."""
import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import make_app, profile

from expertnet.accounts import data_rights
from expertnet.core.db import database, utcnow
from expertnet.directory import indexing, writes
from expertnet.directory.models import PendingIndex

ROOT = Path(__file__).resolve().parent.parent


def open_files_under(folder):
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


def test_create_app_leaves_no_connection_or_file_open(tmp_path, database_url):
    first = make_app(tmp_path, database_url)
    with first.app_context():
        writes.save_profile(profile(full_name="Trước Khi Tách"))
    first.extensions["expertnet.search"].close()
    database.close()
    # A second start-up migrates, reconciles (reading the index) and loads the rate
    # limiter's SQLite file: exactly what a gunicorn master does before forking.
    app = make_app(tmp_path, database_url)
    assert database.is_closed()
    assert open_files_under(tmp_path) == []
    app.extensions["expertnet.search"].close()


def found_ids(client, text):
    body = client.get("/api/v1/experts", query_string={"q": text}).json
    return [item["id"] for item in body["results"]]


def test_a_write_through_one_app_is_found_through_another_on_its_next_request(app, app_factory, add):
    other = app_factory().test_client()
    assert found_ids(other, "Lê Văn Sớm") == []  # its searcher is open, on the old index
    early = add(full_name="Lê Văn Sớm")
    assert found_ids(other, "Lê Văn Sớm") == [early.id]
    writes.save_profile({"full_name": "Lê Văn Muộn"}, expert=early)
    assert found_ids(other, "Lê Văn Muộn") == [early.id]
    assert found_ids(other, "Lê Văn Sớm") == []
    data_rights.delete_profile(early)
    assert found_ids(other, "Lê Văn Muộn") == []


# -- /healthz -------------------------------------------------------------------------
def test_healthz_answers_200_with_counts_and_no_personal_data(client, add):
    add(full_name="Phạm Bí Mật", email="bi.mat@example.org")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ok"
    assert body["database"] == {"reachable": True, "profiles": 1,
                                "latest_change": indexing.last_change()}
    assert body["index"] == {"readable": True, "documents": 1, "pending": 0,
                             "oldest_pending_seconds": 0.0, "lag_seconds": 0.0, "in_step": True}
    text = response.get_data(as_text=True)
    assert "Bí Mật" not in text and "example.org" not in text
    assert "Set-Cookie" not in response.headers


def test_healthz_is_never_rate_limited(client):
    assert {client.get("/healthz").status_code for _ in range(60)} == {200}


def test_healthz_tolerates_a_fresh_lag_but_not_an_old_one(app, client, add, store, monkeypatch):
    expert = add(full_name="Đỗ Chờ Chỉ Mục")
    PendingIndex.create(expert_id=expert.id, version=expert.version)
    body = client.get("/healthz").json
    assert body["status"] == "ok" and body["index"]["in_step"] is False
    PendingIndex.update(queued_at=utcnow() - datetime.timedelta(minutes=5)).execute()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["index"]["pending"] == 1
    indexing.reconcile(store)
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_503_when_the_index_lost_a_document_silently(app, client, add, store):
    expert = add(full_name="Vũ Biến Mất")
    store.apply(remove_ids=[expert.id])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["index"]["documents"] == 0 and response.json["database"]["profiles"] == 1


def test_healthz_answers_503_when_the_index_is_unreadable(app, client, store):
    store.close()
    (store.root / "live").unlink()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"]["reachable"] is True
    assert response.json["index"] == {"readable": False}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'missing' / 'folder' / 'x.sqlite3'}",
                   SKIP_STARTUP=True)
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.json == {"status": "unavailable", "database": {"reachable": False},
                                 "index": {"readable": False}}
    finally:
        app.extensions["expertnet.search"].close()
        if not database.is_closed():
            database.close()


# -- a real gunicorn with two workers -----------------------------------------------------
def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            import json
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None


def test_gunicorn_workers_share_the_index_and_see_each_others_writes(tmp_path, database_url):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[prod]')")
    app = make_app(tmp_path, database_url)
    with app.app_context():
        first = writes.save_profile(profile(full_name="Hoàng Trước")).expert
    app.extensions["expertnet.search"].close()
    database.close()
    port = free_port()
    environment = {**os.environ, "EXPERTNET_INSTANCE_PATH": str(tmp_path / "instance"),
                   "EXPERTNET_DATABASE_URL": database_url, "EXPERTNET_INDEX_DIR": str(tmp_path / "index"),
                   "EXPERTNET_SECRET_KEY": "test", "EXPERTNET_BIND": f"127.0.0.1:{port}",
                   "EXPERTNET_WORKERS": "2", "EXPERTNET_ACCESS_LOG": "/dev/null"}
    server = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py", "expertnet:create_app()"],
                              cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, health = get_json(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 200 and health["index"]["documents"] == 1
        search = f"{base}/api/v1/experts?q=hoang"
        assert {get_json(search)[1]["total"] for _ in range(12)} == {1}
        with app.app_context():
            second = writes.save_profile(profile(full_name="Hoàng Sau")).expert
            writes.save_profile({"full_name": "Hoàng Đổi Tên"}, expert=first)
        database.close()
        # Every request, whichever worker answers it, sees both writes at once.
        for _ in range(12):
            status, body = get_json(search)
            assert status == 200
            assert {item["full_name"] for item in body["results"]} == {"Hoàng Sau", "Hoàng Đổi Tên"}
            assert {item["id"] for item in body["results"]} == {first.id, second.id}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        server.stderr.close()
        app.extensions["expertnet.search"].close()


def test_an_index_writer_waiting_for_the_lock_writes_the_newest_version(app, add, store):
    """Two workers save the same profile: the one that takes the index lock last must
    not put back the older document it would have read before waiting."""
    import threading

    from expertnet.directory.models import Expert

    expert = add(full_name="Tạ Phiên Bản")
    held = store._writer()  # another worker's long index write
    saver = threading.Thread(target=lambda: _save_in(app, expert, "Tạ Phiên Hai"))
    saver.start()
    deadline = time.monotonic() + 5
    while Expert.get_by_id(expert.id).version != 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # the saver has committed version 2 and now waits for the lock
    # A third save commits version 3; its own index update has not run yet.
    Expert.update(full_name="Tạ Phiên Ba", version=3).where(Expert.id == expert.id).execute()
    held.cancel()
    saver.join(timeout=10)
    assert store.stored_versions()[expert.id] == 3


def _save_in(app, expert, name):
    with app.app_context():
        writes.save_profile({"full_name": name}, expert=expert)
        database.close()


def test_saving_profiles_without_an_import_key_through_the_form_never_collides(app, client, add,
                                                                             make_user, login):
    from conftest import csrf_token

    from expertnet.directory.models import Expert

    experts = [add(full_name=f"Không Mã {number}") for number in range(2)]
    login(make_user("curator"))
    for expert in experts:
        path = f"/experts/{expert.id}/edit"
        data = {"csrf_token": csrf_token(client, path), "kind": "domestic", "external_id": "",
                "full_name": expert.full_name, "visibility": "public", "version": str(expert.version),
                "email_visibility": "officials", "phone_visibility": "officials",
                "keywords": "đã sửa"}
        assert client.post(path, data=data).status_code == 302
        assert Expert.get_by_id(expert.id).external_id is None


HOLD_THE_WRITER_LOCK = """
import sys
from expertnet.search.index import IndexStore
store = IndexStore(sys.argv[1])
writer = store._writer()
print("held", flush=True)
sys.stdin.readline()  # held until the test says so (or its end closes the pipe)
writer.cancel()
"""


def test_a_writer_waits_for_another_process_lock_while_readers_go_on(app, client, add, store):
    """Another worker holds Whoosh's writer lock: searches are not blocked, and a save
    retries until the lock is free (within INDEX_LOCK_TIMEOUT) instead of failing. The
    other process holds the lock until the test releases it, so no clock decides whether
    the search ran while the lock was held (a time bound failed on a loaded machine)."""
    add(full_name="Người Đọc")
    store.lock_timeout = 10
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_WRITER_LOCK, str(store.root)],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def release():
        holder.stdin.write("release\n")
        holder.stdin.flush()

    try:
        assert holder.stdout.readline().strip() == "held"
        assert found_ids(client, "Người Đọc") != []  # read while the lock is held
        assert holder.poll() is None
        started = time.monotonic()
        timer = threading.Timer(0.5, release)
        timer.start()
        expert = add(full_name="Người Viết Chờ")
        timer.join()
        assert time.monotonic() - started >= 0.5  # it waited for the lock instead of failing
        assert PendingIndex.get_or_none(PendingIndex.expert_id == expert.id) is None
        assert found_ids(client, "Người Viết Chờ") == [expert.id]
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()


def test_the_search_page_with_a_kind_filter_offers_the_export_of_that_search(app, client, add,
                                                                            make_user, login):
    """Found by bench.load: the export links took the file format as ``kind``, which
    collided with the filter of that name (500 for curators and officials)."""
    add(full_name="Lọc Theo Loại", kind="diaspora")
    login(make_user("curator"))
    page = client.get("/search?q=&kind=diaspora")
    assert page.status_code == 200
    # The export form carries the search's filter (the file format is the button's path).
    text = page.get_data(as_text=True)
    form = text[text.index('class="export-form"'):]
    form = form[:form.index("</form>")]
    assert '<input type="hidden" name="kind" value="diaspora">' in form
    assert "/search/export.csv" in form
