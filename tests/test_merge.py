"""Merging two profiles of one person: field-by-field choices, everything
that pointed at the merged-away profile moves, history is kept, the old id redirects
(without revealing hidden profiles), the index holds one document, both versions are
checked, and only curators merge."""
import json

import pytest
from conftest import csrf_token, log_in

from expertnet.accounts import consent, data_rights, invitations, reviews
from expertnet.accounts.models import Consent, DeletionRequest, Invitation, PendingChange, User
from expertnet.cooperation import engagements as engagement_records
from expertnet.cooperation.models import Engagement
from expertnet.core.models import Audit
from expertnet.curation import merging
from expertnet.directory import indexing, writes
from expertnet.directory.models import Expert, MergedProfile
from expertnet.outreach import needs as records
from expertnet.outreach.models import ContactBlock, ContactRequest, ShortlistEntry


def _ids(client, q):
    return [item["id"] for item in
            client.get("/api/v1/experts", query_string={"q": q}).json["results"]]


@pytest.fixture
def people(app, add, make_user):
    keep = add(full_name="Nguyễn Văn Đức", birth_year="1980", organization="Viện Cơ học",
               email="duc.nguyen@example.vn", fields="ai", keywords="robot",
               visibility="public", external_id="S-1")
    drop = add(full_name="Duc Van Nguyen", birth_year="1981", organization="Vien Co hoc",
               email="duc@example.org", phone="+84 912 000 111", fields="logistics",
               keywords="port;robot", visibility="public", other_names="Đức Nguyễn",
               external_id="E-9")
    owner = make_user("expert", expert=drop)
    return keep, drop, owner


def _merge(keep, drop, choices=None, **kwargs):
    keep, drop = Expert.get_by_id(keep.id), Expert.get_by_id(drop.id)
    return merging.merge(keep, drop, choices or {}, keep.version, drop.version, **kwargs)


def test_conflicts_are_resolved_as_chosen_and_lists_can_be_joined(people):
    keep, drop, _owner = people
    kept = _merge(keep, drop, {"birth_year": "b", "email": "b", "external_id": "a",
                               "fields": "both", "keywords": "both", "other_names": "both"})
    stored = Expert.get_by_id(kept.id)
    assert stored.full_name == "Nguyễn Văn Đức"  # "a" by default
    assert stored.birth_year == 1981 and stored.email == "duc@example.org"
    assert stored.phone == "+84 912 000 111"  # only one side had it
    assert stored.external_id == "S-1"
    assert stored.field_codes == ["ai", "logistics"]
    assert stored.keywords == ["robot", "port"]
    # The name not kept stays as another name, so both spellings find the profile.
    assert set(stored.other_names) == {"Đức Nguyễn", "Duc Van Nguyen"}
    assert Expert.get_or_none(Expert.id == drop.id) is None


def test_everything_pointing_at_the_merged_away_profile_moves(app, people, make_user):
    keep, drop, owner = people
    consent.decide(drop, owner, "publish", True, consent.NOTICE_VERSION)
    invitation, _link = invitations.create(drop, "duc@example.org", actor=None)
    reviews.propose(drop, owner.id, {"organization": "Viện Mới"})
    request = DeletionRequest.create(expert_id=drop.id, requested_by=owner.id)
    official = make_user("official")
    writes.audit.record("contact.view", actor_id=official.id, expert_id=drop.id,
                          changes={"fields": ["email"]})
    _merge(keep, drop)
    assert User.get_by_id(owner.id).expert_id == keep.id
    assert [row.expert_id for row in Consent.select()] == [keep.id]
    assert Invitation.get_by_id(invitation.id).expert_id == keep.id
    assert PendingChange.get(PendingChange.user_id == owner.id).expert_id == keep.id
    assert DeletionRequest.get_by_id(request.id).expert_id == keep.id
    views = Audit.select().where(Audit.action == "contact.view")
    assert [row.expert_id for row in views] == [keep.id]


def test_shortlists_contact_requests_blocks_and_engagements_move_without_doubles(app, people,
                                                                               make_user):
    keep, drop, _owner = people
    official = make_user("official")
    both, only_drop = (records.save({"title": title, "organization": "Sở KH&CN"}, owner=official)
                       for title in ("Tư vấn cảng", "Phản biện đề tài"))
    for need, expert in ((both, keep), (both, drop), (only_drop, drop)):
        ShortlistEntry.create(need=need, expert=expert)
        ContactRequest.create(need=need, expert=expert, official=official, purpose="consulting")
    ContactBlock.create(expert=keep, department="")
    ContactBlock.create(expert=drop, department="")
    ContactBlock.create(expert=drop, department="Sở Y tế")
    engagement = engagement_records.save(
        {"kind": "lecture", "title": "Bài giảng", "starts_on": "2026-05-01",
         "department": "Sở KH&CN"}, drop, only_drop, official.id)
    _merge(keep, drop)
    for model in (ShortlistEntry, ContactRequest):
        assert sorted(row.need_id for row in model.select()) == sorted([both.id, only_drop.id])
        assert {row.expert_id for row in model.select()} == {keep.id}
    assert sorted(row.department for row in ContactBlock.select()) == ["", "Sở Y tế"]
    assert {row.expert_id for row in ContactBlock.select()} == {keep.id}
    assert Engagement.get_by_id(engagement.id).expert_id == keep.id


def test_the_merge_is_audited_with_both_ids_the_choices_and_the_old_values(people):
    keep, drop, _owner = people
    _merge(keep, drop, {"email": "b"}, actor=None)
    entry = Audit.get((Audit.expert_id == keep.id) & (Audit.action == "profile.merge"))
    changes = entry.changed
    assert changes["merged_from"] == drop.id
    assert changes["chosen"]["email"] == "b"
    assert changes["email"] == ["duc.nguyen@example.vn", "duc@example.org"]
    assert changes["merged_profile"]["full_name"] == "Duc Van Nguyen"
    assert changes["merged_profile"]["external_id"] == "E-9"
    stub = Audit.get((Audit.expert_id == drop.id) & (Audit.action == "profile.merge"))
    assert stub.changed == {"merged_into": keep.id}
    assert MergedProfile.get_by_id(drop.id).audit_id == entry.id


def test_the_index_keeps_one_document(app, client, store, people):
    keep, drop, _owner = people
    assert sorted(_ids(client, "duc nguyen")) == sorted([keep.id, drop.id])
    _merge(keep, drop, {"other_names": "both"})
    assert _ids(client, "duc nguyen") == [keep.id]
    assert _ids(client, "Duc Van Nguyen") == [keep.id]
    assert drop.id not in store.stored_versions()
    assert indexing.pending_count() == 0


def test_the_old_address_redirects_to_the_kept_profile(app, client, people):
    keep, drop, _owner = people
    _merge(keep, drop)
    page = client.get(f"/experts/{drop.id}")
    assert page.status_code == 301 and page.location == f"/experts/{keep.id}"
    api = client.get(f"/api/v1/experts/{drop.id}")
    assert api.status_code == 301 and api.location == f"/api/v1/experts/{keep.id}"
    assert api.json["merged_into"] == keep.id
    assert client.get(f"/api/v1/experts/{drop.id}", follow_redirects=True).json["id"] == keep.id


def test_a_redirect_never_reveals_a_profile_the_reader_may_not_see(app, client, add, make_user):
    hidden = add(full_name="Bí Mật Một", visibility="curators")
    other = add(full_name="Bi Mat Mot", visibility="public")
    # Kept narrower than the published copy: the curator's explicit, confirmed choice
    # (by default the merge keeps the wider visibility).
    _merge(hidden, other, {"visibility": "a"}, narrow_confirmed=True)
    assert client.get(f"/experts/{other.id}").status_code == 404
    assert client.get(f"/api/v1/experts/{other.id}").status_code == 404
    curator = app.test_client()
    assert log_in(curator, make_user("curator").email).status_code == 302
    assert curator.get(f"/experts/{other.id}").status_code == 301


def test_a_changed_profile_is_not_merged(people):
    keep, drop, _owner = people
    keep_version, drop_version = keep.version, drop.version
    writes.save_profile({"city": "Hà Nội"}, expert=Expert.get_by_id(drop.id))
    with pytest.raises(writes.VersionConflict):
        merging.merge(Expert.get_by_id(keep.id), Expert.get_by_id(drop.id), {}, keep_version,
                      drop_version)
    assert Expert.get_or_none(Expert.id == drop.id) is not None
    assert Expert.get_by_id(keep.id).version == keep_version  # nothing was written
    with pytest.raises(writes.VersionConflict):
        merging.merge(Expert.get_by_id(keep.id), Expert.get_by_id(drop.id), {},
                      keep_version - 1, Expert.get_by_id(drop.id).version)


def test_two_claimed_profiles_are_not_merged(people, make_user):
    keep, drop, _owner = people
    make_user("expert", expert=keep)
    with pytest.raises(merging.MergeRefused):
        _merge(keep, drop)
    assert Expert.get_or_none(Expert.id == drop.id) is not None


def test_a_withdrawn_consent_on_either_profile_keeps_the_merged_one_restricted(people):
    keep, drop, owner = people
    consent.decide(Expert.get_by_id(drop.id), owner, "publish", False, consent.NOTICE_VERSION)
    kept = _merge(keep, drop, {"visibility": "a"})
    assert Expert.get_by_id(kept.id).visibility == "curators"


def test_a_curator_merges_on_the_comparison_page(app, client, make_user, login, people):
    keep, drop, _owner = people
    login(make_user("curator"))
    page = client.get(f"/curate/duplicates/{keep.id}/{drop.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="choice-email"' in html and 'value="both"' in html
    token = csrf_token(client, f"/curate/duplicates/{keep.id}/{drop.id}")
    data = {"csrf_token": token, "keep": "b", "version_a": str(keep.version),
            "version_b": str(Expert.get_by_id(drop.id).version), "choice-full_name": "a",
            "choice-email": "a", "choice-fields": "both"}
    response = client.post(f"/curate/duplicates/{keep.id}/{drop.id}/merge", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    # "b" was kept: its id stays, with the values chosen from "a".
    kept = Expert.get_by_id(drop.id)
    assert kept.full_name == "Nguyễn Văn Đức" and kept.email == "duc.nguyen@example.vn"
    assert kept.field_codes == ["logistics", "ai"]  # the kept profile's own first
    assert Expert.get_or_none(Expert.id == keep.id) is None
    assert client.get(f"/experts/{keep.id}").location == f"/experts/{drop.id}"
    stale = client.post(f"/curate/duplicates/{keep.id}/{drop.id}/merge", data=data)
    assert stale.status_code == 404


def test_a_stale_comparison_page_answers_409(app, client, make_user, login, people):
    keep, drop, _owner = people
    login(make_user("curator"))
    token = csrf_token(client, f"/curate/duplicates/{keep.id}/{drop.id}")
    writes.save_profile({"city": "Huế"}, expert=Expert.get_by_id(keep.id))
    response = client.post(f"/curate/duplicates/{keep.id}/{drop.id}/merge", data={
        "csrf_token": token, "keep": "a", "version_a": str(keep.version),
        "version_b": str(drop.version)})
    assert response.status_code == 409
    assert Expert.get_or_none(Expert.id == drop.id) is not None


@pytest.mark.parametrize("role", ["expert", "official"])
def test_only_curators_merge(app, client, make_user, people, role):
    keep, drop, owner = people
    user = owner if role == "expert" else make_user(role)
    assert log_in(client, user.email).status_code == 302
    token = csrf_token(client, "/account")
    response = client.post(f"/curate/duplicates/{keep.id}/{drop.id}/merge", data={
        "csrf_token": token, "keep": "a", "version_a": "1", "version_b": "1"})
    assert response.status_code == 403
    assert Expert.get_or_none(Expert.id == drop.id) is not None
    anonymous = app.test_client()
    assert anonymous.post(f"/curate/duplicates/{keep.id}/{drop.id}/merge").status_code in (302, 400)


def test_deleting_the_kept_profile_erases_the_merged_away_values_too(people):
    keep, drop, _owner = people
    _merge(keep, drop)
    data_rights.delete_profile(Expert.get_by_id(keep.id))
    for row in Audit.select().where(Audit.expert_id.in_([keep.id, drop.id])):
        text = json.dumps(row.changed, ensure_ascii=False)
        assert "Duc Van Nguyen" not in text and "duc@example.org" not in text


def test_the_owners_data_download_includes_the_merged_away_profiles_entries(
        app, client, people, login):
    keep, drop, owner = people
    _merge(keep, drop)
    from expertnet.accounts import data_rights as subject
    data = subject.export(User.get_by_id(owner.id))
    assert data["profile"]["id"] == keep.id
    actions = [(entry["action"], entry["changes"].get("merged_into")) for entry in data["audit"]]
    assert ("profile.merge", keep.id) in actions  # the entry written on the old id
    assert any(entry["action"] == "profile.create" and
               entry["changes"].get("full_name", [None, None])[1] == "Duc Van Nguyen"
               for entry in data["audit"])


def test_redirects_follow_a_second_merge_in_one_step(app, client, add):
    first = add(full_name="Vũ Thị Mai", birth_year="1990")
    second = add(full_name="Vu Thi Mai", birth_year="1990")
    third = add(full_name="Mai Vu", birth_year="1990")
    _merge(second, first)
    _merge(third, second)
    assert client.get(f"/experts/{first.id}").location == f"/experts/{third.id}"
    assert client.get(f"/experts/{second.id}").location == f"/experts/{third.id}"
    data_rights.delete_profile(Expert.get_by_id(third.id))
    assert client.get(f"/experts/{first.id}").status_code == 404
