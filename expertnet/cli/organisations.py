"""``flask import-organisations``: the organisations' import from the command line, with
the browser's checks and modes (``organisations.importer``)."""
import sys

import click

from expertnet.core.i18n import _
from expertnet.curation import import_modes
from expertnet.organisations import importer


@click.command("import-organisations")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--mode", type=click.Choice(import_modes.MODES), default=import_modes.DEFAULT_MODE,
              show_default=True)
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
def import_organisations(path, mode, dry_run):
    """Import organisations from a CSV (UTF-8) or XLSX file. Exit code 0: every row
    imported; 1: some rows were not; 2: the file could not be read."""
    try:
        plan = importer.plan(path, mode) if dry_run else importer.apply(path, mode, source="cli")
    except importer.ImportFileError as exc:
        click.echo(_("The file cannot be imported: %(reason)s", reason=str(exc)), err=True)
        sys.exit(2)
    for name in plan.unknown:
        click.echo(_("Column not recognised (ignored): %(name)s", name=name), err=True)
    for row in plan.rows:
        for column, message in row.errors:
            click.echo(_("Row %(row)s, %(column)s: %(message)s", row=row.number, column=column,
                         message=message), err=True)
    if dry_run:
        click.echo(_("Dry run: nothing was written."))
    click.echo(_("%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                 "%(rejected)s not imported.", created=plan.count("create"), updated=plan.count("update"),
                 unchanged=plan.count("unchanged"), rejected=plan.rejected))
    sys.exit(1 if plan.rejected else 0)


COMMANDS = (import_organisations,)
