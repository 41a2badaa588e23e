"""Delegations: outgoing and visiting, their members (officials by name, experts of the
directory), whom they met, follow-ups with due dates; edited by their author's
department and curators; shown on the profiles of the experts they name."""
import datetime

import pytest
from conftest import client_as, post_form

from expertnet.accounts import data_rights as subject
from expertnet.accounts.models import DeletionRequest
from expertnet.cooperation import missions as delegations
from expertnet.cooperation.models import Mission, MissionExpert, MissionFollowUp
from expertnet.core.db import utcnow
from expertnet.core.models import Audit

MISSION = {"direction": "outgoing", "title": "Đoàn công tác tại Nhật Bản", "country": "JP",
           "city": "Kobe", "starts_on": "2026-04-06", "ends_on": "2026-04-10",
           "department": "Sở Ngoại vụ", "purpose": "Tìm hiểu cảng thông minh",
           "officials": "Nguyễn Văn A\nTrần Thị B\n", "organisations": "Cảng Kobe\nĐại học Kobe"}


@pytest.fixture
def expert(add):
    return add(full_name="Phạm Kiều Bào", kind="diaspora", country="JP", visibility="officials")


def test_an_official_records_a_delegation_with_its_members_and_follow_ups(app, official,
                                                                         expert):
    client = client_as(app, official)
    empty = client.get("/delegations", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Chưa có đoàn công tác nào." in empty
    response = post_form(client, "/delegations/new", MISSION)
    assert response.status_code == 302
    mission = Mission.get()
    assert (mission.direction, mission.country, mission.city) == ("outgoing", "JP", "Kobe")
    path = f"/delegations/{mission.id}"
    assert post_form(client, f"{path}/experts", {"expert_id": str(expert.id), "role": "met"},
                     form_path=path).status_code == 302
    again = post_form(client, f"{path}/experts", {"expert_id": str(expert.id), "role": "met"},
                      form_path=path)
    assert again.status_code == 409 and MissionExpert.select().count() == 1
    assert post_form(client, f"{path}/experts", {"expert_id": "999999", "role": "member"},
                     form_path=path).status_code == 404
    overdue = (utcnow() - datetime.timedelta(days=3)).date().isoformat()
    post_form(client, f"{path}/follow-ups", {"text": "Gửi thư cảm ơn", "due_on": overdue},
              form_path=path)
    assert post_form(client, f"{path}/follow-ups", {"text": ""},
                     form_path=path).status_code == 400
    page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    for text in ("Nguyễn Văn A", "Trần Thị B", "Cảng Kobe", "Phạm Kiều Bào", "Gửi thư cảm ơn",
                 "overdue", "Japan"):
        assert text in page, text
    follow_up = MissionFollowUp.get()
    post_form(client, f"{path}/follow-ups/{follow_up.id}/done", {"done": "1"}, form_path=path)
    assert MissionFollowUp.get_by_id(follow_up.id).done
    assert "overdue" not in client.get(path, headers={"Accept-Language": "en"}).text
    actions = {row.action for row in Audit.select()}
    assert {"delegation.create", "delegation.add_expert", "delegation.follow_up",
            "delegation.follow_up_done"} <= actions


def test_bad_values_and_filters(app, official):
    client = client_as(app, official)
    bad = post_form(client, "/delegations/new", {**MISSION, "direction": "sideways",
                                                 "country": "XX", "starts_on": ""},
                    headers={"Accept-Language": "vi"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and Mission.select().count() == 0
    assert "Hãy chọn đoàn đi nước ngoài hay đoàn đến thăm." in text
    delegations.save(MISSION, official.id)
    delegations.save({**MISSION, "direction": "incoming", "title": "Đoàn Hàn Quốc đến thăm",
                      "country": "KR", "city": "Busan", "organisations": ""}, official.id)
    assert "Đoàn Hàn Quốc" not in client.get("/delegations?direction=outgoing").text
    assert "Đoàn Hàn Quốc" in client.get("/delegations?country=kr").text
    assert "Nhật Bản" not in client.get("/delegations?country=KR").text
    assert "Đoàn Hàn Quốc" not in client.get("/delegations?q=kobe").text


def test_editing_is_for_the_author_the_department_and_curators(app, official, make_user):
    mission = delegations.save(MISSION, official.id)
    path = f"/delegations/{mission.id}/edit"
    stranger = client_as(app, make_user("official"))
    assert stranger.get(f"/delegations/{mission.id}").status_code == 200
    assert stranger.get(path).status_code == 403
    colleague = make_user("official")
    colleague.department = official.department
    colleague.save()
    assert client_as(app, colleague).get(path).status_code == 200
    curator = client_as(app, make_user("curator"))
    assert post_form(curator, path, {**MISSION, "title": "Đổi tên"}).status_code == 302
    assert Mission.get_by_id(mission.id).title == "Đổi tên"
    assert client_as(app, make_user("expert")).get(f"/delegations/{mission.id}").status_code == 403


def test_the_profile_shows_the_delegations_and_deletion_removes_the_link(app, official, expert,
                                                                       make_user):
    mission = delegations.save(MISSION, official.id)
    delegations.add_expert(mission, expert, "member", official.id)
    page = client_as(app, official).get(f"/experts/{expert.id}",
                                        headers={"Accept-Language": "vi"}).text
    assert MISSION["title"] in page and "Thành viên đoàn" in page
    owner = make_user("expert", expert=expert)
    assert MISSION["title"] not in client_as(app, owner).get(f"/experts/{expert.id}").text
    [exported] = subject.export(owner)["delegations"]
    assert (exported["delegation"], exported["role"]) == (MISSION["title"], "member")
    subject.confirm(DeletionRequest.create(expert_id=expert.id), actor=None)
    assert MissionExpert.select().count() == 0 and Mission.select().count() == 1
    client = client_as(app, official)
    post_form(client, f"/delegations/{mission.id}/delete", {},
              form_path=f"/delegations/{mission.id}")
    assert Mission.select().count() == 0
