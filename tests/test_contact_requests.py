"""Contact requests with consent: an accepted request shows the details to that
official, on that need, until the expert revokes it; nobody is asked twice per need;
blocks, withdrawn consent, deletion and the daily limit stop requests."""
import re

import pytest
from conftest import client_as, post_form
from peewee import IntegrityError

from expertnet.accounts import consent
from expertnet.accounts import data_rights as subject
from expertnet.accounts.models import DeletionRequest
from expertnet.core import outbox as mail
from expertnet.core.db import database
from expertnet.core.models import Audit
from expertnet.directory import writes
from expertnet.outreach import contact_requests
from expertnet.outreach import needs as records
from expertnet.outreach.models import ContactBlock, ContactRequest, Need

EMAIL = "duc.expert@example.org"


@pytest.fixture
def expert(add):
    # Shared with officials, but not its contact details.
    return add(full_name="Nguyễn Văn Đức", visibility="officials", email=EMAIL,
               phone="+84 912 345 678", email_visibility="curators", phone_visibility="curators",
               organization="Viện Cảng", fields="seaports", bio_vi="Tự động hóa cảng biển")


@pytest.fixture
def people(app, make_user, expert):
    app.config["MAIL_BACKEND"] = "memory"
    owner = make_user("expert", expert=expert)
    owner.language = "en"
    owner.save()
    official = make_user("official")
    official.department = "Sở Khoa học và Công nghệ"
    official.language = "vi"
    official.save()
    colleague = make_user("official")
    colleague.department = official.department
    colleague.save()
    return {"owner": owner, "official": official, "colleague": colleague}


def _need(owner, title="Tự động hóa cảng biển"):
    return records.save({"title": title, "organization": "Sở Khoa học và Công nghệ",
                         "available_for": ["consulting"], "shared": True}, owner=owner)


def _ask(client, need, expert, message="Xin được trao đổi về dự án cảng Lạch Huyện"):
    path = f"/needs/{need.id}/contact/{expert.id}"
    return post_form(client, path, {"purpose": "consulting", "message": message})


def test_accepted_details_show_to_that_official_on_that_need_until_revoked(app, people, expert):
    official, owner = people["official"], people["owner"]
    need = _need(official)
    other_need = _need(official, "Một nhu cầu khác")
    asking = client_as(app, official)
    form = asking.get(f"/needs/{need.id}/contact/{expert.id}").get_data(as_text=True)
    # The purpose defaults to the need's first kind of help.
    assert 'name="message"' in form
    assert re.search(r'selected[^>]*value="consulting"|value="consulting"[^>]*selected', form)
    response = _ask(asking, need, expert)
    assert response.status_code == 302
    request = ContactRequest.get()
    assert (request.status, request.department, request.official_id) == \
        ("pending", "Sở Khoa học và Công nghệ", official.id)
    assert Need.get_by_id(need.id).status == "contacted"
    # The expert is told, in their language, with the need and a link to answer.
    [message] = mail.outbox()
    assert message["To"] == owner.email
    assert "A request to contact you" in message["Subject"]
    assert "/account/requests" in message.get_content()
    assert EMAIL not in asking.get(f"/needs/{need.id}").get_data(as_text=True)

    answering = client_as(app, owner)
    page = answering.get("/account/requests").get_data(as_text=True)
    assert "Tự động hóa cảng biển" in page and "Sở Khoa học và Công nghệ" in page
    assert "1 waiting for your answer" in answering.get("/account",
                                                        headers={"Accept-Language": "en"}).text
    post_form(answering, f"/account/requests/{request.id}/accept", {}, form_path="/account/requests")
    assert ContactRequest.get_by_id(request.id).status == "accepted"
    assert len(mail.outbox()) == 2  # the official is told too

    shown = asking.get(f"/needs/{need.id}").get_data(as_text=True)
    assert EMAIL in shown and "+84 912 345 678" in shown
    assert EMAIL in asking.get(f"/needs/{need.id}/shortlist/print").get_data(as_text=True)
    views = Audit.select().where((Audit.action == "contact.view") & (Audit.expert_id == expert.id))
    assert views.count() >= 2 and {row.actor_id for row in views} == {official.id}
    # Nowhere else: not on the profile, not in the API, not on another need, not for a colleague.
    assert EMAIL not in asking.get(f"/experts/{expert.id}").get_data(as_text=True)
    assert "email" not in asking.get(f"/api/v1/experts/{expert.id}").json
    from expertnet.outreach import shortlists
    shortlists.add(other_need, expert, official.id)
    assert EMAIL not in asking.get(f"/needs/{other_need.id}").get_data(as_text=True)
    colleague = client_as(app, people["colleague"])
    page = colleague.get(f"/needs/{need.id}")
    assert page.status_code == 200 and EMAIL not in page.get_data(as_text=True)
    # The expert revokes: gone at once.
    post_form(answering, f"/account/requests/{request.id}/revoke", {},
              form_path="/account/requests")
    assert ContactRequest.get_by_id(request.id).status == "revoked"
    assert EMAIL not in asking.get(f"/needs/{need.id}").get_data(as_text=True)
    # The expert's data download lists the request and what became of it.
    [exported] = subject.export(owner)["contact_requests"]
    assert (exported["need"], exported["status"]) == ("Tự động hóa cảng biển", "revoked")
    actions = {row.action for row in Audit.select().where(Audit.action.startswith("contact_request"))}
    assert actions == {"contact_request.send", "contact_request.accept", "contact_request.revoke"}


def test_nobody_is_asked_twice_for_the_same_need(app, people, expert):
    official = people["official"]
    need = _need(official)
    client = client_as(app, official)
    assert _ask(client, need, expert).status_code == 302
    again = _ask(client, need, expert)
    assert again.status_code == 409
    assert "Đã gửi yêu cầu kết nối tới chuyên gia này" in again.get_data(as_text=True)
    assert ContactRequest.select().count() == 1 and len(mail.outbox()) == 1
    # The database refuses a second row too.
    with pytest.raises(IntegrityError), database.atomic():
        ContactRequest.create(need=need.id, expert=expert.id, official=official.id,
                              purpose="consulting")
    # A declined request is not asked again either, but another need may ask.
    with app.test_request_context():  # the official's e-mail carries a link
        contact_requests.answer(ContactRequest.get(), people["owner"], accepted=False)
    assert _ask(client, need, expert).status_code == 409
    assert _ask(client, _need(official, "Nhu cầu mới"), expert).status_code == 302


def test_blocks_from_everyone_or_one_department(app, people, expert, make_user):
    official, owner = people["official"], people["owner"]
    client = client_as(app, official)
    assert _ask(client, _need(official), expert).status_code == 302
    answering = client_as(app, owner)
    post_form(answering, f"/account/requests/{ContactRequest.get().id}/block", {},
              form_path="/account/requests")
    assert [block.department for block in ContactBlock.select()] == ["Sở Khoa học và Công nghệ"]
    refused = _ask(client, _need(official, "Lần hai"), expert)
    assert refused.status_code == 409 and ContactRequest.select().count() == 1
    stranger = make_user("official")
    stranger.department = "Sở Ngoại vụ"
    stranger.save()
    other = client_as(app, stranger)
    assert _ask(other, _need(stranger, "Sở Ngoại vụ hỏi"), expert).status_code == 302
    post_form(answering, "/account/requests/block-all", {}, form_path="/account/requests")
    assert _ask(other, _need(stranger, "Lần nữa"), expert).status_code == 409
    block = ContactBlock.get(ContactBlock.department == "")
    post_form(answering, f"/account/requests/blocks/{block.id}/remove", {},
              form_path="/account/requests")
    assert _ask(other, _need(stranger, "Được hỏi lại"), expert).status_code == 302
    # Another expert cannot touch these requests or blocks.
    intruder = client_as(app, make_user("expert", expert=writes.save_profile(
        {"kind": "domestic", "full_name": "Người Khác"}).expert))
    first = ContactRequest.select().order_by(ContactRequest.id).first()
    assert post_form(intruder, f"/account/requests/{first.id}/accept", {},
                     form_path="/account").status_code == 404
    assert ContactRequest.get_by_id(first.id).status == "pending"


@pytest.mark.parametrize("purpose", ["contact", "publish"])
def test_withdrawn_consent_cancels_pending_and_revokes_accepted_requests(app, people, expert,
                                                                         purpose):
    official, owner = people["official"], people["owner"]
    client = client_as(app, official)
    first, second = _need(official), _need(official, "Hai")
    _ask(client, first, expert)
    _ask(client, second, expert)
    accepted = ContactRequest.get(ContactRequest.need == first.id)
    with app.test_request_context():
        contact_requests.answer(accepted, owner, accepted=True)
    consent.decide(expert, owner, "contact", True, consent.NOTICE_VERSION)
    consent.decide(expert, owner, purpose, False, consent.NOTICE_VERSION)
    states = {row.need_id: row.status for row in ContactRequest.select()}
    assert states == {first.id: "revoked", second.id: "cancelled"}
    assert EMAIL not in client.get(f"/needs/{first.id}").get_data(as_text=True)
    if purpose == "contact":  # the profile is still visible: a new request is refused
        refused = _ask(client, _need(official, "Ba"), expert)
        assert refused.status_code == 409
    else:  # the profile is hidden from officials now
        assert client.get(f"/needs/{first.id}/contact/{expert.id}").status_code == 404


def test_deleting_a_profile_deletes_its_requests_and_blocks(app, people, expert):
    official, owner = people["official"], people["owner"]
    _ask(client_as(app, official), _need(official), expert)
    contact_requests.block(expert.id, "", owner)
    request = DeletionRequest.create(expert_id=expert.id, requested_by=owner.id)
    subject.confirm(request, actor=None)
    assert ContactRequest.select().count() == 0 and ContactBlock.select().count() == 0


def test_the_daily_limit_per_official(app, people, expert, add, make_user):
    app.config["CONTACT_REQUESTS_PER_DAY"] = 1
    official = people["official"]
    second = add(full_name="Trần Thị Hai", visibility="officials", email="hai@example.org",
                 email_visibility="curators")
    make_user("expert", expert=second)
    client = client_as(app, official)
    need = _need(official)
    assert _ask(client, need, expert).status_code == 302
    limited = _ask(client, need, second)
    assert limited.status_code == 429 and ContactRequest.select().count() == 1


def test_requests_that_cannot_be_answered_or_are_not_needed(app, people, add, make_user):
    official = people["official"]
    client = client_as(app, official)
    need = _need(official)
    unclaimed = add(full_name="Chưa Có Tài Khoản", visibility="officials", email="a@example.org",
                    email_visibility="curators")
    page = client.get(f"/needs/{need.id}/contact/{unclaimed.id}").get_data(as_text=True)
    assert 'name="message"' not in page and 'role="alert"' in page  # why, and no form
    assert _ask(client, need, unclaimed).status_code == 409
    visible = add(full_name="Đã Công Khai", visibility="officials", email="b@example.org",
                  email_visibility="officials")
    make_user("expert", expert=visible)
    assert _ask(client, need, visible).status_code == 409
    hidden = add(full_name="Ẩn", visibility="curators", email="c@example.org")
    assert client.get(f"/needs/{need.id}/contact/{hidden.id}").status_code == 404
    assert ContactRequest.select().count() == 0
