"""Invitations by e-mail: with mail configured the link goes to the
expert, in the language the curator picks, and the curator sees to whom it went and
whether it went out, never the link; without mail the link is shown (test_invitations)."""
import pytest
from conftest import SITE, csrf_token, links_in, make_app, post_form
from flask_babel import force_locale

from expertnet.accounts.models import Invitation, User
from expertnet.core.i18n import _
from expertnet.core.models import MailMessage

SUBJECT = "Invitation to keep your profile in the Hai Phong expert network"


@pytest.fixture
def curator(app, make_user, login, client):
    login(make_user("curator"))
    return client


def _invite(client, expert, **data):
    return post_form(client, f"/experts/{expert.id}/invite",
                     {"email": "long@example.org", **data})


def test_the_invitation_is_e_mailed_and_the_curator_sees_where_it_went(app, add, curator, mailbox):
    expert = add(full_name="Vũ Đức Long", visibility="curators", email="long@example.org")
    response = _invite(curator, expert, language="en")
    row = Invitation.get()
    assert response.status_code == 302
    assert response.location == f"/experts/{expert.id}/invite?sent={row.id}"
    [message] = mailbox
    assert message["To"] == "long@example.org" and message["Subject"] == SUBJECT
    assert "Vũ Đức Long" in message.get_content()
    [path] = links_in(message)
    assert path.startswith("/invitations/")
    page = curator.get(response.location, headers={"Accept-Language": "en"}).text
    assert "The invitation was sent to long@example.org." in page
    assert "State of the e-mail: sent" in page
    # The link is a credential of the expert: the curator never sees it.
    assert path not in page and 'class="token-once"' not in page
    assert MailMessage.get_by_id(row.mail_message_id).status == "sent"

    guest = app.test_client()
    token = csrf_token(guest, path)
    claimed = guest.post(path, data={"password": "a long enough passphrase",
                                     "confirm": "a long enough passphrase", "csrf_token": token})
    assert claimed.status_code == 302
    assert User.get(User.email == "long@example.org").expert_id == expert.id


def test_the_e_mail_is_in_vietnamese_unless_the_curator_picks_english(app, add, curator, mailbox):
    expert = add(full_name="Vũ Đức Long", visibility="curators")
    _invite(curator, expert)
    [message] = mailbox
    with force_locale("vi"):
        assert message["Subject"] == _(SUBJECT) != SUBJECT
    assert MailMessage.get().language == "vi"
    form = curator.get(f"/experts/{expert.id}/invite", headers={"Accept-Language": "en"}).text
    assert 'name="language"' in form and "Send the invitation" in form


def test_without_base_url_the_curators_request_names_the_site(app, add, curator, mailbox):
    app.config["BASE_URL"] = ""
    expert = add(full_name="Vũ Đức Long", visibility="curators")
    _invite(curator, expert)
    [message] = mailbox
    assert "http://localhost/invitations/" in message.get_content()


def test_a_failed_message_shows_as_failed(app, add, curator, mailbox, monkeypatch):
    import smtplib

    from expertnet.core import outbox as mail

    def refuse(message):
        raise smtplib.SMTPRecipientsRefused({"long@example.org": (550, b"no such user")})
    monkeypatch.setattr(mail, "_transport", refuse)
    expert = add(full_name="Vũ Đức Long", visibility="curators")
    response = _invite(curator, expert)
    page = curator.get(response.location, headers={"Accept-Language": "en"}).text
    # The first failure leaves it in the outbox for a later attempt …
    assert "State of the e-mail: waiting to be sent" in page
    assert "Attempt 1 failed; the next one is at" in page
    # … and after the last attempt it has failed, with the last error.
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    mail.deliver_due(ignore_backoff=True)
    page = curator.get(response.location, headers={"Accept-Language": "en"}).text
    assert "State of the e-mail: could not be sent" in page
    assert "SMTPRecipientsRefused" in page
    assert "http" not in page.split("State of the e-mail")[1].split("</p>")[0]


def test_from_a_worker_the_message_waits_and_carries_the_configured_address(tmp_path, database_url,
                                                                               make_user, add):
    queued = make_app(tmp_path, database_url, MAIL_BACKEND="memory", TASKS_IMMEDIATE=False,
                      BASE_URL=SITE + "/", SKIP_STARTUP=False)
    huey = queued.extensions["expertnet.tasks"]
    try:
        with queued.app_context():
            expert = add(full_name="Vũ Đức Long", visibility="curators")
            curator = make_user("curator")
            client = queued.test_client()
            post_form(client, "/auth/login", {"email": curator.email,
                                              "password": "correct horse battery staple"})
            response = _invite(client, expert)
            page = client.get(response.location, headers={"Accept-Language": "en"}).text
            assert "State of the e-mail: waiting to be sent" in page
            huey.execute(huey.dequeue())
            from expertnet.core import outbox as mail
            [message] = mail.outbox()
            assert f"{SITE}/invitations/" in message.get_content()
    finally:
        queued.extensions["expertnet.search"].close()
