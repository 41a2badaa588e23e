"""The migration steps declare the tables they create as frozen copies (no step imports a
module above the ground): a freshly migrated database must still have exactly the schema
of the domains' models, the tables, columns with their types, defaults and nullability,
indexes, keys and foreign keys with their ``ON DELETE``, on SQLite and on PostgreSQL.
Only the statistics index, which step 27 creates in SQL and no model declares, is extra."""
import importlib
import os
import pkgutil
import uuid

import pg_pool
import pytest
from conftest import PG_URL, _pg_execute

import expertnet
from expertnet.core import migrations
from expertnet.core.db import connect_url, database
from expertnet.core.models import BaseModel

# Created by a step in SQL, not declared by a model (migration 0013_statistics_index).
ONLY_MIGRATED = {"index expert_statistics"}

_SQLITE_SCHEMA = ("SELECT type, name, sql FROM sqlite_master "
                  "WHERE name NOT LIKE 'sqlite_%' AND sql IS NOT NULL")
_POSTGRES_SCHEMA = """
SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
       || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint ' || rel.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
JOIN pg_namespace n ON n.oid = con.connamespace WHERE n.nspname = 'public'
UNION ALL
SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
"""


def domain_models():
    """Every table a module declares (each domain's ``models`` imported)."""
    for module in pkgutil.walk_packages(expertnet.__path__, "expertnet."):
        if module.name.endswith(".models"):
            importlib.import_module(module.name)
    found, stack = set(), [BaseModel]
    while stack:
        for sub in stack.pop().__subclasses__():
            found.add(sub)
            stack.append(sub)
    return sorted(found, key=lambda model: model._meta.table_name)


def _schema(url, build):
    """The schema ``build(db)`` leaves in the empty database at ``url``, one line per item."""
    db = connect_url(url)
    previous = database.obj
    database.initialize(db)
    try:
        with database.connection_context():
            build(db)
            if url.startswith("sqlite"):
                rows = db.execute_sql(_SQLITE_SCHEMA).fetchall()
                items = {f"{kind} {name} {' '.join(sql.replace('IF NOT EXISTS ', '').split())}"
                         for kind, name, sql in rows}
                return {item for item in items if "schema_migration" not in item}
            items = {row[0] for row in db.execute_sql(_POSTGRES_SCHEMA).fetchall()}
            return {item for item in items if "schema_migration" not in item}
    finally:
        db.close()
        database.initialize(previous)


def _migrate(db):
    migrations.upgrade(database)


def _create(db):
    database.create_tables(domain_models())


def _differences(migrated, created):
    extra = {item for item in migrated - created if " ".join(item.split()[:2]) not in ONLY_MIGRATED}
    return sorted(extra), sorted(created - migrated)


def test_every_domain_table_is_created_by_a_step():
    tables = {model._meta.table_name for model in domain_models()}
    assert {"expert", "user", "need", "engagement", "notification", "term_pair", "organisation"} <= tables


@pytest.mark.skipif(bool(PG_URL), reason="SQLite here; PostgreSQL below")
def test_a_migrated_sqlite_database_has_the_models_schema(tmp_path):
    migrated = _schema(f"sqlite:///{tmp_path / 'migrated.sqlite3'}", _migrate)
    created = _schema(f"sqlite:///{tmp_path / 'created.sqlite3'}", _create)
    assert any(item.startswith("index expert_statistics") for item in migrated)
    assert _differences(migrated, created) == ([], [])


@pytest.mark.every_database
@pytest.mark.skipif(not PG_URL, reason="needs EXPERTNET_TEST_DATABASE_URL (PostgreSQL)")
def test_a_migrated_postgresql_database_has_the_models_schema():
    names = [f"expertnet_schema_{kind}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
             for kind in ("migrated", "created")]
    for name in names:
        _pg_execute(f"CREATE DATABASE {name}")
    try:
        migrated = _schema(pg_pool.database_url(PG_URL, names[0]), _migrate)
        created = _schema(pg_pool.database_url(PG_URL, names[1]), _create)
    finally:
        for name in names:
            _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    assert any(item.startswith("index expert_statistics") for item in migrated)
    assert _differences(migrated, created) == ([], [])
