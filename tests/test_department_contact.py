"""Contact through the Department: an official asks to reach an
expert who has not claimed their profile; a curator reaches the person outside the site
and records the answer (consent given, declined, no answer after the days given); the
official is told and sees the state; details show only after consent and only those the
person agreed to share; every step is audited and counted in the programme report."""
import datetime
import io
import json
import re

import openpyxl
import pytest
from conftest import client_as, post_form
from playhouse.migrate import SchemaMigrator, migrate

from expertnet.accounts import consent
from expertnet.accounts import data_rights as subject
from expertnet.core import migrations
from expertnet.core import outbox as mail
from expertnet.core.access import Viewer
from expertnet.core.db import database, utcnow
from expertnet.core.models import Audit
from expertnet.notifications.models import Notification
from expertnet.outreach import contact_requests, shortlists
from expertnet.outreach import needs as records
from expertnet.outreach.models import ContactRequest, Need
from expertnet.programme import report as programme_report

EMAIL = "minh.tran@example.jp"
PHONE = "+81 90 1234 5678"


@pytest.fixture
def diaspora(add):
    """An overseas Hai Phong intellectual, imported from a survey, never claimed: shared
    with officials, contact details kept for curators."""
    return add(kind="diaspora", full_name="Trần Quang Minh", visibility="officials",
               email=EMAIL, phone=PHONE, email_visibility="curators",
               phone_visibility="curators", country="JP", organization="Đại học Kobe",
               bio_vi="Kỹ thuật cảng biển và logistics")


@pytest.fixture
def people(app, make_user, official):
    app.config["MAIL_BACKEND"] = "memory"
    official.language = "vi"
    official.save()
    curator = make_user("curator")
    curator.language = "en"
    curator.save()
    return {"official": official, "curator": curator}


def _need(official, title="Cảng xanh Lạch Huyện"):
    return records.save({"title": title, "organization": "Sở Khoa học và Công nghệ",
                         "available_for": ["consulting"], "shared": True}, owner=official)


def _ask(client, need, expert, message="Xin nhờ Sở giới thiệu để trao đổi về cảng xanh", **data):
    path = f"/needs/{need.id}/department-contact/{expert.id}"
    return post_form(client, path, {"purpose": "consulting", "message": message, **data})


def _record(client, request_id, outcome, **data):
    path = f"/curate/department-contacts/{request_id}"
    return post_form(client, path, {"outcome": outcome, **data})


def _actions(expert_id):
    return [row.action for row in Audit.select().where(
        Audit.action.startswith("contact_request") & (Audit.expert_id == expert_id))
        .order_by(Audit.id)]


def test_consent_given_shows_the_shared_details_to_that_official_on_that_need(
        app, people, diaspora, make_user):
    official, curator = people["official"], people["curator"]
    need = _need(official)
    shortlists.add(need, diaspora, official.id)
    asking = client_as(app, official)
    page = asking.get(f"/needs/{need.id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    # The unclaimed expert gets the Department's button, not the direct request.
    assert "Nhờ Sở liên hệ" in page
    assert f"/needs/{need.id}/department-contact/{diaspora.id}" in page
    assert f"/needs/{need.id}/contact/{diaspora.id}" not in page
    form = asking.get(f"/needs/{need.id}/department-contact/{diaspora.id}",
                      headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Sở Ngoại vụ" in form and "21 ngày" in form

    assert _ask(asking, need, diaspora).status_code == 302
    request = ContactRequest.get()
    assert (request.channel, request.status, request.department) == \
        ("department", "pending", "Sở Khoa học và Công nghệ")
    assert Need.get_by_id(need.id).status == "contacted"
    assert mail.outbox() == []  # nobody on the site to e-mail: the curators' queue has it
    shown = asking.get(f"/needs/{need.id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Sở đang liên hệ" in shown and EMAIL not in shown and PHONE not in shown

    working = client_as(app, curator)
    queue = working.get("/curate/department-contacts", headers={"Accept-Language": "en"})
    text = queue.get_data(as_text=True)
    assert queue.status_code == 200
    assert "Trần Quang Minh" in text and "Cảng xanh Lạch Huyện" in text
    assert official.email in text and "Sở Khoa học và Công nghệ" in text
    # The curators' navigation counts the open requests.
    assert 'aria-label="1 open request">1</strong>' in text
    outcome_page = working.get(f"/curate/department-contacts/{request.id}").get_data(as_text=True)
    assert EMAIL in outcome_page and PHONE in outcome_page  # to reach the person

    # The person agrees to be contacted by e-mail, not by phone.
    response = _record(working, request.id, "consent", share_email="y",
                       note="Gọi điện ngày 02/12, anh Minh đồng ý trao đổi qua thư")
    assert response.status_code == 302
    request = ContactRequest.get_by_id(request.id)
    assert (request.status, request.shared_fields, request.handled_by) == \
        ("accepted", "email", curator.id)
    assert request.outcome_note.startswith("Gọi điện ngày 02/12")
    assert contact_requests.department_count() == 0
    shown = asking.get(f"/needs/{need.id}").get_data(as_text=True)
    assert EMAIL in shown and PHONE not in shown
    assert EMAIL in asking.get(f"/needs/{need.id}/shortlist/print").get_data(as_text=True)
    # Nowhere else: not the profile, not the API, not a colleague.
    assert EMAIL not in asking.get(f"/experts/{diaspora.id}").get_data(as_text=True)
    assert "email" not in asking.get(f"/api/v1/experts/{diaspora.id}").json
    colleague = make_user("official")
    colleague.department = official.department
    colleague.save()
    assert EMAIL not in client_as(app, colleague).get(f"/needs/{need.id}").get_data(as_text=True)

    # The official is told, in their language, on the site and by e-mail.
    [note] = Notification.select().where(Notification.user == official.id)
    assert note.kind == "department_consent"
    page = asking.get("/notifications", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Sở đã liên hệ với chuyên gia về nhu cầu “Cảng xanh Lạch Huyện”" in page
    [message] = mail.outbox()
    assert message["To"] == official.email and "đồng ý" in message["Subject"]
    # Their list of requests shows it.
    sent = asking.get("/needs/requests", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Trần Quang Minh" in sent and "Nhờ Sở liên hệ" in sent and "đã đồng ý" in sent

    assert _actions(diaspora.id) == ["contact_request.send", "contact_request.department_consent"]
    send, decided = (json.loads(row.changes) for row in Audit.select().where(
        Audit.action.startswith("contact_request")).order_by(Audit.id))
    assert send["scope"] == "department" and send["contact_request"] == request.id
    assert (decided["fields"], decided["status"]) == (["email"], "accepted")
    assert Audit.select().where((Audit.action == "contact.view") & (Audit.actor_id == curator.id)
                                & (Audit.expert_id == diaspora.id)).exists()
    # Once the person claims their profile, their data download names the request and
    # what they agreed to.
    [exported] = subject.export(make_user("expert", expert=diaspora))["contact_requests"]
    assert (exported["channel"], exported["status"], exported["shared"]) == \
        ("department", "accepted", ["email"])

    # The person's consent history shows the agreement the Department recorded.
    history = working.get(f"/experts/{diaspora.id}/consent").get_data(as_text=True)
    section = history.split("Consent to be contacted, recorded by the Department")[1]
    assert "Cảng xanh Lạch Huyện" in section
    assert "E-mail" in section and "Phone" not in section and "accepted" in section

    # A withdrawn consent (recorded by a curator at the person's request) hides it at once.
    consent.decide(diaspora, curator, "contact", False, consent.NOTICE_VERSION)
    assert ContactRequest.get_by_id(request.id).status == "revoked"
    assert EMAIL not in asking.get(f"/needs/{need.id}").get_data(as_text=True)
    history = working.get(f"/experts/{diaspora.id}/consent").get_data(as_text=True)
    assert "withdrawn by the expert" in history.split("recorded by the Department")[1]


def test_declined_keeps_the_details_hidden_and_nobody_is_asked_again(app, people, diaspora):
    official, curator = people["official"], people["curator"]
    need = _need(official)
    shortlists.add(need, diaspora, official.id)
    asking = client_as(app, official)
    assert _ask(asking, need, diaspora).status_code == 302
    request = ContactRequest.get()
    working = client_as(app, curator)
    answered = _record(working, request.id, "declined", note="Anh Minh không muốn được liên hệ")
    assert answered.status_code == 302
    assert ContactRequest.get_by_id(request.id).status == "declined"
    page = asking.get(f"/needs/{need.id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert EMAIL not in page and PHONE not in page and "đã từ chối" in page
    assert [row.kind for row in Notification.select()] == ["department_declined"]
    told = asking.get("/notifications").get_data(as_text=True)  # in the official's language
    assert "chuyên gia từ chối được liên hệ" in told
    # Recorded once: a second answer is refused, and the request is not asked twice.
    again = _record(working, request.id, "consent", share_email="y")
    assert again.status_code == 409 and ContactRequest.get_by_id(request.id).status == "declined"
    assert _ask(asking, need, diaspora).status_code == 409
    assert _actions(diaspora.id) == ["contact_request.send", "contact_request.department_declined"]


def test_no_answer_only_after_the_days_given(app, people, diaspora):
    app.config["DEPARTMENT_CONTACT_DAYS"] = 10
    official, curator = people["official"], people["curator"]
    need = _need(official)
    asking = client_as(app, official)
    assert _ask(asking, need, diaspora).status_code == 302
    request = ContactRequest.get()
    working = client_as(app, curator)
    # Too early: the person still has time to answer.
    early = _record(working, request.id, "no_answer")
    assert early.status_code == 409 and "The person has until" in early.get_data(as_text=True)
    # A deadline: the moment in the city's zone, the zone named.
    assert re.search(r"The person has until \d\d:\d\d, \d{1,2} \w{3} 20\d\d \(Vietnam Time\) to answer",
                     early.get_data(as_text=True))
    assert ContactRequest.get_by_id(request.id).status == "pending"
    queue = working.get("/curate/department-contacts").get_data(as_text=True)
    assert "overdue" not in queue.split("<tbody>")[1]
    # Eleven days later it is overdue, shown so, and may be closed.
    ContactRequest.update(created_at=utcnow() - datetime.timedelta(days=11)).execute()
    queue = working.get("/curate/department-contacts").get_data(as_text=True)
    assert 'class="overdue"' in queue and "1 overdue" in queue
    assert _record(working, request.id, "no_answer").status_code == 302
    assert ContactRequest.get_by_id(request.id).status == "no_answer"
    assert [row.kind for row in Notification.select()] == ["department_no_answer"]
    sent = asking.get("/needs/requests", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "đã đóng: không có trả lời" in sent
    assert "No request is waiting" in working.get("/curate/department-contacts").get_data(as_text=True)
    assert _actions(diaspora.id) == ["contact_request.send", "contact_request.department_no_answer"]


def test_who_may_ask_and_who_works_the_queue(app, people, diaspora, add, make_user):
    official, curator = people["official"], people["curator"]
    need = _need(official)
    asking = client_as(app, official)
    # Asked directly, an unclaimed expert is refused with the Department's way in.
    direct = asking.get(f"/needs/{need.id}/contact/{diaspora.id}").get_data(as_text=True)
    assert f"/needs/{need.id}/department-contact/{diaspora.id}" in direct
    # A claimed expert answers themselves: not through the Department.
    claimed = add(full_name="Lê Thị Thu", visibility="officials", email="thu@example.org",
                  email_visibility="curators")
    make_user("expert", expert=claimed)
    refused = _ask(asking, need, claimed)
    assert refused.status_code == 409 and "tự quản lý hồ sơ" in refused.get_data(as_text=True)
    # Curators, admins and experts do not ask (curators see every detail already).
    for role in ("curator", "admin", "expert"):
        other = client_as(app, make_user(role))
        assert other.get(f"/needs/{need.id}/department-contact/{diaspora.id}").status_code == 403
    # A profile the official may not open, or a need they may not see, does not exist.
    hidden = add(full_name="Ẩn Danh", visibility="curators", email="an@example.org")
    assert asking.get(f"/needs/{need.id}/department-contact/{hidden.id}").status_code == 404
    stranger = make_user("official")
    stranger.department = "Sở Y tế"
    stranger.save()
    assert client_as(app, stranger).get(
        f"/needs/{need.id}/department-contact/{diaspora.id}").status_code == 404

    assert _ask(asking, need, diaspora).status_code == 302
    request = ContactRequest.get(ContactRequest.channel == "department")
    # Asked already: the direct form no longer points to the Department.
    direct = asking.get(f"/needs/{need.id}/contact/{diaspora.id}").get_data(as_text=True)
    assert f"/needs/{need.id}/department-contact/{diaspora.id}" not in direct
    # Only curators and admins see the queue and record answers.
    assert asking.get("/curate/department-contacts").status_code == 403
    assert asking.get(f"/curate/department-contacts/{request.id}").status_code == 403
    expert_client = client_as(app, make_user("expert"))
    assert expert_client.get("/curate/department-contacts").status_code == 403
    admin = client_as(app, make_user("admin"))
    assert admin.get("/curate/department-contacts").status_code == 200
    # A direct request is not the Department's to answer.
    direct_request = ContactRequest.create(need=need.id, expert=claimed.id, official=official.id,
                                           purpose="consulting")
    working = client_as(app, curator)
    assert working.get(f"/curate/department-contacts/{direct_request.id}").status_code == 404
    assert working.get("/curate/department-contacts/999999").status_code == 404


def test_bad_input_never_writes_and_never_fails(app, people, diaspora):
    official, curator = people["official"], people["curator"]
    need = _need(official)
    asking = client_as(app, official)
    assert _ask(asking, need, diaspora, purpose="spying").status_code == 400
    assert _ask(asking, need, diaspora, message="x" * 3000).status_code == 400
    no_token = asking.post(f"/needs/{need.id}/department-contact/{diaspora.id}",
                           data={"purpose": "consulting"})
    assert no_token.status_code == 400
    assert ContactRequest.select().count() == 0
    assert _ask(asking, need, diaspora).status_code == 302
    request = ContactRequest.get()
    working = client_as(app, curator)
    assert _record(working, request.id, "maybe").status_code == 400
    assert _record(working, request.id, "").status_code == 400
    # Consent without a detail to share: nothing to show the official.
    assert _record(working, request.id, "consent").status_code == 400
    assert _record(working, request.id, "consent", note="x" * 5000,
                   share_email="y").status_code == 400
    assert working.post(f"/curate/department-contacts/{request.id}",
                        data={"outcome": "declined"}).status_code == 400
    assert ContactRequest.get_by_id(request.id).status == "pending"
    assert Notification.select().count() == 0
    # A phone the profile does not hold cannot be shared.
    diaspora.phone = ""
    type(diaspora).update(phone="").where(type(diaspora).id == diaspora.id).execute()
    assert _record(working, request.id, "consent", share_phone="y").status_code == 400
    assert _actions(diaspora.id) == ["contact_request.send"]


def test_same_limits_and_consent_checks_as_contact_requests(app, people, diaspora, add):
    official, curator = people["official"], people["curator"]
    app.config["CONTACT_REQUESTS_PER_DAY"] = 1
    second = add(kind="diaspora", full_name="Phạm Văn Hải", visibility="officials",
                 email="hai@example.de", email_visibility="curators")
    asking = client_as(app, official)
    need = _need(official)
    assert _ask(asking, need, diaspora).status_code == 302
    assert _ask(asking, need, second).status_code == 429
    app.config["CONTACT_REQUESTS_PER_DAY"] = 20
    # A person who withdrew their consent is not asked.
    consent.decide(second, curator, "contact", False, consent.NOTICE_VERSION)
    refused = _ask(asking, need, second)
    assert refused.status_code == 409
    # A withdrawal while the Department is trying cancels the request: off the queue.
    consent.decide(diaspora, curator, "contact", False, consent.NOTICE_VERSION)
    assert ContactRequest.get(ContactRequest.expert == diaspora.id).status == "cancelled"
    assert contact_requests.department_queue() == []
    working = client_as(app, curator)
    request = ContactRequest.get(ContactRequest.expert == diaspora.id)
    assert _record(working, request.id, "consent", share_email="y").status_code == 409
    assert ContactRequest.get_by_id(request.id).status == "cancelled"


def test_the_programme_report_counts_them(app, people, diaspora, add, make_user):
    official, curator = people["official"], people["curator"]
    need = _need(official)
    experts = [diaspora] + [add(kind="diaspora", full_name=f"Kiều Bào {name}",
                                visibility="officials", email=f"kieu.bao.{number}@example.org",
                                email_visibility="curators")
                            for number, name in enumerate(("Một", "Hai", "Ba"))]
    with app.test_request_context():
        rows = [contact_requests.send(need, expert, official, "consulting", "Xin liên hệ",
                                      channel="department") for expert in experts]
        contact_requests.record_outcome(rows[0], curator, "consent", fields=("email",))
        contact_requests.record_outcome(rows[1], curator, "declined")
        ContactRequest.update(created_at=utcnow() - datetime.timedelta(days=30)).where(
            ContactRequest.id == rows[2].id).execute()
        contact_requests.record_outcome(ContactRequest.get_by_id(rows[2].id), curator, "no_answer")
    # A consent withdrawn since was given all the same.
    consent.decide(diaspora, curator, "contact", False, consent.NOTICE_VERSION)
    today = utcnow().date()
    start = today - datetime.timedelta(days=60)
    report = programme_report.build(start, today, Viewer(role="official", user_id=official.id))
    assert report.department_contacts == [("opened", 4), ("consent", 1), ("declined", 1),
                                          ("no_answer", 1)]
    # A period before them counts nothing.
    before = programme_report.build(start, start, Viewer(role="curator"))
    assert before.department_contacts == [("opened", 0), ("consent", 0), ("declined", 0),
                                          ("no_answer", 0)]
    client = client_as(app, official)
    query = f"from={start}&to={today}"
    page = client.get(f"/engagements/report?{query}", headers={"Accept-Language": "vi"})
    text = page.get_data(as_text=True)
    assert "Yêu cầu nhờ Sở liên hệ" in text and "Đóng do không có trả lời" in text
    workbook = client.get(f"/engagements/report.xlsx?{query}")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    rows = [tuple(row[:2]) for row in sheet.iter_rows(values_only=True)]
    assert ("Yêu cầu đã mở", 4) in rows and ("Đóng do không có trả lời", 1) in rows


def test_a_person_who_claims_their_profile_meanwhile_answers_it_themselves(
        app, people, diaspora, make_user):
    official = people["official"]
    need = _need(official)
    assert _ask(client_as(app, official), need, diaspora).status_code == 302
    owner = make_user("expert", expert=diaspora)
    answering = client_as(app, owner)
    page = answering.get("/account/requests", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Cảng xanh Lạch Huyện" in page and "Sở đang liên hệ" in page
    request = ContactRequest.get()
    post_form(answering, f"/account/requests/{request.id}/accept", {}, form_path="/account/requests")
    assert ContactRequest.get_by_id(request.id).status == "accepted"
    # Their own answer: every detail, the expert's words, off the curators' queue.
    assert contact_requests.department_count() == 0
    assert [row.kind for row in Notification.select().where(Notification.user == official.id)] \
        == ["contact_accepted"]
    shortlisted = client_as(app, official).get(f"/needs/{need.id}").get_data(as_text=True)
    assert EMAIL in shortlisted and PHONE in shortlisted


def test_the_migration_adds_its_columns_to_an_older_database(app):
    migrator = SchemaMigrator.from_database(database)
    with database.atomic():
        # An older database: no index and none of the columns of 0063.
        database.execute_sql("DROP INDEX IF EXISTS contact_request_channel")
        migrate(*(migrator.drop_column("contact_request", name)
                  for name in ("channel", "handled_by", "shared_fields", "outcome_note")))
        migrations.SchemaMigration.delete().where(
            migrations.SchemaMigration.name == "0063_department_contact").execute()
    assert migrations.upgrade(database) == ["0063_department_contact"]
    columns = {column.name for column in database.get_columns("contact_request")}
    assert {"channel", "handled_by", "shared_fields", "outcome_note"} <= columns
    # Idempotent: run again on a database that has them.
    migrations.step("0063_department_contact")(migrator, database)
    assert migrations.upgrade(database) == []
