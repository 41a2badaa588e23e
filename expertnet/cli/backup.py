"""``backup`` and ``restore``: the database copied while the app runs, and put back.

After a restore this host's index is rebuilt from the restored database. Other hosts
(several hosts on one PostgreSQL) notice that the change log went back and reconcile
their own index; running ``flask --app expertnet reindex`` on each is the sure way.
"""
import sys
from pathlib import Path

import click
from flask import current_app

from expertnet.cli.progress import Progress
from expertnet.core import audit
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.directory import indexing
from expertnet.ops import backup


def _default_name(url):
    return f"expertnet-{utcnow().strftime('%Y%m%dT%H%M%SZ')}{backup.suffix(url)}"


@click.command("backup")
@click.argument("destination", type=click.Path())
def backup_command(destination):
    """Copy the database to DESTINATION (a new file, or a folder to put a dated file
    in) while the application keeps running; the copy is checked before it is kept."""
    url = current_app.config["DATABASE_URL"]
    target = Path(destination)
    if target.is_dir():
        target = target / _default_name(url)
    try:
        done = backup.backup(url, target)
    except backup.BackupError as exc:
        click.echo(_("Backup failed: %(reason)s", reason=str(exc)), err=True)
        sys.exit(1)
    with database.connection_context():
        audit.record("database.backup", source="cli", changes={"bytes": done["bytes"]})
    click.echo(_("Backup written to %(path)s (%(size)s bytes, integrity check: %(integrity)s).",
                 path=done["path"], size=done["bytes"], integrity=done["integrity"]))


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Really replace the current database.")
def restore_command(source, yes):
    """Replace the whole database by the backup SOURCE, then rebuild the search index.
    Stop the application (every host) first; without --yes nothing is done."""
    url = current_app.config["DATABASE_URL"]
    if not yes:
        click.echo(_("This replaces every profile, account and audit entry of the current "
                     "database by those of %(path)s. Stop the application first, then run the "
                     "command again with --yes.", path=source), err=True)
        sys.exit(1)
    if not database.is_closed():
        database.close()
    try:
        backup.restore(url, source)
    except backup.BackupError as exc:
        click.echo(_("Restore failed, the database was not changed: %(reason)s", reason=str(exc)),
                   err=True)
        sys.exit(1)
    with database.connection_context():
        audit.record("database.restore", source="cli")
        total = indexing.count_profiles()
        with Progress(_("Indexing"), total) as progress:
            count = indexing.rebuild(progress=progress)
    click.echo(_("Database restored from %(path)s; %(count)s profiles indexed.",
                 path=source, count=count))


COMMANDS = (backup_command, restore_command)
