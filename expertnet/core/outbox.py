"""Outgoing e-mail through an outbox: :func:`send` writes the message to ``mail_message``
in the caller's transaction and a background task delivers it.

``MAIL_BACKEND`` chooses where messages go:

- ``smtp`` (the default when ``MAIL_SERVER`` is set): through the configured server;
- ``memory``: kept in ``app.extensions["expertnet.mail.outbox"]`` (tests);
- ``none`` (the default otherwise): nothing is written or sent; callers ask
  :func:`enabled` and fall back to showing a link to the person who asked (invitations).

Delivery (:func:`deliver`, a Huey task) first *claims* the row with a conditional UPDATE
(``queued`` and due → ``sending``): a task that runs twice, or two workers, send a message
once. A failed attempt puts the message back in the queue for later (``MAIL_RETRY_DELAY``
seconds, then times ``MAIL_RETRY_FACTOR`` each time: 1 min, 5, 25 …); after
``MAIL_MAX_ATTEMPTS`` it is ``failed`` and admins see its last error. The worker's periodic
task (:func:`deliver_due`, every minute) sends what is due, and ``flask mail-retry`` does
the same from a shell. A request never talks to the SMTP server: outside tests the task
runs in the worker.

A message written inside a transaction is handed to the worker when the request (or the
command, or the task) ends, and only if its row exists then: a rolled-back transaction
sends nothing. The periodic task picks up anything a crash left behind.

The body may carry a single-use link, a credential: the queue holds only the message's
id, and the body is erased from the table once sent, and after ``MAIL_BODY_KEEP_HOURS``
in any case. Curators and admins see the state of a message, never its text.
"""
import datetime
import logging
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, g, has_app_context
from flask_babel import force_locale
from huey import crontab

from expertnet.core import tasks
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _, _l
from expertnet.core.models import MailMessage

log = logging.getLogger(__name__)

# The states of a MailMessage (``STATUSES``), as curators read them.
STATUS_NAMES = {
    "queued": _l("waiting to be sent"),
    "sending": _l("being sent"),
    "sent": _l("sent"),
    "failed": _l("could not be sent"),
}


def letter(*paragraphs):
    """Paragraphs separated by blank lines, then the signature."""
    closing = _("This message was sent automatically by the Hai Phong expert network; "
                "replies to it are not read.")
    return "\n\n".join(paragraphs) + "\n\n-- \n" + closing


def backend():
    configured = current_app.config.get("MAIL_BACKEND") or ""
    if configured:
        return configured
    return "smtp" if current_app.config.get("MAIL_SERVER") else "none"


def enabled():
    return backend() != "none"


def init_app(app):
    # Hand over what was written inside transactions once they are over.
    app.teardown_request(_flush_quietly)
    app.teardown_appcontext(_flush_quietly)


def send(to, kind, compose, language=None):
    """Put a message to ``to`` in the outbox; ``compose()`` returns ``(subject, body)``
    and is called in the recipient's ``language`` (the site's default when empty).
    Returns the ``MailMessage`` row, or None when mail is not configured."""
    if not enabled():
        return None
    language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        subject, body = compose()
    with database.atomic():
        row = MailMessage.create(recipient=to, kind=kind, language=language,
                                 subject=str(subject), body=str(body),
                                 next_attempt_at=utcnow())
    if database.in_transaction():
        # The caller's transaction may still roll back: the worker gets the id once
        # the request, command or task is over (flush), and finds the row only if
        # it was committed.
        g.setdefault("expertnet_mail_pending", []).append(row.id)
    else:
        deliver(row.id)
    return row


def flush():
    """Hand the messages written inside transactions to the worker (done when a
    request, command or task ends)."""
    pending = g.pop("expertnet_mail_pending", None) if has_app_context() else None
    for message_id in pending or ():
        deliver(message_id)


def _flush_quietly(exc=None):
    try:
        flush()
    except Exception:  # the periodic task sends it later; a teardown must not fail
        log.exception("could not hand messages to the worker")


def retry_delay(attempts):
    """Seconds to wait after the ``attempts``-th failed attempt."""
    config = current_app.config
    return float(config["MAIL_RETRY_DELAY"]) * float(config["MAIL_RETRY_FACTOR"]) ** max(0, attempts - 1)


@tasks.task("expertnet.mail.deliver")
def deliver(message_id, *legacy):
    """Send the message ``message_id`` if it is still due and nobody else claimed it.
    Returns its status afterwards (None when there was nothing to do). ``legacy``:
    tasks queued before the outbox carried ``(to, subject, body)``."""
    if len(legacy) == 3:
        _adopt_legacy(message_id, *legacy[1:])
    now = utcnow()
    if not _claim(message_id, now):
        return None
    row = MailMessage.get_by_id(message_id)
    try:
        _transport(_message(row))
    except (OSError, smtplib.SMTPException) as error:
        return _failed(row, describe(error))
    with database.atomic():
        (MailMessage.update(status="sent", sent_at=utcnow(), body="", error="",
                            claimed_at=None, next_attempt_at=None)
         .where((MailMessage.id == message_id) & (MailMessage.status == "sending")).execute())
    return "sent"


def describe(error):
    """The error as an admin reads it: the server's code and words when it answered."""
    if isinstance(error, smtplib.SMTPResponseException):
        words = error.smtp_error
        if isinstance(words, bytes):
            words = words.decode("utf-8", "replace")
        text = f"{error.smtp_code} {words}"
    else:
        text = str(error)
    return f"{type(error).__name__}: {text}"[:500]


def _adopt_legacy(message_id, subject, body):
    with database.atomic():
        (MailMessage.update(subject=subject, body=body, next_attempt_at=utcnow())
         .where((MailMessage.id == message_id) & (MailMessage.status == "queued")
                & (MailMessage.subject == "") & MailMessage.next_attempt_at.is_null())
         .execute())


def _claim(message_id, now):
    """Queued and due → sending, in one conditional UPDATE: whoever changes the row
    sends the message. A claim older than ``MAIL_CLAIM_TIMEOUT`` (a worker killed while
    sending) may be taken again."""
    stale = now - datetime.timedelta(seconds=float(current_app.config["MAIL_CLAIM_TIMEOUT"]))
    with database.atomic():
        return (MailMessage.update(status="sending", claimed_at=now,
                                   attempts=MailMessage.attempts + 1)
                .where((MailMessage.id == message_id) & _due(now, stale))
                .execute()) == 1


def _due(now, stale):
    return (((MailMessage.status == "queued") & (MailMessage.next_attempt_at <= now))
            | ((MailMessage.status == "sending") & (MailMessage.claimed_at < stale)))


def _failed(row, error):
    attempts = row.attempts  # counted by the claim
    now = utcnow()
    if attempts >= int(current_app.config["MAIL_MAX_ATTEMPTS"]):
        changes = {"status": "failed", "next_attempt_at": None}
    else:
        changes = {"status": "queued",
                   "next_attempt_at": now + datetime.timedelta(seconds=retry_delay(attempts))}
    with database.atomic():
        (MailMessage.update(error=error, claimed_at=None, **changes)
         .where((MailMessage.id == row.id) & (MailMessage.status == "sending")).execute())
    log.warning("mail %s attempt %s failed: %s", row.id, attempts, error)
    return changes["status"]


def _message(row):
    message = EmailMessage()
    config = current_app.config
    message["From"] = formataddr((config["MAIL_SENDER_NAME"], config["MAIL_SENDER"]))
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rpartition("@")[2] or None)
    # Sent again after a failure, the message keeps one identity for the receiver.
    message["X-Expertnet-Message"] = str(row.id)
    message.set_content(row.body)
    return message


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


def deliver_due(now=None, limit=200, ignore_backoff=False):
    """Send every message that is due (its retry time reached, or its claim stale), at
    most ``limit``; erase bodies kept too long. Returns ``{status: count}`` of what was
    tried. ``ignore_backoff``: also those still waiting for their retry time."""
    now = now or utcnow()
    _erase_old_bodies(now)
    stale = now - datetime.timedelta(seconds=float(current_app.config["MAIL_CLAIM_TIMEOUT"]))
    horizon = datetime.datetime.max if ignore_backoff else now
    ids = [row.id for row in MailMessage.select(MailMessage.id)
           .where(_due(horizon, stale)).order_by(MailMessage.next_attempt_at, MailMessage.id)
           .limit(limit)]
    tally = {}
    for message_id in ids:
        if ignore_backoff:
            with database.atomic():
                (MailMessage.update(next_attempt_at=now)
                 .where((MailMessage.id == message_id) & (MailMessage.status == "queued"))
                 .execute())
        status = deliver.call_local(message_id)
        if status:
            tally[status] = tally.get(status, 0) + 1
    return tally


def requeue_failed(message_ids=None):
    """Put failed messages back in the queue with a fresh count of attempts (those whose
    body was erased cannot be sent again). Returns how many."""
    query = (MailMessage.update(status="queued", attempts=0, next_attempt_at=utcnow())
             .where((MailMessage.status == "failed") & (MailMessage.body != "")))
    if message_ids is not None:
        query = query.where(MailMessage.id.in_(list(message_ids)))
    with database.atomic():
        return query.execute()


def _erase_old_bodies(now):
    hours = float(current_app.config["MAIL_BODY_KEEP_HOURS"])
    with database.atomic():
        (MailMessage.update(body="")
         .where((MailMessage.body != "")
                & (MailMessage.created_at < now - datetime.timedelta(hours=hours)))
         .execute())


@tasks.periodic("expertnet.mail.deliver_due_task", crontab(minute="*"))
def deliver_due_task():
    """Every minute in the worker: retries that are due, and anything left behind."""
    deliver_due()


def outbox():
    """Messages the ``memory`` backend kept (tests)."""
    return current_app.extensions.setdefault("expertnet.mail.outbox", [])


STATUSES = ("queued", "sending", "sent", "failed")


def messages(status=None, page=1, per_page=50):
    """The outbox for admins, newest first: ``(rows, total)``. Rows carry no body."""
    query = (MailMessage.select(MailMessage.id, MailMessage.recipient, MailMessage.kind,
                                MailMessage.language, MailMessage.status, MailMessage.attempts,
                                MailMessage.error, MailMessage.created_at, MailMessage.sent_at,
                                MailMessage.next_attempt_at)
             .order_by(MailMessage.created_at.desc(), MailMessage.id.desc()))
    if status in STATUSES:
        query = query.where(MailMessage.status == status)
    return list(query.paginate(page, per_page)), query.count()
