"""The profile page's action bar: each role sees its own tools, and
only those it may use (the same checks as the pages they lead to)."""
import re

import pytest
from conftest import client_as, post_form

from expertnet.accounts.models import DeletionRequest
from expertnet.cooperation import events
from expertnet.curation import duplicates
from expertnet.outreach import needs as records
from expertnet.outreach import shortlists


@pytest.fixture
def people(app, make_user, add, official):
    app.config["MAIL_BACKEND"] = "memory"
    # The owner keeps the profile; the e-mail address is for curators: an official asks.
    claimed = add(full_name="Phạm Quốc Hải", kind="diaspora", organization="Đại học Kyoto",
                  visibility="officials", email="hai.pham@example.jp",
                  email_visibility="curators", fields="seaports")
    owner = make_user("expert", expert=claimed)
    unclaimed = add(full_name="Lê Thị Biển", visibility="public", fields="ai", kind="foreign",
                    email="bien@example.org", email_visibility="curators")
    twin = add(full_name="Lê Thị Biễn", visibility="public", fields="ai", kind="foreign",
               email="bien@example.org")
    need = records.save({"title": "Tự động hóa cảng Lạch Huyện",
                         "organization": "Sở Khoa học và Công nghệ",
                         "available_for": ["consulting"], "shared": True}, owner=official)
    event = events.save({"kind": "conference", "title": "Hội thảo Cảng biển thông minh",
                         "starts_on": "2099-06-10", "ends_on": "2099-06-11",
                         "location": "Hải Phòng", "department": "Sở Khoa học và Công nghệ",
                         "fields": ["seaports"], "description": "Hội thảo về cảng."},
                        official.id)
    return {"official": official, "claimed": claimed, "owner": owner,
            "unclaimed": unclaimed, "twin": twin, "need": need, "event": event,
            "curator": make_user("curator"), "other": make_user("expert")}


def _bar(client, expert):
    """The action bar's text and its links' paths ("" and [] when there is none)."""
    page = client.get(f"/experts/{expert.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    match = re.search(r'<nav class="action-bar".*?</nav>', html, re.S)
    if match is None:
        return "", []
    bar = match.group(0)
    return bar, re.findall(r'(?:href|action)="([^"]+)"', bar)


def test_a_curator_sees_the_curation_tools_and_no_official_ones(app, people):
    duplicates.refresh()
    curator = client_as(app, people["curator"])
    unclaimed = people["unclaimed"]
    text, paths = _bar(curator, unclaimed)
    expected = [f"/experts/{unclaimed.id}/edit", f"/experts/{unclaimed.id}/consent",
                f"/experts/{unclaimed.id}/history", f"/experts/{unclaimed.id}/invite",
                f"/experts/{unclaimed.id}/orcid"]
    assert paths[:5] == expected
    pair = sorted([unclaimed.id, people["twin"].id])
    assert f"/curate/duplicates/{pair[0]}/{pair[1]}" in paths
    assert "/account/data.json" not in paths and "/shortlist" not in text
    # Every link of the bar opens for the curator.
    for path in paths:
        assert curator.get(path).status_code == 200, path
    # A claimed profile: no invitation to claim it; a waiting deletion request is shown.
    DeletionRequest.create(expert_id=people["claimed"].id, requested_by=people["owner"].id)
    _text, paths = _bar(curator, people["claimed"])
    assert f"/experts/{people['claimed'].id}/invite" not in paths
    assert "/admin/deletions" in paths


def test_without_duplicates_the_curator_is_led_to_the_list(app, people):
    curator = client_as(app, people["curator"])
    _text, paths = _bar(curator, people["claimed"])
    assert "/curate/duplicates" in paths and "/admin/deletions" not in paths


def test_an_official_sees_shortlist_contact_and_event_tools(app, people):
    official = client_as(app, people["official"])
    need, event, claimed = people["need"], people["event"], people["claimed"]
    text, paths = _bar(official, claimed)
    assert "Tự động hóa cảng Lạch Huyện" in text
    assert f"/needs/{need.id}/shortlist" in paths
    assert f"/needs/{need.id}/contact/{claimed.id}" in paths
    assert f"/events/{event.id}/invite" in paths
    # Nothing of the curators' or the owner's.
    assert not [path for path in paths if "/edit" in path or "/history" in path
                or "/consent" in path or "/account/" in path]
    # An unclaimed profile: the Department is asked, not the expert.
    _text, paths = _bar(official, people["unclaimed"])
    assert f"/needs/{need.id}/department-contact/{people['unclaimed'].id}" in paths
    assert f"/needs/{need.id}/contact/{people['unclaimed'].id}" not in paths
    assert official.get(f"/needs/{need.id}/department-contact/{people['unclaimed'].id}"
                        ).status_code == 200


def test_the_officials_buttons_work_and_disappear_once_used(app, people):
    official = client_as(app, people["official"])
    need, event, claimed = people["need"], people["event"], people["claimed"]
    profile = f"/experts/{claimed.id}"
    response = post_form(official, f"/needs/{need.id}/shortlist",
                         {"expert_id": claimed.id, "next": profile}, form_path=profile)
    assert response.status_code == 302 and response.location.endswith(profile)
    assert shortlists.get(need, claimed.id) is not None
    response = post_form(official, f"/events/{event.id}/invite",
                         {"expert_id": claimed.id, "next": profile}, form_path=profile)
    assert response.status_code == 200
    assert claimed.id in events.invited_ids(event)
    text, paths = _bar(official, claimed)
    assert f"/needs/{need.id}/shortlist" not in paths
    assert f"/events/{event.id}/invite" not in paths
    # The contact request is still open to them, until it is sent.
    assert f"/needs/{need.id}/contact/{claimed.id}" in paths
    ask = f"/needs/{need.id}/contact/{claimed.id}"
    response = post_form(official, ask, {"purpose": "consulting",
                                         "message": "Xin được trao đổi về cảng Lạch Huyện"})
    assert response.status_code == 302
    _text, paths = _bar(official, claimed)
    assert f"/needs/{need.id}/contact/{claimed.id}" not in paths


def test_an_official_without_a_need_is_offered_to_create_one(app, people, make_user):
    other = make_user("official")
    text, paths = _bar(client_as(app, other), people["claimed"])
    assert "/needs/new" in paths and "/shortlist" not in text


def test_the_owner_sees_their_own_tools_only(app, people):
    owner = client_as(app, people["owner"])
    claimed = people["claimed"]
    _text, paths = _bar(owner, claimed)
    assert paths == [f"/experts/{claimed.id}/edit", f"/experts/{claimed.id}/consent",
                     "/account/privacy", "/account/data.html", "/account/data.json"]
    # On someone else's profile, nothing.
    assert _bar(owner, people["unclaimed"]) == ("", [])


@pytest.mark.parametrize("who", ["anonymous", "other"])
def test_readers_without_tools_see_no_bar(app, people, who):
    client = app.test_client() if who == "anonymous" else client_as(app, people[who])
    assert _bar(client, people["unclaimed"]) == ("", [])
