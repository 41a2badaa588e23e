"""Brute force: failed logins per address and per account end in 429; the counters
are shared by processes and keyed on the socket address, not on forgeable headers."""
import subprocess
import sys

from conftest import PASSWORD, csrf_token, make_app

from expertnet.core.ratelimit import SqliteStorage


def _attempt(client, email, address="203.0.113.7", password="wrong password!", headers=None):
    token = csrf_token(client, "/auth/login")
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address}, headers=headers or {})


def test_twenty_failures_from_one_address_get_429(client):
    statuses = [_attempt(client, f"user{number}@example.org").status_code for number in range(20)]
    assert statuses == [200] * 20
    assert _attempt(client, "another@example.org").status_code == 429
    # Another address is not blocked.
    assert _attempt(client, "another@example.org", address="198.51.100.1").status_code == 200


def test_a_forged_x_forwarded_for_does_not_change_the_bucket(client):
    for number in range(20):
        _attempt(client, f"user{number}@example.org",
                 headers={"X-Forwarded-For": f"10.0.{number}.1"})
    response = _attempt(client, "x@example.org", headers={"X-Forwarded-For": "10.9.9.9"})
    assert response.status_code == 429


def test_many_addresses_against_one_account_are_limited(client, make_user):
    user = make_user("curator")
    statuses = [_attempt(client, user.email.upper() if number % 2 else user.email,
                         address=f"192.0.2.{number}").status_code for number in range(10)]
    assert statuses == [200] * 10
    assert _attempt(client, user.email, address="192.0.2.200").status_code == 429
    # Even the right password waits: the account's window is closed for a while.
    assert _attempt(client, user.email, address="192.0.2.201", password=PASSWORD).status_code == 429


def test_successful_logins_do_not_count(app, make_user):
    user = make_user("official")
    for _ in range(25):
        assert _attempt(app.test_client(), user.email, password=PASSWORD).status_code == 302


def test_behind_a_configured_proxy_the_forwarded_address_counts(tmp_path, database_url):
    app = make_app(tmp_path, database_url, PROXY_FIX=1)
    try:
        with app.app_context():
            client = app.test_client()
            for number in range(20):
                _attempt(client, f"u{number}@example.org", headers={"X-Forwarded-For": "10.1.1.1"})
            assert _attempt(client, "u@example.org",
                            headers={"X-Forwarded-For": "10.1.1.1"}).status_code == 429
            assert _attempt(client, "u@example.org",
                            headers={"X-Forwarded-For": "10.2.2.2"}).status_code == 200
    finally:
        app.extensions["expertnet.search"].close()


def test_the_default_store_is_a_file_shared_by_processes(tmp_path):
    path = tmp_path / "limits.sqlite3"
    here = SqliteStorage(f"expertnet+sqlite://{path}")
    assert here.incr("login/1.2.3.4", 900) == 1
    script = ("import sys; from expertnet.core.ratelimit import SqliteStorage; "
              "s = SqliteStorage(sys.argv[1]); print(s.incr('login/1.2.3.4', 900))")
    other_process = subprocess.run([sys.executable, "-c", script, f"expertnet+sqlite://{path}"],
                                   capture_output=True, text=True, check=True)
    assert other_process.stdout.strip() == "2"
    assert here.get("login/1.2.3.4") == 2
    here.clear("login/1.2.3.4")
    assert here.get("login/1.2.3.4") == 0


def test_counters_expire_with_their_window(tmp_path):
    storage = SqliteStorage(f"expertnet+sqlite://{tmp_path / 'limits.sqlite3'}")
    storage.incr("key", 0)
    assert storage.get("key") == 0
    assert storage.incr("key", 60) == 1


def test_each_test_starts_with_fresh_counters(client):
    # The store lives in the test's own instance folder: no test inherits another's hits.
    assert _attempt(client, "fresh@example.org").status_code == 200
