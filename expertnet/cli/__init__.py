"""Flask commands: ``flask --app expertnet <command>``."""
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from expertnet.cli.accounts import COMMANDS as ACCOUNT_COMMANDS
from expertnet.cli.backup import COMMANDS as BACKUP_COMMANDS
from expertnet.cli.mail import COMMANDS as MAIL_COMMANDS
from expertnet.cli.organisations import COMMANDS as ORGANISATION_COMMANDS
from expertnet.cli.progress import Progress
from expertnet.core import audit, tasks
from expertnet.core.i18n import _, compile_catalogues, source_catalogues
from expertnet.curation import duplicates, import_modes, importer, jobs, term_suggestions
from expertnet.directory import indexing
from expertnet.directory.editing import display
from expertnet.organisations import indexing as organisation_indexing
from expertnet.taxonomy import store as catalog
from expertnet.taxonomy import terms
from expertnet.technology import indexing as technology_indexing


@click.command("import-profiles")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--allow-duplicates", is_flag=True,
              help="Import rows that look like existing profiles as new profiles.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="en", show_default=True,
              help="Language of the report.")
@click.option("--mode", type=click.Choice(import_modes.MODES), default=import_modes.DEFAULT_MODE,
              show_default=True,
              help="update: filled cells replace, empty cells keep, lists add; fill: only empty "
                   "values are filled; replace: the row is the whole truth (empty cells erase).")
@click.option("--consented-visibility", type=click.Choice(import_modes.VISIBILITIES),
              default="public", show_default=True,
              help="Who sees a profile whose row consents to publication and has no "
                   "visibility cell.")
@click.option("--verbose", is_flag=True, help="List every field each row changes.")
def import_profiles(path, dry_run, allow_duplicates, lang, mode, consented_visibility, verbose):
    """Import profiles from a CSV (UTF-8) or XLSX file. Exit code 0: every row
    imported; 1: some rows rejected; 2: the file could not be read."""
    with force_locale(lang):
        try:
            header, rows, estimate = importer.read_rows(path)
            with Progress(_("Importing"), estimate) as progress:
                report = importer.import_rows(
                    header, rows, dry_run=dry_run, allow_duplicates=allow_duplicates,
                    progress=progress, estimate=estimate, source=f"import:{click.format_filename(path)}",
                    mode=mode, consented_visibility=consented_visibility)
        except importer.ImportFileError as exc:
            click.echo(_("Cannot import %(path)s: %(reason)s", path=path, reason=str(exc)), err=True)
            sys.exit(2)
        click.echo(format_report(report, verbose=verbose, language=lang))
    sys.exit(report.exit_code)


def format_report(report, verbose=False, language="en"):
    lines = []
    for header, column in report.recognised_columns:
        lines.append(_("Column “%(header)s” is read as %(column)s.", header=header, column=column))
    for column in report.unknown_columns:
        lines.append(_("Column “%(column)s” is not in the import contract; it was ignored.",
                       column=column))
    for column in report.sensitive_columns:
        lines.append(_("Column “%(column)s” holds sensitive personal data that the directory "
                       "does not keep; it was ignored.", column=column))
    for row, column, message in report.notices:
        lines.append(_("Row %(row)s, column %(column)s: %(message)s",
                       row=row, column=column, message=message))
    for row, problems in report.problems.items():
        for column, message in problems:
            lines.append(_("Row %(row)s, column %(column)s: %(message)s",
                           row=row, column=column, message=message))
    if verbose:
        lines += _row_changes(report, language)
    if report.dry_run:
        lines.append(_("Dry run: %(total)s rows read; %(created)s would be created, %(updated)s "
                       "updated, %(rejected)s rejected. Nothing was written.",
                       total=report.total, created=report.created, updated=report.updated,
                       rejected=report.rejected))
    else:
        lines.append(_("%(total)s rows read: %(created)s created, %(updated)s updated, "
                       "%(unchanged)s unchanged, %(rejected)s rejected.",
                       total=report.total, created=report.created, updated=report.updated,
                       unchanged=report.unchanged, rejected=report.rejected))
    lines += _summary(report)
    return "\n".join(lines)


def _summary(report):
    """The mode, the fields changed and who will see the profiles, as the browser's
    preview counts them."""
    lines = [_("Mode: %(mode)s. Fields changed: %(fields)s.",
               mode=importer.mode_label(report.mode), fields=report.fields_changed)]
    for (visibility, reason), count in sorted(report.visibility.items()):
        lines.append(_("Visible to %(who)s: %(count)s (%(reason)s)",
                       who=importer.visibility_label(visibility), count=count,
                       reason=importer.reason_label(reason)))
    if report.narrowed_published:
        lines.append(_("Published profiles made less visible: %(count)s (see the rows above).",
                       count=report.narrowed_published))
    return lines


def _row_changes(report, language):
    lines = []
    for number, name, changes in report.changes:
        lines.append(_("Row %(row)s (%(name)s):", row=number, name=name))
        for change in changes:
            lines.append("  " + importer.describe_change(
                change, lambda column, value: display(column, value, language)))
    return lines


@click.command("reindex")
def reindex():
    """Rebuild the search index from the database (into a new folder, then swapped in)."""
    total = indexing.count_profiles()
    with Progress(_("Indexing"), total) as progress:
        count = indexing.rebuild(progress=progress)
    click.echo(_("%(count)s profiles indexed.", count=count))
    click.echo(_("%(count)s organisations indexed.", count=organisation_indexing.rebuild()))
    click.echo(_("%(count)s technology offers indexed.",
                 count=technology_indexing.KEEPERS["offers"].rebuild()))
    click.echo(_("%(count)s technology demands indexed.",
                 count=technology_indexing.KEEPERS["demands"].rebuild()))


@click.command("seed-demo")
@click.option("--count", default=320, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--seed", default=2026, show_default=True, type=int)
def seed_demo(count, seed):
    """Load the generated bilingual demo profiles (idempotent: DEMO-… ids)."""
    report = load_demo(count, seed, progress_label=_("Loading demo profiles"))
    click.echo(format_report(report))
    sys.exit(report.exit_code)


def load_demo(count=320, seed=2026, progress_label=None):
    from expertnet.demo import generator as demo  # Faker is imported only when demo data is wanted
    from expertnet.demo import organisations as demo_organisations
    from expertnet.demo import technology as market_demo
    rows = demo.demo_rows(count=count, seed=seed)
    header = list(rows[0].keys())
    numbered = ((number, [row[column] for column in header])
                for number, row in enumerate(rows, start=2))
    with Progress(progress_label or "", len(rows)) as progress:
        report = importer.import_rows(header, numbered, allow_duplicates=True, progress=progress,
                                      estimate=len(rows), source="demo")
    demo_organisations.seed()  # the register, linked to the profiles just loaded
    market_demo.seed()  # the technology marketplace's offers, demands and connections
    return report


@click.command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32),
              help="Threads running tasks.")
def worker(workers):
    """Run the background task consumer (e-mail, long imports) until interrupted."""
    tasks.run_worker(workers)


translate = AppGroup("translate", help="Maintain the catalogues (pybabel).")


def _pybabel(*args):
    from babel.messages.frontend import CommandLineInterface
    CommandLineInterface().run(["pybabel", "-q", *args])


@translate.command("extract")
def translate_extract():
    """Extract messages into translations/messages.pot and update both catalogues."""
    folder = source_catalogues()
    root = folder.parent
    pot = folder / "messages.pot"
    _pybabel("extract", "-F", str(root / "babel.cfg"), "-k", "_l", "-k", "_lp:1c,2", "-k", "_n:1,2",
             "--no-location", "--sort-output", "-o", str(pot), str(root / "expertnet"))
    _pybabel("update", "-i", str(pot), "-d", str(folder), "--no-wrap", "--ignore-obsolete")


@translate.command("compile")
def translate_compile():
    """Compile the catalogues into the instance folder (the app also does it on start)."""
    click.echo(compile_catalogues(Path(current_app.instance_path) / "translations"))


@click.command("find-duplicates")
def find_duplicates():
    """Search the whole database for likely duplicate profiles and store the pairs for
    the curators' page (/curate/duplicates)."""

    stats = duplicates.refresh()
    audit.record("duplicates.search", source="cli",
                 changes={"profiles": stats.profiles, "pairs": stats.extra["stored"],
                          "seconds": round(stats.seconds, 1)})
    click.echo(f"{stats.profiles} profiles, {stats.extra['stored']} pairs to review "
               f"({stats.compared} pairs compared in {stats.blocks} blocks, "
               f"{stats.seconds:.1f} s)")


@click.command("jobs-cleanup")
def jobs_cleanup():
    """Delete the result files of background jobs older than JOB_RESULT_DAYS (the pages
    of the jobs also do it when they are opened)."""

    click.echo(f"{jobs.cleanup()} files deleted")


@click.command("suggest-terms")
@click.option("--limit", default=5000, show_default=True, type=click.IntRange(1, 1_000_000),
              help="Mine at most this many profiles with both bios (the first by id).")
def suggest_terms(limit):
    """Seed the bilingual term list from the taxonomy's field names (accepted pairs) and store the pairs
    mined from profiles with both bios as suggestions for the curators (/curate/terms)."""

    seeded = terms.seed_from_taxonomy(catalog.load())
    suggested = term_suggestions.suggest(limit)
    audit.record("terms.suggest", source="cli",
                 changes={"seeded": seeded, "suggested": suggested, "limit": limit})
    click.echo(f"{seeded} pairs from the taxonomy, {suggested} new suggestions to review")


def init_app(app):
    for command in (import_profiles, reindex, seed_demo, worker, find_duplicates, jobs_cleanup,
                    suggest_terms, translate,
                    *ACCOUNT_COMMANDS, *MAIL_COMMANDS, *BACKUP_COMMANDS, *ORGANISATION_COMMANDS):
        app.cli.add_command(command)
