"""Account commands: ``create-user`` and ``create-token``. There is no default
account: the first admin is created here."""
import sys

import click

from expertnet.accounts import users as accounts
from expertnet.accounts.models import ROLES


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
@click.option("--expert-id", type=int, default=None, help="The profile this account owns.")
def create_user(email, role, password_stdin, expert_id):
    """Create an account. Without --password-stdin nobody can log in to it until a
    password is set."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = accounts.create_user(email, role, password=password, expert_id=expert_id)
    except accounts.AccountError as exc:
        for message in exc.messages:
            click.echo(str(message), err=True)
        sys.exit(1)
    click.echo(f"{user.id}\t{user.email}\t{user.role}")


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for (shown in the account page).")
def create_token(email, name):
    """Create an API token for an account and print it (it is shown only this once)."""
    user = accounts.find_by_email(email)
    if user is None or not user.active:
        click.echo(f"no active account {email}", err=True)
        sys.exit(1)
    _row, token = accounts.create_token(user, name or "cli")
    click.echo(token)


COMMANDS = (create_user, create_token)
