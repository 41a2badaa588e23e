"""Self-registration: an expert registers, confirms the address by a
link (a POST behind it), owns a profile visible to curators only, edits it meanwhile;
a curator approves (the chosen visibility, within the consent) or rejects with a
reason; the expert is told by e-mail and on their account page."""
import datetime
import re

import pytest
from conftest import PASSWORD, csrf_token, links_in, log_in, post_form

from expertnet.accounts import data_rights, registrations
from expertnet.accounts.consent import NOTICE_VERSION
from expertnet.accounts.models import Consent, Registration, User
from expertnet.core.db import utcnow
from expertnet.core.models import Audit
from expertnet.directory.models import Expert

EN = {"Accept-Language": "en"}


def form(**changes):
    data = {"email": "minh.tran@example.jp", "password": PASSWORD, "confirm": PASSWORD,
            "full_name": "Trần Quang Minh", "kind": "diaspora", "country": "JP",
            "visibility": "public", "consent_publish": "y"}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def register(app, client=None, address="127.0.0.1", **changes):
    return post_form(client or app.test_client(), "/auth/register", form(**changes),
                     environ_base={"REMOTE_ADDR": address})


def confirm(app, path):
    guest = app.test_client()
    page = guest.get(path)
    if page.status_code != 200:
        return guest, page
    return guest, guest.post(path, data={"csrf_token": csrf_token(guest, path)})


def registered(app, mailbox, **changes):
    """Register and confirm; the logged-in client and the new account."""
    assert register(app, **changes).status_code == 302
    [path] = links_in(mailbox[-1])
    guest, response = confirm(app, path)
    assert response.status_code == 302 and response.location == "/account?registered=1"
    return guest, User.get(User.email == form(**changes)["email"])


def found(client, text):
    return client.get("/api/v1/experts", query_string={"q": text}).json["total"]


@pytest.fixture
def curator(app, make_user):
    client = app.test_client()
    assert log_in(client, make_user("curator").email).status_code == 302
    return client


def test_the_form_has_the_notice_and_unticked_boxes_per_purpose(app, client, mailbox):
    page = client.get("/auth/register", headers=EN).text
    assert "Personal data notice" in page and NOTICE_VERSION in page
    for name in ("consent_publish", "consent_contact"):
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'type="checkbox"' in box and "checked" not in box
    assert 'href="/auth/register"' in client.get("/auth/login").text


def test_registering_confirming_and_waiting_for_a_curator(app, mailbox):
    response = register(app)
    assert response.status_code == 302 and response.location == "/auth/register?sent=1"
    [message] = mailbox
    assert message["To"] == "minh.tran@example.jp"
    [path] = links_in(message)
    # Nothing exists before the address is confirmed, and opening the link changes nothing.
    assert User.select().count() == 0 and Expert.select().count() == 0
    guest = app.test_client()
    page = guest.get(path, headers=EN)
    assert page.status_code == 200 and "Confirm and create my account" in page.text
    assert User.select().count() == 0
    guest, confirmed = confirm(app, path)
    assert confirmed.status_code == 302

    user = User.get(User.email == "minh.tran@example.jp")
    expert = Expert.get_by_id(user.expert_id)
    assert (user.role, expert.full_name, expert.kind, expert.country) == (
        "expert", "Trần Quang Minh", "diaspora", "JP")
    # Visible to curators only, contact details too (no consent to share them).
    assert (expert.visibility, expert.email, expert.email_visibility) == (
        "curators", "minh.tran@example.jp", "curators")
    assert expert.source == "registration" and expert.owner_confirmed_at is not None
    [given] = Consent.select().where(Consent.expert == expert.id)
    assert (given.purpose, given.granted, given.notice_version, given.user_id) == (
        "publish", True, NOTICE_VERSION, user.id)
    row = Registration.get()
    assert (row.status, row.user_id, row.expert_id, row.wanted_visibility) == (
        "pending", user.id, expert.id, "public")
    # What was typed lives in the account and the profile now, not in the registration.
    assert (row.email, row.password_hash, row.full_name) == ("", "", "")
    assert {entry.action for entry in Audit.select().where(Audit.expert_id == expert.id)} >= {
        "profile.create", "consent.grant", "registration.confirm"}

    # Logged in at once; the account page says the profile waits for a curator.
    home = guest.get("/account", headers=EN).text
    assert "waits for a curator's approval" in home
    # Nobody else sees it, anywhere.
    anonymous = app.test_client()
    assert anonymous.get(f"/experts/{expert.id}").status_code == 404
    assert found(anonymous, "Quang Minh") == 0
    # The link worked once.
    assert confirm(app, path)[1].status_code == 404
    assert log_in(app.test_client(), "minh.tran@example.jp").status_code == 302


def test_meanwhile_the_expert_edits_and_the_visibility_waits_for_the_approval(app, mailbox):
    from test_profile_edit import form_data
    guest, user = registered(app, mailbox, visibility="curators")
    expert = Expert.get_by_id(user.expert_id)
    page = guest.get(f"/experts/{expert.id}/edit", headers=EN).text
    assert "waits for a curator's approval" in page
    response = post_form(guest, f"/experts/{expert.id}/edit",
                         form_data(expert, position="Giáo sư thỉnh giảng", visibility="officials"))
    assert response.status_code == 302
    stored = Expert.get_by_id(expert.id)
    assert (stored.position, stored.visibility) == ("Giáo sư thỉnh giảng", "curators")
    assert Registration.get().wanted_visibility == "officials"
    # The form shows the choice that waits; saving it again changes nothing.
    assert re.search(r'<option selected value="officials">|<option value="officials" selected',
                     guest.get(f"/experts/{expert.id}/edit").text)
    assert Audit.select().where(Audit.action == "registration.visibility").count() == 1


def test_a_curator_approves_and_the_chosen_visibility_takes_effect(app, mailbox, curator):
    guest, user = registered(app, mailbox)
    expert_id = user.expert_id
    assert "1 registration awaits approval" in curator.get("/curate/reviews", headers=EN).text
    queue = curator.get("/curate/registrations", headers=EN).text
    row = Registration.get()
    assert "Trần Quang Minh" in queue and user.email in queue
    assert f"/curate/registrations/{row.id}/approve" in queue
    response = post_form(curator, f"/curate/registrations/{row.id}/approve", {},
                         form_path="/curate/registrations")
    assert response.status_code == 302
    assert Expert.get_by_id(expert_id).visibility == "public"
    anonymous = app.test_client()
    assert anonymous.get(f"/experts/{expert_id}").status_code == 200
    assert found(anonymous, "Quang Minh") == 1
    assert Registration.get().status == "approved"
    message = mailbox[-1]
    assert message["To"] == user.email and links_in(message) == ["/account/profile"]
    assert Audit.get(Audit.action == "registration.approve").changed == {
        "registration": row.id, "visibility": "public"}
    assert "Your registration was approved on" in guest.get("/account", headers=EN).text
    # Decided once: a second click answers 404.
    again = post_form(curator, f"/curate/registrations/{row.id}/approve", {},
                      form_path="/curate/registrations")
    assert again.status_code == 404


def test_approval_never_publishes_beyond_the_consent_in_force(app, mailbox, curator):
    from expertnet.accounts import consent
    guest, user = registered(app, mailbox, visibility="officials")
    expert = Expert.get_by_id(user.expert_id)
    consent.decide(expert, user, "publish", False, NOTICE_VERSION)
    row = Registration.get()
    assert "no consent to publishing" in curator.get("/curate/registrations", headers=EN).text
    post_form(curator, f"/curate/registrations/{row.id}/approve", {},
              form_path="/curate/registrations")
    assert Expert.get_by_id(expert.id).visibility == "curators"


def test_a_rejection_needs_a_reason_and_the_expert_is_told(app, mailbox, curator):
    from test_profile_edit import form_data
    guest, user = registered(app, mailbox)
    row = Registration.get()
    blank = post_form(curator, f"/curate/registrations/{row.id}/reject", {"reason": "  "},
                      form_path="/curate/registrations", headers=EN)
    assert blank.status_code == 400 and "Give the reason" in blank.text
    response = post_form(curator, f"/curate/registrations/{row.id}/reject",
                         {"reason": "Không tìm thấy thông tin về cơ quan công tác."},
                         form_path="/curate/registrations")
    assert response.status_code == 302
    assert Registration.get().status == "rejected"
    message = mailbox[-1]
    assert message["To"] == user.email
    assert "Không tìm thấy thông tin về cơ quan công tác." in message.get_content()
    home = guest.get("/account", headers=EN).text
    assert "did not approve your registration" in home
    assert "Không tìm thấy thông tin về cơ quan công tác." in home
    # The owner cannot publish the profile by themselves afterwards.
    expert = Expert.get_by_id(user.expert_id)
    refused = post_form(guest, f"/experts/{expert.id}/edit", form_data(expert, visibility="public"),
                        headers=EN)
    assert refused.status_code == 200 and "was not approved: your profile" in refused.text
    assert Expert.get_by_id(expert.id).visibility == "curators"
    assert Audit.get(Audit.action == "registration.reject").changed["registration"] == row.id


def test_an_address_with_an_account_gets_the_same_answer_and_a_private_message(app, make_user,
                                                                              mailbox):
    make_user("official", email="minh.tran@example.jp")
    known = register(app)
    fresh = register(app, email="someone.new@example.jp")
    assert (known.status_code, known.location) == (fresh.status_code, fresh.location)
    already, confirmation = mailbox
    assert already["To"] == "minh.tran@example.jp"
    assert links_in(already) == ["/auth/login", "/auth/reset"]
    assert confirmation["To"] == "someone.new@example.jp"
    # Nothing is kept for the address that has an account.
    assert [row.email for row in Registration.select()] == ["someone.new@example.jp"]
    assert User.select().where(User.email == "minh.tran@example.jp").count() == 1


def test_an_account_created_meanwhile_wins_and_nothing_is_written(app, make_user, mailbox):
    register(app)
    [path] = links_in(mailbox[0])
    make_user("official", email="minh.tran@example.jp")
    _guest, response = confirm(app, path)
    assert response.status_code == 200 and 'class="notice error"' in response.text
    assert Expert.select().count() == 0 and Registration.get().status == "unverified"


def test_bad_input_is_explained_and_nothing_is_lost(app, client, mailbox):
    response = post_form(client, "/auth/register",
                         form(password="password", confirm="password", country="",
                              consent_publish=None), headers=EN)
    assert response.status_code == 200
    text = response.text
    assert "most common" in text and "is required" in text and "tick the consent" in text
    assert 'value="Trần Quang Minh"' in text and 'value="minh.tran@example.jp"' in text
    assert Registration.select().count() == 0 and mailbox == []


def test_a_link_expires_and_what_was_typed_is_then_deleted(app, mailbox):
    register(app)
    [path] = links_in(mailbox[0])
    Registration.update(expires_at=utcnow() - datetime.timedelta(minutes=1)).execute()
    assert confirm(app, path)[1].status_code == 404
    register(app, email="another@example.jp")
    assert [row.email for row in Registration.select()] == ["another@example.jp"]


def test_registering_is_rate_limited_per_address(app, mailbox):
    client = app.test_client()
    statuses = [register(app, client, email=f"person{number}@example.jp").status_code
                for number in range(10)]
    assert statuses == [302] * 10
    assert register(app, client, email="one.more@example.jp").status_code == 429
    # And per e-mail address, from anywhere.
    for number in range(3):
        assert register(app, email="target@example.jp",
                        address=f"198.51.100.{number}").status_code == 302
    assert register(app, email="target@example.jp", address="198.51.100.9").status_code == 429


def test_without_mail_registration_is_closed(app, client):
    page = client.get("/auth/register", headers=EN)
    assert page.status_code == 200 and "not available on this site" in page.text
    assert 'name="password"' not in page.text
    response = post_form(client, "/auth/register", form(), form_path="/auth/login")
    assert response.status_code == 200 and Registration.select().count() == 0


def test_deleting_the_profile_deletes_its_registration(app, mailbox):
    _guest, user = registered(app, mailbox)
    data_rights.delete_profile(Expert.get_by_id(user.expert_id))
    assert Registration.select().count() == 0
    assert registrations.latest_of(user) is None


def test_the_data_export_includes_the_registration(app, mailbox):
    from expertnet.accounts import data_rights as subject
    _guest, user = registered(app, mailbox)
    data = subject.export(User.get_by_id(user.id))
    assert data["registration"]["status"] == "pending"
    assert data["profile"]["owner_confirmed_at"] is not None
