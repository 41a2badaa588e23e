"""A database migrated by the code before the migrations became one file per step
(main at 0a75377) upgrades cleanly: every step it recorded is recognised by its name, no
step runs twice, the steps added since run, and its data reads as before. The fixtures
in tests/fixtures/migrated/ were made with that code (``make.py`` there, run with that
checkout on ``PYTHONPATH``): a SQLite file and a PostgreSQL dump (``pg_dump --inserts``)."""
import gzip
import os
import uuid
from pathlib import Path

import pg_pool
import pytest
from conftest import PG_URL, _pg_execute, make_app

from expertnet.accounts.models import Consent, User
from expertnet.core import migrations
from expertnet.core.db import database
from expertnet.directory.models import Expert

FIXTURES = Path(__file__).parent / "fixtures" / "migrated"


def _recorded():
    return {row.name for row in migrations.SchemaMigration.select()}


def _check_upgraded(app, recorded_before):
    known = {name for name, _ in migrations.MIGRATIONS}
    assert recorded_before <= known, f"steps recorded but not recognised: {recorded_before - known}"
    with app.app_context(), database.connection_context():
        assert _recorded() == known
        assert migrations.upgrade(database) == []
        chau = Expert.get(Expert.full_name == "Phạm Minh Châu")
        assert chau.field_codes == ["logistics"] and chau.country == "KR"
        assert User.get(User.email == "chau.pham@example.kr").expert_id == chau.id
        assert [row.purpose for row in Consent.select().where(Consent.expert == chau.id)] == ["publish"]
    client = app.test_client()
    assert client.get(f"/experts/{chau.id}").status_code == 200
    found = client.get("/api/v1/experts", query_string={"q": "Chau"}).json["results"]
    assert [item["id"] for item in found] == [chau.id]


@pytest.mark.skipif(bool(PG_URL), reason="the SQLite copy; the PostgreSQL dump is tested below")
def test_a_sqlite_database_migrated_before_the_move_upgrades(tmp_path):
    path = tmp_path / "before-move.sqlite3"
    path.write_bytes(gzip.decompress((FIXTURES / "before-move.sqlite3.gz").read_bytes()))
    import sqlite3
    with sqlite3.connect(path) as connection:
        recorded = {name for (name,) in connection.execute("SELECT name FROM schema_migration")}
    assert "0063_department_contact" in recorded
    app = make_app(tmp_path, f"sqlite:///{path}")
    try:
        _check_upgraded(app, recorded)
    finally:
        app.extensions["expertnet.search"].close()


@pytest.mark.skipif(not PG_URL, reason="needs EXPERTNET_TEST_DATABASE_URL (PostgreSQL)")
def test_a_postgresql_database_migrated_before_the_move_upgrades(tmp_path):
    import psycopg2

    name = f"expertnet_before_move_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    _pg_execute(f"CREATE DATABASE {name}")
    url = pg_pool.database_url(PG_URL, name)
    try:
        dump = gzip.decompress((FIXTURES / "before-move.postgresql.sql.gz").read_bytes()).decode()
        # psql's meta-commands (\restrict) are not SQL.
        sql = "\n".join(line for line in dump.splitlines() if not line.startswith("\\"))
        connection = psycopg2.connect(url)
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(sql)
            with connection, connection.cursor() as cursor:
                cursor.execute("SELECT name FROM public.schema_migration")
                recorded = {row[0] for row in cursor.fetchall()}
        finally:
            connection.close()
        app = make_app(tmp_path, url)
        try:
            _check_upgraded(app, recorded)
        finally:
            app.extensions["expertnet.search"].close()
            if not database.is_closed():
                database.close()
    finally:
        _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
