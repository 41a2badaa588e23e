"""Signals instead of upward calls (DESIGN.md "Layout"): a withdrawn consent, an erasure
and a merge are announced by the lower module, and each higher module acts on its own
tables in the same transaction. Each receiver is tested, and that a failing receiver
rolls the whole change back."""
import datetime

import pytest
from conftest import Refused

from expertnet.accounts import consent, data_rights
from expertnet.accounts.models import Consent
from expertnet.cooperation import agreements, engagements, events, missions
from expertnet.cooperation.models import (
    Agreement,
    AgreementExpert,
    Engagement,
    Event,
    EventInvitation,
    Mission,
    MissionExpert,
)
from expertnet.core import signals
from expertnet.curation import merging
from expertnet.directory.models import Expert
from expertnet.outreach import contact_requests, shortlists
from expertnet.outreach import needs as records
from expertnet.outreach.models import ContactBlock, ContactRequest, ShortlistEntry

DAY = datetime.date(2026, 5, 4)


@pytest.fixture
def world(app, add, make_user):
    """Trần Thị Hà's profile with a row in every table a higher module keeps about it."""
    expert = add(full_name="Trần Thị Hà", email="ha.tran@example.vn", visibility="public",
                 fields="logistics")
    other = add(full_name="Hà Thị Trần", email="ha@example.org", visibility="public")
    owner = make_user("expert", expert=expert)
    official = make_user("official")
    need = records.save({"title": "Tư vấn logistics cảng Lạch Huyện",
                         "organization": "Sở KH&CN Hải Phòng"}, owner=official)
    ShortlistEntry.create(need=need, expert=expert)
    request = ContactRequest.create(need=need, expert=expert, official=official,
                                    purpose="consulting")
    ContactBlock.create(expert=expert, department="Sở Y tế")
    engagement = engagements.save({"kind": "lecture", "title": "Bài giảng về cảng biển",
                                   "starts_on": "2026-05-01", "department": "Sở KH&CN"},
                                  expert, need, official.id)
    event = Event.create(kind="workshop", title="Hội thảo chuyển đổi số", starts_on=DAY,
                         department="Sở KH&CN")
    invitation = EventInvitation.create(event=event, expert=expert)
    mission = Mission.create(direction="outgoing", title="Đoàn công tác Hàn Quốc",
                             starts_on=DAY, department="Sở Ngoại vụ")
    MissionExpert.create(mission=mission, expert=expert, role="adviser")
    agreement = Agreement.create(title="Biên bản ghi nhớ với Đại học Pusan", partner="Đại học Pusan",
                                 partner_scope="international",
                                 department="Sở KH&CN")
    AgreementExpert.create(agreement=agreement, expert=expert)
    consent.decide(expert, owner, "contact", True, consent.NOTICE_VERSION)
    return {"expert": expert, "other": other, "owner": owner, "official": official,
            "need": need, "request": request, "engagement": engagement, "event": event,
            "invitation": invitation, "mission": mission, "agreement": agreement}


ROWS = ((ShortlistEntry, ShortlistEntry.expert), (ContactRequest, ContactRequest.expert),
        (ContactBlock, ContactBlock.expert), (Engagement, Engagement.expert),
        (EventInvitation, EventInvitation.expert), (MissionExpert, MissionExpert.expert),
        (AgreementExpert, AgreementExpert.expert))


def _counts(expert_id):
    return {model.__name__: model.select().where(field == expert_id).count() for model, field in ROWS}


def test_every_module_that_keeps_rows_about_a_profile_receives_the_signals(app):
    def names(signal):
        return {f"{receiver.__module__}.{receiver.__name__}" for receiver in
                (ref() if callable(ref) else ref for ref in signal.receivers.values())}

    assert names(signals.consent_withdrawn) >= {
        "expertnet.outreach.contact_requests._close_on_withdrawal",
        "expertnet.cooperation.events._cancel_on_withdrawal"}
    module_receivers = {f"{module.__name__}.{name}" for module in
                        (contact_requests, shortlists, engagements, events, missions, agreements)
                        for name in ("erase_for_expert", "repoint_for_merge")}
    assert names(signals.profile_deleted) >= {n for n in module_receivers if n.endswith("erase_for_expert")}
    assert names(signals.profiles_merged) >= {n for n in module_receivers if n.endswith("for_merge")}


# -- consent_withdrawn ----------------------------------------------------------------
def test_a_withdrawn_contact_consent_closes_requests_and_cancels_invitations(world):
    expert, owner = world["expert"], world["owner"]
    consent.decide(expert, owner, "contact", False, consent.NOTICE_VERSION)
    assert ContactRequest.get_by_id(world["request"].id).status == "cancelled"
    assert EventInvitation.get_by_id(world["invitation"].id).status == "cancelled"


def test_each_withdrawal_receiver_acts_on_its_own_table_only(world):
    expert = world["expert"]
    contact_requests._close_on_withdrawal(expert.id, purpose="contact")
    assert ContactRequest.get_by_id(world["request"].id).status == "cancelled"
    assert EventInvitation.get_by_id(world["invitation"].id).status == "invited"
    events._cancel_on_withdrawal(expert.id, purpose="contact")
    assert EventInvitation.get_by_id(world["invitation"].id).status == "cancelled"


def test_a_failing_receiver_rolls_the_withdrawal_back_with_everything_it_closed(world, failing):
    expert, owner = world["expert"], world["owner"]
    failing(signals.consent_withdrawn)
    decisions = Consent.select().where(Consent.expert == expert.id).count()
    with pytest.raises(Refused):
        consent.decide(expert, owner, "contact", False, consent.NOTICE_VERSION)
    assert Consent.select().where(Consent.expert == expert.id).count() == decisions
    assert ContactRequest.get_by_id(world["request"].id).status == "pending"
    assert EventInvitation.get_by_id(world["invitation"].id).status == "invited"


# -- profile_deleted ------------------------------------------------------------------
def test_an_erasure_deletes_the_rows_of_every_module(world):
    expert = world["expert"]
    assert set(_counts(expert.id).values()) == {1}
    data_rights.delete_profile(Expert.get_by_id(expert.id))
    assert set(_counts(expert.id).values()) == {0}
    assert Expert.get_or_none(Expert.id == expert.id) is None
    assert Consent.select().where(Consent.expert == expert.id).count() == 0


@pytest.mark.parametrize("module, models", [
    (shortlists, (ShortlistEntry,)), (contact_requests, (ContactRequest, ContactBlock)),
    (engagements, (Engagement,)), (events, (EventInvitation,)), (missions, (MissionExpert,)),
    (agreements, (AgreementExpert,))])
def test_each_erasure_receiver_deletes_its_own_rows(world, module, models):
    expert_id = world["expert"].id
    before = _counts(expert_id)
    module.erase_for_expert(expert_id)
    after = _counts(expert_id)
    assert {name for name in before if before[name] != after[name]} == {m.__name__ for m in models}
    assert all(after[m.__name__] == 0 for m in models)


def test_a_failing_receiver_rolls_the_erasure_back(world, failing):
    expert = world["expert"]
    failing(signals.profile_deleted)
    with pytest.raises(Refused):
        data_rights.delete_profile(Expert.get_by_id(expert.id))
    assert Expert.get_or_none(Expert.id == expert.id) is not None
    assert set(_counts(expert.id).values()) == {1}
    assert Consent.select().where(Consent.expert == expert.id).count() == 1


# -- profiles_merged ------------------------------------------------------------------
def _merge(keep, drop):
    keep, drop = Expert.get_by_id(keep.id), Expert.get_by_id(drop.id)
    return merging.merge_profiles(keep, drop, merging.writes.stored_values(keep),
                                  keep.version, drop.version)


def test_a_merge_repoints_the_rows_of_every_module(world):
    keep, drop = world["other"], world["expert"]
    _merge(keep, drop)
    assert set(_counts(keep.id).values()) == {1}
    assert set(_counts(drop.id).values()) == {0}


@pytest.mark.parametrize("module, models", [
    (shortlists, (ShortlistEntry,)), (contact_requests, (ContactRequest, ContactBlock)),
    (engagements, (Engagement,)), (events, (EventInvitation,)), (missions, (MissionExpert,)),
    (agreements, (AgreementExpert,))])
def test_each_merge_receiver_repoints_its_own_rows(world, module, models):
    keep, drop = world["other"], world["expert"]
    module.repoint_for_merge(drop.id, keep=keep.id)
    moved = _counts(keep.id)
    assert {name for name, count in moved.items() if count} == {m.__name__ for m in models}


def test_a_merge_receiver_keeps_one_row_where_both_profiles_had_one(world):
    keep, drop, need = world["other"], world["expert"], world["need"]
    ShortlistEntry.create(need=need, expert=keep)
    EventInvitation.create(event=world["event"], expert=keep, role="speaker")
    shortlists.repoint_for_merge(drop.id, keep=keep.id)
    events.repoint_for_merge(drop.id, keep=keep.id)
    assert ShortlistEntry.select().where(ShortlistEntry.need == need.id).count() == 1
    kept = EventInvitation.get(EventInvitation.event == world["event"].id)
    assert (kept.expert_id, kept.role) == (keep.id, "speaker")


def test_a_failing_receiver_rolls_the_merge_back(world, failing):
    keep, drop = world["other"], world["expert"]
    failing(signals.profiles_merged)
    with pytest.raises(Refused):
        _merge(keep, drop)
    assert Expert.get_or_none(Expert.id == drop.id) is not None
    assert set(_counts(drop.id).values()) == {1}
    assert set(_counts(keep.id).values()) == {0}


# -- personal_data_requested ----------------------------------------------------------
def test_the_data_download_holds_every_modules_rows_about_the_person(world):
    data = data_rights.export(world["owner"])
    assert [row["need"] for row in data["contact_requests"]] == ["Tư vấn logistics cảng Lạch Huyện"]
    assert [row["title"] for row in data["engagements"]] == ["Bài giảng về cảng biển"]
    assert [row["event"] for row in data["events"]] == ["Hội thảo chuyển đổi số"]
    assert [row["delegation"] for row in data["delegations"]] == ["Đoàn công tác Hàn Quốc"]
    assert [row["agreement"] for row in data["agreements"]] == ["Biên bản ghi nhớ với Đại học Pusan"]


@pytest.mark.parametrize("module, section", [
    (contact_requests, "contact_requests"), (engagements, "engagements"), (events, "events"),
    (missions, "delegations"), (agreements, "agreements")])
def test_each_module_answers_for_its_own_section(world, module, section):
    assert list(module.export_for_person(world["expert"].id)) == [section]
    assert len(module.export_for_person(world["expert"].id)[section]) == 1
    assert module.export_for_person(world["other"].id) == {section: []}
