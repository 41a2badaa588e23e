"""Backups of the database, taken while the application runs, and their restore.

SQLite: SQLite's online backup API copies the database in one step inside a read
transaction, so the copy is a consistent snapshot even while workers write (in WAL
mode readers do not block writers, nor writers readers). The copy is switched to a
rollback journal (one self-contained file) and must pass ``PRAGMA integrity_check``
before it replaces anything. Restoring runs the same API the other way, into the live
file, so SQLite's own locking keeps other connections safe.

PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot of its own), checked by
``pg_restore --list``; restored with ``pg_restore --clean --if-exists
--single-transaction``, which replaces everything or nothing. The connection settings
go to the client programs through libpq's environment variables, so that a password
never appears on a command line.

The search index is not backed up: it is derived, and rebuilt after a restore.
"""
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class BackupError(RuntimeError):
    """A backup or restore could not be made; nothing was replaced."""


def sqlite_path(url):
    return url.split(":///", 1)[1] if ":///" in url else None


def is_sqlite_url(url):
    return url.startswith("sqlite:")


def suffix(url):
    return ".sqlite3" if is_sqlite_url(url) else ".dump"


# -- SQLite --------------------------------------------------------------------------
def _integrity(connection):
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    return "ok" if rows == ["ok"] else "; ".join(rows[:5])


def _sqlite_backup(path, destination):
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(path, timeout=15)
    target = sqlite3.connect(partial)
    try:
        # pages=-1 (the default): the whole database in one step, one read transaction.
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
        integrity = _integrity(target)
    finally:
        target.close()
        source.close()
    if integrity != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed PRAGMA integrity_check: {integrity}")
    os.replace(partial, destination)
    return {"integrity": integrity}


def check_sqlite_file(source):
    """``ok`` or what ``PRAGMA integrity_check`` found; raises when it is no expertnet
    database at all."""
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            integrity = _integrity(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a SQLite database: {exc}") from exc
    if "expert" not in tables or "schema_migration" not in tables:
        raise BackupError(f"{source} is not an expertnet database")
    return integrity


def _sqlite_restore(path, source):
    integrity = check_sqlite_file(source)
    if integrity != "ok":
        raise BackupError(f"the backup failed PRAGMA integrity_check: {integrity}")
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    live = sqlite3.connect(path, timeout=15)
    try:
        origin.backup(live)
        # The copied header says "rollback journal" (the backup's mode): the live file
        # goes back to WAL, which the application expects.
        live.execute("PRAGMA journal_mode=WAL")
        integrity = _integrity(live)
    finally:
        live.close()
        origin.close()
    if integrity != "ok":
        raise BackupError(f"the restored database failed PRAGMA integrity_check: {integrity}")
    return {"integrity": integrity}


# -- PostgreSQL ------------------------------------------------------------------------
def libpq_environment(url):
    """libpq variables for ``url`` and the schema its ``search_path`` option names
    (None for the default): host, port, user, password and database never go on a
    command line."""
    parts = urlsplit(url)
    environment = {**os.environ}
    for name, value in (("PGHOST", parts.hostname), ("PGPORT", parts.port),
                        ("PGUSER", parts.username), ("PGPASSWORD", parts.password),
                        ("PGDATABASE", parts.path.lstrip("/"))):
        if value not in (None, ""):
            environment[name] = unquote(str(value))
    schema = None
    options = parse_qs(parts.query).get("options", [""])[0]
    if options:
        environment["PGOPTIONS"] = options
        for setting in options.split("-c"):
            key, _sep, value = setting.strip().partition("=")
            if key.strip() == "search_path" and value.strip():
                schema = value.split(",")[0].strip()
    return environment, schema


def _program(name):
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(command, environment):
    finished = subprocess.run(command, env=environment, capture_output=True, text=True)
    if finished.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {finished.stderr.strip()[-2000:]}")
    return finished.stdout


def _pg_backup(url, destination):
    environment, schema = libpq_environment(url)
    partial = destination.with_name(destination.name + ".partial")
    command = [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
               f"--file={partial}"]
    if schema:
        command.append(f"--schema={schema}")
    try:
        _run(command, environment)
        listing = _run([_program("pg_restore"), "--list", str(partial)], environment)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, destination)
    return {"integrity": "ok", "entries": sum(1 for line in listing.splitlines()
                                             if line and not line.startswith(";"))}


def _pg_restore(url, source):
    environment, _schema = libpq_environment(url)
    _run([_program("pg_restore"), "--list", str(source)], environment)
    _run([_program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={environment.get('PGDATABASE', '')}",
          str(source)], environment)
    return {"integrity": "ok"}


# -- the face ----------------------------------------------------------------------------
def backup(url, destination):
    """Copy the database at ``url`` to ``destination`` (a file that must not exist).
    Returns ``{"path", "bytes", "integrity", …}``; raises :class:`BackupError`."""
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} exists already; choose another name")
    destination.parent.mkdir(parents=True, exist_ok=True)
    if is_sqlite_url(url):
        done = _sqlite_backup(sqlite_path(url), destination)
    else:
        done = _pg_backup(url, destination)
    return {"path": str(destination), "bytes": destination.stat().st_size, **done}


def restore(url, source):
    """Replace the database at ``url`` by the backup ``source``; all or nothing."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    if is_sqlite_url(url):
        return _sqlite_restore(sqlite_path(url), source)
    return _pg_restore(url, source)
