"""Rate limits (Flask-Limiter) and a storage for them that every worker process of a
host shares.

Flask-Limiter's ``memory://`` storage lives in one process: with four gunicorn
workers an attacker would get four times the attempts. Redis (``EXPERTNET_REDIS_URL``)
is the choice for several hosts; without it the counters live in a small SQLite file
in the instance folder (``expertnet+sqlite:///path``), which every process on the host
opens, and whose ``BEGIN IMMEDIATE`` transactions make each increment atomic.
"""
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from flask import request
from flask_limiter import Limiter
from limits.storage import Storage


def client_address():
    """The socket's address. X-Forwarded-For counts only when PROXY_FIX is configured,
    and then werkzeug's ProxyFix has already put the proxy's answer here."""
    return request.remote_addr or "unknown"


limiter = Limiter(key_func=client_address)


class SqliteStorage(Storage):
    """Fixed-window counters in a SQLite file shared by the processes of one host."""

    STORAGE_SCHEME = ["expertnet+sqlite"]

    def __init__(self, uri, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = urlsplit(uri).path
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        # A connection of its own, closed at once: the storage is made when the app is,
        # before a server forks its workers, and a SQLite connection must not cross a fork.
        connection = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        try:
            with _Transaction(connection):
                connection.execute("CREATE TABLE IF NOT EXISTS rate_limit "
                                   "(key TEXT PRIMARY KEY, count INTEGER NOT NULL, "
                                   "expires_at REAL NOT NULL)")
        finally:
            connection.close()

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self):
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=15, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            self._local.connection = connection
        return _Transaction(connection)

    def incr(self, key, expiry, amount=1):
        now = time.time()
        with self._connection() as connection:
            connection.execute("DELETE FROM rate_limit WHERE key = ? AND expires_at <= ?", (key, now))
            connection.execute(
                "INSERT INTO rate_limit (key, count, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET count = count + excluded.count",
                (key, amount, now + expiry))
            return connection.execute("SELECT count FROM rate_limit WHERE key = ?", (key,)).fetchone()[0]

    def get(self, key):
        with self._connection() as connection:
            row = connection.execute("SELECT count FROM rate_limit WHERE key = ? AND expires_at > ?",
                                     (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key):
        with self._connection() as connection:
            row = connection.execute("SELECT expires_at FROM rate_limit WHERE key = ?",
                                     (key,)).fetchone()
        return row[0] if row else time.time()

    def check(self):
        try:
            with self._connection() as connection:
                connection.execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self):
        with self._connection() as connection:
            return connection.execute("DELETE FROM rate_limit").rowcount

    def clear(self, key):
        with self._connection() as connection:
            connection.execute("DELETE FROM rate_limit WHERE key = ?", (key,))


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``: one writer at a time across processes."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        self.connection.execute("BEGIN IMMEDIATE")
        return self.connection

    def __exit__(self, exc_type, exc, traceback):
        self.connection.execute("ROLLBACK" if exc_type else "COMMIT")
        return False


def storage_uri(app):
    if app.config.get("RATELIMIT_STORAGE_URI"):
        return app.config["RATELIMIT_STORAGE_URI"]
    if app.config.get("REDIS_URL"):
        return app.config["REDIS_URL"]
    return f"expertnet+sqlite://{Path(app.instance_path) / 'ratelimit.sqlite3'}"


def init_app(app):
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app)
    limiter.init_app(app)
