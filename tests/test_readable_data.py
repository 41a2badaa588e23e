"""The data download as a readable page: every section of the JSON,
the same facts, in the reader's language, dates through the Babel helpers, and only
the signed-in person's own data (the same fresh login as the JSON)."""
import html
import re

import pytest
from conftest import client_as

from expertnet.accounts import consent
from expertnet.accounts.controllers import readable_data
from expertnet.core.models import Audit
from expertnet.directory import writes
from expertnet.directory.models import Expert


@pytest.fixture
def person(app, add, make_user):
    expert = add(full_name="Hoàng Minh Tuấn", visibility="public", email="tuan@example.org",
                 phone="+84 913 000 111", organization="Viện Tuấn Minh", fields="ai",
                 languages="vi;en")
    user = make_user("expert", expert=expert)
    writes.save_profile({"city": "Hải Phòng"}, expert=expert, actor=user.id, via="screen")
    consent.decide(expert, user, "publish", True, consent.NOTICE_VERSION)
    official = make_user("official")
    client_as(app, official).get(f"/experts/{expert.id}")  # a view of the contact details
    return Expert.get_by_id(expert.id), user, official


def _text(response):
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    return html.unescape(re.sub(r"<[^>]+>", " ", body.split("<main", 1)[-1]))


def test_every_section_of_the_json_has_a_heading(app, person):
    _expert, user, _official = person
    client = client_as(app, user)
    data = client.get("/account/data.json").json
    assert set(data) - set(readable_data.NOT_A_SECTION) == set(readable_data.SECTIONS)
    text = _text(client.get("/account/data.html"))
    for title in ("Tài khoản của tôi", "Hồ sơ của tôi", "Ai đã xem thông tin liên hệ của tôi",
                  "Yêu cầu xóa hồ sơ của tôi"):
        assert title in text


@pytest.mark.parametrize("language, day, labels", [
    ("vi", r"\d{2}/\d{2}/\d{4}",
     ("Địa chỉ thư điện tử", "Công bố hồ sơ của tôi trên cơ sở dữ liệu chuyên gia")),
    ("en", r"\d{1,2} [A-Z][a-z]{2} \d{4}", ("E-mail address",
                                               "Publishing my profile in the directory")),
])
def test_the_same_facts_as_the_json_in_the_readers_language(app, person, language, day,
                                                            labels):
    expert, user, official = person
    user.language = language
    user.save()
    client = client_as(app, user)
    data = client.get("/account/data.json").json
    text = _text(client.get("/account/data.html"))
    assert data["account"]["email"] in text and user.email in text
    for fact in (data["profile"]["full_name"], data["profile"]["email"],
                 data["profile"]["phone"], data["profile"]["city"],
                 data["profile"]["organization"], data["contact_views"][0]["who"]):
        assert fact in text, fact
    assert official.email in text
    for label in labels:
        assert label in text
    # Moments are written as the reader's office writes them, in the city's zone: never
    # the JSON's ISO form.
    assert re.search(r"\d{2}:\d{2}, " + day, text)
    assert data["account"]["created_at"] not in text and "T" + "00:" not in text
    # Every audit entry of the JSON is on the page (one summary list each).
    assert text.count("profile.update") == sum(row["action"] == "profile.update"
                                               for row in data["audit"])


def test_only_the_persons_own_data(app, person, add, make_user):
    expert, user, _official = person
    other = add(full_name="Trần Thị Khác", visibility="public", email="khac@example.org")
    stranger = make_user("expert", expert=other)
    text = _text(client_as(app, stranger).get("/account/data.html"))
    assert "Trần Thị Khác" in text and "Hoàng Minh Tuấn" not in text
    assert "tuan@example.org" not in text
    # The page is an export like the JSON: logged as one.
    assert Audit.select().where((Audit.action == "data.export")
                                & (Audit.actor_id == stranger.id)).count() == 1


def test_a_stranger_is_sent_to_log_in(app, person):
    # (The fresh login, like the JSON's: tests/test_data_rights.py.)
    response = app.test_client().get("/account/data.html")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_an_account_without_a_profile_reads_its_account(app, make_user):
    official = make_user("official")
    text = _text(client_as(app, official).get("/account/data.html"))
    assert official.email in text and "Cán bộ, công chức" in text
