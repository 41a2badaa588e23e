"""The signals by which a lower module reaches a higher one instead of importing it
(core/signals.py): accounts and the directory's freshness reminders tell a person
something through the notifications' inbox; the directory asks accounts which profiles
are claimed and has them store the consents an import reads; the consent page and the
profile page show what outreach and curation keep. Each receiver is tested, and that a
write rolls back whole with what its receiver wrote."""
import pytest
from conftest import Refused, profile

from expertnet.accounts.models import Consent
from expertnet.core import signals
from expertnet.core.access import ANONYMOUS
from expertnet.core.db import database
from expertnet.core.models import Audit
from expertnet.directory import search_documents, validation, writes
from expertnet.directory.models import Expert
from expertnet.notifications.models import Notification
from expertnet.taxonomy import store as catalog


def _receivers(signal):
    return {f"{receiver.__module__}.{receiver.__name__}" for receiver in
            (ref() if callable(ref) else ref for ref in signal.receivers.values())}


def test_the_higher_modules_answer_the_lower_modules_signals(app):
    assert "expertnet.notifications.inbox._notice" in _receivers(signals.notice_requested)
    assert "expertnet.accounts.users._claimed" in _receivers(signals.profiles_claimed)
    assert "expertnet.accounts.consent._store_given" in _receivers(signals.consents_given)
    assert "expertnet.outreach.controllers.page_answers._consent_sections" \
        in _receivers(signals.consent_page)
    assert "expertnet.curation.controllers.page_answers._sections" \
        in _receivers(signals.profile_page)


def test_a_notice_is_written_for_the_person_with_its_link_and_values(app, add, make_user):
    expert = add(full_name="Phạm Minh Châu")
    user = make_user("expert", expert=expert)
    row = signals.tell(user, "stale_reminder", link="/experts/1/edit", expert_id=expert.id,
                       date="2026-03-01")
    stored = Notification.get_by_id(row.id)
    assert stored.user_id == user.id and stored.kind == "stale_reminder"
    assert stored.link == "/experts/1/edit"
    assert stored.values == {"expert_id": expert.id, "date": "2026-03-01"}


def test_a_notice_rolls_back_with_the_change_it_tells_of(app, add, make_user):
    expert = add(full_name="Phạm Minh Châu")
    user = make_user("expert", expert=expert)
    with pytest.raises(Refused), database.atomic():
        writes.record_owner_confirmation(expert, actor=user.id)
        signals.tell(user, "registration_approved")
        raise Refused("the change failed after the notice")
    assert Notification.select().where(Notification.user == user.id).count() == 0
    assert Expert.get_by_id(expert.id).owner_confirmed_at is None


def test_an_unknown_notice_is_refused(app, make_user):
    with pytest.raises(ValueError):
        signals.tell(make_user("official"), "no_such_kind")


def test_accounts_say_which_profiles_are_claimed(app, add, make_user):
    owned = add(full_name="Lê Văn Bình")
    free = add(full_name="Lê Thị Cúc")
    make_user("expert", expert=owned)
    assert signals.claimed_ids([owned.id, free.id]) == {owned.id}
    assert signals.claimed_ids([]) == set()
    # The search document carries the claim as a trust signal.
    assert search_documents.claimed_ids([owned.id, free.id]) == {owned.id}
    documents = search_documents.for_ids([owned.id, free.id], catalog.load())
    assert documents[owned.id] == search_documents.document_for(
        Expert.get_by_id(owned.id), [], catalog.load(), claimed=True)


def _values(**raw):
    values, errors = validation.normalize(profile(**raw), catalog.load())
    assert errors == []
    return values


GIVEN = [{"purpose": "publish", "notice_version": "2026-01", "created_at": None}]


def test_consents_read_with_a_profile_are_stored_and_audited_with_it(app):
    outcome, = writes.upsert_profiles([(_values(full_name="Đỗ Thị Hoa"), None)], actor=None,
                                      via="import", consents=[GIVEN])
    expert_id = outcome.expert.id
    stored = list(Consent.select().where(Consent.expert == expert_id))
    assert [(row.purpose, row.granted, row.notice_version, row.user_id) for row in stored] \
        == [("publish", True, "2026-01", None)]
    assert Audit.select().where((Audit.expert_id == expert_id)
                                & (Audit.action == "consent.grant")).count() == 1


def test_a_failing_consent_receiver_rolls_the_profile_back(app, failing):
    failing(signals.consents_given)
    with pytest.raises(Refused):
        writes.upsert_profiles([(_values(full_name="Đỗ Thị Hoa"), None)], actor=None,
                               via="import", consents=[GIVEN])
    assert Expert.select().where(Expert.full_name == "Đỗ Thị Hoa").count() == 0
    assert Consent.select().count() == 0
    assert Audit.select().where(Audit.action.in_(("profile.create", "consent.grant"))).count() == 0


def test_a_profile_written_without_consents_sends_nothing(app, failing):
    failing(signals.consents_given)
    outcome, = writes.upsert_profiles([(_values(full_name="Vũ Văn Nam"), None)], via="import")
    assert outcome.status == "created"


def test_the_consent_page_shows_what_outreach_recorded_for_the_department(app, add):
    expert = add(full_name="Ngô Thị Lan")
    answers = signals.answers_of(signals.consent_page.send(expert.id, viewer=ANONYMOUS))
    assert answers == [{"through_department": [],
                        "shared_fields": answers[0]["shared_fields"]}]
    assert callable(answers[0]["shared_fields"])


def test_the_profile_page_shows_whether_curation_imported_an_orcid_record(app, add):
    expert = add(full_name="Bùi Văn Tú")
    answers = signals.answers_of(signals.profile_page.send(expert, viewer=ANONYMOUS))
    assert {"orcid_record": None} in answers
