"""Organisations as records: the write path (validation, audit, index after commit),
visibility on pages and search, contact persons under the profiles' rules,
affiliations on the profile page, duplicates and merge."""
import json

import pytest
from conftest import post_form

from expertnet.core.models import Audit
from expertnet.organisations import access, duplicates, indexing, writes
from expertnet.organisations.models import Affiliation, Organisation, OrganisationContact
from expertnet.organisations.validation import OrganisationErrors

VMU = {"name_vi": "Đại học Hàng hải Việt Nam", "name_en": "Vietnam Maritime University",
       "acronym": "VMU", "type": "university", "country": "VN", "city": "Hải Phòng",
       "website": "vimaru.edu.vn", "visibility": "public"}


def org(**values):
    return writes.save({**VMU, **values}).organisation


def test_create_is_validated_audited_and_indexed(app):
    created = org()
    assert created.website == "https://vimaru.edu.vn"
    assert created.name_key == "dai hoc hang hai viet nam"
    entry = Audit.get(Audit.action == "organisation.create")
    assert json.loads(entry.changes)["organisation"] == created.id
    assert indexing.health()["in_step"]
    rows, total, facets = access.search(access.access.ANONYMOUS, "hang hai")
    assert [row.id for row in rows] == [created.id] and total == 1
    assert facets["type"] == [("university", 1)]


@pytest.mark.parametrize("raw, column", [
    ({"name_vi": "", "name_en": ""}, "name_vi"),
    ({"type": "spaceship"}, "type"),
    ({"country": "Atlantis"}, "country"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"fields": "not-a-field"}, "fields"),
    ({"visibility": "everyone"}, "visibility"),
    ({"name_vi": "x" * 301}, "name_vi"),
    ({"parent": "No such organisation"}, "parent"),
    ({"strategic_partner": "perhaps"}, "strategic_partner"),
])
def test_bad_values_are_refused_and_nothing_is_written(app, raw, column):
    with pytest.raises(OrganisationErrors) as refused:
        writes.save({**VMU, **raw})
    assert column in [name for name, _message in refused.value.errors]
    assert Organisation.select().count() == 0
    assert not Audit.select().where(Audit.action == "organisation.create").exists()


def test_english_name_alone_and_type_by_its_vietnamese_name(app):
    created = writes.save({"name_en": "Tokyo University of Marine Science and Technology",
                           "type": "Trường đại học", "country": "Nhật Bản"}).organisation
    assert (created.type, created.country, created.visibility) == ("university", "JP", "curators")


def test_parent_cannot_be_itself_or_a_unit(app):
    university = org()
    faculty = org(name_vi="Khoa Máy tàu biển", name_en="", acronym="", parent=str(university.id))
    assert faculty.parent_id == university.id
    with pytest.raises(OrganisationErrors):
        writes.save({"parent": str(faculty.id)}, organisation=university)
    with pytest.raises(OrganisationErrors):
        writes.save({"parent": str(university.id)}, organisation=university)


def test_update_audits_differences_and_checks_the_version(app):
    created = org()
    outcome = writes.save({"city": "Hai Phong"}, organisation=created, expected_version=1)
    assert outcome.status == "updated" and outcome.organisation.version == 2
    assert writes.save({"city": "Hai Phong"}, organisation=outcome.organisation).status == "unchanged"
    with pytest.raises(writes.VersionConflict):
        writes.save({"city": "Kiến An"}, organisation=created, expected_version=1)
    update = Audit.get(Audit.action == "organisation.update")
    assert json.loads(update.changes)["city"] == ["Hải Phòng", "Hai Phong"]


def test_visibility_on_pages_and_search(app, client, make_user, login):
    hidden = org(name_vi="Viện bí mật", name_en="", acronym="", visibility="curators")
    officials = org(name_vi="Viện nội bộ", name_en="", acronym="", visibility="officials")
    public = org()
    assert client.get(f"/organisations/{public.id}").status_code == 200
    assert client.get(f"/organisations/{hidden.id}").status_code == 404
    assert client.get(f"/organisations/{officials.id}").status_code == 404
    page = client.get("/organisations").get_data(as_text=True)
    assert "Hàng hải" in page and "Viện bí mật" not in page and "Viện nội bộ" not in page
    login(make_user("official"))
    assert client.get(f"/organisations/{officials.id}").status_code == 200
    assert client.get(f"/organisations/{hidden.id}").status_code == 404
    assert client.get(f"/organisations/{hidden.id}/edit").status_code == 403


def test_search_page_facets_and_empty_states(app, client):
    english = {"Accept-Language": "en"}
    assert "No organisation yet." in client.get("/organisations", headers=english).get_data(as_text=True)
    assert "Chưa có tổ chức nào." in client.get("/organisations", headers={"Accept-Language": "vi"}).get_data(
        as_text=True)
    org()
    org(name_vi="", name_en="Samsung Heavy Industries", acronym="SHI", type="enterprise", country="KR",
        website="")
    page = client.get("/organisations", query_string={"type": "enterprise"}).get_data(as_text=True)
    assert "Samsung" in page and "Hàng hải" not in page
    page = client.get("/organisations", query_string={"q": "zzzz"}, headers=english).get_data(as_text=True)
    assert "No organisation matches this search." in page
    for query in ({"page": "-3"}, {"page": "x"}, {"q": "((*"}, {"country": "Z" * 500}):
        assert client.get("/organisations", query_string=query).status_code == 200


def test_curator_forms_create_edit_delete(app, client, make_user, login):
    curator = make_user("curator")
    login(curator)
    response = post_form(client, "/organisations/new", {**VMU, "fields": []})
    assert response.status_code == 302
    created = Organisation.get()
    assert response.headers["Location"].endswith(f"/organisations/{created.id}")
    bad = post_form(client, f"/organisations/{created.id}/edit",
                    {**VMU, "name_vi": "", "name_en": "", "version": "1"}, headers={"Accept-Language": "en"})
    assert bad.status_code == 422
    assert "Give the name in Vietnamese or in English." in bad.get_data(as_text=True)
    assert Organisation.get().name_vi == VMU["name_vi"]
    gone = post_form(client, f"/organisations/{created.id}/delete", {},
                     form_path=f"/organisations/{created.id}")
    assert gone.status_code == 302 and Organisation.select().count() == 0
    assert Audit.select().where(Audit.action == "organisation.delete").exists()
    assert indexing.get_index().count() == 0


def test_anonymous_and_officials_cannot_write(app, client, make_user, login):
    created = org()
    assert client.get("/organisations/new").status_code == 302
    assert client.post(f"/organisations/{created.id}/delete").status_code in (302, 400)
    login(make_user("official"))
    assert client.get("/organisations/new").status_code == 403
    assert client.post(f"/organisations/{created.id}/delete").status_code in (400, 403)
    assert Organisation.select().count() == 1


def test_contacts_follow_the_profiles_rules(app, client, add, make_user, login):
    created = org()
    with pytest.raises(OrganisationErrors):
        writes.add_contact(created, {"name": "Trần Thị Hoa", "email": "hoa@vimaru.edu.vn",
                                     "visibility": "public"})  # no consent
    with pytest.raises(OrganisationErrors):
        writes.add_contact(created, {"name": "X", "email": "not an address", "visibility": "curators"})
    writes.add_contact(created, {"name": "Trần Thị Hoa", "role": "Trưởng phòng HTQT",
                                 "email": "hoa@vimaru.edu.vn", "phone": "+84 225 3829 109",
                                 "visibility": "public", "email_visibility": "officials",
                                 "phone_visibility": "public", "consented": True})
    writes.add_contact(created, {"name": "Ẩn Danh", "email": "an@vimaru.edu.vn", "visibility": "curators"})
    expert = add(full_name="Lê Văn Nam", email="nam@example.org", email_visibility="public")
    writes.add_contact(created, {"expert_id": str(expert.id), "visibility": "public", "consented": True})
    page = client.get(f"/organisations/{created.id}").get_data(as_text=True)
    assert "Trần Thị Hoa" in page and "3829 109" in page and "hoa@vimaru.edu.vn" not in page
    assert "Ẩn Danh" not in page and "Lê Văn Nam" in page and "nam@example.org" in page
    login(make_user("official"))
    page = client.get(f"/organisations/{created.id}").get_data(as_text=True)
    assert "hoa@vimaru.edu.vn" in page and "Ẩn Danh" not in page
    assert OrganisationContact.select().count() == 3


def test_affiliations_on_both_pages_current_first(app, client, add):
    created = org()
    other = org(name_vi="Đại học Hải Phòng", name_en="Hai Phong University", acronym="HPU")
    expert = add(full_name="Phạm Minh Đức", organization="ĐH Hàng hải VN")
    writes.add_affiliation(expert.id, other, {"role": "Giảng viên", "start_year": "2005", "end_year": "2012"})
    writes.add_affiliation(expert.id, created, {"role": "Trưởng khoa", "start_year": "2012"})
    with pytest.raises(OrganisationErrors):
        writes.add_affiliation(expert.id, created, {"start_year": "2020", "end_year": "2010"})
    with pytest.raises(OrganisationErrors):
        writes.add_affiliation(expert.id, created, {"start_year": "năm ngoái"})
    assert [row.organisation_id for row in writes.affiliations_of(expert.id)] == [created.id, other.id]
    profile = client.get(f"/experts/{expert.id}").get_data(as_text=True)
    assert profile.index("Trưởng khoa") < profile.index("Giảng viên")
    assert "ĐH Hàng hải VN" in profile  # the free text stays
    page = client.get(f"/organisations/{created.id}").get_data(as_text=True)
    assert "Phạm Minh Đức" in page
    assert Audit.select().where(Audit.action == "affiliation.add").count() == 2


def test_affiliation_form_refuses_bad_input(app, client, make_user, login):
    created = org()
    login(make_user("curator"))
    for data in ({"expert_id": "abc"}, {"expert_id": "999999"}, {"expert_id": "1" * 40}):
        response = post_form(client, f"/organisations/{created.id}/affiliations", data,
                             form_path=f"/organisations/{created.id}")
        assert response.status_code == 422
    assert Affiliation.select().count() == 0


def test_erasure_and_merge_of_profiles_reach_affiliations(app, add):
    from expertnet.core import signals
    created = org()
    first, second = add(full_name="Nguyễn An"), add(full_name="Nguyễn Ân")
    writes.add_affiliation(first.id, created, {})
    signals.profiles_merged.send(first.id, keep=second.id)
    assert Affiliation.get().expert_id == second.id
    signals.profile_deleted.send(second.id)
    assert Affiliation.select().count() == 0


def test_duplicates_found_and_merged(app, add):
    kept = org()
    english = writes.save({"name_en": "Vietnam Maritime University", "type": "university",
                           "fields": "", "visibility": "public"}).organisation
    acronym = writes.save({"name_vi": "Trường ĐH Hàng hải VN", "type": "university"}).organisation
    unrelated = org(name_vi="Đại học Y Dược Hải Phòng", acronym="HPMU",
                    name_en="Hai Phong University of Medicine and Pharmacy")
    pairs = {(first.id, second.id) for first, second, _why in duplicates.candidates()}
    assert (kept.id, english.id) in pairs and (kept.id, acronym.id) in pairs
    assert not any(unrelated.id in pair for pair in pairs)
    expert = add(full_name="Vũ Hải")
    writes.add_affiliation(expert.id, english, {"role": "Lecturer"})
    merged = duplicates.merge(kept, acronym)
    merged = duplicates.merge(merged, english)
    assert "Trường ĐH Hàng hải VN" in merged.other_names
    assert Affiliation.get().organisation_id == kept.id
    assert Organisation.select().count() == 2
    assert indexing.health()["in_step"]
    assert Audit.select().where(Audit.action == "organisation.merge").count() == 2


def test_a_merge_keeps_training_organisers_and_hosts_of_officials_abroad(app):
    """Regression: a course's organiser and an official's host pointed at the merged
    record by a key that its deletion set to NULL."""
    import datetime

    from expertnet.cooperation.training_models import OfficialAbroad, Training
    kept, dropped = org(), org(name_vi="Trường ĐH Hàng hải VN", acronym="")
    day = datetime.date(2027, 3, 1)
    course = Training.create(topic="Chuyển đổi số", starts_on=day, organiser=dropped.id,
                             department="Sở Khoa học và Công nghệ")
    posting = OfficialAbroad.create(name="Lê Hà", department="Sở Ngoại vụ", host=dropped.id,
                                    country="JP", purpose="training", starts_on=day)
    duplicates.merge(kept, dropped)
    assert Training.get_by_id(course.id).organiser_id == kept.id
    assert OfficialAbroad.get_by_id(posting.id).host_id == kept.id


def test_demo_register_links_the_demo_profiles(app):
    from expertnet.cli import load_demo
    from expertnet.demo import organisations as demo
    load_demo(count=40, seed=3)
    total = Organisation.select().count()
    assert total >= 60
    types = {row.type for row in Organisation.select()}
    assert {"university", "research_institute", "enterprise", "diaspora_association",
            "representative_office", "innovation_centre", "international_organisation"} <= types
    assert {row.country for row in Organisation.select()} >= {"VN", "JP", "KR", "US"}
    assert Affiliation.select().count() > 0
    vmu = Organisation.get(Organisation.acronym == "VMU")
    assert vmu.name_en == "Vietnam Maritime University" and vmu.visibility == "public"
    assert demo.seed() == total  # idempotent
    assert indexing.health()["in_step"]


def test_index_failures_are_repaired_by_reconcile_reindex_and_seen_by_health(app, client, runner,
                                                                             monkeypatch):
    created = org()
    index = indexing.get_index()

    def broken(docs):
        raise OSError("disk full")
    monkeypatch.setattr(index, "replace_many", broken)
    updated = writes.save({"city": "Kiến An"}, organisation=created).organisation
    assert Organisation.get_by_id(updated.id).city == "Kiến An"  # the database write stands
    assert indexing.stale_ids() == [created.id]
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["records"]["organisations"]["stale"] == 1
    monkeypatch.undo()
    assert indexing.reconcile()["indexed"] == 1 and indexing.health()["in_step"]
    index.rebuild([])  # the index lost its documents: nothing explains the difference
    assert client.get("/healthz").status_code == 503
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "1" in result.output
    assert client.get("/healthz").json["records"]["organisations"]["in_step"]


# -- events and engagements on the organisation's page -----------------------------------
def _event_form(**values):
    base = {"kind": "workshop", "title": "Hội thảo cảng xanh", "starts_on": "2026-05-02",
            "department": "Sở Khoa học và Công nghệ", "organisers": [], "partners": []}
    base.update(values)
    return base


def test_an_events_organisers_and_partners_are_chosen_in_its_form_and_shown_on_both_pages(
        app, make_user):
    from conftest import client_as

    from expertnet.cooperation.models import Event, EventOrganisation

    vmu = org()
    shi = org(name_vi="", name_en="Samsung Heavy Industries", acronym="SHI", type="enterprise",
              country="KR", website="")
    hidden = org(name_vi="Viện bí mật", name_en="", acronym="", website="", visibility="curators")
    official = client_as(app, make_user("official"))
    english = {"Accept-Language": "en"}
    bad = post_form(official, "/events/new", _event_form(organisers=[str(hidden.id)]), headers=english)
    assert bad.status_code == 200 and "Choose organisations from the list." in bad.get_data(as_text=True)
    assert Event.select().count() == 0  # nothing half-written
    made = post_form(official, "/events/new", _event_form(organisers=[str(vmu.id)], partners=[str(shi.id)]))
    assert made.status_code == 302
    event = Event.get()
    assert {(row.organisation_id, row.role) for row in EventOrganisation.select()} == {
        (vmu.id, "organiser"), (shi.id, "partner")}
    page = official.get(f"/events/{event.id}", headers=english).get_data(as_text=True)
    assert "Samsung Heavy Industries</a> (Partner)" in page
    on_vmu = official.get(f"/organisations/{vmu.id}", headers=english).get_data(as_text=True)
    assert "Hội thảo cảng xanh" in on_vmu and "Organiser" in on_vmu
    on_shi = official.get(f"/organisations/{shi.id}").get_data(as_text=True)
    assert "Hội thảo cảng xanh" in on_shi and "Đối tác" in on_shi
    # Dropping the partner in the form drops its link; the organiser stays.
    post_form(official, f"/events/{event.id}/edit", _event_form(organisers=[str(vmu.id)]))
    assert [(row.organisation_id, row.role) for row in EventOrganisation.select()] == [(vmu.id, "organiser")]
    empty = official.get(f"/organisations/{shi.id}", headers=english).get_data(as_text=True)
    assert "No event names this organisation as its organiser or partner yet." in empty
    # Anonymous readers of the organisation's public page see no events, and no empty state.
    public = app.test_client().get(f"/organisations/{vmu.id}", headers=english).get_data(as_text=True)
    assert "Hội thảo cảng xanh" not in public and "No event names" not in public


def test_a_link_to_an_organisation_hidden_from_the_editor_stays_when_they_save(app, make_user):
    from expertnet.cooperation import events
    from expertnet.cooperation.models import EventOrganisation
    from expertnet.core.access import viewer_for

    hidden = org(name_vi="Viện bí mật", name_en="", acronym="", website="", visibility="curators")
    vmu = org()
    curator, official = make_user("curator"), make_user("official")
    event = events.save(_event_form(organisers=[str(hidden.id)]), curator.id, viewer=viewer_for(curator))
    events.save(_event_form(partners=[str(vmu.id)]), official.id, event, viewer=viewer_for(official))
    assert {(row.organisation_id, row.role) for row in EventOrganisation.select()} == {
        (hidden.id, "organiser"), (vmu.id, "partner")}
    assert [role for role, _o in events.organisations_of(event, viewer_for(official))] == ["partner"]


def test_an_engagement_serves_the_organisation_chosen_or_its_needs_and_is_seen_as_on_its_page(
        app, add, make_user):
    from conftest import client_as

    from expertnet.cooperation import engagements
    from expertnet.cooperation.models import Engagement
    from expertnet.core.access import viewer_for
    from expertnet.outreach.models import Need

    vmu = org()
    port = org(name_vi="Công ty Cảng Hải Phòng", name_en="", acronym="", type="enterprise", website="")
    shared = add(full_name="Trần Thị Bình", visibility="officials")
    private = add(full_name="Lê Văn Cường", visibility="curators")
    curator, official = make_user("curator"), make_user("official")
    english = {"Accept-Language": "en"}
    client = client_as(app, official)
    made = post_form(client, "/engagements/new",
                     {"expert_id": str(shared.id), "kind": "consultation", "title": "Tư vấn luồng tàu",
                      "starts_on": "2026-03-02", "department": "Trường ĐH Hàng hải",
                      "organisation": str(vmu.id)}, form_path="/engagements/new")
    assert made.status_code == 302
    served = Engagement.get(Engagement.title == "Tư vấn luồng tàu")
    assert served.organisation_id == vmu.id
    show = client.get(f"/engagements/{served.id}").get_data(as_text=True)
    assert f"/organisations/{vmu.id}" in show
    bad = post_form(client, "/engagements/new",
                    {"expert_id": str(shared.id), "kind": "consultation", "title": "Sai",
                     "starts_on": "2026-03-02", "department": "X", "organisation": "999999"},
                    form_path="/engagements/new", headers=english)
    assert "Choose an organisation from the list." in bad.get_data(as_text=True)
    assert not Engagement.select().where(Engagement.title == "Sai").exists()
    # Without a choice, an engagement for a need takes the need's organisation.
    need = Need.create(title="Cần chuyên gia cảng", description="Mô tả", organization="Cảng Hải Phòng",
                       organisation_id=port.id, created_by=curator.id, department="Sở KH&CN")
    hidden = engagements.save({"kind": "review", "title": "Phản biện bí mật", "starts_on": "2026-04-01",
                               "department": "Cảng Hải Phòng"}, private, need, curator.id)
    assert hidden.organisation_id == port.id
    visible = engagements.save({"kind": "lecture", "title": "Bài giảng cảng xanh", "starts_on": "2026-04-02",
                                "department": "Cảng Hải Phòng", "organisation": ""}, shared, need,
                               curator.id, viewer=viewer_for(curator))
    assert visible.organisation_id == port.id
    # The official may not open the engagement about a profile kept for curators: the
    # organisation's page does not show it either; the curator sees both.
    assert client.get(f"/engagements/{hidden.id}").status_code == 404
    page = client.get(f"/organisations/{port.id}").get_data(as_text=True)
    assert "Bài giảng cảng xanh" in page and "Phản biện bí mật" not in page
    page = client_as(app, curator).get(f"/organisations/{port.id}").get_data(as_text=True)
    assert "Bài giảng cảng xanh" in page and "Phản biện bí mật" in page
    assert "Bài giảng" not in app.test_client().get(f"/organisations/{port.id}").get_data(as_text=True)


def test_event_and_engagement_texts_are_reconciled_and_links_follow_merges_and_deletions(app, add):
    from expertnet.cooperation import engagements, events
    from expertnet.cooperation.models import Engagement, EventOrganisation
    from expertnet.organisations import reconcile

    dost = org(name_vi="Sở Khoa học và Công nghệ Hải Phòng", name_en="Hai Phong Department of Science and "
               "Technology", acronym="DOST", type="state_body", website="")
    twin = org(name_vi="Sở KH&CN Hải Phòng", name_en="", acronym="", type="state_body", website="")
    expert = add(full_name="Phạm Minh Đức")
    event = events.save(_event_form(department="Sở Khoa học và Công nghệ Hải Phòng"), None)
    served = engagements.save({"kind": "consultation", "title": "Tư vấn", "starts_on": "2026-03-02",
                               "department": "Sở Khoa học và Công nghệ Hải Phòng"}, expert, None, None)
    proposals = {item["source"]: proposal for proposal in reconcile.proposals(source=None)
                 for item in proposal.items}
    assert {"event", "engagement"} <= set(proposals)
    assert reconcile.accept(proposals["event"].key, dost) == 2
    assert [(row.organisation_id, row.role) for row in EventOrganisation.select()] == [(dost.id, "organiser")]
    assert Engagement.get_by_id(served.id).organisation_id == dost.id
    assert not [p for p in reconcile.proposals() if any(i["source"] in ("event", "engagement")
                                                          for i in p.items)]
    # The event also names the twin as a partner: the merge keeps one link, the organiser.
    EventOrganisation.create(event=event.id, organisation_id=twin.id, role="partner")
    duplicates.merge(twin, Organisation.get_by_id(dost.id))
    assert [(row.organisation_id, row.role) for row in EventOrganisation.select()] == [(twin.id, "organiser")]
    assert Engagement.get_by_id(served.id).organisation_id == twin.id
    writes.delete(Organisation.get_by_id(twin.id))
    assert EventOrganisation.select().count() == 0
    assert Engagement.get_by_id(served.id).organisation_id is None
    assert Engagement.get_by_id(served.id).department == "Sở Khoa học và Công nghệ Hải Phòng"
