"""The database: chosen from a URL when the app starts, one connection per request
(or CLI command), and a small migration runner.

SQLite (the embedded default) runs in WAL mode with a busy timeout and foreign keys
on, and every transaction starts with ``BEGIN IMMEDIATE`` so that two writers queue
on the busy timeout instead of failing with "database is locked" when a read lock
would have to be upgraded. PostgreSQL is used when the URL says so.
"""
import datetime
import logging

from flask import g
from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse import db_url

from expertnet.core.observability import SlowQueryLog

log = logging.getLogger(__name__)

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 15000,
    "foreign_keys": 1,
    "synchronous": "normal",
}


class TimedSqliteDatabase(SlowQueryLog, SqliteDatabase):
    """SQLite, with slow statements logged (observability.py)."""


class TimedPostgresqlDatabase(SlowQueryLog, PostgresqlDatabase):
    """PostgreSQL, with slow statements logged (observability.py)."""


def connect_url(url):
    """A peewee database for ``url`` (``sqlite:///path`` or ``postgresql://…``)."""
    if url.startswith("sqlite:"):
        path = url.split(":///", 1)[1] if ":///" in url else ":memory:"
        return TimedSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE",
                              check_same_thread=False)
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql://" + url.split("://", 1)[1]
        settings = db_url.parseresult_to_dict(db_url.urlparse(url), True, True)
        if not settings.get("database"):
            raise ValueError("the PostgreSQL URL names no database")
        return TimedPostgresqlDatabase(**settings)
    raise ValueError(f"unsupported database URL: {url.split(':', 1)[0]}")


def is_sqlite(db=None):
    return isinstance((db or database).obj, SqliteDatabase)


def is_postgres(db=None):
    return isinstance((db or database).obj, PostgresqlDatabase)


def connection_optional(view):
    """Mark ``view`` as opening the database itself (the health check must answer even
    when the database cannot be reached)."""
    view.connection_optional = True
    return view


def init_app(app):
    database.initialize(connect_url(app.config["DATABASE_URL"]))

    @app.before_request
    def _connect():
        from flask import request
        view = app.view_functions.get(request.endpoint)
        if not getattr(view, "connection_optional", False):
            database.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        # A context pushed inside another one (a task run at once) may be using the
        # outer context's connection: closing it would end the caller's connection,
        # and fail inside its transaction.
        if not database.is_closed() and not g.get("expertnet_borrowed_connection"):
            database.close()


def utcnow():
    """Naive UTC (stored without a zone on both databases)."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def utc_text(value):
    """A stored (naive UTC) time as ISO 8601 text with its ``Z``; ``None`` stays ``None``."""
    return value.isoformat() + "Z" if value else None
