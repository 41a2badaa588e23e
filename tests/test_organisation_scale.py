"""The organisation register at scale: duplicates found by blocking are exactly those
that judging every pair finds (generated registers with Vietnamese, English, acronym
and abbreviated names, the demo register, names that share no word); reconciliation's
matcher suggests exactly what scoring every record suggests; the reconciliation page
reads stored proposals, computed again when the register or the texts change, paged,
with a progress state while a task computes them."""
from types import SimpleNamespace

import pytest
from conftest import post_form

from bench import organisations as generated
from expertnet.organisations import blocking, duplicates, reconcile, writes
from expertnet.organisations.models import (
    Organisation,
    OrganisationDuplicate,
    OrganisationDuplicateState,
    OrganisationProposal,
    OrganisationProposalState,
)
from expertnet.organisations.names import best_matches


def _ids(found):
    return [(first.id, second.id, why) for first, second, why in found]


def _record(number, name_vi="", name_en="", acronym="", country="VN", other_names=()):
    return SimpleNamespace(id=number, name_vi=name_vi, name_en=name_en, acronym=acronym, country=country,
                           other_names=list(other_names), type="university")


MARITIME = [
    _record(1, "Trường Đại học Hàng hải Việt Nam", "Vietnam Maritime University", "VMU"),
    _record(2, "ĐH Hàng hải VN"),
    _record(3, name_en="VMU", acronym="VMU", country=""),
    _record(4, name_en="Vietnam Maritime Univ.", acronym="VMU"),
    _record(5, "Truong Dai hoc Hang hai Viet Nam"),
    _record(6, "Đại học Hải Phòng", "Hai Phong University", "DHHP"),
    _record(7, "ĐH Hải Phòng"),
    _record(8, name_en="Korea Maritime & Ocean University", acronym="KMOU", country="KR"),
    _record(9, name_en="Korea Maritime and Ocean Univ", country="KR"),
    # No word in common, yet their ratio reaches the threshold.
    _record(10, "Vienkhoahoc Bienđong"),
    _record(11, "Vien khoa hoc Bien dong"),
    # A typo in every word of a long name.
    _record(12, name_en="Haiphong Internationl Shipbuildng Engneering Corporaton"),
    _record(13, name_en="Haiphong International Shipbuilding Engineering Corporation"),
]


def test_blocking_finds_the_pairs_of_every_pair_on_hand_made_names():
    found = duplicates.candidates(MARITIME)
    assert _ids(found) == _ids(duplicates.candidates_all_pairs(MARITIME))
    pairs = {(first, second) for first, second, _why in _ids(found)}
    assert {(1, 2), (1, 3), (1, 4), (1, 5), (6, 7), (8, 9), (10, 11), (12, 13)} <= pairs
    assert not {(1, 6), (1, 8), (2, 7)} & pairs


@pytest.mark.parametrize("count, seed", [(320, 2026), (240, 7)])
def test_blocking_finds_the_pairs_of_every_pair_on_a_generated_register(count, seed):
    organisations = generated.register(count, seed)
    found = duplicates.candidates(organisations)
    assert _ids(found) == _ids(duplicates.candidates_all_pairs(organisations))
    assert {why for _first, _second, why in found} == {"name", "acronym", "similar"}


def test_blocking_finds_the_pairs_of_every_pair_on_the_demo_register():
    from expertnet.demo import organisations as demo
    organisations = [_record(number, raw.get("name_vi", ""), raw.get("name_en", ""), raw.get("acronym", ""),
                             raw.get("country", ""))
                     for number, raw in enumerate(demo._rows(), start=1)]
    assert _ids(duplicates.candidates(organisations)) == _ids(duplicates.candidates_all_pairs(organisations))


def _boxes_agree(organisations, targets):
    """``for_record`` (blocking) against every other record judged, for each target."""
    forms = {row.id: duplicates._Forms(row) for row in organisations}
    for target in targets:
        own = duplicates._Forms(target)
        expected = [(other.id, why) for other in organisations if other.id != target.id
                    for why in [duplicates._reason(own, forms[other.id])] if why]
        found = duplicates.for_record(target, limit=10 ** 6, organisations=organisations)
        assert [(other.id, why) for other, why in found] == expected, target.id
        shown = duplicates.for_record(target, organisations=organisations)
        assert [(other.id, why) for other, why in shown] == expected[:5]


def test_the_duplicate_box_of_a_record_finds_what_judging_every_record_finds_on_hand_made_names():
    _boxes_agree(MARITIME, MARITIME)
    # A record not yet saved (no id) is compared with every record.
    unsaved = _record(None, "Đại học Hàng hải", acronym="VMU")
    _boxes_agree(MARITIME, [unsaved])
    assert {other.id for other, _why in duplicates.for_record(unsaved, organisations=MARITIME)} >= {1, 3, 4}


@pytest.mark.parametrize("count, seed", [(320, 2026), (240, 7)])
def test_the_duplicate_box_of_a_record_finds_what_judging_every_record_finds_on_a_generated_register(
        count, seed):
    organisations = generated.register(count, seed)
    # Every record with a likely duplicate, and a share of the others.
    paired = {row.id for first, second, _why in duplicates.candidates(organisations)
              for row in (first, second)}
    targets = [row for index, row in enumerate(organisations) if row.id in paired or index % 5 == 0]
    assert len(paired) > 40
    _boxes_agree(organisations, targets)


def test_the_length_bounds_of_the_ratio_are_tight():
    from rapidfuzz import fuzz
    for length in (1, 3, 8, 20, 45):
        shortest, longest = blocking.partner_lengths(length, 91)
        assert fuzz.ratio("a" * length, "a" * longest) >= 91
        assert fuzz.ratio("a" * length, "a" * (longest + 1)) < 91
        assert fuzz.ratio("a" * length, "a" * shortest) >= 91
        assert shortest == 0 or fuzz.ratio("a" * length, "a" * (shortest - 1)) < 91


def test_the_matcher_suggests_what_scoring_every_record_suggests():
    # With names that expand to nothing (a record scored by its acronym only) and the
    # hand-made ones.
    organisations = generated.register(260, 11) + [_record(900, name_en="—", acronym="HPX")] + MARITIME
    texts = list(dict.fromkeys(generated.texts(organisations, 110, 11)))
    texts += ["ĐH Hàng hải VN", "VMU", "", "Xưởng cơ khí nhà tôi", "HPX", "—", "Vien khoa hoc bien dong"]
    found = blocking.Matcher(organisations).matches(texts, reconcile.SUGGESTIONS, reconcile.FLOOR)
    for text in texts:
        expected = best_matches(text, organisations, limit=reconcile.SUGGESTIONS, floor=reconcile.FLOOR)
        assert [(row.id, value) for row, value in found[text]] == [(row.id, value) for row, value in expected]
    assert blocking.Matcher([]).matches(["VMU"]) == {"VMU": []}


# -- stored proposals -------------------------------------------------------------------
@pytest.fixture
def vmu(app):
    return writes.save({"name_vi": "Đại học Hàng hải Việt Nam", "name_en": "Vietnam Maritime University",
                        "acronym": "VMU", "type": "university", "country": "VN",
                        "visibility": "public"}).organisation


def _stored():
    shown, _total = reconcile.stored(per_page=1000)
    return [(proposal.key, [(row.id, value) for row, value in proposal.matches],
             sorted(proposal.counts().items())) for proposal in shown]


def _reference():
    return [(proposal.key, [(row.id, value) for row, value in proposal.matches],
             sorted(proposal.counts().items())) for proposal in reconcile.proposals()]


def test_stored_proposals_equal_the_computed_ones_and_follow_changes(app, vmu, add):
    add(full_name="Nguyễn Văn Biển", organization="ĐH Hàng hải VN")
    add(full_name="Trần Thị Thu", organization="ĐH Hàng hải VN")
    add(full_name="Lê Văn Tự", organization="Xưởng Hải Phòng")
    reconcile.current()
    assert _stored() == _reference()
    assert _stored()[0][0] == "dh hang hai vn" and _stored()[0][1] == [(vmu.id, 100)]
    # A new record of the register is matched at once (organisations_changed).
    created = writes.save({"name_vi": "Xưởng Hải Phòng", "type": "enterprise"}).organisation
    matches = {key: found for key, found, _counts in _stored()}
    assert matches["xuong hai phong"][0] == (created.id, 100)
    # A changed text is seen on the next reading, and only it is matched again.
    matched = []
    original = blocking.Matcher.matches

    def counting(self, texts, *args):
        matched.extend(texts)
        return original(self, texts, *args)
    add(full_name="Phạm Văn Cảng", organization="Vietnam Maritime Univ.")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocking.Matcher, "matches", counting)
        reconcile.current()
    assert matched == ["Vietnam Maritime Univ."]
    assert _stored() == _reference()
    # A decision takes the proposal off the page.
    reconcile.accept("dh hang hai vn", vmu)
    assert "dh hang hai vn" not in [key for key, _matches, _counts in _stored()]
    reconcile.current()
    assert _stored() == _reference()
    assert OrganisationProposalState.get().linked == 2


def test_bulk_accept_uses_the_stored_proposals(app, vmu, add):
    add(full_name="Nguyễn Văn Biển", organization="ĐH Hàng hải VN")
    add(full_name="Lê Văn Tự", organization="VMU")
    add(full_name="Trần Văn Hà", organization="Xưởng nhà tôi")
    assert reconcile.bulk_accept(threshold=95) == (2, 2)
    reconcile.current()
    assert [key for key, _matches, _counts in _stored()] == ["xuong nha toi"] == \
        [key for key, _matches, _counts in _reference()]


def test_the_page_is_paged_and_shows_progress_and_empty_states(app, client, vmu, add, make_user, login,
                                                               monkeypatch):
    login(make_user("curator"))
    empty = client.get("/organisations/reconcile").get_data(as_text=True)
    assert 'class="empty-state"' in empty
    for number in range(30):
        add(full_name=f"Chuyên gia {number}", organization=f"Công ty số {number:02d}")
    first = client.get("/organisations/reconcile").get_data(as_text=True)
    assert OrganisationProposal.select().count() == 30 and 'rel="next"' in first
    second = client.get("/organisations/reconcile?page=2").get_data(as_text=True)
    assert second.count('class="reconcile-item"') == 5
    assert client.get("/organisations/reconcile?page=99999999999").status_code == 200
    assert "Công ty số" in client.get("/organisations/reconcile?source=profile").get_data(as_text=True)
    assert 'class="empty-state"' in client.get("/organisations/reconcile?source=need").get_data(as_text=True)
    # A large computation runs as a task: the page shows its progress meanwhile.
    monkeypatch.setattr(reconcile, "BACKGROUND_TEXTS", 0)
    monkeypatch.setattr(reconcile, "refresh_task", lambda: None)
    add(full_name="Chuyên gia mới", organization="Công ty mới")
    waiting = client.get("/organisations/reconcile").get_data(as_text=True)
    assert 'role="status"' in waiting and 'class="empty-state"' not in waiting
    assert "Công ty số" in waiting  # the proposals computed before, meanwhile
    assert OrganisationProposalState.get().computing
    monkeypatch.undo()
    reconcile.refresh()
    assert not OrganisationProposalState.get().computing
    assert 'role="status"' not in client.get("/organisations/reconcile").get_data(as_text=True)


def test_a_failed_computation_does_not_stay_computing(app, vmu, add, monkeypatch):
    add(full_name="Nguyễn Văn Biển", organization="ĐH Hàng hải VN")

    def broken(self, texts, *args):
        raise RuntimeError("broken")
    monkeypatch.setattr(blocking.Matcher, "matches", broken)
    with pytest.raises(RuntimeError):
        reconcile.refresh()
    assert not OrganisationProposalState.get().computing and not OrganisationProposal.select().exists()


def test_merging_and_deleting_recompute_the_matches(app, client, vmu, add, make_user, login):
    add(full_name="Nguyễn Văn Biển", organization="Vietnam Maritime University")
    copy = writes.save({"name_en": "Vietnam Maritime Univ", "type": "university"}).organisation
    reconcile.current()
    assert {row_id for _key, matches, _counts in _stored() for row_id, _value in matches} == {vmu.id, copy.id}
    duplicates.merge(vmu, copy)
    assert _stored() == _reference()
    assert [matches for _key, matches, _counts in _stored()] == [[(vmu.id, 100)]]
    login(make_user("curator"))
    response = post_form(client, "/organisations/reconcile/bulk", {"threshold": "95"},
                         form_path="/organisations/reconcile")
    assert response.status_code == 302 and not OrganisationProposal.select().exists()
    assert Organisation.select().count() == 1


def test_two_computations_at_once_leave_the_first_ones_rows(app, vmu, add, monkeypatch):
    from peewee import IntegrityError
    add(full_name="Nguyễn Văn Biển", organization="ĐH Hàng hải VN")
    reconcile.refresh()
    add(full_name="Trần Thị Thu", organization="VMU")

    def conflict(*_args):
        raise IntegrityError("duplicate key value violates unique constraint")
    monkeypatch.setattr(reconcile, "_replace", conflict)
    assert reconcile.refresh()
    assert not OrganisationProposalState.get().computing
    assert [row.text_key for row in OrganisationProposal.select()] == ["dh hang hai vn"]


# -- stored duplicate pairs -------------------------------------------------------------
def _stored_pairs():
    pairs, _total = duplicates.stored(per_page=1000)
    return [(first.id, second.id, why) for first, second, why in pairs]


def _copy(name_en, **values):
    return writes.save({"name_en": name_en, "type": "university", **values}).organisation


def test_stored_pairs_equal_the_computed_ones_and_follow_changes(app, vmu, monkeypatch):
    assert _stored_pairs() == []
    copy = _copy("Vietnam Maritme University")
    other = _copy("Hai Phong University", acronym="DHHP")
    assert _stored_pairs() == _ids(duplicates.candidates()) == [(vmu.id, copy.id, "similar")]
    # Nothing changed: read, not found again.
    monkeypatch.setattr(duplicates, "candidates", lambda *args: pytest.fail("found again"))
    assert _stored_pairs() == [(vmu.id, copy.id, "similar")]
    monkeypatch.undo()
    fourth = writes.save({"name_en": "Hai Phong Univ", "type": "university"}).organisation
    assert _stored_pairs() == _ids(duplicates.candidates())
    assert (other.id, fourth.id, "name") in _stored_pairs() and len(_stored_pairs()) == 2
    # An edit through the write path bumps the version: found again.
    writes.save({"name_en": "Vietnam Maritime University", "type": "university"}, organisation=copy)
    assert _stored_pairs() == _ids(duplicates.candidates())
    assert (vmu.id, copy.id, "name") in _stored_pairs()
    duplicates.merge(vmu, copy)
    assert all(copy.id not in pair[:2] for pair in _stored_pairs())
    writes.delete(other)
    assert _stored_pairs() == _ids(duplicates.candidates()) == []
    assert {row.id for row in Organisation.select()} == {vmu.id, fourth.id}
    assert OrganisationDuplicateState.select().count() == 1


def test_a_merged_or_deleted_records_pairs_go_with_it_in_its_transaction(app, vmu, monkeypatch):
    copy = _copy("Vietnam Maritme University")
    third = _copy("VMU", acronym="VMU")
    duplicates.refresh()
    # Without the background refresh, the stored rows no longer name the records that went.
    monkeypatch.setattr(duplicates, "refresh_task", lambda: None)
    duplicates.merge(vmu, copy)
    assert not OrganisationDuplicate.select().where(
        (OrganisationDuplicate.first == copy.id) | (OrganisationDuplicate.second == copy.id)).exists()
    writes.delete(third)
    assert not OrganisationDuplicate.select().where(
        (OrganisationDuplicate.first == third.id) | (OrganisationDuplicate.second == third.id)).exists()


def test_the_duplicates_page_is_paged_and_reads_the_stored_pairs(app, client, vmu, make_user, login,
                                                                monkeypatch):
    login(make_user("curator"))
    # Stored pairs of another register version are not shown: found again.
    OrganisationDuplicate.create(first=vmu.id, second=vmu.id + 1000, reason="name")
    OrganisationDuplicateState.update(register_version="another").execute()
    page = client.get("/organisations/duplicates").get_data(as_text=True)
    assert 'class="empty-state"' in page and not OrganisationDuplicate.select().exists()
    for number in range(23):
        _copy(f"Vietnam Maritime University {number:02d}" if number % 2
              else f"Vietnam Maritime Univ {number}")
    total = len(duplicates.candidates())
    assert total > 20
    first = client.get("/organisations/duplicates").get_data(as_text=True)
    assert 'rel="next"' in first and first.count('class="reconcile-item"') == 20
    last = -(-total // 20)
    final = client.get(f"/organisations/duplicates?page={last}").get_data(as_text=True)
    assert final.count('class="reconcile-item"') == total - 20 * (last - 1) and 'rel="prev"' in final
    assert client.get("/organisations/duplicates?page=99999999999").status_code == 200
    assert client.get("/organisations/duplicates?page=x").status_code == 200
    monkeypatch.setattr(duplicates, "candidates", lambda *args: pytest.fail("found again"))
    assert client.get("/organisations/duplicates?page=2").status_code == 200


def test_two_refreshes_at_once_leave_the_first_ones_pairs(app, vmu, monkeypatch):
    from peewee import IntegrityError
    _copy("Vietnam Maritme University")
    stored = _stored_pairs()
    assert stored
    monkeypatch.setattr(duplicates, "refresh_task", lambda: None)
    _copy("VMU", acronym="VMU")

    def conflict(*_args):
        raise IntegrityError("duplicate key value violates unique constraint")
    monkeypatch.setattr(OrganisationDuplicate, "insert_many", conflict)
    assert duplicates.refresh()
    monkeypatch.undo()
    # The transaction rolled back: the earlier pairs stand, found stale on the next read.
    assert [(row.first, row.second, row.reason) for row in OrganisationDuplicate.select()] == stored
    assert _stored_pairs() == _ids(duplicates.candidates()) != stored
