"""Councils of reviewers, training courses and officials abroad: the council's checks
(conflict of interest, rotation cap, independence, field coverage), the declaration each
member signs online, invitations through the outbox, the conclusion counted as review
engagements, the counts the programme reads, and bad input on every form (never a 500,
nothing half-written)."""
import datetime
import io

import pytest
from conftest import client_as, post_form

from expertnet.cooperation import attachments, common, trainings
from expertnet.cooperation import engagements as engagement_records
from expertnet.cooperation import officials_abroad as abroad
from expertnet.cooperation.models import Engagement, Mission
from expertnet.cooperation.training_models import OfficialAbroad, Training, TrainingFile, TrainingLecturer
from expertnet.core import outbox
from expertnet.core.access import viewer_for
from expertnet.core.models import Audit
from expertnet.councils import checks, operations
from expertnet.councils.models import (
    Council,
    CouncilMeeting,
    CouncilMember,
    CouncilOpinion,
    CouncilPaperDeclaration,
)
from expertnet.organisations.models import Organisation

DEPARTMENT = "Sở Khoa học và Công nghệ"


def _council(official, **values):
    raw = {"kind": "review", "title": "Hội đồng phản biện đề án cảng xanh", "department": DEPARTMENT,
           "subject_organisation": "Công ty Cảng Xanh Hải Phòng", "size": "3", "fields": ["seaports"]}
    raw.update(values)
    return operations.save(raw, official.id)


@pytest.fixture
def people(add, make_user):
    """Three public experts able to form a council, each with an account."""
    experts = {
        "chair": add(full_name="Nguyễn Văn Chủ", organization="Đại học Hàng hải Việt Nam",
                     fields="seaports", email="chu@example.vn"),
        "secretary": add(full_name="Trần Thị Thư", organization="Viện Nghiên cứu Biển",
                         fields="seaports", email="thu@example.vn"),
        "member": add(full_name="Lê Kiều Bào", kind="diaspora", country="JP",
                      organization="Đại học Kobe", fields="seaports", email="bao@example.jp"),
    }
    users = {role: make_user("expert", expert=expert) for role, expert in experts.items()}
    return experts, users


def _compose(council, experts, actor):
    for role, expert in experts.items():
        operations.add_member(council, expert, role, "", actor)


# -- the checks -----------------------------------------------------------------------------
def test_a_well_composed_council_passes_every_check(app, official, people):
    experts, _users = people
    council = _council(official)
    _compose(council, experts, official.id)
    review = checks.review(council)
    assert review.ready, (review.blocking, review.per_member)
    assert len(review.independent) == 3 and len(review.abroad) == 1


def test_composition_needs_size_chair_secretary_and_coverage(app, official, people):
    experts, _users = people
    council = _council(official, size="5", fields=["seaports", "ai"])
    operations.add_member(council, experts["member"], "member", "", official.id)
    review = checks.review(council)
    assert not review.ready
    texts = " ".join(review.blocking)
    assert "có 1 thành viên; cần có 5" in texts
    assert "một chủ tịch hội đồng" in texts and "một thư ký" in texts
    assert review.uncovered == ["ai"]
    with pytest.raises(common.Refused):
        operations.invite(council, official)
    assert CouncilMember.get().status == "proposed"


def test_a_council_needs_a_member_independent_of_the_requesting_department(app, official, add):
    insiders = {role: add(full_name=f"Cán Bộ {role}", organization=DEPARTMENT, fields="seaports")
                for role in ("chair", "secretary", "member")}
    council = _council(official, subject_organisation="")
    _compose(council, insiders, official.id)
    review = checks.review(council)
    assert review.independent == set()
    assert any("không thuộc cơ quan đề nghị" in message for message in review.blocking)
    # They also work for the requesting department: a conflict of interest each.
    assert all("tại cơ quan đề nghị" in problems[0] for problems in review.per_member.values())


def test_conflict_of_interest_with_the_organisation_reviewed(app, official, people, add):
    experts, _users = people
    insider = add(full_name="Phạm Văn Cảng", organization="Công ty Cảng Xanh Hải Phòng", fields="seaports")
    council = _council(official)
    _compose(council, {**experts, "member": insider}, official.id)
    review = checks.review(council)
    member = CouncilMember.get(CouncilMember.expert == insider.id)
    assert "tổ chức được phản biện" in review.per_member[member.id][0]
    assert not review.ready


def test_recent_co_work_recorded_in_engagements_is_a_conflict(app, official, people):
    experts, _users = people
    engagement_records.save({"kind": "consultation", "title": "Tư vấn cảng", "starts_on":
                             (datetime.date.today() - datetime.timedelta(days=100)).isoformat(),
                             "department": DEPARTMENT}, experts["member"], None, official.id)
    council = _council(official)
    _compose(council, experts, official.id)
    review = checks.review(council)
    member = CouncilMember.get(CouncilMember.expert == experts["member"].id)
    assert list(review.per_member) == [member.id]
    assert "đã hợp tác với" in review.per_member[member.id][0]


def test_older_co_work_and_reviews_are_no_conflict(app, official, people):
    experts, _users = people
    old = (datetime.date.today() - datetime.timedelta(days=3 * 365)).isoformat()
    engagement_records.save({"kind": "consultation", "title": "Tư vấn cũ", "starts_on": old,
                             "department": DEPARTMENT}, experts["member"], None, official.id)
    engagement_records.save({"kind": "review", "title": "Phản biện", "starts_on":
                             datetime.date.today().isoformat(), "department": DEPARTMENT},
                            experts["member"], None, official.id)
    council = _council(official)
    _compose(council, experts, official.id)
    assert checks.review(council).ready


def test_rotation_caps_the_councils_an_expert_sits_on_in_twelve_months(app, official, people):
    experts, _users = people
    app.config["COUNCIL_CAP"] = 2
    for number in range(2):
        earlier = _council(official, title=f"Hội đồng {number}")
        operations.add_member(earlier, experts["chair"], "chair", "", official.id)
    council = _council(official)
    _compose(council, experts, official.id)
    review = checks.review(council)
    member = CouncilMember.get((CouncilMember.expert == experts["chair"].id)
                               & (CouncilMember.council == council.id))
    assert review.seats[experts["chair"].id] == 2
    assert "Luân phiên" in review.per_member[member.id][0]
    # A seat older than 12 months, or a declined invitation, no longer counts.
    Council.update(created_at=datetime.datetime(2020, 1, 1)).where(
        Council.title == "Hội đồng 0").execute()
    assert checks.review(council).ready
    app.config["COUNCIL_CAP"] = 1
    CouncilMember.update(status="declined").where(
        CouncilMember.council == Council.get(Council.title == "Hội đồng 1").id).execute()
    assert checks.review(council).ready


# -- invitations and the declaration ------------------------------------------------------------
def test_invitations_go_through_the_outbox_and_members_sign_the_declaration(app, official, people,
                                                                           mailbox):
    experts, users = people
    council = _council(official)
    _compose(council, experts, official.id)
    invited = operations.invite(council, official)
    outbox.flush()  # what the end of the request does
    assert len(invited) == 3 and len(mailbox) == 3
    assert {message["To"] for message in mailbox} == {user.email for user in users.values()}
    assert "/account/councils" in mailbox[0].get_content()
    client = client_as(app, users["member"])
    row = CouncilMember.get(CouncilMember.expert == experts["member"].id)
    page = client.get("/account/councils").get_data(as_text=True)
    assert operations.DECLARATION_VERSION in page
    # Accepting without ticking the declaration is refused, and nothing is recorded.
    refused = post_form(client, f"/account/councils/{row.id}/accept", {}, form_path="/account/councils")
    assert refused.status_code == 400
    assert CouncilMember.get_by_id(row.id).status == "invited"
    accepted = post_form(client, f"/account/councils/{row.id}/accept", {"declaration": "1"},
                         form_path="/account/councils")
    assert accepted.status_code == 302
    row = CouncilMember.get_by_id(row.id)
    assert row.status == "accepted" and row.declaration_version == operations.DECLARATION_VERSION
    assert row.declared_by == users["member"].id and row.declared_at is not None
    assert "độc lập" in row.declaration_text
    assert Audit.select().where(Audit.action == "council.accept").count() == 1
    # Another expert cannot answer it.
    other = client_as(app, users["chair"])
    assert post_form(other, f"/account/councils/{row.id}/decline", {},
                     form_path="/account/councils").status_code == 404


def test_meetings_and_the_conclusion_count_as_review_engagements(app, official, people):
    experts, users = people
    council = _council(official)
    _compose(council, experts, official.id)
    operations.invite(council, official)
    rows = {row.role: row for row in operations.members(council)}
    operations.accept(rows["chair"], users["chair"], True)
    operations.accept(rows["secretary"], users["secretary"], True)
    operations.decline(rows["member"], users["member"])
    meeting = operations.add_meeting(council, {
        "held_on": "2026-06-01", "location": "Sở KH&CN",
        f"vote_{rows['chair'].id}": "approve", f"opinion_{rows['chair'].id}": "Đạt yêu cầu",
        "conclusion": "Thông qua có chỉnh sửa"}, official.id)
    assert CouncilOpinion.select().where(CouncilOpinion.meeting == meeting.id).count() == 1
    operations.conclude(council, {"conclusion": "Đề án đạt.", "concluded_on": "2026-06-02"}, official.id)
    made = list(Engagement.select().where(Engagement.kind == "review"))
    assert {row.expert_id for row in made} == {experts["chair"].id, experts["secretary"].id}
    assert {row.starts_on for row in made} == {datetime.date(2026, 6, 1)}
    # Concluding again updates the same engagements.
    operations.conclude(council, {"conclusion": "Đề án đạt, sửa lần 2.", "concluded_on": "2026-06-03"},
                        official.id)
    assert Engagement.select().where(Engagement.kind == "review").count() == 2
    assert operations.councils(2026) == {"advisory": 0, "review": 1, "total": 1, "members": 2}
    assert operations.councils(2025) == {"advisory": 0, "review": 0, "total": 0, "members": 0}
    assert [row.id for row in operations.council_records(2026, 2030)] == [council.id]


def test_bad_meeting_and_conclusion_write_nothing(app, official, people):
    experts, users = people
    council = _council(official)
    _compose(council, experts, official.id)
    operations.invite(council, official)
    row = operations.members(council)[0]
    operations.accept(row, users["chair"], True)
    for raw in ({"held_on": "hôm qua"}, {"held_on": "2026-06-01", f"vote_{row.id}": "maybe"},
                {"held_on": "2026-06-01", "location": "x" * 201}):
        with pytest.raises(common.Problems):
            operations.add_meeting(council, raw, official.id)
    assert CouncilMeeting.select().count() == 0
    with pytest.raises(common.Problems):
        operations.conclude(council, {"conclusion": "Xong", "concluded_on": "2026-06-02"}, official.id)
    assert Council.get_by_id(council.id).status == "invited"


def test_a_member_without_an_account_declares_on_paper_recorded_by_the_secretary(
        app, official, people, add, login, client):
    """An unclaimed or foreign member cannot sign online: the secretary records the
    declaration received on paper or by e-mail (date, version, the signed document through
    the upload checks, who recorded it), shown apart from an online signature; it counts
    like one for the meetings and the conclusion."""
    experts, users = people
    foreign = add(full_name="Kim Min-jun", kind="foreign", country="KR", organization="KAIST",
                  fields="seaports")  # no account
    experts = {"chair": experts["chair"], "secretary": experts["secretary"], "member": foreign}
    council = _council(official)
    _compose(council, experts, official.id)
    operations.invite(council, official)
    rows = {row.role: row for row in operations.members(council)}
    assert operations.without_account(list(rows.values())) == {rows["member"].id}
    login(official)
    page = f"/councils/{council.id}"
    path = f"{page}/members/{rows['member'].id}/declaration"
    text = client.get(page).get_data(as_text=True)
    assert "Ghi nhận bản cam kết nhận bản giấy hoặc qua thư điện tử" in text
    good = {"received_on": "2026-05-02", "version": operations.DECLARATION_VERSION}
    for data in ({**good, "file": (io.BytesIO(b"%PDF-1.4\n"), "cam-ket.pdf"), "received_on": "mai"},
                 {**good, "file": (io.BytesIO(b"%PDF-1.4\n"), "cam-ket.pdf"), "received_on": "2999-01-01"},
                 {**good, "file": (io.BytesIO(b"%PDF-1.4\n"), "cam-ket.pdf"), "version": "1999-9"},
                 dict(good),  # no file
                 {**good, "file": (io.BytesIO(b"MZ\x90\x00"), "cam-ket.exe")}):
        response = post_form(client, path, data, form_path=page)
        assert response.status_code == 400, data
    assert "chỉ nhận tệp PDF" in response.get_data(as_text=True)
    assert CouncilMember.get_by_id(rows["member"].id).status == "invited"
    assert CouncilPaperDeclaration.select().count() == 0 and not list(attachments.folder().iterdir())
    # A member with an account signs online: the secretary may not sign for them.
    response = post_form(client, f"{page}/members/{rows['chair'].id}/declaration",
                         {**good, "file": (io.BytesIO(b"%PDF-1.4\n"), "cam-ket.pdf")}, form_path=page)
    assert response.status_code == 409 and CouncilPaperDeclaration.select().count() == 0
    response = post_form(client, path, {**good, "file": (io.BytesIO(b"%PDF-1.4\n"), "cam-ket.pdf")},
                         form_path=page)
    assert response.status_code == 302
    member = CouncilMember.get_by_id(rows["member"].id)
    received = CouncilPaperDeclaration.get()
    assert member.status == "accepted" and member.declared_at is not None and member.declared_by is None
    assert (received.received_on, received.version, received.recorded_by, received.filename) == (
        datetime.date(2026, 5, 2), operations.DECLARATION_VERSION, official.id, "cam-ket.pdf")
    entry = Audit.get(Audit.action == "council.paper_declaration")
    assert entry.actor_id == official.id and entry.expert_id == foreign.id
    assert client.get(f"{path}").data.startswith(b"%PDF")
    # Recorded once: a second declaration for the same member is refused.
    again = post_form(client, path, {**good, "file": (io.BytesIO(b"%PDF-1.4\n"), "lan-2.pdf")},
                      form_path=page)
    assert again.status_code == 409 and CouncilPaperDeclaration.select().count() == 1
    operations.accept(rows["chair"], users["chair"], True)
    text = client.get(page).get_data(as_text=True)
    assert f"cam kết {operations.DECLARATION_VERSION} nhận bản giấy hoặc qua thư điện tử ngày 02/05/2026" \
        f", người ghi nhận {official.email}" in text
    assert f"cam kết {operations.DECLARATION_VERSION} đã ký trực tuyến" in text
    assert client.get(f"{page}/members/{rows['chair'].id}/declaration").status_code == 404
    # The meeting and the conclusion count the paper declaration like an online one.
    operations.add_meeting(council, {"held_on": "2026-06-01", f"vote_{rows['member'].id}": "approve"},
                           official.id)
    operations.conclude(council, {"conclusion": "Đạt.", "concluded_on": "2026-06-02"}, official.id)
    made = {row.expert_id for row in Engagement.select().where(Engagement.kind == "review")}
    assert made == {experts["chair"].id, foreign.id}
    # The council's deletion takes the declaration and its file.
    stored = attachments.path_of(received.stored_name)
    assert stored.is_file()
    operations.delete(Council.get_by_id(council.id), official.id)
    assert CouncilPaperDeclaration.select().count() == 0 and not stored.exists()


# -- the pages ----------------------------------------------------------------------------------
def test_council_pages_work_and_refuse_bad_input(app, official, people, login, client):
    experts, _users = people
    login(official)
    assert client.get("/councils").status_code == 200
    for raw in ({}, {"kind": "secret", "title": "X", "department": "Y", "size": "5"},
                {"kind": "review", "title": "X", "department": "Y", "size": "99"},
                {"kind": "review", "title": "X" * 300, "department": "Y", "size": "5"},
                {"kind": "review", "title": "X", "department": "Y", "size": "5", "fields": ["nope"]},
                {"kind": "review", "title": "X", "department": "Y", "size": "5", "need": "999999"}):
        response = post_form(client, "/councils/new", raw)
        assert response.status_code == 200 and "field-error" in response.get_data(as_text=True)
    assert Council.select().count() == 0
    response = post_form(client, "/councils/new", {"kind": "review", "title": "Hội đồng A",
                                                   "department": DEPARTMENT, "size": "3",
                                                   "fields": ["seaports"]})
    assert response.status_code == 302
    council = Council.get()
    page = f"/councils/{council.id}"
    assert client.get(page).status_code == 200
    assert client.get(f"{page}/compose?q=Chủ").status_code == 200
    for data in ({"expert_id": "abc", "role": "chair"}, {"expert_id": "99999999", "role": "chair"},
                 {"expert_id": str(experts["chair"].id), "role": "king"},
                 {"expert_id": str(experts["chair"].id), "role": "chair", "fee": "nhiều"}):
        assert post_form(client, f"{page}/members", data, form_path=page).status_code == 400
    assert CouncilMember.select().count() == 0
    assert post_form(client, f"{page}/members", {"expert_id": str(experts["chair"].id), "role": "chair",
                                                 "fee": "2.000.000"}, form_path=page).status_code == 302
    assert CouncilMember.get().fee == 2_000_000
    # Inviting before the checks pass is refused with the reasons.
    refused = post_form(client, f"{page}/invite", {}, form_path=page)
    assert refused.status_code == 409 and CouncilMember.get().status == "proposed"
    assert post_form(client, f"{page}/meetings", {"held_on": "nope"}, form_path=page).status_code == 400
    assert post_form(client, f"{page}/conclude", {"conclusion": ""}, form_path=page).status_code == 400


# -- training courses ----------------------------------------------------------------------------
def test_trainees_are_counted_by_group_and_year(app, official):
    viewer = viewer_for(official)
    for starts_on, numbers in (("2026-03-01", (10, 5, 0, 30)), ("2026-11-20", (2, 0, 8, 0)),
                               ("2027-01-05", (1, 1, 1, 1))):
        trainings.save({"topic": "Chuyển đổi số", "starts_on": starts_on, "department": DEPARTMENT,
                        "organiser_name": "Trường Chính trị",
                        **{trainings.column(group): str(count)
                           for group, count in zip(trainings.GROUPS, numbers, strict=True)}},
                       official.id, viewer)
    assert trainings.trainees(2026) == {"officials": 12, "enterprises": 5, "community": 8,
                                        "students": 30, "total": 55}
    assert trainings.trainees(2026, 2030)["total"] == 59
    assert trainings.trainees(2025)["total"] == 0
    assert len(trainings.training_records(2026)) == 2


def test_training_forms_refuse_bad_input_and_write_nothing(app, official, login, client, add):
    login(official)
    assert client.get("/trainings").status_code == 200
    good = {"topic": "Kỹ năng số", "starts_on": "2026-04-01", "department": DEPARTMENT,
            "organiser_name": "Sở KH&CN"}
    for changes in ({"topic": ""}, {"starts_on": "01/04/2026"}, {"ends_on": "2026-03-01"},
                    {"trainees_officials": "-3"}, {"trainees_students": "mười"},
                    {"trainees_enterprises": "999999999"}, {"organiser": "424242"},
                    {"organiser_name": ""}):
        response = post_form(client, "/trainings/new", {**good, **changes})
        assert response.status_code == 200 and "field-error" in response.get_data(as_text=True)
    assert Training.select().count() == 0
    organisation = Organisation.create(name_vi="Trường Đại học Hải Phòng", type="university",
                                       visibility="officials")
    assert post_form(client, "/trainings/new", {**good, "organiser": str(organisation.id),
                                                "organiser_name": "", "trainees_officials": "40"}
                     ).status_code == 302
    training = Training.get()
    assert training.organiser_id == organisation.id and training.trainees_officials == 40
    page = f"/trainings/{training.id}"
    assert "Trường Đại học Hải Phòng" in client.get(page).get_data(as_text=True)
    lecturer = add(full_name="Giảng Viên Số", fields="ai")
    assert post_form(client, f"{page}/lecturers", {"expert_id": "x1"}, form_path=page).status_code == 400
    assert post_form(client, f"{page}/lecturers", {}, form_path=page).status_code == 400
    assert post_form(client, f"{page}/lecturers", {"expert_id": str(lecturer.id)},
                     form_path=page).status_code == 302
    assert post_form(client, f"{page}/lecturers", {"name": "Ông Khách Mời"},
                     form_path=page).status_code == 302
    assert TrainingLecturer.select().count() == 2
    # The list of trainees: a file that is not a document is refused.
    rejected = post_form(client, f"{page}/files", {"file": (io.BytesIO(b"MZ\x90\x00"), "list.exe")},
                         form_path=page, content_type="multipart/form-data")
    assert rejected.status_code == 303 and TrainingFile.select().count() == 0
    kept = post_form(client, f"{page}/files", {"file": (io.BytesIO(b"%PDF-1.4\n"), "hoc-vien.pdf")},
                     form_path=page, content_type="multipart/form-data")
    assert kept.status_code == 302
    row = TrainingFile.get()
    assert client.get(f"{page}/files/{row.id}").status_code == 200


# -- officials abroad ------------------------------------------------------------------------------
def test_officials_abroad_are_counted_by_purpose(app, official):
    viewer = viewer_for(official)
    mission = Mission.create(direction="outgoing", title="Đoàn Nhật Bản", country="JP",
                             starts_on=datetime.date(2026, 5, 1), department=DEPARTMENT)
    for purpose, starts_on in (("training", "2026-02-01"), ("training", "2026-09-01"),
                               ("work", "2026-05-01"), ("exchange", "2027-03-01")):
        abroad.save({"name": "Nguyễn Văn Cán", "department": DEPARTMENT, "host_name": "Đại học Kobe",
                     "country": "JP", "purpose": purpose, "starts_on": starts_on,
                     "mission": str(mission.id) if purpose == "work" else ""}, official.id, viewer)
    assert abroad.officials_abroad(2026) == {"training": 2, "work": 1, "exchange": 0, "total": 3}
    assert abroad.officials_abroad(2026, 2030)["total"] == 4
    assert [row.purpose for row in abroad.for_mission(mission.id)] == ["work"]


def test_official_abroad_forms_refuse_bad_input_and_write_nothing(app, official, login, client):
    login(official)
    assert client.get("/officials-abroad").status_code == 200
    good = {"user": str(official.id), "department": DEPARTMENT, "host_name": "Đại học Kobe",
            "country": "JP", "purpose": "training", "starts_on": "2026-04-01"}
    incoming = Mission.create(direction="incoming", title="Đoàn đến", country="KR",
                              starts_on=datetime.date(2026, 5, 1), department=DEPARTMENT)
    for changes in ({"user": "", "name": ""}, {"user": "99999"}, {"country": "XX"}, {"purpose": "holiday"},
                    {"starts_on": ""}, {"ends_on": "2026-01-01"}, {"host_name": ""},
                    {"mission": str(incoming.id)}, {"department": "x" * 301}):
        response = post_form(client, "/officials-abroad/new", {**good, **changes})
        assert response.status_code == 200 and "field-error" in response.get_data(as_text=True)
    assert OfficialAbroad.select().count() == 0
    assert post_form(client, "/officials-abroad/new", good).status_code == 302
    record = OfficialAbroad.get()
    page = client.get(f"/officials-abroad/{record.id}").get_data(as_text=True)
    assert official.email in page
    assert client.get(f"/officials-abroad/{record.id}/edit").status_code == 200


# -- a profile's erasure, merge and data download ---------------------------------------------
def test_seats_and_lectures_follow_the_profile(app, official, people, add):
    experts, _users = people
    council = _council(official)
    _compose(council, experts, official.id)
    course = trainings.save({"topic": "Cảng xanh", "starts_on": "2026-04-01", "department": DEPARTMENT,
                             "organiser_name": "Sở KH&CN"}, official.id, viewer_for(official))
    trainings.add_lecturer(course, official.id, expert=experts["member"])
    assert operations.export_for_person(experts["member"].id)["councils"] == []  # only proposed
    operations.invite(council, official)
    assert [row["council"] for row in operations.export_for_person(experts["member"].id)["councils"]] \
        == [council.title]
    assert trainings.export_for_person(experts["member"].id)["trainings_taught"][0]["topic"] == "Cảng xanh"
    twin = add(full_name="Lê Kiều Bào (2)")
    operations.repoint_for_merge(experts["member"].id, keep=twin.id)
    trainings.repoint_for_merge(experts["member"].id, keep=twin.id)
    assert CouncilMember.select().where(CouncilMember.expert == twin.id).count() == 1
    assert TrainingLecturer.get().expert_id == twin.id
    operations.erase_for_expert(twin.id)
    trainings.erase_for_expert(twin.id)
    assert CouncilMember.select().where(CouncilMember.expert == twin.id).count() == 0
    assert TrainingLecturer.select().count() == 0


def test_a_council_composed_from_a_need_proposes_its_shortlist(app, official, people, login, client):
    from expertnet.outreach import needs as records
    from expertnet.outreach import shortlists

    experts, _users = people
    need = records.save({"title": "Phản biện đề án cảng xanh", "organization": DEPARTMENT,
                         "fields": ["seaports"]}, owner=official)
    shortlists.add(need, experts["member"], official.id)
    login(official)
    form = client.get(f"/councils/new?need={need.id}").get_data(as_text=True)
    assert "Phản biện đề án cảng xanh" in form and f'value="{need.id}"' in form
    raw = {"kind": "review", "title": need.title, "department": DEPARTMENT, "size": "3",
           "fields": ["seaports"], "need": str(need.id)}
    form_path = f"/councils/new?need={need.id}"
    assert post_form(client, "/councils/new", raw, form_path=form_path).status_code == 302
    council = Council.get()
    assert council.need_id == need.id
    page = client.get(f"/councils/{council.id}/compose").get_data(as_text=True)
    assert experts["member"].full_name in page and experts["chair"].full_name not in page
    assert need.title in client.get(f"/councils/{council.id}").get_data(as_text=True)
