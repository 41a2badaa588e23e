"""The data quality page: counts, the lists behind them, bulk actions with a
confirmation step that respect consent, audited, through the service layer."""
import datetime
import re

import pytest
from conftest import csrf_token

from expertnet.accounts import consent
from expertnet.accounts.models import Invitation
from expertnet.core import outbox as mail
from expertnet.core.access import CURATOR
from expertnet.core.db import utcnow
from expertnet.core.models import Audit
from expertnet.curation import quality
from expertnet.directory import finder, indexing
from expertnet.directory.models import Expert


@pytest.fixture
def curator(make_user, login):
    user = make_user("curator")
    login(user)
    return user


@pytest.fixture
def mix(add, make_user):
    people = {
        "complete": add(full_name="Đầy Đủ", fields="ai", email="du@example.org", bio_vi="Có.",
                        bio_en="Yes.", kind="diaspora"),
        "bare": add(full_name="Trống Trơn", visibility="curators", email="trong@example.org"),
        "old": add(full_name="Cũ Kỹ", fields="logistics", phone="+84 912 345 678",
                   bio_vi="Có.", bio_en="Yes.", kind="diaspora", visibility="curators"),
    }
    make_user("expert", expert=people["complete"])
    consent.decide(people["complete"], None, "publish", True, consent.NOTICE_VERSION)
    Expert.update(updated_at=utcnow() - datetime.timedelta(days=400)).where(
        Expert.id == people["old"].id).execute()
    return people


def test_counts_cover_each_missing_piece_and_link_to_the_list(app, client, curator, mix):
    counts = quality.counts(12)
    assert counts == {"total": 3, "no_field": 1, "no_contact": 0, "no_consent": 2,
                      "no_bio_vi": 1, "no_bio_en": 1, "stale": 1, "unclaimed": 1}
    assert quality.counts(24)["stale"] == 0
    page = client.get("/curate/quality", headers={"Accept-Language": "en"}).text
    assert "/curate/quality/no_consent?months=12" in page
    listing = client.get("/curate/quality/no_consent?months=12").text
    assert "Trống Trơn" in listing and "Cũ Kỹ" in listing and "Đầy Đủ" not in listing
    assert "Cũ Kỹ" in client.get("/curate/quality/unclaimed").text
    assert "Cũ Kỹ" not in client.get("/curate/quality/stale?months=24").text
    assert client.get("/curate/quality/nonsense").status_code == 404


def test_lists_are_paginated(app, client, curator, add):
    for number in range(55):
        add(full_name=f"Thiếu Lĩnh Vực {number:02d}")
    first = client.get("/curate/quality/no_field").text
    second = client.get("/curate/quality/no_field?page=2").text
    names = set(re.findall(r"Thiếu Lĩnh Vực \d\d", first)), set(re.findall(
        r"Thiếu Lĩnh Vực \d\d", second))
    assert len(names[0]) == 50 and len(names[1]) == 5 and not names[0] & names[1]


def bulk(client, data):
    token = csrf_token(client, "/curate/quality")
    return client.post("/curate/quality/bulk", data={**data, "csrf_token": token},
                       headers={"Accept-Language": "en"})


def test_assigning_a_field_asks_first_then_writes_through_the_services(app, client, curator, mix):
    ids = [mix["bare"].id, mix["complete"].id]
    data = {"action": "assign_field", "field": "ai", "ids": ids, "check": "no_field"}
    confirm = bulk(client, data)
    assert confirm.status_code == 200 and "Confirm" in confirm.text
    assert "already so" in confirm.text  # "complete" has the field already
    assert Expert.get_by_id(mix["bare"].id).field_codes == []  # nothing yet
    done = bulk(client, {**data, "confirm": "1"})
    assert done.status_code == 200
    assert Expert.get_by_id(mix["bare"].id).field_codes == ["ai"]
    entry = Audit.get((Audit.expert_id == mix["bare"].id) & (Audit.action == "profile.update"))
    assert entry.changed["bulk"] == "assign_field" and entry.actor_id == curator.id
    found = finder.find(finder.Criteria(filters={"field": ["ai"]}, per_page=10), viewer=CURATOR)
    assert {expert.id for expert in found.experts} == set(ids)  # the index follows
    summary = Audit.get(Audit.action == "quality.bulk")
    assert summary.changed == {"bulk": "assign_field", "value": "ai", "count": 1}


def test_visibility_is_never_widened_beyond_consent(app, client, curator, mix):
    Expert.update(visibility="curators").where(Expert.id == mix["complete"].id).execute()
    ids = [mix["complete"].id, mix["bare"].id]
    confirm = bulk(client, {"action": "set_visibility", "visibility": "public", "ids": ids})
    assert "has not consented to publishing" in confirm.text
    bulk(client, {"action": "set_visibility", "visibility": "public", "ids": ids, "confirm": "1"})
    assert Expert.get_by_id(mix["complete"].id).visibility == "public"  # consented
    assert Expert.get_by_id(mix["bare"].id).visibility == "curators"   # no consent record
    # Narrowing needs no consent.
    bulk(client, {"action": "set_visibility", "visibility": "curators",
                  "ids": [mix["complete"].id], "confirm": "1"})
    assert Expert.get_by_id(mix["complete"].id).visibility == "curators"


def test_a_withdrawal_between_the_confirmation_and_the_change_is_respected(
        app, client, curator, mix, make_user):
    expert = mix["complete"]
    Expert.update(visibility="curators").where(Expert.id == expert.id).execute()
    planned = quality.plan("set_visibility", [Expert.get_by_id(expert.id)], "public")
    assert planned.changing
    consent.decide(expert, None, "publish", False, consent.NOTICE_VERSION)
    quality.apply(planned, curator.id)
    assert Expert.get_by_id(expert.id).visibility == "curators"


def test_invitations_are_listed_when_mail_is_off(app, client, curator, mix):
    ids = [mix["bare"].id, mix["complete"].id, mix["old"].id]
    done = bulk(client, {"action": "invite", "ids": ids, "confirm": "1"})
    assert done.status_code == 200
    links = re.findall(r"http://localhost/invitations/[\w.-]+", done.text)
    assert len(links) == 1  # "complete" has an owner, "old" has no e-mail
    assert "already has an owner" in done.text and "has no e-mail address" in done.text
    assert Invitation.select().count() == 1
    assert client.get(links[0].replace("http://localhost", "")).status_code == 200


def test_invitations_are_mailed_when_mail_is_on(app, client, curator, mix):
    app.config["MAIL_BACKEND"] = "memory"
    done = bulk(client, {"action": "invite", "ids": [mix["bare"].id], "confirm": "1"})
    assert "sent by e-mail" in done.text and "/invitations/" not in done.text
    message, = mail.outbox()
    assert message["To"] == "trong@example.org" and "/invitations/" in message.get_content()


def test_a_bulk_post_without_a_selection_or_action_changes_nothing(app, client, curator, mix):
    assert bulk(client, {"action": "assign_field", "field": "ai"}).status_code == 400
    assert bulk(client, {"action": "drop_tables", "ids": [mix["bare"].id]}).status_code == 400
    assert bulk(client, {"action": "assign_field", "field": "nope",
                         "ids": [mix["bare"].id]}).status_code == 400
    assert indexing.count_profiles() == 3


def test_only_curators_see_the_data_quality_page(app, client, make_user, login):
    login(make_user("official"))
    assert client.get("/curate/quality").status_code == 403


def test_months_ago_clamps_to_the_end_of_a_shorter_month():
    assert quality.months_ago(1, datetime.datetime(2026, 3, 31)) == datetime.datetime(2026, 2, 28)
    assert quality.months_ago(12, datetime.datetime(2026, 1, 15)) == datetime.datetime(2025, 1, 15)
