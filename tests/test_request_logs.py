"""Operational logs: one JSON line per request without personal data, request ids,
slow SQL statements without their parameters, slow searches without their text, and
the index lag on /healthz."""
import datetime
import json
import logging

import pytest
from conftest import client_as

from expertnet.core import observability
from expertnet.core.db import utcnow
from expertnet.directory import indexing
from expertnet.directory.models import PendingIndex

NAME = "Nguyễn Thị Bảo Ngọc"
EMAIL = "bao.ngoc@example.org"


class Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(record.getMessage()))

    def of(self, event):
        return [line for line in self.lines if line["event"] == event]

    def text(self):
        return "\n".join(json.dumps(line, ensure_ascii=False) for line in self.lines)


@pytest.fixture
def logs():
    logger = logging.getLogger(observability.PARENT)
    handler = Lines()
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_one_json_line_per_request_with_route_status_duration_and_id(client, logs):
    response = client.get("/search?kind=domestic&page=1")
    assert response.status_code == 200
    lines = logs.of("request")
    assert len(lines) == 1
    line = lines[0]
    assert line["endpoint"] == "main.search_page" and line["method"] == "GET"
    assert line["status"] == 200 and line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["request_id"] == response.headers["X-Request-ID"]
    # The route, never the URL with its query string.
    assert "domestic" not in logs.text() and "/search" not in logs.text()


def test_errors_and_unknown_routes_are_logged_too(client, logs):
    client.get("/nowhere")
    client.get("/api/v1/experts?kind=alien")
    statuses = [(line["endpoint"], line["status"]) for line in logs.of("request")]
    assert statuses == [(None, 404), ("api.experts", 400)]


def test_no_personal_data_in_the_log_lines(app, add, make_user, logs):
    expert = add(full_name=NAME, email=EMAIL, phone="+84 912 345 678", visibility="public")
    user = make_user("curator", email="curator.logs@example.org")
    curator = client_as(app, user)
    anonymous = app.test_client()
    for client in (curator, anonymous):
        assert client.get("/search", query_string={"q": NAME}).status_code == 200
        assert client.get("/api/v1/experts", query_string={"q": EMAIL}).status_code == 200
        assert client.get(f"/experts/{expert.id}").status_code == 200
        assert client.get("/api/v1/suggest", query_string={"q": "Bảo Ng"}).status_code == 200
    # The values the logger makes itself (random hex ids, clock times, durations) hold a
    # short digit string such as the phone's "912" now and then: they are left out of
    # the text searched, which is everything the request could have put in a line.
    made_by_the_logger = {"request_id", "ts", "duration_ms"}
    text = "\n".join(json.dumps({key: value for key, value in line.items() if key not in made_by_the_logger},
                                ensure_ascii=False) for line in logs.lines)
    for secret in (NAME, "Bảo", "Ngọc", "Bao Ngoc", "bao", EMAIL, "912", "345 678", "curator.logs",
                   "password"):
        assert secret.lower() not in text.lower(), secret
    user_ids = {line["user_id"] for line in logs.of("request")}
    assert user_ids == {None, user.id}


def test_a_valid_request_id_is_echoed_and_a_bad_one_replaced(client, logs):
    given = "abc12345-edge-7f"
    response = client.get("/", headers={"X-Request-ID": given})
    assert response.headers["X-Request-ID"] == given
    assert logs.of("request")[-1]["request_id"] == given
    for bad in ("short", "with space here", "x" * 200, 'quote"injection-1', "new\\nline-12345"):
        response = client.get("/", headers={"X-Request-ID": bad})
        assert response.headers["X-Request-ID"] != bad
        assert len(response.headers["X-Request-ID"]) == 32
    ids = {line["request_id"] for line in logs.of("request")}
    assert len(ids) == 6


def test_a_bearer_request_logs_the_tokens_account_id(app, make_user, logs):
    from expertnet.accounts import users as accounts
    user = make_user("official")
    _row, token = accounts.create_token(user)
    response = app.test_client().get("/api/v1/experts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert logs.of("request")[-1]["user_id"] == user.id
    assert token not in logs.text()


def test_the_request_log_can_be_switched_off(app, client, logs):
    app.config["REQUEST_LOG"] = False
    response = client.get("/")
    assert logs.of("request") == [] and response.headers["X-Request-ID"]


def test_slow_statements_are_logged_without_their_values(app, add, logs):
    from expertnet.core.db import database
    database.obj.slow_query_ms = 0.0  # everything is "slow"
    try:
        add(full_name=NAME, email=EMAIL)
        indexing.count_profiles()
    finally:
        database.obj.slow_query_ms = None
    slow = logs.of("slow_query")
    assert slow and all(line["duration_ms"] >= 0 for line in slow)
    assert any(line["statement"].upper().startswith("INSERT") for line in slow)
    text = logs.text()
    assert NAME not in text and EMAIL not in text and "Ngọc" not in text


def test_the_threshold_comes_from_the_configuration(tmp_path, database_url):
    from conftest import make_app

    from expertnet.core.db import database
    make_app(tmp_path, database_url, SLOW_QUERY_MS=123)
    assert database.obj.slow_query_ms == 123.0
    make_app(tmp_path, database_url, SLOW_QUERY_MS=None)
    assert database.obj.slow_query_ms is None
    if not database.is_closed():
        database.close()


def test_slow_searches_give_hits_and_filter_names_not_the_text(app, client, add, logs):
    add(full_name=NAME, kind="diaspora", country="JP", visibility="public")
    add(full_name="Trần Văn Bảo", kind="diaspora", visibility="public")
    app.config["SLOW_SEARCH_MS"] = 0
    assert client.get("/api/v1/experts", query_string={"q": "Bảo", "kind": "diaspora",
                                                        "country": "JP"}).status_code == 200
    slow = logs.of("slow_search")
    assert len(slow) == 1
    line = slow[0]
    assert line["hits"] == 1 and line["filters"] == ["country", "kind"] and line["words"] == 1
    assert line["request_id"] == logs.of("request")[-1]["request_id"]
    assert "Bảo" not in logs.text() and "JP" not in logs.text() and "diaspora" not in logs.text()
    app.config["SLOW_SEARCH_MS"] = 60_000
    client.get("/api/v1/experts?q=x")
    assert len(logs.of("slow_search")) == 1


def test_healthz_shows_the_index_lag(app, client, add):
    expert = add(full_name="Đỗ Chờ Chỉ Mục")
    body = client.get("/healthz").json
    assert body["index"]["pending"] == 0 and body["index"]["oldest_pending_seconds"] == 0.0
    assert body["database"]["latest_change"] == indexing.last_change() > 0
    PendingIndex.create(expert_id=expert.id, version=expert.version,
                        queued_at=utcnow() - datetime.timedelta(seconds=30))
    body = client.get("/healthz").json
    assert body["index"]["pending"] == 1
    assert 29 <= body["index"]["oldest_pending_seconds"] <= 120
    assert body["status"] == "ok"  # behind, but not for longer than HEALTH_MAX_LAG_SECONDS
