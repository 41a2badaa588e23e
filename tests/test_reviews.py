"""The review queue (an owner's changes to vouched fields wait for a curator) and the
history with its restore. The expert is told the outcome on
their edit page and, when mail is configured, by e-mail."""
import re

import pytest
from conftest import PASSWORD, csrf_token, links_in, log_in, post_form
from flask_babel import force_locale
from test_profile_edit import form_data

from expertnet.accounts.models import PendingChange, User
from expertnet.core.i18n import _
from expertnet.core.models import Audit, MailMessage
from expertnet.directory import writes
from expertnet.directory.models import Expert


def found(client, text):
    return client.get("/api/v1/experts", query_string={"q": text}).json["total"]


@pytest.fixture
def people(app, add, make_user):
    expert = add(full_name="Lê Thị Mai", kind="diaspora", visibility="public", country="JP",
                 organization="Đại học Tokyo", fields="ai")
    return {"expert": expert, "owner": make_user("expert", expert=expert),
            "curator": make_user("curator"),
            "other": make_user("expert", expert=add(full_name="Người Khác"))}


def client_for(app, user):
    client = app.test_client()
    assert log_in(client, user.email, PASSWORD).status_code == 302
    return client


def propose(app, people, **changes):
    owner = client_for(app, people["owner"])
    expert = Expert.get_by_id(people["expert"].id)
    response = post_form(owner, f"/experts/{expert.id}/edit", form_data(expert, **changes))
    assert response.status_code == 302 and "review=1" in response.location
    return owner


def test_an_owners_name_change_waits_for_a_curator_and_other_changes_publish(app, people):
    expert = people["expert"]
    owner = propose(app, people, full_name="Lê Thị Mai Anh", title="assoc_prof",
                    position="Trưởng nhóm nghiên cứu")
    stored = Expert.get_by_id(expert.id)
    assert (stored.full_name, stored.title, stored.position) == (
        "Lê Thị Mai", "", "Trưởng nhóm nghiên cứu")
    anonymous = app.test_client()
    assert found(anonymous, "Mai Anh") == 0
    assert found(anonymous, "Trưởng nhóm") == 1
    row = PendingChange.get(PendingChange.expert == expert.id)
    assert (row.status, row.user_id, row.proposed_values) == (
        "pending", people["owner"].id, {"full_name": "Lê Thị Mai Anh", "title": "assoc_prof"})
    page = owner.get(f"/experts/{expert.id}/edit", headers={"Accept-Language": "en"}).text
    assert "Waiting for a curator to check" in page and "Lê Thị Mai Anh" in page
    assert Audit.select().where((Audit.expert_id == expert.id)
                                & (Audit.action == "review.propose")).count() == 1

    curator = client_for(app, people["curator"])
    queue = curator.get("/curate/reviews").text
    assert f"/curate/reviews/{row.id}" in queue
    diff = curator.get(f"/curate/reviews/{row.id}").text
    assert "Lê Thị Mai" in diff and "Lê Thị Mai Anh" in diff
    response = post_form(curator, f"/curate/reviews/{row.id}/accept",
                         {"version": str(stored.version)}, form_path=f"/curate/reviews/{row.id}")
    assert response.status_code == 302
    stored = Expert.get_by_id(expert.id)
    assert (stored.full_name, stored.title) == ("Lê Thị Mai Anh", "assoc_prof")
    # The index was updated in the accepting request.
    assert found(anonymous, "Mai Anh") == 1
    assert PendingChange.get_by_id(row.id).status == "accepted"
    actions = [entry.action for entry in Audit.select().where(Audit.expert_id == expert.id)
               .order_by(Audit.id)]
    assert actions[-2:] == ["profile.update", "review.accept"]
    page = owner.get(f"/experts/{expert.id}/edit", headers={"Accept-Language": "en"}).text
    assert "were accepted" in page and "Waiting for a curator" not in page


def test_a_rejection_keeps_the_old_value_and_tells_the_owner_why(app, people):
    expert = people["expert"]
    owner = propose(app, people, organization="Công ty Ma")
    row = PendingChange.get(PendingChange.expert == expert.id)
    curator = client_for(app, people["curator"])
    response = post_form(curator, f"/curate/reviews/{row.id}/reject",
                         {"reason": "Không xác minh được"}, form_path=f"/curate/reviews/{row.id}")
    assert response.status_code == 302
    assert Expert.get_by_id(expert.id).organization == "Đại học Tokyo"
    assert found(app.test_client(), "Công ty Ma") == 0
    row = PendingChange.get_by_id(row.id)
    assert (row.status, row.reviewer_id, row.reason) == (
        "rejected", people["curator"].id, "Không xác minh được")
    page = owner.get(f"/experts/{expert.id}/edit", headers={"Accept-Language": "en"}).text
    assert "were rejected" in page and "Không xác minh được" in page
    # A decided proposal cannot be decided again.
    again = post_form(curator, f"/curate/reviews/{row.id}/accept",
                      {"version": "1"}, form_path="/curate/reviews")
    assert again.status_code == 404


def test_a_profile_changed_meanwhile_is_shown_not_overwritten(app, people):
    expert = people["expert"]
    propose(app, people, organization="Viện Mới")
    row = PendingChange.get(PendingChange.expert == expert.id)
    curator = client_for(app, people["curator"])
    token = csrf_token(curator, f"/curate/reviews/{row.id}")
    seen = Expert.get_by_id(expert.id).version
    writes.save_profile({"organization": "Viện Khác"}, expert=Expert.get_by_id(expert.id))
    response = curator.post(f"/curate/reviews/{row.id}/accept",
                            data={"csrf_token": token, "version": str(seen)})
    assert response.status_code == 409
    assert "Viện Khác" in response.text and "Viện Mới" in response.text
    assert Expert.get_by_id(expert.id).organization == "Viện Khác"
    assert PendingChange.get_by_id(row.id).status == "pending"


def test_curators_edits_publish_at_once(app, people):
    expert = people["expert"]
    curator = client_for(app, people["curator"])
    response = post_form(curator, f"/experts/{expert.id}/edit",
                         form_data(Expert.get_by_id(expert.id), full_name="Lê Thị Mai Hoa"))
    assert response.status_code == 302 and "review=1" not in response.location
    assert Expert.get_by_id(expert.id).full_name == "Lê Thị Mai Hoa"
    assert PendingChange.select().count() == 0


def test_experts_cannot_see_or_decide_reviews(app, people):
    propose(app, people, full_name="Lê Thị Mai Anh")
    row = PendingChange.get()
    for user in (people["owner"], people["other"]):
        client = client_for(app, user)
        assert client.get("/curate/reviews").status_code == 403
        assert client.get(f"/curate/reviews/{row.id}").status_code == 403
        token = csrf_token(client, "/account/password")
        for action in ("accept", "reject"):
            response = client.post(f"/curate/reviews/{row.id}/{action}",
                                   data={"csrf_token": token, "version": "2"})
            assert response.status_code == 403
    assert PendingChange.get_by_id(row.id).status == "pending"
    assert Expert.get_by_id(people["expert"].id).full_name == "Lê Thị Mai"


def test_review_and_restore_posts_need_the_csrf_token(app, people):
    propose(app, people, full_name="Lê Thị Mai Anh")
    row = PendingChange.get()
    curator = client_for(app, people["curator"])
    expert_id = people["expert"].id
    entry = Audit.select().where(Audit.expert_id == expert_id).order_by(Audit.id.desc()).get()
    for path in (f"/curate/reviews/{row.id}/accept", f"/curate/reviews/{row.id}/reject",
                 f"/experts/{expert_id}/history/{entry.id}/restore"):
        assert curator.post(path, data={"version": "2"}).status_code == 400
    assert PendingChange.get_by_id(row.id).status == "pending"


def test_restore_from_history(app, people):
    expert = people["expert"]
    curator = client_for(app, people["curator"])
    path = f"/experts/{expert.id}/edit"
    for organisation in ("Viện Thứ Nhất", "Viện Thứ Hai"):
        response = post_form(curator, path, form_data(Expert.get_by_id(expert.id),
                                                      organization=organisation,
                                                      position=f"Vị trí {organisation}"))
        assert response.status_code == 302
    anonymous = app.test_client()
    assert found(anonymous, "Thứ Hai") == 1
    history = curator.get(f"/experts/{expert.id}/history").text
    restores = re.findall(rf'action="/experts/{expert.id}/history/(\d+)/restore"', history)
    # Newest first: the second edit, then the first (the creation has no restore).
    assert len(restores) == 2
    assert history.index("Viện Thứ Hai") < history.index("Đại học Tokyo")
    response = post_form(curator, f"/experts/{expert.id}/history/{restores[0]}/restore",
                         {"version": str(Expert.get_by_id(expert.id).version)},
                         form_path=f"/experts/{expert.id}/history")
    assert response.status_code == 302
    stored = Expert.get_by_id(expert.id)
    assert (stored.organization, stored.position) == ("Viện Thứ Nhất", "Vị trí Viện Thứ Nhất")
    assert found(anonymous, "Thứ Nhất") == 1 and found(anonymous, "Thứ Hai") == 0
    entry = Audit.select().where(Audit.expert_id == expert.id).order_by(Audit.id.desc()).get()
    assert (entry.action, entry.actor_id, entry.changed["restored"]) == (
        "profile.restore", people["curator"].id, int(restores[0]))
    # A stale version is refused and nothing changes.
    response = post_form(curator, f"/experts/{expert.id}/history/{restores[1]}/restore",
                         {"version": "1"}, form_path=f"/experts/{expert.id}/history")
    assert response.status_code == 409
    assert Expert.get_by_id(expert.id).organization == "Viện Thứ Nhất"


def test_only_curators_see_the_history(app, people):
    for user in (people["owner"], people["other"]):
        client = client_for(app, user)
        assert client.get(f"/experts/{people['expert'].id}/history").status_code == 403


def test_a_restore_never_undoes_a_consent_withdrawal(app, people):
    from expertnet.accounts import consent

    expert = people["expert"]
    curator = client_for(app, people["curator"])
    post_form(curator, f"/experts/{expert.id}/edit",
              form_data(Expert.get_by_id(expert.id), position="Nghiên cứu viên"))
    consent.decide(Expert.get_by_id(expert.id), people["owner"], "publish", False,
                   consent.NOTICE_VERSION)
    assert Expert.get_by_id(expert.id).visibility == "curators"
    history = curator.get(f"/experts/{expert.id}/history").text
    # The newest restorable change is the withdrawal's; restore to before it.
    newest = re.findall(rf'action="/experts/{expert.id}/history/(\d+)/restore"', history)[0]
    response = post_form(curator, f"/experts/{expert.id}/history/{newest}/restore",
                         {"version": str(Expert.get_by_id(expert.id).version)},
                         form_path=f"/experts/{expert.id}/history")
    assert response.status_code in (302, 409)
    assert Expert.get_by_id(expert.id).visibility == "curators"
    assert found(app.test_client(), "Lê Thị Mai") == 0


def test_the_owners_data_download_holds_their_proposals(app, people):
    from expertnet.accounts import data_rights as subject

    propose(app, people, full_name="Lê Thị Mai Anh")
    data = subject.export(people["owner"])
    assert [(item["status"], item["proposed"]) for item in data["review_proposals"]] == [
        ("pending", {"full_name": "Lê Thị Mai Anh"})]


# -- the expert is told the outcome by e-mail too (in their language) ---------------------
def _decide(app, people, action, **data):
    row = PendingChange.get(PendingChange.expert == people["expert"].id)
    curator = client_for(app, people["curator"])
    if action == "accept":
        data["version"] = str(Expert.get_by_id(people["expert"].id).version)
    response = post_form(curator, f"/curate/reviews/{row.id}/{action}", data,
                         form_path=f"/curate/reviews/{row.id}")
    assert response.status_code == 302
    return row


def test_an_accepted_proposal_is_told_by_e_mail(app, people, mailbox):
    propose(app, people, full_name="Lê Thị Mai Anh")
    _decide(app, people, "accept")
    [message] = mailbox
    assert message["To"] == people["owner"].email
    with force_locale("vi"):
        assert message["Subject"] == _("Your proposed changes were accepted")
    assert links_in(message) == [f"/experts/{people['expert'].id}/edit"]


def test_a_rejection_is_told_with_its_reason_in_the_experts_language(app, people, mailbox):
    User.update(language="en").where(User.id == people["owner"].id).execute()
    propose(app, people, organization="Công ty Ma")
    _decide(app, people, "reject", reason="Không xác minh được")
    [message] = mailbox
    assert message["Subject"] == "Your proposed changes were rejected"
    assert "Không xác minh được" in message.get_content()


def test_without_mail_the_edit_page_alone_tells_it(app, people):
    propose(app, people, organization="Công ty Ma")
    _decide(app, people, "reject", reason="Không xác minh được")
    assert MailMessage.select().count() == 0
