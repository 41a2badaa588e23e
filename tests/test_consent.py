"""Consent per purpose: unticked boxes, the notice and its version stored, withdrawal
hiding the profile (index included) or the contact details at once, history."""
import re

import pytest
from conftest import csrf_token, log_in, post_form
from test_profile_edit import save

from expertnet.accounts import consent
from expertnet.accounts.models import Consent
from expertnet.core.models import Audit
from expertnet.directory.models import Expert


@pytest.fixture
def owner(app, add, make_user, login):
    expert = add(full_name="Đỗ Quang Vinh", visibility="public", email="vinh@example.org",
                 phone="+84 912 345 678", email_visibility="public", phone_visibility="officials",
                 organization="Viện Vinh Quang")
    user = make_user("expert", expert=expert)
    login(user)
    return expert, user


def decide(client, expert, purpose, decision, agree=True, notice=consent.NOTICE_VERSION):
    data = {"purpose": purpose, "decision": decision, "notice_version": notice}
    if agree:
        data["agree"] = "y"
    return post_form(client, f"/experts/{expert.id}/consent", data)


def test_the_page_shows_the_notice_and_unticked_boxes(client, owner):
    expert, _user = owner
    page = client.get(f"/experts/{expert.id}/consent", headers={"Accept-Language": "vi"}).text
    boxes = re.findall(r'<input[^>]*type="checkbox"[^>]*>', page)
    assert len(boxes) == 2 and not any("checked" in box for box in boxes)
    assert "Sở Ngoại vụ" in page and "Sở Khoa học và Công nghệ" in page
    assert "91/2025/QH15" in page and consent.NOTICE_VERSION in page


def test_consent_is_stored_with_purpose_time_and_notice_version(client, owner):
    expert, user = owner
    assert decide(client, expert, "publish", "grant").status_code == 302
    row = Consent.get()
    assert (row.expert_id, row.user_id, row.purpose, row.granted, row.notice_version) == \
        (expert.id, user.id, "publish", True, consent.NOTICE_VERSION)
    assert row.created_at is not None
    assert Audit.select().where(Audit.action == "consent.grant").count() == 1


def test_an_unticked_box_is_not_consent(client, owner):
    expert, _user = owner
    response = decide(client, expert, "publish", "grant", agree=False)
    assert response.status_code == 200 and Consent.select().count() == 0


def test_a_changed_notice_must_be_read_again(client, owner):
    expert, _user = owner
    response = decide(client, expert, "publish", "grant", notice="1999-01")
    assert response.status_code == 200 and Consent.select().count() == 0


def test_withdrawing_publication_hides_the_profile_everywhere_at_once(app, client, owner):
    expert, _user = owner
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/experts", query_string={"q": "Vinh"}).json["total"] == 1
    decide(client, expert, "publish", "grant")
    assert decide(client, expert, "publish", "withdraw").status_code == 302
    assert Expert.get_by_id(expert.id).visibility == "curators"
    # Right after, in the next requests: search, API, page, suggestions.
    assert anonymous.get("/api/v1/experts", query_string={"q": "Vinh"}).json["total"] == 0
    assert anonymous.get("/api/v1/experts", query_string={"q": "Viện Vinh Quang"}).json["total"] == 0
    assert anonymous.get(f"/api/v1/experts/{expert.id}").status_code == 404
    assert anonymous.get(f"/experts/{expert.id}").status_code == 404
    suggestions = anonymous.get("/api/v1/suggest", query_string={"q": "Vinh"}).json
    assert suggestions["names"] == [] and suggestions["organizations"] == []
    page = anonymous.get("/search", query_string={"q": "Vinh"}).text
    assert f'href="/experts/{expert.id}"' not in page
    # The owner still sees it.
    assert client.get(f"/experts/{expert.id}").status_code == 200


def test_withdrawing_contact_hides_both_contact_details(app, client, owner, make_user):
    expert, _user = owner
    decide(client, expert, "contact", "grant")
    decide(client, expert, "contact", "withdraw")
    stored = Expert.get_by_id(expert.id)
    assert (stored.email_visibility, stored.phone_visibility) == ("curators", "curators")
    official = app.test_client()
    log_in(official, make_user("official").email)
    body = official.get(f"/api/v1/experts/{expert.id}").json
    assert "email" not in body and "phone" not in body


def test_the_owner_widens_visibility_only_with_consent(client, owner):
    expert, _user = owner
    decide(client, expert, "publish", "withdraw")
    response = save(client, expert, visibility="public")
    assert response.status_code == 200 and 'class="field-error"' in response.text
    assert Expert.get_by_id(expert.id).visibility == "curators"
    decide(client, expert, "publish", "grant")
    assert save(client, expert, visibility="public").status_code == 302
    assert Expert.get_by_id(expert.id).visibility == "public"


def test_history_is_shown_to_the_owner_and_curators_only(app, client, owner, make_user, login):
    expert, _user = owner
    decide(client, expert, "publish", "grant")
    decide(client, expert, "publish", "withdraw")
    page = client.get(f"/experts/{expert.id}/consent", headers={"Accept-Language": "en"}).text
    assert page.count(">given</td>") == 1 and page.count(">withdrawn</td>") == 1
    curator = app.test_client()
    log_in(curator, make_user("curator").email)
    page = curator.get(f"/experts/{expert.id}/consent", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and page.text.count(">withdrawn</td>") == 1
    assert 'type="checkbox"' not in page.text  # only the person decides
    token = csrf_token(curator, f"/experts/{expert.id}/consent")
    response = curator.post(f"/experts/{expert.id}/consent", data={
        "csrf_token": token, "purpose": "publish", "decision": "grant", "agree": "y",
        "notice_version": consent.NOTICE_VERSION})
    assert response.status_code == 403
    other = app.test_client()
    log_in(other, make_user("expert").email)
    # Withdrawn above: the profile is the curators' only, so it does not exist for others.
    assert other.get(f"/experts/{expert.id}/consent").status_code == 404


def test_a_reimport_never_undoes_a_withdrawal(app, tmp_path, make_user):
    """Importing the same file again must not publish what the person withdrew."""
    from test_import import write_csv

    from expertnet import search
    from expertnet.curation import importer
    row = {"external_id": "RE-1", "kind": "diaspora", "full_name": "Lã Thị Rút Lại",
           "visibility": "public", "email": "rut.lai@example.org", "email_visibility": "public",
           "consent": "publish;contact"}
    path = write_csv(tmp_path / "survey.csv", [row], columns=list(row))
    assert importer.import_file(path).created == 1
    expert = Expert.get(Expert.external_id == "RE-1")
    assert (expert.visibility, expert.email_visibility) == ("public", "public")
    user = make_user("expert", expert=expert)
    consent.decide(expert, user, "publish", False, consent.NOTICE_VERSION)
    consent.decide(Expert.get_by_id(expert.id), user, "contact", False, consent.NOTICE_VERSION)

    report = importer.import_file(path)
    expert = Expert.get_by_id(expert.id)
    assert (expert.visibility, expert.email_visibility) == ("curators", "curators")
    # The file still says the person consented: the withdrawal on record wins.
    assert {(column) for _row, column, _message in report.notices} == \
        {"visibility", "email_visibility", "consent"}
    assert Consent.select().where(Consent.expert == expert.id, Consent.granted).count() == 2
    found = search.search(search.get_store(), search.SearchRequest(text="rut lai"))
    assert found.total == 0
