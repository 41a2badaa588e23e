"""Outgoing e-mail: plain-text messages queued as background tasks and sent by SMTP.

``MAIL_BACKEND`` chooses where messages go:

- ``smtp`` (the default when ``MAIL_SERVER`` is set): through the configured server;
- ``memory``: kept in ``app.extensions["expertnet.mail.outbox"]`` (tests);
- ``none`` (the default otherwise): nothing is sent; callers ask :func:`enabled` and
  fall back to showing a link to the person who asked (invitations).

Each message leaves a row in ``mail_message`` (recipient, kind, status, time, error) so
that curators and admins can tell whether a message went out. The body is not kept: it
may hold a single-use link, which is a credential.
"""
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from flask_babel import force_locale

from expertnet import tasks
from expertnet.db import database, utcnow
from expertnet.models import MailMessage


def backend():
    configured = current_app.config.get("MAIL_BACKEND") or ""
    if configured:
        return configured
    return "smtp" if current_app.config.get("MAIL_SERVER") else "none"


def enabled():
    return backend() != "none"


def send(to, kind, compose, language=None):
    """Queue a message to ``to``; ``compose()`` returns ``(subject, body)`` and is called
    in the recipient's ``language`` (the site's default when empty). Returns the
    ``MailMessage`` row, or None when mail is not configured."""
    if not enabled():
        return None
    language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        subject, body = compose()
    with database.atomic():
        row = MailMessage.create(recipient=to, kind=kind, language=language)
    # Enqueued after the row is committed: a consumer thread must be able to find it.
    deliver(row.id, to, str(subject), str(body))
    return row


@tasks.task(retries=3, retry_delay=60)
def deliver(message_id, to, subject, body):
    message = EmailMessage()
    config = current_app.config
    message["From"] = formataddr((config["MAIL_SENDER_NAME"], config["MAIL_SENDER"]))
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rpartition("@")[2] or None)
    message.set_content(body)
    try:
        _transport(message)
    except (OSError, smtplib.SMTPException) as error:
        _mark(message_id, "failed", error=f"{type(error).__name__}: {error}"[:500])
        raise  # Huey retries
    _mark(message_id, "sent")


def _transport(message):
    kind = backend()
    if kind == "memory":
        current_app.extensions.setdefault("expertnet.mail.outbox", []).append(message)
        return
    if kind != "smtp":
        raise smtplib.SMTPException(f"unknown MAIL_BACKEND {kind!r}")
    config = current_app.config
    connect = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with connect(config["MAIL_SERVER"], int(config["MAIL_PORT"]),
                 timeout=float(config["MAIL_TIMEOUT"])) as server:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            server.starttls()
        if config.get("MAIL_USERNAME"):
            server.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        server.send_message(message)


def _mark(message_id, status, error=""):
    with database.atomic():
        (MailMessage.update(status=status, error=error, attempts=MailMessage.attempts + 1,
                            sent_at=utcnow() if status == "sent" else None)
         .where(MailMessage.id == message_id).execute())


def outbox():
    """Messages the ``memory`` backend kept (tests)."""
    return current_app.extensions.setdefault("expertnet.mail.outbox", [])
