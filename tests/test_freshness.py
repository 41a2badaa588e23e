"""Keeping profiles fresh: a profile its owner has not confirmed for
STALE_MONTHS is stale; the owner sees a banner with a one-click "still correct" and
gets at most one reminder every STALE_REMIND_DAYS, whose signed link leads to a page
with the button; curators list stale profiles."""
import datetime

import itsdangerous.timed
import pytest
from conftest import SITE, csrf_token, links_in, log_in, make_app, post_form

from expertnet.core.db import utcnow
from expertnet.core.models import Audit
from expertnet.directory import freshness
from expertnet.directory.models import Expert

EN = {"Accept-Language": "en"}


def aged(expert, days):
    """Make ``expert`` look last changed ``days`` ago."""
    then = utcnow() - datetime.timedelta(days=days)
    Expert.update(updated_at=then, created_at=then).where(Expert.id == expert.id).execute()
    return Expert.get_by_id(expert.id)


@pytest.fixture
def owned(add, make_user):
    """A stale profile (400 days old) and its owner."""
    expert = aged(add(full_name="Phạm Thị Hoa", visibility="public", organization="Viện Biển"),
                  400)
    owner = make_user("expert", expert=expert)
    # Claiming bumps the version (a trust signal the index holds): read it again.
    return Expert.get_by_id(expert.id), owner


def test_months_are_calendar_months():
    moment = datetime.datetime(2024, 3, 31, 12, 0)
    assert freshness.months_before(moment, 1) == datetime.datetime(2024, 2, 29, 12, 0)
    assert freshness.months_before(moment, 12) == datetime.datetime(2023, 3, 31, 12, 0)
    assert freshness.months_before(moment, 25) == datetime.datetime(2022, 2, 28, 12, 0)


def test_stale_counts_from_the_owners_confirmation_then_the_last_change(app, add):
    expert = add(full_name="Mới Sửa")
    assert not freshness.is_stale(expert)
    old = aged(expert, 370)
    assert freshness.is_stale(old)
    Expert.update(owner_confirmed_at=utcnow() - datetime.timedelta(days=45)).where(
        Expert.id == expert.id).execute()
    assert not freshness.is_stale(Expert.get_by_id(expert.id))
    app.config["STALE_MONTHS"] = 1
    assert freshness.is_stale(Expert.get_by_id(expert.id))


def test_the_owner_sees_the_banner_and_confirms_in_one_click(app, owned, client, login):
    expert, owner = owned
    login(owner)
    home = client.get("/account", headers=EN).text
    assert "Is your profile still correct?" in home and "/account/profile/still-correct" in home
    assert "Is your profile still correct?" in client.get(f"/experts/{expert.id}/edit",
                                                          headers=EN).text
    before = Expert.get_by_id(expert.id)
    response = post_form(client, "/account/profile/still-correct", {}, form_path="/account")
    assert response.status_code == 302 and response.location == "/account?confirmed=1"
    after = Expert.get_by_id(expert.id)
    assert after.owner_confirmed_at is not None and not freshness.is_stale(after)
    # Nothing a curator vouched for moves: values, version, updated_at, the curator's mark.
    assert (after.version, after.updated_at, after.confirmed_at, after.full_name) == (
        before.version, before.updated_at, before.confirmed_at, before.full_name)
    entry = Audit.get(Audit.action == "profile.owner_confirm")
    assert (entry.actor_id, entry.expert_id) == (owner.id, expert.id)
    assert "Is your profile still correct?" not in client.get("/account", headers=EN).text


def test_the_confirmation_needs_the_csrf_token(app, owned, client, login):
    _expert, owner = owned
    login(owner)
    assert client.post("/account/profile/still-correct").status_code == 400


def test_saving_the_profile_counts_as_confirming_it(app, owned, client, login):
    from test_profile_edit import form_data
    expert, owner = owned
    login(owner)
    post_form(client, f"/experts/{expert.id}/edit", form_data(expert, city="Hải Phòng"))
    assert not freshness.is_stale(Expert.get_by_id(expert.id))
    # An owner's save is audited as the save, not twice.
    assert Audit.select().where(Audit.action == "profile.owner_confirm").count() == 0


def test_a_curators_edit_does_not_confirm_for_the_owner(app, owned, make_user):
    from expertnet.directory import writes
    expert, _owner = owned
    Expert.update(owner_confirmed_at=utcnow() - datetime.timedelta(days=400)).where(
        Expert.id == expert.id).execute()
    writes.save_profile({"city": "Hải Phòng"}, expert=Expert.get_by_id(expert.id),
                          actor=make_user("curator").id)
    assert freshness.is_stale(Expert.get_by_id(expert.id))


def _remind(runner, *args):
    return runner.invoke(args=["remind-stale", *args])


def test_remind_stale_emails_each_owner_once_per_period(app, runner, owned, add, make_user, mailbox):
    expert, owner = owned
    aged(add(full_name="Không Có Chủ"), 500)          # no owner: nobody to remind
    inactive = aged(add(full_name="Đã Nghỉ"), 500)
    from expertnet.accounts import users as accounts
    accounts.deactivate(make_user("expert", expert=inactive))
    fresh = add(full_name="Vừa Cập Nhật")
    make_user("expert", expert=fresh)

    dry = _remind(runner, "--dry-run")
    assert dry.exit_code == 0 and owner.email in dry.output and "1 owners would" in dry.output
    assert mailbox == [] and Expert.get_by_id(expert.id).stale_reminded_at is None

    result = _remind(runner)
    assert result.exit_code == 0, result.output
    [message] = mailbox
    assert message["To"] == owner.email and "Phạm Thị Hoa" in message.get_content()
    check, edit = links_in(message)
    assert check.startswith("/profile-check/") and edit == f"/experts/{expert.id}/edit"
    assert Expert.get_by_id(expert.id).stale_reminded_at is not None

    assert _remind(runner).exit_code == 0 and len(mailbox) == 1   # not again so soon
    Expert.update(stale_reminded_at=utcnow() - datetime.timedelta(days=31)).where(
        Expert.id == expert.id).execute()
    assert _remind(runner).exit_code == 0 and len(mailbox) == 2


def test_the_reminder_link_leads_to_a_page_with_the_button(app, runner, owned, mailbox):
    expert, owner = owned
    _remind(runner)
    [check, _edit] = links_in(mailbox[0])
    guest = app.test_client()
    page = guest.get(check, headers=EN)
    assert page.status_code == 200
    assert "Yes, it is still correct" in page.text and "Viện Biển" in page.text
    # Opening the link (a mail scanner does) changes nothing.
    assert Expert.get_by_id(expert.id).owner_confirmed_at is None
    response = guest.post(check, data={"csrf_token": csrf_token(guest, check)})
    assert response.status_code == 302
    assert not freshness.is_stale(Expert.get_by_id(expert.id))
    assert Audit.get(Audit.action == "profile.owner_confirm").actor_id == owner.id
    assert "Thank you" in guest.get(response.location, headers=EN).text


def test_a_reminder_link_dies_with_time_or_with_the_ownership(app, runner, owned, mailbox,
                                                              monkeypatch):
    from expertnet.accounts.models import User
    expert, owner = owned
    _remind(runner)
    [check, _edit] = links_in(mailbox[0])
    assert app.test_client().get(check[:-2] + "xx").status_code == 404
    User.update(expert=None).where(User.id == owner.id).execute()
    assert app.test_client().get(check).status_code == 404
    User.update(expert=expert.id).where(User.id == owner.id).execute()
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=31)
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                        lambda self: int(later.timestamp()))
    assert app.test_client().get(check).status_code == 404


def test_remind_stale_needs_mail_and_the_sites_address(app, runner, owned, mailbox):
    app.config["BASE_URL"] = ""
    result = _remind(runner)
    assert result.exit_code == 1 and "EXPERTNET_BASE_URL" in result.output
    app.config["MAIL_BACKEND"] = "none"
    result = _remind(runner)
    assert result.exit_code == 1 and "not configured" in result.output
    assert mailbox == []


def test_the_worker_sends_what_the_command_queued(tmp_path, database_url, owned):
    expert, owner = owned
    queued = make_app(tmp_path, database_url, MAIL_BACKEND="memory", TASKS_IMMEDIATE=False,
                      BASE_URL=SITE)
    huey = queued.extensions["expertnet.tasks"]
    try:
        with queued.app_context():
            from expertnet.core import outbox as mail
            result = queued.test_cli_runner().invoke(args=["remind-stale"])
            assert result.exit_code == 0 and "1 reminders queued" in result.output
            assert mail.outbox() == []
            huey.execute(huey.dequeue())   # the reminder: composes, queues the delivery
            huey.execute(huey.dequeue())   # the delivery
            [message] = mail.outbox()
            assert message["To"] == owner.email
            assert f"{SITE}/profile-check/" in message.get_content()
    finally:
        queued.extensions["expertnet.search"].close()


def test_curators_list_stale_profiles(app, owned, add, make_user):
    expert, owner = owned
    unowned = aged(add(full_name="Không Có Chủ"), 500)
    add(full_name="Vừa Cập Nhật")
    curator = app.test_client()
    assert log_in(curator, make_user("curator").email).status_code == 302
    page = curator.get("/curate/stale", headers=EN).text
    assert "Phạm Thị Hoa" in page and "Không Có Chủ" in page and "Vừa Cập Nhật" not in page
    assert owner.email in page and "no owner" in page and "2 profiles" in page
    # Longest unconfirmed first.
    assert page.index("Không Có Chủ") < page.index("Phạm Thị Hoa")
    only_owned = curator.get("/curate/stale?owned=1", headers=EN).text
    assert "Phạm Thị Hoa" in only_owned and "Không Có Chủ" not in only_owned
    assert f"/experts/{unowned.id}" in page
