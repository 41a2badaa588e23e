"""Invitations to claim a profile last ``INVITATION_DAYS`` (default 14: people abroad
answer slowly) and stay single use; every text that states the lifetime states the
configured number of days, in both languages."""
import datetime
import re

import itsdangerous.timed
import pytest
from conftest import PASSWORD, SITE, csrf_token, links_in, post_form

from expertnet.accounts import invitations
from expertnet.accounts.models import Invitation, User
from expertnet.core import outbox as mail
from expertnet.core.db import utcnow
from expertnet.core.models import MailMessage


class Clock:
    """The time the invitations and their signatures see, moved by the test."""

    def __init__(self, monkeypatch):
        self.now = utcnow().replace(microsecond=0)
        monkeypatch.setattr(invitations, "utcnow", lambda: self.now)
        monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                            lambda signer: int(self.now.replace(tzinfo=datetime.UTC).timestamp()))

    def move(self, **delta):
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def curator(app, make_user, login, client):
    login(make_user("curator"))
    return client


def invite(client, expert, language="vi"):
    """The link a curator gets (mail off), and the invitation page's text."""
    page = post_form(client, f"/experts/{expert.id}/invite", {"email": "long@example.org"},
                     headers={"Accept-Language": language})
    assert page.status_code == 200
    link = re.search(r'<p class="token-once">([^<]+)</p>', page.text).group(1)
    return link.replace("http://localhost", ""), page.text


def opens(app, path):
    return app.test_client().get(path).status_code


def claim(app, path, password=PASSWORD):
    guest = app.test_client()
    if guest.get(path).status_code != 200:
        return 404
    return guest.post(path, data={"password": password, "confirm": password,
                                  "csrf_token": csrf_token(guest, path)}).status_code


def test_the_default_lifetime_is_fourteen_days(app):
    assert app.config["INVITATION_DAYS"] == 14
    assert "INVITATION_HOURS" not in app.config


@pytest.mark.parametrize("days", [14, 30, 1])
def test_a_link_works_until_the_configured_days_have_passed(app, add, curator, clock, days):
    app.config["INVITATION_DAYS"] = days
    expert = add(full_name="Vũ Đức Long", visibility="curators", email="long@example.org")
    path, _page = invite(curator, expert)
    row = Invitation.get()
    assert row.expires_at == clock.now + datetime.timedelta(days=days)
    clock.move(days=days, seconds=-60)
    assert opens(app, path) == 200
    clock.move(seconds=120)
    assert opens(app, path) == 404
    assert claim(app, path) == 404
    assert User.select().where(User.email == "long@example.org").count() == 0


def test_the_signature_alone_also_expires_at_the_configured_days(app, add, curator, clock):
    """A stored expiry changed by mistake (or by hand) does not lengthen a link."""
    expert = add(full_name="Vũ Đức Long", visibility="curators", email="long@example.org")
    path, _page = invite(curator, expert)
    Invitation.update(expires_at=datetime.datetime(2100, 1, 1)).execute()
    clock.move(days=14, seconds=-60)
    assert opens(app, path) == 200
    clock.move(seconds=120)
    assert opens(app, path) == 404


def test_a_link_claimed_on_its_last_day_cannot_be_used_again(app, add, curator, clock):
    expert = add(full_name="Vũ Đức Long", visibility="curators", email="long@example.org")
    path, _page = invite(curator, expert)
    clock.move(days=13, hours=23)
    assert claim(app, path) == 302
    assert User.get(User.email == "long@example.org").expert_id == expert.id
    assert Invitation.get().used_at == clock.now
    clock.move(minutes=5)
    assert opens(app, path) == 404
    assert claim(app, path, password="another long passphrase here") == 404
    assert User.select().where(User.email == "long@example.org").count() == 1


def test_the_invitation_page_states_the_configured_days_in_both_languages(app, add, curator):
    expert = add(full_name="Vũ Đức Long", visibility="curators", email="long@example.org")
    _path, english = invite(curator, expert, "en")
    assert "works once and expires in 14 days." in english
    _path, vietnamese = invite(curator, expert, "vi")
    assert "chỉ dùng được một lần và hết hạn sau 14 ngày." in vietnamese
    app.config["INVITATION_DAYS"] = 1
    form = curator.get(f"/experts/{expert.id}/invite", headers={"Accept-Language": "en"}).text
    assert "The link works once and expires in 1 day." in form
    assert "hours" not in form


def test_the_e_mail_states_the_configured_days(app, add, curator, mailbox):
    app.config["INVITATION_DAYS"] = 21
    expert = add(full_name="Vũ Đức Long", visibility="curators", email="long@example.org")
    post_form(curator, f"/experts/{expert.id}/invite", {"email": "long@example.org",
                                                        "language": "en"})
    post_form(curator, f"/experts/{expert.id}/invite", {"email": "long@example.org",
                                                        "language": "vi"})
    english, vietnamese = mailbox
    assert "It works once and expires in 21 days:" in english.get_content()
    assert "chỉ dùng được một lần và hết hạn sau 21 ngày:" in vietnamese.get_content()
    assert links_in(english)[0].startswith("/invitations/")


def bulk(client, data):
    """A bulk action of the data quality page, confirmed."""
    return client.post("/curate/quality/bulk", headers={"Accept-Language": "en"}, data={
        **data, "confirm": "1", "csrf_token": csrf_token(client, "/curate/quality")})


def test_bulk_invitations_state_the_days_and_their_e_mail_is_followed(app, add, curator):
    expert = add(full_name="Trống Trơn", visibility="curators", email="trong@example.org")
    app.config["INVITATION_DAYS"] = 10
    done = bulk(curator, {"action": "invite", "ids": [expert.id]})
    assert "each works once and expires in 10 days." in done.text
    app.config.update(MAIL_BACKEND="memory", BASE_URL=SITE)
    other = add(full_name="Lê Thu Hà", visibility="curators", email="ha@example.org")
    bulk(curator, {"action": "invite", "ids": [other.id]})
    sent = Invitation.get(Invitation.expert == other.id)
    # The same letter as a single invitation, and the profile's invitation page shows it.
    assert MailMessage.get_by_id(sent.mail_message_id).kind == "invitation"
    [letter] = mail.outbox()
    assert letter["To"] == "ha@example.org" and "hết hạn sau 10 ngày:" in letter.get_content()
    page = curator.get(f"/experts/{other.id}/invite", headers={"Accept-Language": "en"}).text
    assert "ha@example.org" in page
