"""PostgreSQL databases for tests, reused instead of created and dropped for each test.

A DROP DATABASE waits for a checkpoint (about a second on a busy machine), longer than
most tests take. So a test's database goes back to a pool when the test ends, reset to
the migrated template's state: its other connections ended, every table emptied, the
template's rows (migrations applied, the taxonomy) written again and the sequences put
back where the template has them — unless the test changed the schema (the migration
tests do), in which case the database is dropped and the next test gets a fresh copy.
"""
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql
from psycopg2.extras import Json

# Tables, columns with their types, indexes and constraints of the public schema: a test
# that leaves any of them different from the template's gives its database up.
_FINGERPRINT = """
SELECT md5(coalesce(string_agg(item, ',' ORDER BY item), '')) FROM (
    SELECT c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod)
           || ':' || a.attnotnull AS item
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
          AND c.relkind IN ('r', 'i', 'S')
    UNION ALL
    SELECT con.conname || ':' || pg_get_constraintdef(con.oid)
    FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
    WHERE n.nspname = 'public'
) AS items
"""


def without_commit_flush(name):
    """A test database's commits do not wait for the server to flush its log to disk
    (``synchronous_commit``, for this database only; a database's settings are not
    copied from its template): what a commit makes visible, and when, is unchanged; only
    a crash of the server could lose the last commits, and a test database is thrown
    away then anyway. A commit waited a flush of several milliseconds on a busy disk."""
    return f"ALTER DATABASE {name} SET synchronous_commit = off"


def database_url(server_url, name):
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


class Pool:
    def __init__(self, server_url, template):
        self.server_url = server_url
        self.template = template
        self.free = []
        self.made = set()
        with self._connect(template) as connection, connection.cursor() as cursor:
            cursor.execute(_FINGERPRINT)
            self.fingerprint = cursor.fetchone()[0]
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            self.tables = sorted(row[0] for row in cursor.fetchall())
            self.rows = {}
            for table in self.tables:
                cursor.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))
                found = cursor.fetchall()
                if found:
                    columns = [column.name for column in cursor.description]
                    self.rows[table] = (columns, found)
            cursor.execute("SELECT schemaname || '.' || sequencename, "
                           "coalesce(last_value, start_value), last_value IS NOT NULL "
                           "FROM pg_sequences WHERE schemaname = 'public'")
            self.sequences = cursor.fetchall()
        connection.close()
        self.refill = self._refill_statement()

    def _refill_statement(self):
        """Emptying every table, writing the template's rows again and putting the
        sequences back, as one statement: one round trip instead of one per table, row
        and sequence (about 150, each a few milliseconds on a loaded machine). Foreign
        keys are not checked while the tables are refilled (superuser)."""
        statements = [sql.SQL("SET LOCAL session_replication_role = replica")]
        statements += [sql.SQL("DELETE FROM {}").format(sql.Identifier(table))
                       for table in self.tables]
        for table, (columns, found) in self.rows.items():
            statements.append(sql.SQL("INSERT INTO {} ({}) VALUES {}").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)),
                sql.SQL(", ").join(
                    sql.SQL("({})").format(sql.SQL(", ").join(map(_literal, row)))
                    for row in found)))
        statements += [sql.SQL("SELECT setval({}, {}, {})").format(
            sql.Literal(sequence), sql.Literal(value), sql.Literal(called))
            for sequence, value, called in self.sequences]
        return sql.SQL("; ").join(statements)

    def _connect(self, name, autocommit=False):
        connection = psycopg2.connect(database_url(self.server_url, name))
        connection.autocommit = autocommit
        return connection

    def _server(self, statement):
        connection = psycopg2.connect(self.server_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def take(self):
        """The name of a database in the template's state."""
        if self.free:
            return self.free.pop()
        name = f"test_{uuid.uuid4().hex[:16]}"
        self._server(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        self._server(without_commit_flush(name))
        self.made.add(name)
        return name

    def give_back(self, name):
        """Reset ``name`` for the next test, or drop it when its schema changed."""
        if self._reset(name):
            self.free.append(name)
        else:
            self.drop(name)

    def drop(self, name):
        self._server(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.made.discard(name)

    def close(self):
        for name in list(self.made):
            self.drop(name)
        self.free.clear()

    def _reset(self, name):
        connection = self._connect(name)
        try:
            with connection.cursor() as cursor:
                # A test may leave a connection behind (a worker thread, a child process).
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                cursor.execute(_FINGERPRINT)
                if cursor.fetchone()[0] != self.fingerprint:
                    return False
                cursor.execute(self.refill)
            connection.commit()
            return True
        finally:
            connection.close()


def _literal(value):
    """A value read from the template as SQL (a json column's value comes back a dict or
    a list, which psycopg2 writes only through ``Json``)."""
    return sql.Literal(Json(value) if isinstance(value, (dict, list)) else value)
