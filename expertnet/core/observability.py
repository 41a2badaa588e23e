"""Operational logs: one JSON line per request, slow SQL statements and slow searches.

None of these lines holds personal data. A request line names the route's endpoint
(``main.search_page``), never the URL with its query string (a search for a person's
name is personal data); the signed-in account appears by its numeric id only. A slow
statement is logged as peewee built it, with placeholders and without the parameter
values; a slow search gives its duration, its number of hits and the *names* of the
filters used, never the text typed.

Loggers (children of ``expertnet.log``, which writes bare JSON lines to stderr and does
not propagate, so that gunicorn's or Flask's formats do not wrap them):

- ``expertnet.log.requests``: ``{"event": "request", "request_id", "method", "endpoint",
  "status", "duration_ms", "user_id"}``
- ``expertnet.log.slow_query``: ``{"event": "slow_query", "duration_ms", "statement"}``
- ``expertnet.log.slow_search``: ``{"event": "slow_search", "duration_ms", "hits",
  "filters", "sort", "page", "words", "request_id"}``
"""
import datetime
import json
import logging
import re
import sys
import time
import uuid

from flask import g, has_request_context, request

PARENT = "expertnet.log"
requests_log = logging.getLogger(f"{PARENT}.requests")
slow_query_log = logging.getLogger(f"{PARENT}.slow_query")
slow_search_log = logging.getLogger(f"{PARENT}.slow_search")

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is echoed only when it is short and plain (no spaces, no quotes, no
# control characters that could forge log lines or headers); otherwise a new one.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
STATEMENT_MAX_CHARS = 2000


def _setup_handler():
    parent = logging.getLogger(PARENT)
    if parent.handlers:
        return  # configured already (or by the operator's logging configuration)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    parent.addHandler(handler)
    parent.setLevel(logging.INFO)
    parent.propagate = False


def emit(logger, event, **fields):
    if not logger.isEnabledFor(logging.INFO):
        return
    line = {"ts": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "event": event, **fields}
    logger.info(json.dumps(line, ensure_ascii=False, default=str))


def current_request_id():
    return g.get("request_id") if has_request_context() else None


def _incoming_request_id():
    value = request.headers.get(REQUEST_ID_HEADER, "")
    return value if _VALID_REQUEST_ID.match(value) else uuid.uuid4().hex


def _user_id():
    # Only an account already loaded for this request (views that use it, the bearer
    # token): logging must not add a database query to a static file.
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "id", None)


def _milliseconds(start):
    return round((time.perf_counter() - start) * 1000, 1)


def log_slow_search(started, hits, criteria):
    """Called by the search with ``time.perf_counter()`` taken before it ran."""
    from flask import current_app
    threshold = current_app.config.get("SLOW_SEARCH_MS")
    if threshold is None or threshold == "":
        return
    duration = _milliseconds(started)
    if duration < float(threshold):
        return
    emit(slow_search_log, "slow_search", request_id=current_request_id(), duration_ms=duration,
         hits=hits, filters=sorted(criteria.filters or {}), sort=criteria.sort,
         page=criteria.page, per_page=criteria.per_page,
         words=len((criteria.q or "").split()))


class SlowQueryLog:
    """Mixed into the peewee database classes (db.py): statements slower than
    ``slow_query_ms`` (None: off) are logged with their duration, without parameters."""
    slow_query_ms = None

    def execute_sql(self, sql, params=None):
        threshold = self.slow_query_ms
        if threshold is None:
            return super().execute_sql(sql, params)
        started = time.perf_counter()
        try:
            return super().execute_sql(sql, params)
        finally:
            duration = _milliseconds(started)
            if duration >= threshold:
                emit(slow_query_log, "slow_query", request_id=current_request_id(),
                     duration_ms=duration, statement=sql[:STATEMENT_MAX_CHARS])


def init_app(app, database):
    """``database``: the app's database proxy (passed in: the database module builds its
    classes on :class:`SlowQueryLog`, so this module cannot import it)."""
    _setup_handler()
    threshold = app.config.get("SLOW_QUERY_MS")
    database.obj.slow_query_ms = None if threshold in (None, "") else float(threshold)

    @app.before_request
    def _start():
        g.request_started = time.perf_counter()
        g.request_id = _incoming_request_id()

    @app.after_request
    def _finish(response):
        request_id = g.get("request_id") or _incoming_request_id()
        response.headers[REQUEST_ID_HEADER] = request_id
        if app.config.get("REQUEST_LOG", True):
            started = g.get("request_started")
            emit(requests_log, "request", request_id=request_id, method=request.method,
                 endpoint=request.endpoint or None, status=response.status_code,
                 duration_ms=_milliseconds(started) if started is not None else None,
                 user_id=_user_id())
        return response
