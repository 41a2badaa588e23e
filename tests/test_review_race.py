"""Two curators deciding the same proposal at once: the decision claims the proposal
(``UPDATE … WHERE status = 'pending'``) in the transaction that applies it, so only one
decision is written and applied; the other is told and writes nothing."""
import json
import threading

import pytest
from conftest import PASSWORD, log_in, post_form

from expertnet.accounts import reviews
from expertnet.accounts.models import PendingChange
from expertnet.core.db import database
from expertnet.core.models import Audit
from expertnet.directory import writes
from expertnet.directory.models import Expert


@pytest.fixture
def proposal(app, add, make_user):
    expert = add(full_name="Lý Thị Đề Xuất", organization="Viện Cũ", visibility="public")
    owner = make_user("expert", expert=expert)
    row = reviews.propose(expert, owner.id, {"organization": "Viện Mới"})
    return Expert.get_by_id(expert.id), row


def decisions(expert_id):
    return [entry.action for entry in Audit.select().where(
        (Audit.expert_id == expert_id) & Audit.action.in_(
            ["review.accept", "review.reject", "profile.update"])).order_by(Audit.id)]


def copies(row):
    """What two curators' requests each read: the proposal while it was pending."""
    return PendingChange.get_by_id(row.id), PendingChange.get_by_id(row.id)


def test_an_accept_and_a_reject_at_once_only_the_first_is_written(app, proposal, make_user):
    expert, row = proposal
    first, second = make_user("curator"), make_user("curator")
    mine, theirs = copies(row)
    reviews.accept(mine, expert, expert.version, actor=first.id)
    with pytest.raises(reviews.AlreadyDecided):
        reviews.reject(theirs, second.id, "không đúng")
    stored = PendingChange.get_by_id(row.id)
    assert (stored.status, stored.reviewer_id, stored.reason) == ("accepted", first.id, "")
    assert Expert.get_by_id(expert.id).organization == "Viện Mới"
    assert decisions(expert.id) == ["profile.update", "review.accept"]


def test_two_accepts_at_once_apply_the_change_once(app, proposal, make_user):
    expert, row = proposal
    first, second = make_user("curator"), make_user("curator")
    mine, theirs = copies(row)
    stale, version = Expert.get_by_id(expert.id), expert.version
    reviews.accept(mine, expert, version, actor=first.id)
    with pytest.raises(reviews.AlreadyDecided):
        reviews.accept(theirs, stale, version, actor=second.id)
    assert Expert.get_by_id(expert.id).version == version + 1
    assert decisions(expert.id) == ["profile.update", "review.accept"]


def test_a_reject_then_an_accept_publishes_nothing(app, proposal, make_user):
    expert, row = proposal
    mine, theirs = copies(row)
    reviews.reject(mine, make_user("curator").id)
    with pytest.raises(reviews.AlreadyDecided):
        reviews.accept(theirs, expert, expert.version, actor=make_user("curator").id)
    stored = Expert.get_by_id(expert.id)
    assert (stored.organization, stored.version) == ("Viện Cũ", expert.version)
    assert PendingChange.get_by_id(row.id).status == "rejected"
    assert decisions(expert.id) == ["review.reject"]


def test_a_refused_accept_leaves_the_proposal_pending(app, proposal, make_user):
    expert, row = proposal
    writes.save_profile({"city": "Huế"}, expert=Expert.get_by_id(expert.id))
    with pytest.raises(writes.VersionConflict):
        reviews.accept(PendingChange.get_by_id(row.id), expert, expert.version,
                       actor=make_user("curator").id)
    assert PendingChange.get_by_id(row.id).status == "pending"  # the claim was rolled back
    assert decisions(expert.id) == ["profile.update"]  # the city only


def test_two_curators_in_two_threads_one_decision_wins(app, proposal, make_user):
    expert, row = proposal
    curators = [make_user("curator"), make_user("curator")]
    barrier = threading.Barrier(2)
    results = {}

    def decide(index):
        with app.app_context():
            database.connect(reuse_if_open=True)
            try:
                pending = PendingChange.get_by_id(row.id)
                current = Expert.get_by_id(expert.id)
                barrier.wait(timeout=10)
                if index == 0:
                    reviews.accept(pending, current, current.version, actor=curators[0].id)
                else:
                    reviews.reject(pending, curators[1].id)
                results[index] = "done"
            except reviews.AlreadyDecided:
                results[index] = "taken"
            finally:
                database.close()

    threads = [threading.Thread(target=decide, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["done", "taken"]
    stored = PendingChange.get_by_id(row.id)
    winner = 0 if results[0] == "done" else 1
    assert stored.status == ("accepted", "rejected")[winner]
    assert stored.reviewer_id == curators[winner].id
    assert Expert.get_by_id(expert.id).organization == ("Viện Mới", "Viện Cũ")[winner]
    assert len([a for a in decisions(expert.id) if a.startswith("review.")]) == 1


def test_the_second_curator_is_told_on_the_page(app, proposal, make_user):
    expert, row = proposal
    clients = []
    for _ in range(2):
        client = app.test_client()
        assert log_in(client, make_user("curator").email, PASSWORD).status_code == 302
        clients.append(client)
    page = f"/curate/reviews/{row.id}"
    tokens = [client.get(page) for client in clients]  # both open the proposal
    assert all(response.status_code == 200 for response in tokens)
    first = post_form(clients[0], f"{page}/accept", {"version": str(expert.version)},
                      form_path=page)
    assert first.status_code == 302
    # The second curator's form was read before the first decided: its request is the
    # stale one. Through the route the proposal is no longer pending (404); the race
    # between the read and the write is the service's (tests above).
    second = post_form(clients[1], f"{page}/reject", {"reason": ""},
                       form_path="/curate/reviews")
    assert second.status_code == 404
    assert json.loads(PendingChange.get_by_id(row.id).proposed) == {"organization": "Viện Mới"}
    assert PendingChange.get_by_id(row.id).status == "accepted"


def test_the_route_answers_409_when_the_claim_is_lost(app, proposal, make_user, monkeypatch):
    expert, row = proposal
    client = app.test_client()
    assert log_in(client, make_user("curator").email, PASSWORD).status_code == 302
    page = f"/curate/reviews/{row.id}"
    original = reviews.reject

    def another_curator_first(pending, actor, reason=""):
        original(PendingChange.get_by_id(pending.id), None)  # decided between read and write
        original(pending, actor, reason)
    monkeypatch.setattr(reviews, "reject", another_curator_first)
    response = post_form(client, f"{page}/reject", {"reason": ""}, form_path=page,
                         headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert "Another curator decided on these changes first" in response.get_data(as_text=True)
