"""Fixtures: an app on a temporary instance (a SQLite file and an index folder in a
temporary directory), or, when EXPERTNET_TEST_DATABASE_URL is set, on a fresh
PostgreSQL schema of that database for each test."""
import os
import uuid
from urllib.parse import quote

import pytest

from expertnet import create_app, services
from expertnet.access import ANONYMOUS, CURATOR, Viewer
from expertnet.db import database

PG_URL = os.environ.get("EXPERTNET_TEST_DATABASE_URL", "")


def _pg_execute(sql):
    import psycopg2

    connection = psycopg2.connect(PG_URL)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


@pytest.fixture
def database_url(tmp_path):
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    schema = f"test_{uuid.uuid4().hex[:16]}"
    _pg_execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options={quote(f'-c search_path={schema}')}"
    finally:
        if not database.is_closed():
            database.close()
        _pg_execute(f"DROP SCHEMA {schema} CASCADE")


def make_app(tmp_path, database_url, **config):
    settings = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        "INDEX_DIR": str(tmp_path / "index"),
        "SECRET_KEY": "test",
        "INDEX_LOCK_TIMEOUT": 2.0,
    }
    settings.update(config)
    return create_app(settings)


@pytest.fixture
def app(tmp_path, database_url):
    app = make_app(tmp_path, database_url)
    with app.app_context():
        yield app
    app.extensions["expertnet.search"].close()
    if not database.is_closed():
        database.close()


@pytest.fixture
def app_factory(tmp_path, database_url):
    """Another app on the same instance, database and index (like a second process)."""
    made = []

    def factory(**config):
        made.append(make_app(tmp_path, database_url, **config))
        return made[-1]

    yield factory
    for other in made:
        other.extensions["expertnet.search"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def store(app):
    return app.extensions["expertnet.search"]


def profile(**values):
    """Raw values for a valid profile; keyword arguments override."""
    base = {"kind": "domestic", "full_name": "Nguyễn Văn An", "visibility": "public"}
    base.update(values)
    return base


@pytest.fixture
def add(app):
    """Create a profile through the service layer; returns the Expert."""
    def add(**values):
        return services.save_profile(profile(**values)).expert
    return add


__all__ = ["ANONYMOUS", "CURATOR", "Viewer", "make_app", "profile"]
