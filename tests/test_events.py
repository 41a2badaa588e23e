"""Events: created by officials, experts invited once (from a search, a shortlist or by
number) and only when they allow being contacted, the invitation e-mailed in the
expert's language, answered on the expert's dashboard or recorded by an official,
attendance recorded; speakers by field; the profile shows the history to officials."""
import re

import pytest
from conftest import client_as, post_form

from expertnet.accounts import consent
from expertnet.accounts import data_rights as subject
from expertnet.accounts.models import DeletionRequest
from expertnet.cooperation import common, events
from expertnet.cooperation.models import Event, EventInvitation
from expertnet.core import access
from expertnet.core.models import Audit
from expertnet.directory.models import Expert
from expertnet.outreach import needs as records
from expertnet.outreach import shortlists
from expertnet.outreach.models import ContactBlock

EVENT = {"kind": "conference", "title": "Hội thảo Cảng biển thông minh",
         "starts_on": "2026-06-10", "ends_on": "2026-06-11", "location": "Hải Phòng",
         "department": "Sở Khoa học và Công nghệ", "fields": ["seaports"],
         "description": "Hội thảo quốc tế về tự động hóa cảng."}


@pytest.fixture
def people(app, make_user, add, official):
    app.config["MAIL_BACKEND"] = "memory"
    claimed = add(full_name="Nguyễn Văn Cảng", visibility="officials", fields="seaports",
                  email="cang@example.org", email_visibility="curators", kind="diaspora")
    owner = make_user("expert", expert=claimed)
    owner.language = "en"
    owner.save()
    unclaimed = add(full_name="Lê Thị Biển", visibility="public", fields="ai", kind="foreign")
    hidden = add(full_name="Ẩn Danh", visibility="curators")
    return {"official": official, "claimed": claimed, "owner": owner, "unclaimed": unclaimed,
            "hidden": hidden}


@pytest.fixture
def event(people):
    return events.save(dict(EVENT), people["official"].id)


def _invite(client, event, ids, role="participant", **extra):
    return post_form(client, f"/events/{event.id}/invite",
                     {"ids": " ".join(str(i) for i in ids), "role": role, **extra},
                     form_path=f"/events/{event.id}/invite")


def test_an_official_creates_an_event_and_bad_values_come_back(app, people):
    client = client_as(app, people["official"])
    page = client.get("/events", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Chưa có sự kiện nào." in page  # the empty state
    response = post_form(client, "/events/new", {**EVENT, "fields": "seaports"})
    assert response.status_code == 302
    event = Event.get()
    assert (event.kind, event.title, event.fields, event.created_by) == \
        ("conference", EVENT["title"], ["seaports"], people["official"].id)
    assert Audit.select().where(Audit.action == "event.create").count() == 1
    bad = post_form(client, "/events/new", {**EVENT, "kind": "party", "title": "",
                                            "starts_on": "2026-06-10", "ends_on": "2026-06-01",
                                            "fields": "nope"},
                    headers={"Accept-Language": "en"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and Event.select().count() == 1
    assert "Choose the kind of event." in text and "ends before it starts" in text
    english = client.get("/events?kind=conference", headers={"Accept-Language": "en"}).text
    assert EVENT["title"] in english
    assert EVENT["title"] not in client.get("/events?kind=workshop").text
    assert EVENT["title"] not in client.get("/events?q=khong+co").text


def test_inviting_emails_the_owner_in_their_language_once(app, people, event, mailbox):
    client = client_as(app, people["official"])
    response = _invite(client, event, [people["claimed"].id, people["unclaimed"].id], "speaker")
    assert response.status_code == 200
    rows = {row.expert_id: row for row in EventInvitation.select()}
    assert set(rows) == {people["claimed"].id, people["unclaimed"].id}
    assert {row.role for row in rows.values()} == {"speaker"}
    # One e-mail, to the account that owns the profile, in English (its language).
    [message] = mailbox
    assert message["To"] == people["owner"].email
    assert message["Subject"] == f"Invitation: {EVENT['title']}"
    assert "/account/events" in message.get_content()
    assert rows[people["claimed"].id].mail_message_id is not None
    assert rows[people["unclaimed"].id].mail_message_id is None
    # Never twice: again by number, and from the service.
    again = _invite(client, event, [people["claimed"].id])
    assert again.status_code == 409
    assert "already invited" in again.get_data(as_text=True) or \
        "đã được mời" in again.get_data(as_text=True)
    with pytest.raises(common.Refused):
        events.invite(event, people["claimed"], people["official"])
    assert EventInvitation.select().count() == 2 and len(mailbox) == 1
    # A profile the official may not see cannot be invited (and is not revealed).
    hidden = _invite(client, event, [people["hidden"].id])
    assert hidden.status_code == 409 and EventInvitation.select().count() == 2
    assert "Ẩn Danh" not in hidden.get_data(as_text=True)
    assert Audit.select().where(Audit.action == "event.invite").count() == 2


def test_consent_and_blocks_are_respected(app, people, event, mailbox):
    claimed, official = people["claimed"], people["official"]
    consent.decide(claimed, people["owner"], "contact", False, consent.NOTICE_VERSION)
    with pytest.raises(common.Refused) as refused:
        events.invite(event, Expert.get_by_id(claimed.id), official)
    assert "rút lại sự đồng ý" in str(refused.value.message)  # Vietnamese by default
    unclaimed = people["unclaimed"]
    ContactBlock.create(expert=unclaimed.id, department="SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    with pytest.raises(common.Refused) as blocked:
        events.invite(event, unclaimed, official)
    assert "không nhận yêu cầu từ đơn vị của anh/chị" in str(blocked.value.message)
    assert EventInvitation.select().count() == 0 and mailbox == []


def test_an_official_sends_a_bounded_number_of_invitations_a_day(app, people, event, mailbox):
    app.config["EVENT_INVITATIONS_PER_DAY"] = 1
    events.invite(event, people["claimed"], people["official"])
    with pytest.raises(common.Refused) as refused:
        events.invite(event, people["unclaimed"], people["official"])
    assert refused.value.status == 429 and "24" in str(refused.value.message)
    assert EventInvitation.select().count() == 1 and len(mailbox) == 1


def test_withdrawing_consent_cancels_waiting_invitations(app, people, event):
    row = events.invite(event, people["claimed"], people["official"])
    consent.decide(people["claimed"], people["owner"], "publish", False, consent.NOTICE_VERSION)
    assert EventInvitation.get_by_id(row.id).status == "cancelled"
    assert Audit.select().where(Audit.action == "event.cancel").count() == 1


def test_the_expert_answers_on_the_dashboard(app, people, event):
    row = events.invite(event, people["claimed"], people["official"], role="panellist")
    owner = client_as(app, people["owner"])
    home = owner.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Invitations to events" in home and "1 waiting for your answer" in home
    page = owner.get("/account/events", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert EVENT["title"] in page and "Panellist" in page  # the account's language
    assert post_form(owner, f"/account/events/{row.id}/accept", {},
                     form_path="/account/events").status_code == 302
    stored = EventInvitation.get_by_id(row.id)
    assert (stored.status, stored.answered_via) == ("accepted", "expert")
    # Answered: no second answer.
    post_form(owner, f"/account/events/{row.id}/decline", {}, form_path="/account/events")
    assert EventInvitation.get_by_id(row.id).status == "accepted"
    # Nobody else answers it.
    other = client_as(app, people["official"])
    assert post_form(other, f"/account/events/{row.id}/decline", {},
                     form_path="/events").status_code == 404
    # An official cannot record another reply over the expert's own.
    refused = post_form(other, f"/events/{event.id}/invitations/{row.id}/reply",
                        {"status": "declined"}, form_path=f"/events/{event.id}",
                        headers={"Accept-Language": "en"})
    assert refused.status_code == 409
    assert "their answer stays" in refused.get_data(as_text=True)
    assert EventInvitation.get_by_id(row.id).status == "accepted"


def test_an_official_records_replies_attendance_and_roles(app, people, event, make_user):
    row = events.invite(event, people["unclaimed"], people["official"])
    client = client_as(app, people["official"])
    base = f"/events/{event.id}/invitations/{row.id}"
    form = f"/events/{event.id}"
    assert post_form(client, f"{base}/reply", {"status": "declined"}, form_path=form).status_code == 302
    assert EventInvitation.get_by_id(row.id).status == "declined"
    assert post_form(client, f"{base}/reply", {"status": "maybe"}, form_path=form).status_code == 400
    post_form(client, f"{base}/reply", {"status": "accepted"}, form_path=form)
    post_form(client, f"{base}/attendance", {"attendance": "attended"}, form_path=form)
    post_form(client, f"{base}/role", {"role": "speaker"}, form_path=form)
    stored = EventInvitation.get_by_id(row.id)
    assert (stored.status, stored.answered_via, stored.attendance, stored.role) == \
        ("accepted", "official", "attended", "speaker")
    # Speakers by field: the AI expert under "AI".
    page = client.get(form, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Speakers by field" in page and "Lê Thị Biển" in page
    [(code, experts)] = events.speakers_by_field(events.invitations(
        event, access.viewer_for(people["official"])))
    assert code == "ai" and [expert.id for expert in experts] == [people["unclaimed"].id]
    # An official of another department reads but does not change it; a colleague does.
    stranger = make_user("official")
    stranger_client = client_as(app, stranger)
    assert stranger_client.get(form).status_code == 200
    assert post_form(stranger_client, f"{base}/reply", {"status": "declined"},
                     form_path=form).status_code == 403
    colleague = make_user("official")
    colleague.department = "sở khoa học và công nghệ"
    colleague.save()
    assert post_form(client_as(app, colleague), f"{base}/reply", {"status": "no_reply"},
                     form_path=form).status_code == 302
    assert EventInvitation.get_by_id(row.id).status == "no_reply"
    # Experts never reach the officials' pages.
    assert client_as(app, people["owner"]).get(form).status_code == 403


def test_invite_from_a_search_and_from_a_shortlist(app, people, event):
    client = client_as(app, people["official"])
    found = client.get(f"/events/{event.id}/invite?q=Biển").get_data(as_text=True)
    assert f'name="expert_id" value="{people["unclaimed"].id}"' in found
    need = records.save({"title": "Tự động hóa cảng", "organization": "Sở KH&CN"},
                        owner=people["official"])
    shortlists.add(need, people["claimed"], people["official"].id)
    listed = client.get(f"/events/{event.id}/invite?need={need.id}").get_data(as_text=True)
    assert f'name="expert_id" value="{people["claimed"].id}"' in listed
    response = post_form(client, f"/events/{event.id}/invite",
                         {"expert_id": [str(people["claimed"].id)], "role": "participant"},
                         form_path=f"/events/{event.id}/invite")
    assert response.status_code == 200
    assert [row.expert_id for row in EventInvitation.select()] == [people["claimed"].id]
    again = client.get(f"/events/{event.id}/invite?need={need.id}").get_data(as_text=True)
    assert f'name="expert_id" value="{people["claimed"].id}"' not in again  # already invited: no checkbox
    assert client.get(f"/events/{event.id}/invite?need=999999").status_code == 404
    # The need's page leads to the invitation of its shortlist, for events not over yet.
    coming = events.save({**EVENT, "title": "Chợ công nghệ 2099", "starts_on": "2099-01-01",
                          "ends_on": ""}, people["official"].id)
    need_page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert f"/events/{coming.id}/invite?need={need.id}" in need_page
    assert f"/events/{event.id}/invite" not in need_page  # that one is over


def test_the_profile_shows_the_history_to_officials_only(app, people, event, make_user):
    row = events.invite(event, people["unclaimed"], people["official"], role="speaker")
    events.record_attendance(row, "attended", people["official"].id)
    path = f"/experts/{people['unclaimed'].id}"
    official = client_as(app, people["official"]).get(
        path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Events, delegations and agreements" in official and EVENT["title"] in official
    assert "Attended" in official
    vietnamese = client_as(app, make_user("curator")).get(
        path, headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Sự kiện, đoàn công tác và thỏa thuận hợp tác" in vietnamese
    assert EVENT["title"] not in app.test_client().get(path).get_data(as_text=True)
    assert EVENT["title"] not in client_as(app, make_user("expert")).get(path).text


def test_deleting_the_event_or_the_profile_removes_the_invitations(app, people, event):
    events.invite(event, people["claimed"], people["official"])
    events.invite(event, people["unclaimed"], people["official"])
    [exported] = subject.export(people["owner"])["events"]
    assert (exported["event"], exported["status"]) == (EVENT["title"], "invited")
    subject.confirm(DeletionRequest.create(expert_id=people["claimed"].id), actor=None)
    assert [row.expert_id for row in EventInvitation.select()] == [people["unclaimed"].id]
    client = client_as(app, people["official"])
    assert post_form(client, f"/events/{event.id}/delete", {},
                     form_path=f"/events/{event.id}").status_code == 302
    assert Event.select().count() == 0 and EventInvitation.select().count() == 0


def test_merging_two_profiles_keeps_one_invitation_per_event(app, people, event, add):
    from expertnet.curation import merging

    twin = add(full_name="Nguyễn Văn Cảng", visibility="officials", fields="seaports")
    other = events.save({**EVENT, "title": "Hội thảo khác"}, people["official"].id)
    events.invite(event, people["claimed"], people["official"])
    events.invite(event, twin, people["official"], role="speaker")
    events.invite(other, twin, people["official"])
    keep, drop = Expert.get_by_id(people["claimed"].id), Expert.get_by_id(twin.id)
    merging.merge(keep, drop, {}, keep.version, drop.version)
    rows = sorted((row.event_id, row.expert_id, row.role) for row in EventInvitation.select())
    assert rows == [(event.id, keep.id, "participant"), (other.id, keep.id, "participant")]


def test_the_list_counts_only_the_invited_profiles_the_reader_may_open(app, people, event,
                                                                       make_user):
    """A curator invited a profile kept for curators: an official's list does not count
    it (SECURITY.md: totals never count a profile the reader could not open)."""
    curator = make_user("curator")
    events.invite(event, people["unclaimed"], people["official"])
    hidden = events.invite(event, people["hidden"], curator)
    events.answer(hidden, curator, accepted=True)
    events.record_attendance(hidden, "attended", curator.id)

    def cells(user):
        page = client_as(app, user).get("/events").get_data(as_text=True)
        return re.findall(r'<td class="number">(\d+)</td>', page)

    assert cells(people["official"]) == ["1", "0", "0"]
    assert cells(curator) == ["2", "1", "1"]
    viewer = access.viewer_for(people["official"])
    assert events.counts([event.id], viewer)[event.id] == \
        {"invited": 1, "accepted": 0, "attended": 0}


def test_a_block_of_the_organising_department_refuses_the_invitation(app, people, mailbox,
                                                                     make_user):
    """The e-mail says the organising department invites: an expert who blocks that
    department is not invited, even by an official of another department (or a curator
    with none)."""
    event = events.save({**EVENT, "department": "Sở Ngoại vụ"}, people["official"].id)
    ContactBlock.create(expert=people["claimed"].id, department="so ngoai vu")
    for inviter in (people["official"], make_user("curator")):
        with pytest.raises(common.Refused) as blocked:
            events.invite(event, people["claimed"], inviter)
        assert "không nhận yêu cầu từ đơn vị của anh/chị" in str(blocked.value.message)
    assert EventInvitation.select().count() == 0 and mailbox == []
    # A block of another department does not stop it.
    ContactBlock.delete().execute()
    ContactBlock.create(expert=people["claimed"].id, department="Sở Y tế")
    events.invite(event, people["claimed"], people["official"])
    assert len(mailbox) == 1


def _queries(monkeypatch):
    """A list that grows by one SQL statement for each query the database runs."""
    from expertnet.core.db import database
    run = []
    real = database.obj.execute_sql

    def counting(sql, *args, **kwargs):
        run.append(sql)
        return real(sql, *args, **kwargs)
    monkeypatch.setattr(database.obj, "execute_sql", counting)
    return run


def test_the_need_page_reads_the_events_to_invite_in_a_fixed_number_of_queries(
        app, people, make_user, monkeypatch):
    official = people["official"]
    colleague, stranger = make_user("official"), make_user("official")
    colleague.department, stranger.department = official.department, "Sở Y tế"
    colleague.save()
    stranger.save()
    need = records.save({"title": "Tự động hóa cảng", "organization": "Sở KH&CN"},
                        owner=official)
    shortlists.add(need, people["claimed"], official.id)
    client = client_as(app, official)

    def add_events(number):
        for index in range(number):
            author = (colleague, stranger)[index % 2]
            events.save({**EVENT, "title": f"Sự kiện {author.id}-{index}",
                         "starts_on": f"2099-01-{index + 1:02d}", "ends_on": ""}, author.id)

    def page_queries():
        run = _queries(monkeypatch)
        page = client.get(f"/needs/{need.id}").get_data(as_text=True)
        monkeypatch.undo()
        return len(run), page

    add_events(2)
    few, page = page_queries()
    add_events(10)
    many, page = page_queries()
    assert many == few
    # The colleague's events are offered (soonest first, five at most), the stranger's not.
    offered = [event for event in events.listing(when="upcoming")
               if f"/events/{event.id}/invite?need={need.id}" in page]
    assert len(offered) == 5 and {event.created_by for event in offered} == {colleague.id}


def test_upcoming_and_past_events_with_and_without_a_last_day(people):
    def save(title, starts_on, ends_on=""):
        return events.save({**EVENT, "title": title, "starts_on": starts_on, "ends_on": ends_on},
                           people["official"].id)
    import datetime
    today = datetime.date(2026, 6, 10)
    save("one day, over", "2026-06-09")
    save("one day, today", "2026-06-10")
    save("under way", "2026-06-01", "2026-06-12")
    save("over", "2026-06-01", "2026-06-09")

    def titles(when):
        return sorted(event.title for event in events.listing(when=when, today=today))
    assert titles("upcoming") == ["one day, today", "under way"]
    assert titles("past") == ["one day, over", "over"]
    assert len(events.listing(today=today)) == 4
