"""Password reset by e-mail (SECURITY.md "Authentication and sessions").

- Asking answers the same whether or not the address has an account, and costs the
  request the same: it only queues :func:`send_link`, and the task (in the worker) looks
  the account up and e-mails it, or does nothing.
- The link is signed under a salt of its own, expires after ``PASSWORD_RESET_HOURS``
  and names the account *as it was*: a fingerprint of its password hash and session
  generation. Setting the password (or logging out everywhere) changes both, so the
  link dies once used, and ``accounts.replace_password`` refuses a second use racing
  the first.
- Setting the password bumps the session generation: every session and remember-me
  cookie of the account ends.
"""
import hashlib
import hmac

from flask import current_app

from expertnet.accounts import emails
from expertnet.accounts import users as accounts
from expertnet.accounts.models import User
from expertnet.core import links, tasks
from expertnet.core import outbox as mail

SALT = "expertnet.password-reset"


def hours():
    return int(current_app.config["PASSWORD_RESET_HOURS"])


def available():
    """Mail is configured and links can name the site safely (links.base_url)."""
    return mail.enabled() and links.base_url(anonymous=True) is not None


def _fingerprint(user):
    material = f"{user.id}:{user.password_hash}:{user.session_generation}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def make_token(user):
    return links.sign(SALT, {"u": user.id, "f": _fingerprint(user)})


def find_user(token):
    """The active account a still-valid link names, else None."""
    data = links.unsign(SALT, token, hours() * 3600)
    if data is None or not isinstance(data.get("u"), int):
        return None
    user = User.get_or_none(User.id == data["u"])
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(_fingerprint(user), str(data.get("f", ""))):
        return None
    return user


def request_link(email, language):
    """Queue the e-mail for ``email`` (whether or not it has an account)."""
    send_link(accounts.normalize_email(email), links.base_url(anonymous=True), language)


@tasks.task("expertnet.resets.send_link")
def send_link(email, base, language):
    user = accounts.find_by_email(email)
    if user is None or not user.active:
        return
    link = links.external_url(base, "auth.reset_password", token=make_token(user))
    emails.password_reset(user.email, link, hours(), user.language or language)


def reset(user, new_password):
    """Set the new password (the rules of every account); raises
    ``accounts.AccountError`` or ``LookupError`` (the link was used meanwhile)."""
    return accounts.replace_password(user, new_password, source="screen",
                                     action="user.password_reset")
