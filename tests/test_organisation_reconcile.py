"""Reconciling free-text organisations (profiles, agreements, delegations, needs) with
the register: suggestions on Vietnamese, English, acronym and abbreviated names, a
curator's decisions, bulk accept, and the links applied by the modules that own them."""
import datetime
import json

import pytest
from conftest import post_form

from expertnet.cooperation import agreements, missions
from expertnet.cooperation.models import Agreement, Mission, MissionOrganisation
from expertnet.core.models import Audit
from expertnet.organisations import reconcile, writes
from expertnet.organisations.models import Affiliation, LinkDecision, Organisation
from expertnet.organisations.names import best_matches, expand, score
from expertnet.organisations.validation import OrganisationErrors
from expertnet.outreach import needs
from expertnet.outreach.models import Need


@pytest.fixture
def register(app):
    def make(name_vi, name_en, acronym, kind="university", country="VN"):
        return writes.save({"name_vi": name_vi, "name_en": name_en, "acronym": acronym, "type": kind,
                            "country": country, "visibility": "public"}).organisation
    return {
        "vmu": make("Đại học Hàng hải Việt Nam", "Vietnam Maritime University", "VMU"),
        "dhp": make("Đại học Hải Phòng", "Hai Phong University", "DHHP"),
        "ydhp": make("Đại học Y Dược Hải Phòng", "Hai Phong University of Medicine and Pharmacy", "HPMU"),
        "tokyo": make("", "Tokyo University of Marine Science and Technology", "TUMSAT", country="JP"),
    }


@pytest.mark.parametrize("text, expected", [
    ("ĐH Hàng hải VN", "vmu"),
    ("Trường Đại học Hàng hải Việt Nam", "vmu"),
    ("truong dai hoc hang hai viet nam", "vmu"),
    ("Vietnam Maritime University", "vmu"),
    ("Vietnam Maritime Univ.", "vmu"),
    ("VMU", "vmu"),
    ("ĐH Hải Phòng", "dhp"),
    ("Trường ĐH Y Dược HP", "ydhp"),
    ("TUMSAT", "tokyo"),
    ("Tokyo Univ. of Marine Science & Technology", "tokyo"),
])
def test_suggestions_on_vietnamese_english_acronym_names(register, text, expected):
    matches = best_matches(text, list(Organisation.select()))
    assert matches[0][0].id == register[expected].id
    assert matches[0][1] >= 90


def test_unrelated_text_suggests_nothing_and_scores_are_ordered(register):
    assert best_matches("Công ty TNHH Thép Việt Ý", list(Organisation.select()), floor=80) == []
    assert expand("Cty CP Cảng HP") == "cong ty co phan cang hai phong"
    assert score("ĐH Hải Phòng", register["dhp"]) > score("ĐH Hải Phòng", register["ydhp"])


def _sources(app, add, make_user):
    official = make_user("official")
    expert = add(full_name="Nguyễn Văn Biển", organization="ĐH Hàng hải VN", position="Giảng viên")
    other = add(full_name="Trần Thị Thu", organization="ĐH Hàng hải VN")
    loner = add(full_name="Lê Văn Tự", organization="Xưởng cơ khí nhà tôi")
    agreement = agreements.save({"title": "Biên bản ghi nhớ đào tạo",
                                 "partner": "Vietnam Maritime University", "partner_country": "VN",
                                 "status": "draft", "department": "Sở KH&CN"},
                                official.id)
    mission = missions.save({"direction": "outgoing", "title": "Đoàn công tác Nhật Bản", "country": "JP",
                             "starts_on": "2026-03-01", "department": "Sở KH&CN",
                             "organisations": "TUMSAT\nCông ty đóng tàu Imabari"}, official.id)
    need = needs.save({"title": "Tư vấn cảng biển", "organization": "Trường ĐH Hàng hải Việt Nam"},
                      owner=official)
    return expert, other, loner, agreement, mission, need


def test_every_free_text_is_proposed_grouped_by_folded_text(app, register, add, make_user):
    expert, other, loner, agreement, mission, need = _sources(app, add, make_user)
    proposals = {proposal.key: proposal for proposal in reconcile.proposals()}
    group = proposals["dh hang hai vn"]
    assert {item["record_id"] for item in group.items} == {expert.id, other.id}
    assert group.best[0].id == register["vmu"].id
    sources = {item["source"] for proposal in proposals.values() for item in proposal.items}
    assert sources == {"profile", "agreement", "delegation", "need"}
    assert proposals["xuong co khi nha toi"].matches == []
    assert reconcile.proposals(source="need")[0].items[0]["record_id"] == need.id


def test_accept_links_each_kind_in_its_own_table_and_keeps_the_text(app, register, add, make_user):
    expert, other, loner, agreement, mission, need = _sources(app, add, make_user)
    vmu, tokyo = register["vmu"], register["tokyo"]
    assert reconcile.accept("dh hang hai vn", vmu, actor=None) == 2
    assert reconcile.accept("vietnam maritime university", vmu) == 1
    assert reconcile.accept("truong dh hang hai viet nam", vmu) == 1
    assert reconcile.accept("tumsat", tokyo) == 1
    assert Agreement.get_by_id(agreement.id).partner_organisation_id == vmu.id
    assert Agreement.get_by_id(agreement.id).partner == "Vietnam Maritime University"
    assert Need.get_by_id(need.id).organisation_id == vmu.id
    assert MissionOrganisation.get().organisation_id == tokyo.id
    assert Mission.get_by_id(mission.id).organisations == "TUMSAT\nCông ty đóng tàu Imabari"
    affiliation = Affiliation.get(Affiliation.expert_id == expert.id)
    assert (affiliation.organisation_id, affiliation.role, affiliation.source_text) == \
        (vmu.id, "Giảng viên", "ĐH Hàng hải VN")
    keys = {proposal.key for proposal in reconcile.proposals()}
    assert keys == {"xuong co khi nha toi", "cong ty dong tau imabari"}
    assert reconcile.linked_count() == 5
    entry = Audit.select().where(Audit.action == "organisation.link_texts").first()
    assert json.loads(entry.changes)["records"] == 2


def test_leave_as_written_and_create_and_bulk(app, register, add, make_user):
    expert, other, loner, agreement, mission, need = _sources(app, add, make_user)
    assert reconcile.leave_as_written("xuong co khi nha toi") == 1
    assert LinkDecision.get(LinkDecision.record_id == loner.id).organisation_id is None
    created, linked = reconcile.create_and_accept(
        "cong ty dong tau imabari", {"name_vi": "Công ty đóng tàu Imabari", "type": "enterprise"})
    assert linked == 1 and created.visibility == "curators"
    groups, records = reconcile.bulk_accept(threshold=95)
    assert groups == 4 and records == 5
    assert reconcile.proposals() == []


def test_create_with_a_bad_type_writes_nothing(app, register, add, make_user):
    _sources(app, add, make_user)
    before = Organisation.select().count()
    with pytest.raises(OrganisationErrors):
        reconcile.create_and_accept("xuong co khi nha toi", {"name_vi": "Xưởng", "type": "nope"})
    assert Organisation.select().count() == before
    assert not LinkDecision.select().exists()


def test_deleting_or_merging_an_organisation_reaches_the_links(app, register, add, make_user):
    from expertnet.organisations import duplicates
    expert, other, loner, agreement, mission, need = _sources(app, add, make_user)
    vmu = register["vmu"]
    reconcile.bulk_accept(threshold=95)
    copy = writes.save({"name_en": "VMU Hai Phong", "type": "university"}).organisation
    duplicates.merge(copy, vmu)
    assert Agreement.get_by_id(agreement.id).partner_organisation_id == copy.id
    assert Need.get_by_id(need.id).organisation_id == copy.id
    writes.delete(copy)
    assert Agreement.get_by_id(agreement.id).partner_organisation_id is None
    assert Need.get_by_id(need.id).organisation_id is None
    assert not Affiliation.select().exists()


def test_sections_of_higher_modules_on_the_organisation_page(app, client, register, add, make_user, login):
    expert, other, loner, agreement, mission, need = _sources(app, add, make_user)
    reconcile.bulk_accept(threshold=95)
    vmu, tokyo = register["vmu"], register["tokyo"]
    anonymous = client.get(f"/organisations/{vmu.id}").get_data(as_text=True)
    assert "Nguyễn Văn Biển" in anonymous and "Biên bản ghi nhớ đào tạo" not in anonymous
    login(make_user("curator"))
    page = client.get(f"/organisations/{vmu.id}").get_data(as_text=True)
    assert "Biên bản ghi nhớ đào tạo" in page and "Tư vấn cảng biển" in page
    assert "Đoàn công tác Nhật Bản" in client.get(f"/organisations/{tokyo.id}").get_data(as_text=True)


def test_reconcile_pages_for_curators_only_and_bad_input(app, client, register, add, make_user, login):
    _sources(app, add, make_user)
    assert client.get("/organisations/reconcile").status_code == 302
    login(make_user("curator"))
    page = client.get("/organisations/reconcile").get_data(as_text=True)
    assert "ĐH Hàng hải VN" in page and "Vietnam Maritime University" in page
    for data in ({"key": "dh hang hai vn", "organisation_id": "abc"},
                 {"key": "dh hang hai vn", "organisation_id": "99999999"},
                 {"key": "dh hang hai vn", "organisation_id": "9" * 40}):
        response = post_form(client, "/organisations/reconcile/accept", data,
                             form_path="/organisations/reconcile")
        assert response.status_code == 302
    assert not LinkDecision.select().exists()
    assert post_form(client, "/organisations/reconcile/accept", {"key": ""},
                     form_path="/organisations/reconcile").status_code == 400
    bad_create = post_form(client, "/organisations/reconcile/create",
                           {"key": "xuong co khi nha toi", "text": "Xưởng", "type": "nope"},
                           form_path="/organisations/reconcile")
    assert bad_create.status_code == 302 and not LinkDecision.select().exists()
    response = post_form(client, "/organisations/reconcile/bulk", {"threshold": "95"},
                         form_path="/organisations/reconcile")
    assert response.status_code == 302 and LinkDecision.select().count() == 5


def test_the_programme_report_counts_organisations_and_partners(app, client, register, add, make_user,
                                                               login):
    from expertnet.core import access
    from expertnet.programme import report
    expert, other, loner, agreement, mission, need = _sources(app, add, make_user)
    writes.save({"name_vi": "Viện ẩn", "type": "research_institute", "country": "VN"})  # curators only
    agreements.save({"title": agreement.title, "partner": agreement.partner, "partner_country": "VN",
                     "status": "signed", "signed_on": "2026-03-02", "department": "Sở KH&CN"},
                    None, agreement)
    reconcile.bulk_accept(threshold=95)
    # Records made today count whenever the test runs: the range ends far ahead.
    start, end = datetime.date(2026, 1, 1), datetime.date(2100, 12, 31)
    official = report.build(start, end, access.Viewer(role="official"))
    assert official.organisations == 4
    assert dict(official.organisations_by_type)["university"] == 4
    assert official.organisations_by_country == [("VN", 3), ("JP", 1)]
    assert dict(official.partners_by_cooperation) == {"agreement": 1, "delegation": 1}
    assert official.partners == 2
    assert report.build(start, end, access.CURATOR).organisations == 5
    login(make_user("official"))
    page = client.get("/engagements/report?from=2026-01-01&to=2100-12-31",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Organisations by type" in page
    assert client.get("/engagements/report.xlsx?from=2026-01-01&to=2100-12-31").status_code == 200
