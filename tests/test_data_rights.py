"""The data subject's rights: download everything, see who saw the contact details,
ask for deletion, a curator confirms, and the profile is gone from the database, the
index and the audit values."""
import json

import pytest
from conftest import csrf_token, log_in, post_form

from expertnet.accounts import consent
from expertnet.accounts.models import Consent, DeletionRequest, User
from expertnet.core.models import Audit
from expertnet.directory import writes
from expertnet.directory.models import Expert


@pytest.fixture
def person(app, add, make_user, login):
    expert = add(full_name="Hoàng Minh Tuấn", visibility="public", email="tuan@example.org",
                 phone="+84 913 000 111", organization="Viện Tuấn Minh", fields="ai")
    user = make_user("expert", expert=expert)
    writes.save_profile({"city": "Hải Phòng"}, expert=expert, actor=user.id, via="screen")
    login(user)
    consent.decide(expert, user, "publish", True, consent.NOTICE_VERSION)
    return Expert.get_by_id(expert.id), user


def test_the_expert_downloads_everything_held_about_them(app, client, person, make_user):
    expert, user = person
    official = make_user("official")
    other = app.test_client()
    log_in(other, official.email)
    other.get(f"/experts/{expert.id}")  # an official's view of the contact details
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = response.json
    assert data["account"]["email"] == user.email
    assert data["profile"]["full_name"] == "Hoàng Minh Tuấn"
    assert data["profile"]["email"] == "tuan@example.org"
    assert data["profile"]["fields"] == ["ai"] and data["profile"]["city"] == "Hải Phòng"
    assert [row["purpose"] for row in data["consents"]] == ["publish"]
    assert data["consents"][0]["notice_version"] == consent.NOTICE_VERSION
    actions = [row["action"] for row in data["audit"]]
    assert actions[:3] == ["profile.create", "user.create", "profile.update"]
    assert "contact.view" in actions and "consent.grant" in actions
    assert data["contact_views"][0]["who"] == official.email
    assert data["contact_views"][0]["fields"] == ["email", "phone"]
    # The download itself is logged.
    assert Audit.select().where((Audit.action == "data.export")
                                & (Audit.actor_id == user.id)).count() == 1


@pytest.mark.parametrize("path", ["/account/data.json", "/account/data.html"])
def test_the_download_needs_a_fresh_login(app, person, path):
    _expert, user = person
    first = app.test_client()
    log_in(first, user.email, remember=True)
    remembered = app.test_client()
    remembered.set_cookie("remember_token", first.get_cookie("remember_token").value)
    response = remembered.get(path)
    assert response.status_code == 302 and "/auth/login" in response.location


def test_the_owner_sees_who_viewed_their_contact_details(app, client, person, make_user):
    expert, _user = person
    official = make_user("official", email="can.bo.so@example.org")
    other = app.test_client()
    log_in(other, official.email)
    other.get(f"/api/v1/experts/{expert.id}")
    page = client.get("/account/privacy", headers={"Accept-Language": "en"}).text
    assert "can.bo.so@example.org" in page and "API" in page


def test_deletion_asked_by_the_owner_and_confirmed_by_a_curator(app, client, person, make_user):
    expert, user = person
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/experts", query_string={"q": "Hoàng Minh Tuấn"}).json["total"] == 1
    response = post_form(client, "/account/deletion-request", {}, form_path="/account/privacy")
    assert response.status_code == 302
    request = DeletionRequest.get()
    assert (request.expert_id, request.requested_by, request.status) == (expert.id, user.id,
                                                                        "pending")
    # Asking twice keeps one request.
    post_form(client, "/account/deletion-request", {}, form_path="/account/privacy")
    assert DeletionRequest.select().count() == 1
    # Nothing happens before a curator confirms.
    assert Expert.get_or_none(Expert.id == expert.id) is not None

    curator = app.test_client()
    curator_user = make_user("curator")
    log_in(curator, curator_user.email)
    assert "Hoàng Minh Tuấn" in curator.get("/admin/deletions").text
    token = csrf_token(curator, "/admin/deletions")
    response = curator.post(f"/admin/deletions/{request.id}/confirm", data={"csrf_token": token})
    assert response.status_code == 302

    assert Expert.get_or_none(Expert.id == expert.id) is None
    assert Consent.select().count() == 0
    assert User.get_by_id(user.id).expert_id is None
    handled = DeletionRequest.get_by_id(request.id)
    assert handled.status == "done" and handled.handled_at is not None
    # A search for the old name, the organisation or a suggestion finds nothing.
    for query in ("Hoàng Minh Tuấn", "Tuan", "Viện Tuấn Minh"):
        assert anonymous.get("/api/v1/experts", query_string={"q": query}).json["total"] == 0
        assert curator.get("/api/v1/experts", query_string={"q": query}).json["total"] == 0
    assert curator.get("/api/v1/suggest", query_string={"q": "Hoàng"}).json["names"] == []
    # The audit keeps a stub and no personal value of the profile.
    rows = list(Audit.select().where(Audit.expert_id == expert.id))
    stub = [row for row in rows if row.action == "profile.delete"]
    assert len(stub) == 1 and stub[0].actor_id == curator_user.id
    text = " ".join(row.changes for row in rows)
    for personal in ("Hoàng", "tuan@example.org", "913", "Hải Phòng", "Viện", user.email):
        assert personal not in text, personal
    update = next(row for row in rows if row.action == "profile.update")
    assert update.changed == {"erased": ["city"]}
    # The owner is told the outcome.
    page = client.get("/account/privacy", headers={"Accept-Language": "en"}).text
    assert "profile deleted" in page


def test_a_refused_request_is_dated_and_changes_nothing(app, client, person, make_user):
    expert, _user = person
    post_form(client, "/account/deletion-request", {}, form_path="/account/privacy")
    request = DeletionRequest.get()
    curator = app.test_client()
    log_in(curator, make_user("curator").email)
    token = csrf_token(curator, "/admin/deletions")
    assert curator.post(f"/admin/deletions/{request.id}/refuse",
                        data={"csrf_token": token}).status_code == 302
    assert DeletionRequest.get_by_id(request.id).status == "refused"
    assert Expert.get_or_none(Expert.id == expert.id) is not None
    # A handled request cannot be confirmed afterwards.
    assert curator.post(f"/admin/deletions/{request.id}/confirm",
                        data={"csrf_token": token}).status_code == 404


def test_only_curators_confirm_and_experts_have_no_id_to_change(app, client, person, add,
                                                                 make_user):
    _expert, _user = person
    post_form(client, "/account/deletion-request", {}, form_path="/account/privacy")
    request = DeletionRequest.get()
    token = csrf_token(client, "/account/privacy")
    assert client.get("/admin/deletions").status_code == 403
    assert client.post(f"/admin/deletions/{request.id}/confirm",
                       data={"csrf_token": token}).status_code == 403
    official = app.test_client()
    log_in(official, make_user("official").email)
    assert official.post("/account/deletion-request",
                         data={"csrf_token": csrf_token(official, "/account/privacy")}
                         ).status_code == 404


def test_the_export_is_json_of_the_signed_in_person_only(app, client, person, add, make_user):
    other = add(full_name="Người Khác Hẳn", email="khac@example.org")
    make_user("expert", expert=other)
    text = json.dumps(client.get("/account/data.json").json, ensure_ascii=False)
    assert "Người Khác Hẳn" not in text and "khac@example.org" not in text
