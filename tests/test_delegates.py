"""Delegates: a curator names an account that edits one expert's
profile on the expert's behalf, through the owner's own flow, audited as such; the
curator lists and removes them; the delegate and the expert see them."""
import pytest
from conftest import PASSWORD, log_in, post_form
from test_profile_edit import form_data, save

from expertnet.accounts import consent, data_rights, delegates
from expertnet.accounts.models import PendingChange, ProfileDelegate
from expertnet.core.models import Audit
from expertnet.directory import writes
from expertnet.directory.models import Expert


@pytest.fixture
def team(app, add, make_user):
    expert = add(full_name="Nguyễn Thị Ủy Quyền", visibility="curators", organization="Hội Cũ",
                 email="uy.quyen@example.org", gender="female", birth_year="1970")
    other = add(full_name="Trần Văn Người Khác", visibility="public")
    hidden = add(full_name="Lê Văn Kín Đáo", visibility="curators")
    return {"expert": expert, "other": other, "hidden": hidden,
            "owner": make_user("expert", expert=expert),
            "curator": make_user("curator"),
            "secretary": make_user("expert", email="thu.ky@example.org")}


def client_for(app, user):
    client = app.test_client()
    assert log_in(client, user.email, PASSWORD).status_code == 302
    return client


def name(client, team):
    page = f"/experts/{team['expert'].id}/delegates"
    return post_form(client, page, {"email": "Thu.Ky@example.org"})


def test_a_curator_names_a_delegate_and_everyone_concerned_sees_it(app, team):
    curator = client_for(app, team["curator"])
    response = name(curator, team)
    assert response.status_code == 302 and response.location.endswith("done=added")
    entry = Audit.get(Audit.action == "delegate.add")
    assert (entry.actor_id, entry.expert_id, entry.changed) == \
        (team["curator"].id, team["expert"].id, {"user": team["secretary"].id})
    expert_id = team["expert"].id
    # The curator and the owner see the delegate on the profile page; the delegate sees
    # the profile on their account page.
    assert "thu.ky@example.org" in curator.get(f"/experts/{expert_id}").text
    owner = client_for(app, team["owner"])
    assert "thu.ky@example.org" in owner.get(f"/experts/{expert_id}").text
    assert "thu.ky@example.org" in owner.get(f"/experts/{expert_id}/delegates").text
    secretary = client_for(app, team["secretary"])
    home = secretary.get("/account").text
    assert f"/experts/{expert_id}/edit" in home and "Nguyễn Thị Ủy Quyền" in home
    # Nobody else learns who the delegates are.
    delegates.add(team["other"], "thu.ky@example.org", actor=team["curator"].id)
    other_page = f"/experts/{team['other'].id}"
    assert "thu.ky@example.org" not in app.test_client().get(other_page).text
    stranger = client_for(app, team["owner"])  # not the owner of the other profile
    assert "thu.ky@example.org" not in stranger.get(other_page).text


@pytest.mark.parametrize("email, message", [
    ("nobody@example.org", "No active account has this e-mail address."),
    ("curator", "Curators and administrators edit every profile already."),
    ("owner", "This account owns the profile."),
    ("thu.ky@example.org", "This account is a delegate for this profile already."),
    ("", "This field is required."),
])
def test_a_naming_that_makes_no_sense_is_refused_with_a_reason(app, team, email, message):
    delegates.add(team["expert"], "thu.ky@example.org", actor=team["curator"].id)
    email = team[email].email if email in ("curator", "owner") else email
    curator = client_for(app, team["curator"])
    response = post_form(curator, f"/experts/{team['expert'].id}/delegates", {"email": email},
                         headers={"Accept-Language": "en"})
    assert response.status_code == 200 and message in response.text
    assert ProfileDelegate.select().count() == 1


def test_the_delegate_edits_through_the_owners_flow_audited_on_behalf(app, team):
    delegates.add(team["expert"], "thu.ky@example.org", actor=team["curator"].id)
    secretary = client_for(app, team["secretary"])
    expert = team["expert"]
    page = secretary.get(f"/experts/{expert.id}/edit", headers={"Accept-Language": "en"}).text
    assert "on the expert's behalf" in page and 'name="kind"' not in page
    response = save(secretary, expert, position="Hội viên danh dự", organization="Hội Mới")
    assert response.status_code == 302 and "review=1" in response.location
    stored = Expert.get_by_id(expert.id)
    # Published at once: the position. Waiting for a curator: the organisation.
    assert (stored.position, stored.organization) == ("Hội viên danh dự", "Hội Cũ")
    update = Audit.get((Audit.action == "profile.update") & (Audit.expert_id == expert.id)
                       & (Audit.actor_id == team["secretary"].id))
    assert update.changed["on_behalf_of"] == expert.id and "position" in update.changed
    proposal = PendingChange.get(PendingChange.expert == expert.id)
    assert proposal.user_id == team["secretary"].id
    propose = Audit.get(Audit.action == "review.propose")
    assert (propose.actor_id, propose.changed["on_behalf_of"]) == (team["secretary"].id, expert.id)
    history = client_for(app, team["curator"]).get(f"/experts/{expert.id}/history",
                                                   headers={"Accept-Language": "en"}).text
    assert "thu.ky@example.org<br><small>as a delegate, on the expert's behalf" in history


def test_the_delegate_edits_only_the_delegated_profile(app, team):
    delegates.add(team["expert"], "thu.ky@example.org", actor=team["curator"].id)
    secretary = client_for(app, team["secretary"])
    other, hidden = team["other"], team["hidden"]
    assert secretary.get(f"/experts/{other.id}/edit").status_code == 403  # public: seen, not edited
    assert secretary.get(f"/experts/{hidden.id}/edit").status_code == 404
    token_page = f"/experts/{team['expert'].id}/edit"
    for target, status in ((other, 403), (hidden, 404)):
        response = post_form(secretary, f"/experts/{target.id}/edit",
                             form_data(Expert.get_by_id(target.id), position="Tin tặc"),
                             form_path=token_page)
        assert response.status_code == status
    assert {Expert.get_by_id(e.id).position for e in (other, hidden)} == {""}
    assert secretary.get(f"/experts/{other.id}/delegates").status_code == 403
    assert secretary.get(f"/experts/{hidden.id}/delegates").status_code == 404


def test_a_delegate_neither_decides_consent_nor_widens_without_it(app, team):
    delegates.add(team["expert"], "thu.ky@example.org", actor=team["curator"].id)
    secretary = client_for(app, team["secretary"])
    expert = team["expert"]
    page = f"/experts/{expert.id}/consent"
    assert secretary.get(page).status_code == 200  # read-only: no box to tick
    response = post_form(secretary, page, {"purpose": "publish", "decision": "grant",
                                           "agree": "y", "notice_version": consent.NOTICE_VERSION})
    assert response.status_code == 403
    assert save(secretary, expert, visibility="public").status_code == 200
    assert Expert.get_by_id(expert.id).visibility == "curators"


def test_a_delegates_stale_save_is_refused_like_the_owners(app, team):
    delegates.add(team["expert"], "thu.ky@example.org", actor=team["curator"].id)
    secretary = client_for(app, team["secretary"])
    expert = team["expert"]
    stale = form_data(Expert.get_by_id(expert.id), position="Thư ký")
    writes.save_profile({"city": "Hải Phòng"}, expert=Expert.get_by_id(expert.id))
    response = post_form(secretary, f"/experts/{expert.id}/edit", stale,
                         headers={"Accept-Language": "en"})
    assert response.status_code == 200 and "Someone else saved this profile" in response.text
    assert Expert.get_by_id(expert.id).position == ""


def test_removal_takes_effect_at_once(app, team):
    delegates.add(team["expert"], "thu.ky@example.org", actor=team["curator"].id)
    expert = team["expert"]
    secretary = client_for(app, team["secretary"])
    assert secretary.get(f"/experts/{expert.id}/edit").status_code == 200
    curator = client_for(app, team["curator"])
    response = post_form(curator, f"/experts/{expert.id}/delegates/{team['secretary'].id}/remove",
                         {}, form_path=f"/experts/{expert.id}")
    assert response.status_code == 302
    # The same session, the very next request: the profile is the curators' again.
    assert secretary.get(f"/experts/{expert.id}/edit").status_code == 404
    assert secretary.get(f"/api/v1/experts/{expert.id}").status_code == 404
    assert f"/experts/{expert.id}/edit" not in secretary.get("/account").text
    entry = Audit.get(Audit.action == "delegate.remove")
    assert (entry.actor_id, entry.changed) == (team["curator"].id, {"user": team["secretary"].id})
    again = post_form(curator, f"/experts/{expert.id}/delegates/{team['secretary'].id}/remove",
                      {}, form_path=f"/experts/{expert.id}")
    assert again.status_code == 404


def test_the_delegate_reads_the_profile_like_its_owner(app, team):
    delegates.add(team["expert"], "thu.ky@example.org", actor=team["curator"].id)
    secretary = client_for(app, team["secretary"])
    expert = team["expert"]
    data = secretary.get(f"/api/v1/experts/{expert.id}").json
    assert (data["email"], data["birth_year"], data["email_visibility"]) == \
        ("uy.quyen@example.org", 1970, "officials")
    listing = secretary.get("/api/v1/experts?per_page=100").json
    assert {item["id"] for item in listing["results"]} == {expert.id, team["other"].id}
    # The delegate is not the person: their view of the contact details is logged.
    view = Audit.get(Audit.action == "contact.view")
    assert view.actor_id == team["secretary"].id


def test_the_data_export_and_a_deletion(app, team):
    delegates.add(team["expert"], "thu.ky@example.org", actor=team["curator"].id)
    owner_data = client_for(app, team["owner"]).get("/account/data.json").json
    assert [row["email"] for row in owner_data["delegates"]] == ["thu.ky@example.org"]
    secretary_data = client_for(app, team["secretary"]).get("/account/data.json").json
    assert secretary_data["delegated_profiles"] == [team["expert"].id]
    data_rights.delete_profile(Expert.get_by_id(team["expert"].id))
    assert ProfileDelegate.select().count() == 0
