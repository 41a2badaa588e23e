"""Saved searches and alerts: an official keeps a search or a need, the dashboard counts
the experts they have not seen, and a digest e-mails the new ones once — only those the
official may see, never the same expert twice for the same saved search."""
import datetime
import re

import pytest
from conftest import client_as, links_in, post_form

from expertnet.core.db import utcnow
from expertnet.directory import writes
from expertnet.directory.models import Expert
from expertnet.notifications.models import Notification
from expertnet.outreach import needs as records
from expertnet.outreach import saved_searches
from expertnet.outreach.models import SavedSearch, SavedSearchHit

EN = {"Accept-Language": "en"}
PORT = {"fields": "seaports", "bio_vi": "Tự động hóa cảng biển", "organization": "Viện Cảng"}


def _port_expert(add, name, visibility="officials", **values):
    return add(full_name=name, visibility=visibility, **{**PORT, **values})


@pytest.fixture
def officer(app, official):
    official.language = "en"
    official.save()
    return official


def _save(client, name="Cảng biển", **params):
    data = {"name": name, "frequency": "daily", **params}
    return post_form(client, "/saved-searches", data, form_path="/saved-searches")


def _digests(app, days=0):
    return saved_searches.send_digests(now=utcnow() + datetime.timedelta(days=days))


def test_saving_from_the_search_page_counts_only_experts_added_since(app, add, officer):
    _port_expert(add, "Đã Có Trước")
    client = client_as(app, officer)
    page = client.get("/search?q=c%E1%BA%A3ng&field=seaports", headers=EN).text
    assert "Save this search as an alert" in page
    assert 'name="q" value="cảng"' in page and 'name="field" value="seaports"' in page
    response = _save(client, q="cảng", field="seaports")
    assert response.status_code == 302
    [saved] = SavedSearch.select()
    assert (saved.user_id, saved.name, saved.pairs) == \
        (officer.id, "Cảng biển", [("q", "cảng"), ("field", "seaports")])
    home = client.get("/account", headers=EN).text
    assert "Cảng biển" in home and "new</strong>" not in home  # what it found then is not new

    newcomer = _port_expert(add, "Người Mới Đến")
    _port_expert(add, "Ngoài Lĩnh Vực", fields="ai", bio_vi="Học máy")  # does not match
    home = client.get("/account", headers=EN).text
    assert re.search(r"Cảng biển</a> <strong class=\"badge\">1 new</strong>", home)
    listing = client.get("/saved-searches", headers=EN).text
    assert "1 new" in listing
    page = client.get(f"/saved-searches/{saved.id}", headers=EN).text
    assert "Người Mới Đến" in page and "Đã Có Trước" not in page
    assert "1 new expert since you last looked" in page

    response = post_form(client, f"/saved-searches/{saved.id}/seen",
                         {"expert_id": str(newcomer.id)}, form_path=f"/saved-searches/{saved.id}")
    assert response.status_code == 302
    assert "Nothing new" in client.get(f"/saved-searches/{saved.id}", headers=EN).text
    assert "new</strong>" not in client.get("/account", headers=EN).text


def test_a_profile_becoming_visible_is_new_and_hidden_ones_never_count(app, add, officer):
    hidden = _port_expert(add, "Chưa Công Bố", visibility="curators")
    saved = saved_searches.create(officer, "Cảng", pairs=[("q", "cảng")])
    viewer_ids = saved_searches.unseen_ids(saved, saved_searches.access.viewer_for(officer))
    assert viewer_ids == []  # the official may not see it
    assert not SavedSearchHit.select().where(SavedSearchHit.expert == hidden.id).exists()
    # The expert consents and widens the visibility: now it is new for the official.
    writes.save_profile({"visibility": "officials"}, expert=Expert.get_by_id(hidden.id))
    assert saved_searches.unseen_ids(saved, saved_searches.access.viewer_for(officer)) == [hidden.id]


def test_the_digest_lists_new_experts_once_and_only_those_the_official_may_see(
        app, add, officer, make_user, mailbox):
    saved_searches.create(officer, "Cảng biển", pairs=[("q", "cảng")])
    saved_searches.create(officer, "Tự động hóa", pairs=[("field", "seaports")])
    curator = make_user("curator")
    saved_searches.create(curator, "Cảng (curator)", pairs=[("q", "cảng")])
    seen_by_all = _port_expert(add, "Công Khai Mới", visibility="public")
    for_officials = _port_expert(add, "Cán Bộ Mới", visibility="officials")
    curators_only = _port_expert(add, "Nội Bộ Mới", visibility="curators")

    assert _digests(app, days=1) == {"users": 2, "experts": 5}
    messages = {message["To"]: message for message in mailbox}
    text = messages[officer.email].get_content()
    assert messages[officer.email]["Subject"] == "2 new experts for your saved searches"
    assert "“Cảng biển”" in text and "“Tự động hóa”" in text
    assert text.count("Công Khai Mới") == 2 and text.count("Cán Bộ Mới") == 2
    assert "Nội Bộ Mới" not in text  # the official may not see it
    assert f"/experts/{seen_by_all.id}" in "".join(links_in(messages[officer.email]))
    assert "/saved-searches" in links_in(messages[officer.email])
    curator_text = messages[curator.email].get_content()
    assert "Nội Bộ Mới" in curator_text
    # A notification beside the e-mail.
    [note] = Notification.select().where(Notification.user == officer.id)
    assert (note.kind, note.values["count"]) == ("digest", 2)

    # The same day again, or the next day with nothing new: nothing.
    mailbox.clear()
    assert _digests(app, days=1)["users"] == 0
    assert _digests(app, days=2)["users"] == 0
    assert mailbox == []
    # A change to a known expert does not make them new.
    writes.save_profile({"organization": "Viện Khác"}, expert=Expert.get_by_id(for_officials.id))
    assert _digests(app, days=3)["users"] == 0
    # A new one comes alone.
    _port_expert(add, "Thêm Một Người", visibility="public")
    assert _digests(app, days=4) == {"users": 2, "experts": 2}
    text = next(m for m in mailbox if m["To"] == officer.email).get_content()
    assert "Thêm Một Người" in text and "Công Khai Mới" not in text
    assert curators_only.id not in {hit.expert_id for hit in SavedSearchHit.select()
                                    .join(SavedSearch).where(SavedSearch.user == officer.id)}


def test_two_digest_runs_at_once_send_one(app, add, officer, mailbox):
    saved_searches.create(officer, "Cảng", pairs=[("q", "cảng")])
    _port_expert(add, "Người Mới")
    now = utcnow() + datetime.timedelta(days=1)
    assert saved_searches.send_digest(officer, now) == 1
    assert saved_searches.send_digest(officer, now) == 0
    saved_searches.mail.flush()
    assert len(mailbox) == 1


def test_frequency_weekly_and_off(app, add, officer, mailbox):
    weekly = saved_searches.create(officer, "Tuần", pairs=[("q", "cảng")], frequency="weekly")
    off = saved_searches.create(officer, "Tắt", pairs=[("field", "seaports")], frequency="off")
    _port_expert(add, "Người Mới")
    assert _digests(app, days=1)["users"] == 1  # the weekly one's first digest
    _port_expert(add, "Người Mới Hai")
    assert _digests(app, days=3)["users"] == 0  # not a week yet
    assert _digests(app, days=8)["experts"] == 1
    assert all("Tắt" not in message.get_content() for message in mailbox)
    assert SavedSearch.get_by_id(off.id).last_digest_at is None
    assert SavedSearch.get_by_id(weekly.id).last_digest_at is not None


def test_changing_the_frequency_and_deleting(app, officer, make_user):
    saved = saved_searches.create(officer, "Cảng", pairs=[("q", "cảng")])
    client = client_as(app, officer)
    response = post_form(client, f"/saved-searches/{saved.id}/settings",
                         {"name": "Cảng biển", "frequency": "off"}, form_path="/saved-searches")
    assert response.status_code == 302
    assert (SavedSearch.get_by_id(saved.id).frequency, SavedSearch.get_by_id(saved.id).name) == \
        ("off", "Cảng biển")
    assert post_form(client, f"/saved-searches/{saved.id}/settings",
                     {"name": "x", "frequency": "hourly"},
                     form_path="/saved-searches").status_code == 400
    # Another official cannot reach it.
    other = client_as(app, make_user("official"))
    assert other.get(f"/saved-searches/{saved.id}").status_code == 404
    assert post_form(other, f"/saved-searches/{saved.id}/delete", {},
                     form_path="/saved-searches").status_code == 404
    assert post_form(client, f"/saved-searches/{saved.id}/delete", {},
                     form_path="/saved-searches").status_code == 302
    assert SavedSearch.select().count() == 0
    assert "No saved searches yet." in client.get("/saved-searches", headers=EN).text


def test_bad_input_is_refused_in_the_readers_language(app, officer, make_user):
    client = client_as(app, officer)
    response = _save(client, q="cảng", field="no-such-field")
    assert response.status_code == 400 and "is not a field code" in response.text
    response = _save(client, name="")
    assert response.status_code == 400 and "Give the saved search a name." in response.text
    response = _save(client, name="Trống")
    assert response.status_code == 400 and "an empty search cannot be saved" in response.text
    response = post_form(client, "/saved-searches", {"name": "Trống", "need_id": "99999"},
                         form_path="/saved-searches")
    assert response.status_code == 404
    officer.language = "vi"
    officer.save()
    vi = post_form(client, "/saved-searches", {"name": ""}, form_path="/saved-searches")
    assert vi.status_code == 400 and "Hãy đặt tên cho lượt tìm kiếm đã lưu." in vi.text
    assert SavedSearch.select().count() == 0
    expert = client_as(app, make_user("expert"))
    assert "Save this search" not in expert.get("/search?q=c%E1%BA%A3ng", headers=EN).text
    assert post_form(expert, "/saved-searches", {"name": "x", "q": "cảng"},
                     form_path="/search?q=x").status_code == 403


def test_a_saved_need_alerts_on_new_matching_experts(app, add, officer, mailbox):
    _port_expert(add, "Đã Có")
    need = records.save({"title": "Tự động hóa cảng biển", "organization": "Sở KH&CN",
                         "description": "Cần chuyên gia tự động hóa cảng biển",
                         "fields": ["seaports"], "available_for": ["consulting"]}, owner=officer)
    client = client_as(app, officer)
    assert "Save this need as an alert" in client.get(f"/needs/{need.id}", headers=EN).text
    response = post_form(client, "/saved-searches", {"name": "Nhu cầu cảng", "frequency": "daily",
                                                     "need_id": str(need.id)},
                         form_path=f"/needs/{need.id}")
    assert response.status_code == 302
    [saved] = SavedSearch.select()
    assert saved.need_id == need.id and saved.pairs == []
    newcomer = _port_expert(add, "Chuyên Gia Cảng Mới", available_for="consulting")
    page = client.get(f"/saved-searches/{saved.id}", headers=EN).text
    assert "Chuyên Gia Cảng Mới" in page and "Đã Có" not in page
    assert f'href="/needs/{need.id}/proposal"' in page
    assert _digests(app, days=1)["experts"] == 1
    assert "Chuyên Gia Cảng Mới" in mailbox[0].get_content()
    assert SavedSearchHit.get(SavedSearchHit.expert == newcomer.id).alerted_at is not None


def test_the_command_sends_the_digests(app, add, officer, mailbox, runner):
    saved = saved_searches.create(officer, "Cảng", pairs=[("q", "cảng")])
    SavedSearch.update(last_digest_at=utcnow() - datetime.timedelta(days=2)).where(
        SavedSearch.id == saved.id).execute()
    _port_expert(add, "Người Mới")
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    assert "Digests: 1 accounts told of 1 new experts." in result.output
    assert len(mailbox) == 1
    assert "0 accounts" in runner.invoke(args=["send-digests"]).output


def test_the_worker_runs_digests_every_hour(app):
    due = {task.name for task in saved_searches.tasks.huey.read_periodic(
        datetime.datetime(2026, 1, 1, 6, 0))}
    assert "send_digests_task" in due


def test_an_old_match_edited_into_the_checked_window_is_not_new(app, add, officer):
    app.config["SAVED_SEARCH_SCAN"] = 2  # each check looks at the two latest changes only
    experts = [_port_expert(add, f"Chuyên Gia {number}") for number in range(5)]
    saved = saved_searches.create(officer, "Cảng", pairs=[("q", "cảng")])
    viewer = saved_searches.access.viewer_for(officer)
    writes.save_profile({"organization": "Viện Mới"}, expert=Expert.get_by_id(experts[0].id))
    assert saved_searches.unseen_ids(saved, viewer) == []
    newcomer = _port_expert(add, "Người Mới")
    assert saved_searches.unseen_ids(saved, viewer) == [newcomer.id]


def test_the_digest_hour_is_configurable(app, add, officer, mailbox):
    saved_searches.create(officer, "Cảng", pairs=[("q", "cảng")])
    SavedSearch.update(last_digest_at=utcnow() - datetime.timedelta(days=2)).execute()
    _port_expert(add, "Người Mới")
    app.config["DIGEST_HOUR"] = (utcnow().hour + 12) % 24
    saved_searches.send_digests_task.call_local()
    assert mailbox == []
    app.config["DIGEST_HOUR"] = utcnow().hour
    saved_searches.send_digests_task.call_local()
    assert len(mailbox) == 1


def test_the_digest_link_stops_the_e_mails_of_one_saved_search(app, add, officer, mailbox, client):
    kept = saved_searches.create(officer, "Cảng", pairs=[("q", "cảng")])
    stopped = saved_searches.create(officer, "Tự động hóa", pairs=[("field", "seaports")])
    _port_expert(add, "Người Mới")
    _digests(app, days=1)
    [message] = mailbox
    paths = [path for path in links_in(message) if "/unsubscribe/" in path]
    assert len(paths) == 2
    token_of = {saved.id: saved_searches.unsubscribe_token(saved) for saved in (kept, stopped)}
    [path] = [path for path in paths if path.endswith(token_of[stopped.id])]
    # Anyone holding the link (no login): GET asks and changes nothing, POST stops.
    page = client.get(path, headers=EN)
    assert page.status_code == 200 and "Tự động hóa" in page.text
    assert SavedSearch.get_by_id(stopped.id).frequency == "daily"
    assert client.post(path).status_code == 400  # no CSRF token
    response = post_form(client, path, {}, headers=EN)
    assert response.status_code == 200 and "You will receive no more e-mails" in response.text
    assert SavedSearch.get_by_id(stopped.id).frequency == "off"
    assert SavedSearch.get_by_id(kept.id).frequency == "daily"
    # A forged or altered token is a 404.
    assert client.get(path[:-3] + "abc").status_code == 404
    assert client.get("/saved-searches/unsubscribe/not-a-token").status_code == 404
