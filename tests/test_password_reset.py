"""Password reset (SECURITY.md): a signed, single-use link that expires in hours; asking
answers the same whether or not the address has an account; using it ends every other
session. Without mail the page says so, and an admin sets a password instead."""
import datetime
import re

import itsdangerous.timed
import pytest
from conftest import PASSWORD, csrf_token, links_in, log_in, make_app, post_form
from itsdangerous import URLSafeTimedSerializer

from expertnet.accounts import invitations, resets
from expertnet.accounts.models import User
from expertnet.core.models import Audit

NEW = "a brand new passphrase"


def ask(client, email, **kwargs):
    return post_form(client, "/auth/reset", {"email": email}, **kwargs)


def choose(app, path, password=NEW, confirm=None):
    guest = app.test_client()
    page = guest.get(path)
    if page.status_code != 200:
        return page
    token = csrf_token(guest, path)
    return guest.post(path, data={"password": password, "confirm": confirm or password,
                                  "csrf_token": token})


@pytest.fixture
def person(make_user):
    return make_user("official", email="thu.ha@example.org")


def _link(mailbox):
    [message] = mailbox
    [path] = links_in(message)
    return path


def test_the_link_sets_a_new_password_once_and_ends_every_other_session(app, client, person,
                                                                           login, mailbox):
    login(person, remember=True)
    cookies = {name: client.get_cookie(name).value for name in ("session", "remember_token")}
    response = ask(app.test_client(), "Thu.Ha@example.org")
    assert response.status_code == 302 and response.location == "/auth/reset?sent=1"
    [message] = mailbox
    assert message["To"] == "thu.ha@example.org"
    path = _link(mailbox)
    assert path.startswith("/auth/reset/")

    chosen = choose(app, path)
    assert chosen.status_code == 302 and chosen.location == "/auth/login?reset=1"
    assert log_in(app.test_client(), person.email, PASSWORD).status_code == 200
    assert log_in(app.test_client(), person.email, NEW).status_code == 302
    # The session and the remember-me cookie from before are worthless now.
    assert client.get("/account").status_code == 302
    replay = app.test_client()
    replay.set_cookie("remember_token", cookies["remember_token"])
    assert replay.get("/account").status_code == 302
    # Used once: the link is dead.
    assert choose(app, path, password="yet another passphrase").status_code == 404
    entry = Audit.get(Audit.action == "user.password_reset")
    assert entry.actor_id == person.id and entry.changed == {"user": person.id}


def test_an_unknown_address_gets_the_same_answer_and_costs_the_same(app, person, mailbox,
                                                                   monkeypatch):
    queued = []
    monkeypatch.setattr(resets, "send_link", lambda *args: queued.append(args))
    known = ask(app.test_client(), person.email)
    unknown = ask(app.test_client(), "nobody@example.org")
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    # Both requests did the same thing: queue one task (the lookup is in the task).
    assert [args[0] for args in queued] == [person.email, "nobody@example.org"]
    first = app.test_client().get(known.location).text
    second = app.test_client().get(unknown.location).text
    strip = re.compile(r'name="csrf_token"[^>]*>')
    assert strip.sub("", first) == strip.sub("", second)
    assert "If an account has this e-mail address" in app.test_client().get(
        known.location, headers={"Accept-Language": "en"}).text


def test_no_message_for_an_unknown_or_deactivated_account(app, person, mailbox):
    from expertnet.accounts import users as accounts
    ask(app.test_client(), "nobody@example.org")
    accounts.deactivate(person)
    ask(app.test_client(), person.email)
    assert mailbox == []


def test_the_password_rules_apply_and_a_refusal_leaves_the_link_usable(app, person, mailbox):
    ask(app.test_client(), person.email)
    path = _link(mailbox)
    refused = choose(app, path, password="password")
    assert refused.status_code == 200 and 'class="field-error"' in refused.text
    assert choose(app, path).status_code == 302


def test_the_link_expires_in_hours_and_belongs_to_its_purpose(app, person, mailbox, monkeypatch):
    ask(app.test_client(), person.email)
    path = _link(mailbox)
    token = path.rsplit("/", 1)[1]
    data = URLSafeTimedSerializer("test", salt=resets.SALT).loads(token)
    # The same data signed for an invitation, or with another key, is refused.
    other_purpose = URLSafeTimedSerializer("test", salt=invitations.SALT).dumps(data)
    wrong_key = URLSafeTimedSerializer("not-the-key", salt=resets.SALT).dumps(data)
    assert choose(app, f"/auth/reset/{other_purpose}").status_code == 404
    assert choose(app, f"/auth/reset/{wrong_key}").status_code == 404
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=3)
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                        lambda self: int(later.timestamp()))
    assert choose(app, path).status_code == 404


def test_logging_out_everywhere_also_kills_an_unused_link(app, person, mailbox):
    from expertnet.accounts import users as accounts
    ask(app.test_client(), person.email)
    accounts.end_sessions(person)
    assert choose(app, _link(mailbox)).status_code == 404


def test_asking_is_rate_limited_per_address_and_per_account(app, person, mailbox):
    client = app.test_client()
    statuses = [ask(client, f"someone{number}@example.org").status_code for number in range(10)]
    assert statuses == [302] * 10
    assert ask(client, "someone@example.org").status_code == 429
    # Another address is not blocked, but one account is asked for at most three times.
    for number in range(3):
        other = app.test_client()
        assert ask(other, person.email,
                   environ_base={"REMOTE_ADDR": f"198.51.100.{number}"}).status_code == 302
    assert ask(app.test_client(), person.email.upper(),
               environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 429
    assert len(mailbox) == 3


def test_the_login_page_links_to_the_reset(client):
    page = client.get("/auth/login", headers={"Accept-Language": "en"}).text
    assert 'href="/auth/reset"' in page and "Forgot your password?" in page


# -- without mail, or without an address the links can trust ---------------------------
def test_without_mail_the_page_says_to_ask_a_curator_or_an_admin(app, client, person):
    page = client.get("/auth/reset", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "cannot be reset by e-mail here" in page.text and 'name="email"' not in page.text
    answer = ask(client, person.email, form_path="/auth/login")
    assert answer.status_code == 200 and "administrator" in client.get(
        "/auth/reset", headers={"Accept-Language": "en"}).text


def test_an_anonymous_request_never_names_the_site_by_its_host_header(app, client, person, mailbox):
    app.config["BASE_URL"] = ""
    # Neither BASE_URL nor TRUSTED_HOSTS: a forged Host could receive the token.
    assert 'name="email"' not in client.get("/auth/reset").text
    app.config["TRUSTED_HOSTS"] = ["localhost"]
    assert ask(client, person.email).status_code == 302
    [message] = mailbox
    assert "http://localhost/auth/reset/" in message.get_content()
    forged = client.get("/auth/reset", headers={"Host": "evil.example"})
    assert forged.status_code == 400


def test_an_admin_sets_a_password_and_every_session_of_the_account_ends(app, person, make_user):
    holder = app.test_client()
    assert log_in(holder, person.email).status_code == 302
    admin = app.test_client()
    assert log_in(admin, make_user("admin").email).status_code == 302
    response = post_form(admin, f"/admin/users/{person.id}/password",
                         {"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert holder.get("/account").status_code == 302
    assert log_in(app.test_client(), person.email, NEW).status_code == 302
    entry = Audit.get(Audit.action == "user.password_set")
    assert entry.changed == {"user": person.id} and entry.actor_id != person.id
    weak = post_form(admin, f"/admin/users/{person.id}/password",
                     {"password": "password", "confirm": "password"})
    assert weak.status_code == 200 and 'class="field-error"' in weak.text
    assert "/admin/users/" in admin.get("/admin/users").text


def test_setting_a_password_needs_the_admins_fresh_login(app, person, make_user):
    admin_user = make_user("admin")
    first = app.test_client()
    assert log_in(first, admin_user.email, remember=True).status_code == 302
    remembered = app.test_client()
    remembered.set_cookie("remember_token", first.get_cookie("remember_token").value)
    page = remembered.get(f"/admin/users/{person.id}/password")
    assert page.status_code == 302 and page.location.startswith("/auth/login")
    assert User.get_by_id(person.id).password_hash == person.password_hash


def test_from_a_worker_the_lookup_and_the_message_happen_in_the_task(tmp_path, database_url,
                                                                        person):
    queued = make_app(tmp_path, database_url, MAIL_BACKEND="memory", TASKS_IMMEDIATE=False,
                      BASE_URL="https://experts.example")
    huey = queued.extensions["expertnet.tasks"]
    try:
        with queued.app_context():
            from expertnet.core import outbox as mail
            response = ask(queued.test_client(), person.email)
            assert response.status_code == 302 and mail.outbox() == []
            huey.execute(huey.dequeue())   # the reset task: looks up, queues the message
            huey.execute(huey.dequeue())   # the delivery
            [message] = mail.outbox()
            assert "https://experts.example/auth/reset/" in message.get_content()
    finally:
        queued.extensions["expertnet.search"].close()
