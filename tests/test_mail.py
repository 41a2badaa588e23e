"""Outgoing e-mail: queued as a task, sent by SMTP, its body erased once sent."""
import socketserver
import threading

import pytest
from conftest import make_app

from expertnet.core import outbox as mail
from expertnet.core.models import MailMessage


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib to hand over one message."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data)
                self.server.received.append(b"".join(lines))
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _compose():
    return "Lời mời", "Xin chào Đức,\nhttps://example.invalid/x"


def test_without_a_mail_server_nothing_is_queued(app):
    assert not mail.enabled()
    assert mail.send("duc@example.org", "invitation", _compose) is None
    assert MailMessage.select().count() == 0


def test_memory_backend_keeps_the_message_and_records_it_without_the_body(app):
    app.config["MAIL_BACKEND"] = "memory"
    row = mail.send("duc@example.org", "invitation", _compose, language="en")
    [message] = mail.outbox()
    assert message["To"] == "duc@example.org"
    assert message["Subject"] == "Lời mời"
    assert "Xin chào Đức" in message.get_content()
    stored = MailMessage.get_by_id(row.id)
    assert (stored.status, stored.kind, stored.language, stored.attempts) == ("sent", "invitation", "en", 1)
    assert stored.sent_at is not None
    assert "example.invalid" not in repr(stored.__data__)


def test_smtp_backend_hands_the_message_to_the_server(tmp_path, database_url, smtp_server):
    host, port = smtp_server.server_address
    app = make_app(tmp_path, database_url, MAIL_SERVER=host, MAIL_PORT=port, MAIL_USE_TLS=False,
                   MAIL_SENDER="expertnet@haiphong.example")
    with app.app_context():
        assert mail.backend() == "smtp"
        row = mail.send("duc@example.org", "invitation", _compose)
        assert MailMessage.get_by_id(row.id).status == "sent"
    [raw] = smtp_server.received
    assert b"To: duc@example.org" in raw
    assert b"From: Expertnet Hai Phong <expertnet@haiphong.example>" in raw
    app.extensions["expertnet.search"].close()


def test_an_unreachable_server_keeps_the_message_for_a_retry(tmp_path, database_url):
    # A port nothing listens on: the connection is refused at once.
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = make_app(tmp_path, database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                   MAIL_USE_TLS=False, MAIL_TIMEOUT=2)
    with app.app_context():
        row = mail.send("duc@example.org", "invitation", _compose)
        stored = MailMessage.get_by_id(row.id)
        # Back in the outbox for the next attempt (tests/test_outbox.py goes on).
        assert (stored.status, stored.attempts) == ("queued", 1)
        assert stored.next_attempt_at > stored.created_at
        assert "ConnectionRefusedError" in stored.error
    app.extensions["expertnet.search"].close()


def test_outside_tests_messages_wait_in_the_queue_for_the_worker(tmp_path, database_url):
    app = make_app(tmp_path, database_url, MAIL_BACKEND="memory", TASKS_IMMEDIATE=False)
    huey = app.extensions["expertnet.tasks"]
    with app.app_context():
        row = mail.send("duc@example.org", "invitation", _compose)
        assert MailMessage.get_by_id(row.id).status == "queued"
        assert mail.outbox() == []
        assert (tmp_path / "instance" / "tasks.sqlite3").exists()
        # What `flask worker` does for each task, without its signal handlers.
        huey.execute(huey.dequeue())
        assert MailMessage.get_by_id(row.id).status == "sent"
        assert len(mail.outbox()) == 1
    app.extensions["expertnet.search"].close()
