"""Commands that send e-mail: ``remind-stale`` and ``send-digests`` (run them daily from
cron) and ``mail-retry`` (the outbox, when no worker runs or to hurry it)."""
import sys

import click
from flask_babel import force_locale

from expertnet.accounts import stale_reminders
from expertnet.core import links
from expertnet.core import outbox as mail
from expertnet.core.i18n import _
from expertnet.directory import freshness
from expertnet.outreach import saved_searches


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
        due = stale_reminders.remind(base, dry_run=dry_run)
        for expert, owner in due:
            click.echo(f"{expert.id}\t{owner.email}\t{freshness.last_confirmed(expert):%Y-%m-%d}")
        if dry_run:
            click.echo(_("%(count)s owners would be reminded (dry run: nothing was sent).",
                         count=len(due)))
        else:
            click.echo(_("%(count)s reminders queued.", count=len(due)))


@click.command("mail-retry")
@click.option("--now", "ignore_backoff", is_flag=True,
              help="Also send the messages still waiting for their next attempt.")
@click.option("--failed", is_flag=True,
              help="First put the messages that failed every attempt back in the queue.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="en", show_default=True,
              help="Language of this command's output.")
def mail_retry(ignore_backoff, failed, lang):
    """Deliver the outbox's messages that are due (what the worker does every minute).
    Exit code 1 when some message is still not sent."""
    with force_locale(lang):
        if not mail.enabled():
            click.echo(_("E-mail is not configured (EXPERTNET_MAIL_SERVER): nothing was sent."),
                       err=True)
            sys.exit(1)
        if failed:
            click.echo(_("%(count)s failed messages queued again.",
                         count=mail.requeue_failed()))
        tally = mail.deliver_due(ignore_backoff=ignore_backoff, limit=10_000)
        click.echo(_("Sent: %(sent)s; to be tried again later: %(queued)s; failed for good: "
                     "%(failed)s.", sent=tally.get("sent", 0), queued=tally.get("queued", 0),
                     failed=tally.get("failed", 0)))
        if tally.get("queued") or tally.get("failed"):
            sys.exit(1)


@click.command("send-digests")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="en", show_default=True,
              help="Language of this command's output (each e-mail is in its recipient's).")
def send_digests(lang):
    """E-mail each official the new experts matching their saved searches that are due
    (daily or weekly); run it once a day from cron, or let the worker do it at
    DIGEST_HOUR. Running it twice sends nothing more."""
    with force_locale(lang):
        if mail.enabled() and links.base_url() is None:
            click.echo(_("EXPERTNET_BASE_URL is not set: the e-mail will name the experts "
                         "without links."), err=True)
        tally = saved_searches.send_digests()
        click.echo(_("Digests: %(users)s accounts told of %(experts)s new experts.",
                     users=tally["users"], experts=tally["experts"]))


COMMANDS = (remind_stale, mail_retry, send_digests)
