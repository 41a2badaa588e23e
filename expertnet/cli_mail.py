"""Commands that send e-mail: ``remind-stale`` (run it daily from cron)."""
import sys

import click
from flask_babel import force_locale

from expertnet import freshness, links, mail
from expertnet.i18n import _


@click.command("remind-stale")
@click.option("--dry-run", is_flag=True, help="List the owners who would be reminded; send nothing.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="en", show_default=True,
              help="Language of this command's output (each e-mail is in its recipient's).")
def remind_stale(dry_run, lang):
    """Queue an e-mail to the owner of every stale profile not reminded in the last
    STALE_REMIND_DAYS days; the worker sends them. Exit code 1 when e-mail or
    EXPERTNET_BASE_URL is not configured."""
    with force_locale(lang):
        base = links.base_url()
        if not dry_run and not mail.enabled():
            click.echo(_("E-mail is not configured (EXPERTNET_MAIL_SERVER): nothing was sent."),
                       err=True)
            sys.exit(1)
        if not dry_run and base is None:
            click.echo(_("EXPERTNET_BASE_URL is not set: the links in the e-mail would have no "
                         "address. Nothing was sent."), err=True)
            sys.exit(1)
        due = freshness.remind(base, dry_run=dry_run)
        for expert, owner in due:
            click.echo(f"{expert.id}\t{owner.email}\t{freshness.last_confirmed(expert):%Y-%m-%d}")
        if dry_run:
            click.echo(_("%(count)s owners would be reminded (dry run: nothing was sent).",
                         count=len(due)))
        else:
            click.echo(_("%(count)s reminders queued.", count=len(due)))


COMMANDS = (remind_stale,)
