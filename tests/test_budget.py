"""Budgets on the programme's records: planned and actual costs with a category, bad input
refused without writing anything, who may change them, and the sums per year and
department of the finance view."""
import datetime
import json

import pytest
from conftest import client_as, post_form

from expertnet.accounts import data_rights
from expertnet.cooperation import engagements as engagement_records
from expertnet.cooperation import events, missions, trainings
from expertnet.cooperation.models import Engagement, Event, Mission
from expertnet.cooperation.training_models import Training
from expertnet.core import signals
from expertnet.core.access import viewer_for
from expertnet.core.models import Audit
from expertnet.councils import operations
from expertnet.councils.models import Council
from expertnet.programme import budget
from expertnet.programme.budget_models import BudgetLine

DEPARTMENT = "Sở Khoa học và Công nghệ"


def _records(official, add):
    event = events.save({"kind": "workshop", "title": "Hội thảo cảng xanh", "starts_on": "2026-05-02",
                         "department": DEPARTMENT}, official.id)
    course = trainings.save({"topic": "Kỹ năng số", "starts_on": "2027-03-01", "department": "Sở Nội vụ",
                             "organiser_name": "Trường Chính trị"}, official.id, viewer_for(official))
    council = operations.save({"kind": "review", "title": "Hội đồng", "department": DEPARTMENT,
                               "size": "3"}, official.id)
    expert = add(full_name="Nguyễn Văn Tư Vấn")
    engagement = engagement_records.save({"kind": "consultation", "title": "Tư vấn", "department": DEPARTMENT,
                                          "starts_on": "2026-08-01"}, expert, None, official.id)
    return event, course, council, engagement


def test_lines_are_summed_per_year_and_department(app, official, add):
    event, course, council, engagement = _records(official, add)
    budget.add("event", event, {"category": "venue", "planned": "50.000.000", "actual": "48000000"},
               official.id)
    budget.add("event", event, {"category": "fees", "planned": "20000000"}, official.id)
    budget.add("training", course, {"category": "materials", "planned": "5000000", "actual": "5500000"},
               official.id)
    budget.add("council", council, {"category": "fees", "planned": "9000000"}, official.id)
    budget.add("engagement", engagement, {"category": "fees", "planned": "1000000", "actual": "1000000"},
               official.id)
    sums = budget.by_year_and_department()
    this_year = datetime.date.today().year
    assert list(sums) == sorted(sums, key=lambda key: (-key[0], key[1]))
    assert (sums[(2027, "Sở Nội vụ")].planned, sums[(2027, "Sở Nội vụ")].actual) == (5_000_000, 5_500_000)
    kept = sums[(2026, DEPARTMENT)]
    expected_planned = 71_000_000 + (9_000_000 if this_year == 2026 else 0)
    assert (kept.planned, kept.actual) == (expected_planned, 49_000_000)
    assert kept.categories["venue"] == [50_000_000, 48_000_000]
    assert list(budget.by_year_and_department(2027)) == [(2027, "Sở Nội vụ")]
    assert 2026 in budget.years() and 2027 in budget.years()


def test_budget_pages_refuse_bad_input_and_write_nothing(app, official, add, login, client, make_user):
    event, course, council, engagement = _records(official, add)
    login(official)
    assert client.get("/budget").status_code == 200
    page = f"/budget/event/{event.id}"
    assert client.get(page).status_code == 200
    for data in ({}, {"category": "party", "planned": "1"}, {"category": "fees", "planned": "một triệu"},
                 {"category": "fees", "planned": "-5"}, {"category": "fees", "planned": "9" * 30},
                 {"category": "fees", "planned": "1", "actual": "²"},
                 {"category": "fees", "planned": "1", "note": "x" * 1001}):
        response = post_form(client, page, data)
        assert response.status_code == 400, data
    assert BudgetLine.select().count() == 0
    assert post_form(client, page, {"category": "fees", "planned": "2.000.000"}).status_code == 302
    line = BudgetLine.get()
    assert line.planned == 2_000_000 and line.actual is None
    edit = f"{page}/lines/{line.id}"
    assert post_form(client, edit, {"category": "fees", "planned": "x"}, form_path=page).status_code == 400
    assert post_form(client, edit, {"category": "fees", "planned": "2000000", "actual": "1900000"},
                     form_path=page).status_code == 302
    assert BudgetLine.get_by_id(line.id).actual == 1_900_000
    for kind, record in (("training", course), ("council", council), ("engagement", engagement)):
        assert client.get(f"/budget/{kind}/{record.id}").status_code == 200
    assert client.get(f"/budget/nothing/{event.id}").status_code == 404
    assert client.get("/budget/event/999999").status_code == 404
    # An official of another department reads the budget but may not change it.
    stranger = make_user("official")
    other = client_as(app, stranger)
    assert other.get(page).status_code == 200
    assert post_form(other, page, {"category": "fees", "planned": "1"}).status_code == 403
    assert post_form(other, f"{edit}/delete", {}, form_path=page).status_code == 403
    assert post_form(client, f"{edit}/delete", {}, form_path=page).status_code == 302
    assert BudgetLine.select().count() == 0


def test_a_deleted_record_takes_its_budget_lines_with_it(app, official, add):
    event, course, council, engagement = _records(official, add)
    delegation = missions.save({"direction": "outgoing", "title": "Đoàn Hàn Quốc", "country": "KR",
                                "starts_on": "2026-04-01", "department": DEPARTMENT}, official.id)
    kept = events.save({"kind": "workshop", "title": "Hội thảo khác", "starts_on": "2026-06-01",
                        "department": DEPARTMENT}, official.id)
    budget.add("event", kept, {"category": "venue", "planned": "1000"}, official.id)
    deletions = (("event", event, events.delete), ("delegation", delegation, missions.delete),
                 ("council", council, operations.delete), ("training", course, trainings.delete),
                 ("engagement", engagement, engagement_records.delete))
    for kind, record, _delete in deletions:
        budget.add(kind, record, {"category": "fees", "planned": "2000"}, official.id)
        budget.add(kind, record, {"category": "other", "planned": "3000"}, official.id)
    for kind, record, delete in deletions:
        delete(record, official.id)
        assert budget.lines(kind, record.id) == [], kind
        entry = (Audit.select().where(Audit.action == "budget.remove_with_record")
                 .order_by(Audit.id.desc()).get())
        assert entry.actor_id == official.id and json.loads(entry.changes)[kind] == record.id
    # The other event's line stays.
    assert [line.record_id for line in BudgetLine.select()] == [kept.id]


def test_an_erased_profile_takes_its_engagements_budget_lines(app, official, add):
    _event, _course, _council, engagement = _records(official, add)
    budget.add("engagement", engagement, {"category": "fees", "planned": "2000"}, official.id)
    data_rights.delete_profile(engagement.expert, official.id)
    assert budget.lines("engagement", engagement.id) == []


def test_a_failing_receiver_leaves_the_record_and_its_lines(app, official, add):
    event, course, council, engagement = _records(official, add)
    delegation = missions.save({"direction": "outgoing", "title": "Đoàn Nhật Bản", "country": "JP",
                                "starts_on": "2026-04-01", "department": DEPARTMENT}, official.id)
    deletions = (("event", event, events.delete, Event), ("delegation", delegation, missions.delete, Mission),
                 ("council", council, operations.delete, Council),
                 ("training", course, trainings.delete, Training),
                 ("engagement", engagement, engagement_records.delete, Engagement))

    def refuse(kind, **_):
        raise RuntimeError("a module could not drop its rows")

    for kind, record, delete, model in deletions:
        budget.add(kind, record, {"category": "fees", "planned": "2000"}, official.id)
        with signals.record_deleted.connected_to(refuse), pytest.raises(RuntimeError):
            delete(record, official.id)
        assert model.get_or_none(model.id == record.id) is not None, kind
        assert len(budget.lines(kind, record.id)) == 1, kind
