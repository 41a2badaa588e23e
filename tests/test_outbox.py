"""The outbox (mail.py) against a real SMTP server (aiosmtpd) on localhost: what arrives,
retries with back-off after 4xx/5xx answers or an unreachable server, failure after the
last attempt, one delivery per message, nothing sent from a rolled-back transaction, and
a request that never waits for the SMTP server."""
import datetime
import email
import socket
import threading
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from conftest import PASSWORD, SITE, make_app, post_form

from expertnet.accounts import users as accounts
from expertnet.core import outbox as mail
from expertnet.core.db import database, utcnow
from expertnet.core.models import MailMessage
from expertnet.directory import writes

SUBJECT = "Lời mời tham gia mạng lưới chuyên gia Hải Phòng"
BODY = "Xin chào Nguyễn Văn Đức,\n\nMở liên kết này: https://experts.example/invitations/abc"


class Recorder:
    """An aiosmtpd handler that keeps what it accepts and answers the next
    ``refusals`` messages with the given codes first."""

    def __init__(self):
        self.received = []
        self.refusals = []
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)  # a slow server (the test's own thread)
        if self.refusals:
            return self.refusals.pop(0)
        self.received.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_app(tmp_path, database_url, smtp):
    app = make_app(tmp_path, database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port,
                   MAIL_USE_TLS=False, MAIL_TIMEOUT=5, MAIL_SENDER="expertnet@haiphong.example",
                   BASE_URL=SITE)
    with app.app_context():
        yield app
    app.extensions["expertnet.search"].close()
    if not database.is_closed():
        database.close()


def _compose():
    return SUBJECT, BODY


def _parsed(envelope):
    return email.message_from_bytes(envelope.original_content, policy=policy.default)


def _time_passes(row_id):
    """The retry time of the message is reached."""
    (MailMessage.update(next_attempt_at=utcnow() - datetime.timedelta(seconds=1))
     .where(MailMessage.id == row_id).execute())


def test_the_server_receives_the_message_in_utf8_and_the_body_is_erased(smtp_app, smtp):
    row = mail.send("duc@example.org", "invitation", _compose, language="vi")
    [envelope] = smtp.handler.received
    assert envelope.rcpt_tos == ["duc@example.org"]
    assert envelope.mail_from == "expertnet@haiphong.example"
    message = _parsed(envelope)
    assert message["Subject"] == SUBJECT
    assert message["To"] == "duc@example.org"
    assert message["From"] == "Expertnet Hai Phong <expertnet@haiphong.example>"
    assert message["Message-ID"].endswith("@haiphong.example>")
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().replace("\r\n", "\n").strip() == BODY
    stored = MailMessage.get_by_id(row.id)
    assert (stored.status, stored.attempts, stored.error) == ("sent", 1, "")
    # The single-use link does not stay at rest once it went out.
    assert stored.body == "" and "invitations/abc" not in repr(stored.__data__)
    assert stored.subject == SUBJECT


def test_4xx_and_5xx_answers_are_retried_with_growing_delays_then_delivered(smtp_app, smtp):
    smtp.handler.refusals = ["451 4.3.0 Try again later", "554 5.3.0 Transaction failed"]
    before = utcnow()
    row = mail.send("duc@example.org", "invitation", _compose)
    stored = MailMessage.get_by_id(row.id)
    assert (stored.status, stored.attempts) == ("queued", 1)
    assert "451" in stored.error
    first_wait = (stored.next_attempt_at - before).total_seconds()
    assert 59 <= first_wait <= 65
    assert stored.body == BODY  # kept for the next attempt

    # Not due yet: the periodic task leaves it alone.
    assert mail.deliver_due() == {}
    assert MailMessage.get_by_id(row.id).attempts == 1

    _time_passes(row.id)
    before = utcnow()
    assert mail.deliver_due() == {"queued": 1}
    stored = MailMessage.get_by_id(row.id)
    assert (stored.status, stored.attempts) == ("queued", 2)
    assert "554" in stored.error
    assert 299 <= (stored.next_attempt_at - before).total_seconds() <= 305  # 1 min, then 5

    _time_passes(row.id)
    assert mail.deliver_due() == {"sent": 1}
    stored = MailMessage.get_by_id(row.id)
    assert (stored.status, stored.attempts, stored.error, stored.body) == ("sent", 3, "", "")
    [envelope] = smtp.handler.received  # exactly once
    assert _parsed(envelope)["Subject"] == SUBJECT


def test_a_server_that_is_down_gets_the_message_when_it_is_back(smtp_app, smtp):
    smtp_app.config["MAIL_PORT"] = _free_port()  # nothing listens there
    row = mail.send("duc@example.org", "invitation", _compose)
    stored = MailMessage.get_by_id(row.id)
    assert stored.status == "queued" and "ConnectionRefusedError" in stored.error
    smtp_app.config["MAIL_PORT"] = smtp.port  # the server is back
    _time_passes(row.id)
    assert mail.deliver_due() == {"sent": 1}
    assert len(smtp.handler.received) == 1


def _log_in(app, role):
    user = accounts.create_user(f"{role}@example.org", role, password=PASSWORD)
    client = app.test_client()
    assert post_form(client, "/auth/login",
                     {"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_after_the_last_attempt_the_message_failed_and_admins_see_why(smtp_app, smtp):
    smtp_app.config["MAIL_MAX_ATTEMPTS"] = 3
    smtp.handler.refusals = ["550 5.1.1 No such user"] * 3
    row = mail.send("nobody@example.org", "invitation", _compose)
    for _ in range(2):
        _time_passes(row.id)
        mail.deliver_due()
    stored = MailMessage.get_by_id(row.id)
    assert (stored.status, stored.attempts, stored.next_attempt_at) == ("failed", 3, None)
    assert "550" in stored.error
    _time_passes(row.id)
    assert mail.deliver_due() == {}  # nothing more is tried on its own
    assert smtp.handler.received == []

    client = _log_in(smtp_app, "admin")
    page = client.get("/admin/mail?status=failed", headers={"Accept-Language": "en"}).text
    assert "nobody@example.org" in page and "550 5.1.1 No such user" in page
    assert "invitations/abc" not in page  # the state, never the text

    # An admin tries again: it goes out, once.
    response = post_form(client, f"/admin/mail/{row.id}/retry", {}, form_path="/admin/mail")
    assert response.status_code == 302
    assert MailMessage.get_by_id(row.id).status == "sent"
    assert len(smtp.handler.received) == 1


def test_curators_may_not_read_the_outbox(smtp_app):
    client = _log_in(smtp_app, "curator")
    assert client.get("/admin/mail").status_code == 403


def test_the_command_sends_what_failed_again(smtp_app, smtp):
    smtp_app.config["MAIL_MAX_ATTEMPTS"] = 1
    smtp.handler.refusals = ["421 4.7.0 Too busy"]
    row = mail.send("duc@example.org", "invitation", _compose)
    assert MailMessage.get_by_id(row.id).status == "failed"
    runner = smtp_app.test_cli_runner()
    result = runner.invoke(args=["mail-retry", "--failed"])
    assert result.exit_code == 0, result.output
    assert "1 failed messages queued again" in result.output
    assert "Sent: 1" in result.output
    assert len(smtp.handler.received) == 1


def test_the_command_can_skip_the_back_off(smtp_app, smtp):
    smtp.handler.refusals = ["451 4.3.0 Try again later"]
    row = mail.send("duc@example.org", "invitation", _compose)
    runner = smtp_app.test_cli_runner()
    assert "Sent: 0" in runner.invoke(args=["mail-retry"]).output  # still waiting
    result = runner.invoke(args=["mail-retry", "--now", "--lang", "vi"])
    assert result.exit_code == 0 and "Đã gửi: 1" in result.output
    assert MailMessage.get_by_id(row.id).status == "sent"


def test_a_message_is_delivered_once_however_often_the_task_runs(smtp_app, smtp):
    row = mail.send("duc@example.org", "invitation", _compose)
    mail.deliver(row.id)  # the queue hands it over twice
    assert mail.deliver.call_local(row.id) is None
    assert mail.deliver_due() == {}
    assert len(smtp.handler.received) == 1


def test_two_workers_racing_for_one_message_send_it_once(smtp_app, smtp):
    smtp.handler.refusals = ["451 4.3.0 Try again later"]
    row = mail.send("duc@example.org", "invitation", _compose)
    _time_passes(row.id)
    smtp.handler.delay = 0.3
    results = []

    def worker():
        with smtp_app.app_context():
            results.append(mail.deliver.call_local(row.id))
            if not database.is_closed():
                database.close()
    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [None, None, "sent"]
    assert len(smtp.handler.received) == 1


def test_a_claim_left_by_a_killed_worker_is_taken_again_later(smtp_app, smtp):
    smtp.handler.refusals = ["451 4.3.0 Try again later"]
    row = mail.send("duc@example.org", "invitation", _compose)
    # A worker claimed it and died before answering.
    (MailMessage.update(status="sending", claimed_at=utcnow() - datetime.timedelta(minutes=5))
     .where(MailMessage.id == row.id).execute())
    assert mail.deliver_due() == {}  # maybe still sending
    (MailMessage.update(claimed_at=utcnow() - datetime.timedelta(hours=1))
     .where(MailMessage.id == row.id).execute())
    assert mail.deliver_due() == {"sent": 1}
    assert len(smtp.handler.received) == 1


def test_a_rolled_back_transaction_sends_nothing(smtp_app, smtp):
    with pytest.raises(RuntimeError), database.atomic():
        mail.send("duc@example.org", "invitation", _compose)
        raise RuntimeError("the caller's write failed")
    mail.flush()  # what the end of the request does
    assert MailMessage.select().count() == 0
    assert smtp.handler.received == []


def test_a_message_written_in_a_transaction_leaves_after_it_commits(smtp_app, smtp):
    with database.atomic():
        row = mail.send("duc@example.org", "invitation", _compose)
        assert smtp.handler.received == []  # not while the transaction may still roll back
    assert smtp.handler.received == []
    mail.flush()
    assert MailMessage.get_by_id(row.id).status == "sent"
    assert len(smtp.handler.received) == 1


def test_old_bodies_are_erased_even_if_never_sent(smtp_app, smtp):
    smtp_app.config["MAIL_MAX_ATTEMPTS"] = 1
    smtp.handler.refusals = ["550 5.1.1 No such user"]
    row = mail.send("duc@example.org", "invitation", _compose)
    assert MailMessage.get_by_id(row.id).body == BODY
    (MailMessage.update(created_at=utcnow() - datetime.timedelta(hours=73))
     .where(MailMessage.id == row.id).execute())
    mail.deliver_due()
    stored = MailMessage.get_by_id(row.id)
    assert (stored.status, stored.body) == ("failed", "")
    assert mail.requeue_failed() == 0  # nothing left to send again


def test_the_worker_runs_the_outbox_every_minute():
    due = {task.name for task in mail.tasks.huey.read_periodic(datetime.datetime(2026, 1, 1, 8, 17))}
    assert "deliver_due_task" in due


def test_a_request_never_waits_for_the_smtp_server(tmp_path, database_url, smtp):
    app = make_app(tmp_path, database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port,
                   MAIL_USE_TLS=False, MAIL_TIMEOUT=10, TASKS_IMMEDIATE=False, BASE_URL=SITE)
    smtp.handler.delay = 2.0  # a server that takes its time
    huey = app.extensions["expertnet.tasks"]
    try:
        with app.app_context():
            expert = writes.save_profile({"kind": "domestic", "full_name": "Vũ Đức Long",
                                            "visibility": "curators"}).expert
            client = _log_in(app, "curator")
            started = time.monotonic()
            response = post_form(client, f"/experts/{expert.id}/invite",
                                 {"email": "long@example.org", "language": "vi"})
            assert response.status_code == 302
            assert time.monotonic() - started < 1.5
            [row] = MailMessage.select()
            assert row.status == "queued" and smtp.handler.received == []
            # The worker's turn.
            huey.execute(huey.dequeue())
            assert MailMessage.get_by_id(row.id).status == "sent"
            assert len(smtp.handler.received) == 1
    finally:
        app.extensions["expertnet.search"].close()
        if not database.is_closed():
            database.close()


def test_the_migrations_upgrade_an_older_database_and_a_queued_legacy_task_still_sends(
        smtp_app, smtp):
    from playhouse.migrate import SchemaMigrator
    from playhouse.migrate import migrate as apply

    from expertnet.core import migrations
    from expertnet.notifications.models import NOTIFICATION_MODELS
    from expertnet.outreach.models import SAVED_SEARCH_MODELS

    names = ["0031_mail_outbox", "0032_notifications", "0033_saved_searches"]
    with database.atomic():
        database.drop_tables([*SAVED_SEARCH_MODELS[::-1], *NOTIFICATION_MODELS])
        migrator = SchemaMigrator.from_database(database)
        database.execute_sql('DROP INDEX "mail_message_next_attempt_at"')
        apply(*(migrator.drop_column("mail_message", column)
                for column in ("subject", "body", "next_attempt_at", "claimed_at")))
        migrations.SchemaMigration.delete().where(
            migrations.SchemaMigration.name.in_(names)).execute()
        # A message the old code queued: its text travels in the task, not in the table.
        database.execute_sql("INSERT INTO mail_message (recipient, kind, language, status, "
                             "attempts, error, created_at) VALUES ('duc@example.org', "
                             "'invitation', 'vi', 'queued', 0, '', '2026-11-01 00:00:00')")
    assert migrations.upgrade(database) == names
    [row] = MailMessage.select()
    assert (row.status, row.subject, row.body, row.next_attempt_at) == ("queued", "", "", None)
    assert mail.deliver_due() == {}  # the periodic task cannot send what it cannot read
    mail.deliver.call_local(row.id, "duc@example.org", SUBJECT, BODY)  # the old task's arguments
    assert MailMessage.get_by_id(row.id).status == "sent"
    assert _parsed(smtp.handler.received[0])["Subject"] == SUBJECT
    assert migrations.upgrade(database) == []
