"""Notifications: written beside the e-mail by the places that tell someone something,
shown in the reader's language at display time, unread count in the navigation, marked
read one by one or all at once (POST with CSRF), an empty state and pages."""
import json
import re

import pytest
from conftest import client_as, post_form

from expertnet.accounts import data_rights, invitations, registrations, reviews
from expertnet.accounts.models import PendingChange
from expertnet.directory.models import Expert
from expertnet.notifications import inbox as notifications
from expertnet.notifications.models import Notification
from expertnet.outreach import contact_requests
from expertnet.outreach import needs as records
from expertnet.outreach.models import ContactRequest

EN = {"Accept-Language": "en"}
VI = {"Accept-Language": "vi"}


def _unread_badge(page):
    match = re.search(r'class="notifications-link">[^<]*(?:<strong class="badge"[^>]*>(\d+)</strong>)?',
                      page)
    assert match, "no notifications link in the navigation"
    return int(match.group(1) or 0)


@pytest.fixture
def expert(add):
    # Shared with officials, but not its contact details (they may be asked for).
    return add(full_name="Nguyễn Văn Đức", visibility="officials", organization="Viện Cảng",
               email="duc@example.org", email_visibility="curators", fields="seaports",
               bio_vi="Tự động hóa cảng biển")


def test_a_contact_request_and_its_answer_notify_both_sides_in_their_language(
        app, make_user, official, expert):
    owner = make_user("expert", expert=expert)
    need = records.save({"title": "Tự động hóa cảng biển", "organization": "Sở KH&CN",
                         "available_for": ["consulting"]}, owner=official)
    request = contact_requests.send(need, expert, official, "consulting", "")
    [note] = Notification.select().where(Notification.user == owner.id)
    assert note.kind == "contact_request" and note.link == "/account/requests"
    # The values are kept, never a text in one language.
    assert json.loads(note.params) == {"department": request.department,
                                       "title": "Tự động hóa cảng biển"}

    expert_client = client_as(app, owner)
    page = expert_client.get("/notifications", headers=EN).text
    assert f"An official of {request.department} asks for your contact details" in page
    assert 'href="/account/requests"' in page
    page_vi = expert_client.get("/notifications", headers=VI).text
    assert "Tự động hóa cảng biển" in page_vi
    assert "asks for your contact details" not in page_vi
    assert _unread_badge(page) == 1

    contact_requests.answer(ContactRequest.get_by_id(request.id), owner, accepted=True)
    [answer] = Notification.select().where(Notification.user == official.id)
    assert answer.kind == "contact_accepted" and answer.link == f"/needs/{need.id}"
    page = client_as(app, official).get("/notifications", headers=EN).text
    assert "The expert accepted your contact request for “Tự động hóa cảng biển”" in page


def test_the_navigation_counts_unread_and_marking_read_is_a_post(app, make_user, client, login):
    user = make_user("expert")
    other = make_user("expert")
    first = notifications.notify(user, "digest", count=3)
    notifications.notify(user, "stale_reminder", expert_id=None, date="2025-01-31")
    theirs = notifications.notify(other, "digest", count=1)
    login(user)
    page = client.get("/notifications", headers=EN).text
    assert _unread_badge(page) == 2
    assert "3 new experts match your saved searches." in page
    assert "was last confirmed on 31 Jan 2025" in page
    # GET changes nothing; a POST without its token is refused.
    assert client.get(f"/notifications/{first.id}/read").status_code == 405
    assert client.post(f"/notifications/{first.id}/read").status_code == 400
    # Someone else's notification does not exist for this account.
    assert post_form(client, f"/notifications/{theirs.id}/read", {},
                     form_path="/notifications").status_code == 404
    assert Notification.get_by_id(theirs.id).read_at is None

    response = post_form(client, f"/notifications/{first.id}/read", {}, form_path="/notifications")
    assert response.status_code == 302
    assert Notification.get_by_id(first.id).read_at is not None
    assert _unread_badge(client.get("/notifications").text) == 1

    post_form(client, "/notifications/read", {}, form_path="/notifications")
    assert notifications.unread_count(user.id) == 0
    assert notifications.unread_count(other.id) == 1
    page = client.get("/notifications", headers=EN).text
    assert _unread_badge(page) == 0 and "Mark all as read" not in page


def test_empty_state_and_pages(app, make_user, client, login):
    user = make_user("official")
    login(user)
    page = client.get("/notifications", headers=EN).text
    assert "No notifications yet." in page
    for number in range(notifications.PER_PAGE + 5):
        notifications.notify(user, "digest", count=number + 1)
    first = client.get("/notifications", headers=EN).text
    assert "25 new experts" in first and "1 new expert matches" not in first
    assert 'href="/notifications?page=2"' in first
    second = client.get("/notifications?page=2", headers=EN).text
    assert "1 new expert matches your saved searches." in second
    assert "25 new experts" not in second
    assert client.get("/notifications?page=999999999999").status_code == 200
    assert client.get("/notifications?page=abc").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_curators_decisions_notify_the_person(app, make_user, add, mailbox):
    expert = add(full_name="Trần Thị Mai", visibility="public", organization="Viện A")
    owner = make_user("expert", expert=expert)
    curator = make_user("curator")
    row = PendingChange.create(expert=expert.id, user_id=owner.id, base_version=expert.version,
                               proposed=json.dumps({"organization": "Viện B"}),
                               original=json.dumps({"organization": "Viện A"}))
    reviews.reject(row, curator.id, "Thiếu nguồn")
    reviews.tell_outcome(PendingChange.get_by_id(row.id), "https://experts.example")
    [note] = Notification.select().where(Notification.user == owner.id)
    assert note.kind == "review_rejected"
    with app.test_request_context(headers=EN):
        assert "A curator rejected the changes you proposed on" in notifications.text(note)
        assert "Thiếu nguồn" in notifications.text(note)
    assert len(mailbox) == 1  # and the e-mail beside it


def test_a_claimed_invitation_tells_the_curator_who_sent_it(app, make_user, add):
    expert = add(full_name="Phạm Văn Long", visibility="curators")
    curator = make_user("curator")
    row, _token = invitations.create(expert, "long@example.org", actor=curator.id)
    invitations.claim(row, "correct horse battery staple")
    [note] = Notification.select().where(Notification.user == curator.id)
    assert note.kind == "invitation_claimed" and note.link == f"/experts/{expert.id}"
    with app.test_request_context(headers=EN):
        assert notifications.text(note) == \
            "Phạm Văn Long accepted your invitation and now keeps their profile."
    # The name is read when shown: once the profile is deleted, no name is left behind.
    assert "Phạm Văn Long" not in note.params
    data_rights.delete_profile(Expert.get_by_id(expert.id))
    with app.test_request_context(headers=EN):
        assert notifications.text(Notification.get_by_id(note.id)) == \
            "(a deleted profile) accepted your invitation and now keeps their profile."


def test_a_registration_decision_is_notified_even_without_mail(app, make_user, add):
    from expertnet.accounts.models import Registration
    from expertnet.core.db import utcnow
    expert = add(full_name="Hoàng Minh", visibility="curators")
    person = make_user("expert", expert=expert)
    row = Registration.create(expert=expert.id, user_id=person.id, status="pending",
                              nonce="n", verified_at=utcnow(), expires_at=utcnow())
    registrations.approve(row, make_user("curator").id)
    assert registrations.tell_outcome(Registration.get_by_id(row.id), "https://x.example") is None  # no mail
    [note] = Notification.select().where(Notification.user == person.id)
    assert note.kind == "registration_approved"


def test_an_unknown_kind_is_refused(app, make_user):
    with pytest.raises(ValueError):
        notifications.notify(make_user("expert"), "no_such_kind")
