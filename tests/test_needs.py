"""Needs and their proposals: the obviously matching expert first (Vietnamese, English
and folded need texts), reasons for each, nothing hidden proposed, conflicts flagged."""
import pytest
from conftest import client_as, post_form

from expertnet import search
from expertnet.core import access
from expertnet.outreach import matching
from expertnet.outreach import needs as records
from expertnet.outreach.models import Need

PORT = dict(full_name="Trần Văn Cảng", organization="Công ty Tự động hóa Cảng",
            fields="automation;seaports", available_for="consulting;reviewing",
            languages="vi;en", country="VN",
            bio_vi="Chuyên gia tự động hóa cảng biển: cần cẩu tự động, hệ thống điều hành bến "
                   "container, cảng thông minh.",
            bio_en="Expert in port automation: automated cranes, container terminal operating "
                   "systems and smart ports.")
CORAL = dict(full_name="Lê Thị San Hô", organization="Viện Tài nguyên và Môi trường biển",
             fields="marine_environment", available_for="reviewing;research_collaboration",
             languages="vi;en;ja", country="JP",
             bio_vi="Nghiên cứu rạn san hô, đa dạng sinh học biển và bảo tồn biển ở vịnh Hạ Long.",
             bio_en="Research on coral reefs, marine biodiversity and marine conservation "
                    "in Ha Long Bay.")
FARM = dict(full_name="Phạm Văn Lúa", organization="Học viện Nông nghiệp",
            available_for="lecturing", languages="vi",
            bio_vi="Giảng dạy về giống lúa, nông nghiệp hữu cơ và thủy lợi đồng bằng.",
            bio_en="Teaches rice breeding, organic farming and irrigation.")
AI = dict(full_name="Nguyễn Thị Máy", organization="Đại học Bách khoa", fields="ai",
          available_for="lecturing;consulting", languages="vi;en;fr", country="FR",
          bio_vi="Trí tuệ nhân tạo, học máy và xử lý ngôn ngữ tự nhiên cho tiếng Việt.",
          bio_en="Artificial intelligence, machine learning and natural language processing.")


@pytest.fixture
def experts(add):
    return {name: add(**values) for name, values in
            (("port", PORT), ("coral", CORAL), ("farm", FARM), ("ai", AI))}


def _need(owner, **values):
    raw = {"title": "Tư vấn", "organization": "Sở Khoa học và Công nghệ", "shared": True}
    raw.update(values)
    return records.save(raw, owner=owner)


def _viewer(user):
    return access.viewer_for(user)


@pytest.mark.parametrize("title, description", [
    ("Tư vấn tự động hóa cảng biển", "Cần chuyên gia tư vấn cho dự án tự động hóa bến container "
                                     "của cảng biển Lạch Huyện."),
    ("Port automation adviser", "We need an adviser on automating the container terminal of "
                                "the Lach Huyen deep-sea port: cranes and terminal systems."),
    ("tu van tu dong hoa cang bien", "can chuyen gia cho du an tu dong hoa ben container"),
])
def test_the_port_expert_comes_first_for_a_port_need_in_any_language(experts, official,
                                                                     title, description):
    need = _need(official, title=title, description=description)
    found = matching.propose(need, _viewer(official))
    assert found.experts[0].id == experts["port"].id
    why = found.reasons[experts["port"].id]
    assert why.words and why.explained
    assert experts["farm"].id not in [expert.id for expert in found.experts[:1]]


def test_a_reviewing_need_for_coral_reefs_finds_the_marine_biologist(experts, official):
    need = _need(official, title="Phản biện đề tài về rạn san hô",
                 description="Ba chuyên gia phản biện đề tài nghiên cứu đa dạng sinh học biển.",
                 fields=["marine_environment"], available_for=["reviewing"], language="ja")
    found = matching.propose(need, _viewer(official))
    assert found.experts[0].id == experts["coral"].id
    why = found.reasons[experts["coral"].id]
    assert why.fields == ["marine_environment"]
    assert why.available_for == ["reviewing"]
    assert why.language == "ja"
    # The need's own spelling, not the index's folded terms.
    assert any("san hô" in phrase for phrase in why.words)


def test_fields_named_in_the_text_count_as_fields(app, experts, official):
    from expertnet.taxonomy import store as catalog
    taxonomy = catalog.load()
    assert "aquaculture" in matching.fields_mentioned("Cần chuyên gia về nuoi bien", taxonomy)
    assert "marine_environment" in matching.fields_mentioned("coral reefs and marine conservation",
                                                             taxonomy)
    need = _need(official, title="Bảo tồn biển", description="đa dạng sinh học biển")
    found = matching.propose(need, _viewer(official))
    assert found.experts[0].id == experts["coral"].id
    assert "marine_environment" in found.reasons[experts["coral"].id].fields


def test_fields_alone_make_a_proposal(experts, official):
    need = _need(official, title="Chuyên gia", fields=["ai"])
    found = matching.propose(need, _viewer(official))
    assert [expert.id for expert in found.experts][:1] == [experts["ai"].id]
    assert found.reasons[experts["ai"].id].fields == ["ai"]


def test_hidden_profiles_are_never_proposed_to_those_who_may_not_see_them(add, official,
                                                                         make_user):
    hidden = add(**{**PORT, "full_name": "Ẩn Danh", "visibility": "curators"})
    for_officials = add(**{**PORT, "full_name": "Cán Bộ Xem", "visibility": "officials"})
    shown = add(**{**PORT, "full_name": "Công Khai"})
    need = _need(official, title="Tự động hóa cảng biển", description="cảng container")
    found = matching.propose(need, _viewer(official))
    ids = [expert.id for expert in found.experts]
    assert hidden.id not in ids and {for_officials.id, shown.id} <= set(ids)
    assert found.total == 2 and sum(found.facets["kind"].values()) == 2
    # An expert account (were it to reach the function) sees public profiles only.
    expert_view = matching.propose(need, _viewer(make_user("expert")))
    assert [expert.id for expert in expert_view.experts] == [shown.id]
    curator = matching.propose(need, _viewer(make_user("curator")))
    assert hidden.id in [expert.id for expert in curator.experts]


def test_same_organisation_is_flagged_as_a_conflict(add, official):
    inside = add(**{**PORT, "full_name": "Người Trong Sở",
                    "organization": "Phòng Quản lý công nghệ, Sở Khoa học và Công nghệ"})
    outside = add(**PORT)
    need = _need(official, title="Tự động hóa cảng biển")
    found = matching.propose(need, _viewer(official))
    assert found.reasons[inside.id].conflicts == [("organization", inside.organization)]
    assert found.reasons[outside.id].conflicts == []


@pytest.mark.parametrize("first, second, same", [
    ("Sở Khoa học và Công nghệ", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", True),
    ("Sở Khoa học và Công nghệ", "so khoa hoc va cong nghe", True),
    ("Trường Đại học Hàng hải Việt Nam", "Khoa Máy tàu, Trường Đại học Hàng hải Việt Nam", True),
    ("Sở Ngoại vụ", "Phòng Lãnh sự, Sở Ngoại vụ", True),
    ("Đại học", "Đại học Bách khoa Hà Nội", False),  # too short to compare inside
    ("Sở Ngoại vụ", "Sở Nội vụ", False),
    ("", "Sở Ngoại vụ", False),
])
def test_organisation_names_compare_without_accents_case_or_punctuation(first, second, same):
    assert matching.same_organization(first, second) is same


def test_the_similar_query_returns_the_words_in_the_text_spelling(app, experts):
    store = search.get_store()
    result = search.more_like_this(store, search.SimilarRequest(
        text="Tự động hóa cảng biển", visibility=("public",)))
    assert result.ids[0] == experts["port"].id
    # Runs of the need's words, not syllables: "tự động hóa cảng biển", not "tu", "dong"…
    assert result.matched[experts["port"].id] == ["tự động hóa cảng biển"]
    assert result.key_terms and all(term == term.lower() for term in result.key_terms)
    english = search.more_like_this(store, search.SimilarRequest(
        text="We need an adviser for the automation of the container terminal of the port",
        visibility=("public",)))
    # The index's own statistics: words every profile has weigh least.
    assert english.ids[0] == experts["port"].id
    assert not {"the", "of", "for", "we", "an"} & set(english.key_terms[:3])
    empty = search.more_like_this(store, search.SimilarRequest(text="", visibility=("public",)))
    assert (empty.ids, empty.total) == ([], 0)


# -- pages ------------------------------------------------------------------------------
def test_an_official_writes_a_need_and_sees_the_proposal(client, login, official, experts):
    login(official)
    form = client.get("/needs/new").get_data(as_text=True)
    assert 'value="Sở Khoa học và Công nghệ"' in form  # the department, prefilled
    response = post_form(client, "/needs/new", {
        "title": "Tư vấn tự động hóa cảng biển", "description": "Bến container tự động",
        "organization": "Sở Khoa học và Công nghệ", "fields": ["seaports"],
        "available_for": ["consulting"], "language": "en", "starts_on": "2026-03-01",
        "ends_on": "2026-06-30", "location": "Hải Phòng", "shared": "y"})
    assert response.status_code == 302
    need = Need.get()
    assert (need.owner_id, need.fields, need.available_for, need.status) == \
        (official.id, ["seaports"], ["consulting"], "open")
    page = client.get(response.location).get_data(as_text=True)
    assert page.index("Trần Văn Cảng") < page.index("Phạm Văn Lúa") if "Phạm Văn Lúa" in page \
        else "Trần Văn Cảng" in page
    assert "Cảng biển và hàng hải" in page  # the matched field, named
    refined = client.get(f"/needs/{need.id}/proposal?country=JP").get_data(as_text=True)
    assert "Trần Văn Cảng" not in refined
    assert client.get(f"/needs/{need.id}/proposal?country=XX").status_code == 400


def test_a_bad_need_comes_back_with_its_errors_and_values(client, login, official):
    login(official)
    response = post_form(client, "/needs/new", {"title": "", "description": "Giữ lại tôi",
                                                "organization": "", "starts_on": "2026-13-01",
                                                "fields": ["not-a-field"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and Need.select().count() == 0
    assert "Giữ lại tôi" in page and "không được để trống" in page


def test_who_sees_a_need(app, client, login, official, make_user):
    need = _need(official, title="Nhu cầu của Sở")
    colleague = make_user("official")
    colleague.department = "SỞ KHOA HỌC VÀ CÔNG NGHỆ "
    colleague.save()
    stranger = make_user("official")
    stranger.department = "Sở Ngoại vụ"
    stranger.save()
    expected = {official: 200, colleague: 200, stranger: 404, make_user("curator"): 200,
                make_user("expert"): 403}
    for user, status in expected.items():
        other = client_as(app, user)
        assert other.get(f"/needs/{need.id}").status_code == status, user.role
    # Not shared: the colleague no longer sees it; the list follows the same rule.
    need.shared = False
    need.save()
    assert not records.may_see(access.viewer_for(colleague), need)
    assert records.visible(access.viewer_for(colleague)) == []
    assert [n.id for n in records.visible(access.viewer_for(official))] == [need.id]
    assert client.get(f"/needs/{need.id}").status_code == 302  # anonymous: log in first


def test_only_the_owner_and_curators_edit_and_close(app, official, make_user):
    need = _need(official, title="Nhu cầu")
    colleague = make_user("official")
    colleague.department = official.department
    colleague.save()
    assert records.may_edit(access.viewer_for(official), need)
    assert not records.may_edit(access.viewer_for(colleague), need)
    records.close(need)
    assert Need.get_by_id(need.id).status == "closed"
    assert records.refresh_status(need.id).status == "closed"
    assert records.reopen(need).status == "open"


# -- shortlists ---------------------------------------------------------------------------
def _shortlist_page(client, need):
    return client.get(f"/needs/{need.id}").get_data(as_text=True)


def test_the_shortlist_keeps_order_notes_and_works_without_javascript(client, login, official,
                                                                      experts):
    from expertnet.core.models import Audit
    from expertnet.outreach.models import ShortlistEntry
    login(official)
    need = _need(official, title="Tự động hóa cảng biển")
    for name in ("port", "coral", "ai"):
        response = post_form(client, f"/needs/{need.id}/shortlist",
                             {"expert_id": experts[name].id,
                              "next": f"/needs/{need.id}/proposal"},
                             form_path=f"/needs/{need.id}/proposal")
        assert response.status_code == 302 and response.location == f"/needs/{need.id}/proposal"
    # Twice is once.
    post_form(client, f"/needs/{need.id}/shortlist", {"expert_id": experts["port"].id},
              form_path=f"/needs/{need.id}/proposal")
    assert ShortlistEntry.select().count() == 3
    assert Need.get_by_id(need.id).status == "shortlisting"
    page = _shortlist_page(client, need)
    assert page.index("Trần Văn Cảng") < page.index("Lê Thị San Hô") < page.index("Nguyễn Thị Máy")
    # Plain forms: the buttons post and come back to the need.
    moved = post_form(client, f"/needs/{need.id}/shortlist/{experts['ai'].id}/move",
                      {"direction": "up"}, form_path=f"/needs/{need.id}")
    assert moved.status_code == 302
    page = _shortlist_page(client, need)
    assert page.index("Trần Văn Cảng") < page.index("Nguyễn Thị Máy") < page.index("Lê Thị San Hô")
    post_form(client, f"/needs/{need.id}/shortlist/{experts['port'].id}/move",
              {"direction": "up"}, form_path=f"/needs/{need.id}")  # already first: no change
    assert _shortlist_page(client, need).index("Trần Văn Cảng") < page.index("Nguyễn Thị Máy")
    post_form(client, f"/needs/{need.id}/shortlist/{experts['port'].id}/note",
              {"note": "Đã làm việc với Cảng Lạch Huyện"}, form_path=f"/needs/{need.id}")
    assert "Đã làm việc với Cảng Lạch Huyện" in _shortlist_page(client, need)
    post_form(client, f"/needs/{need.id}/shortlist/{experts['coral'].id}/remove", {},
              form_path=f"/needs/{need.id}")
    assert "Lê Thị San Hô" not in _shortlist_page(client, need)
    actions = [row.action for row in Audit.select().where(Audit.action.startswith("shortlist."))]
    assert actions.count("shortlist.add") == 3 and "shortlist.note" in actions
    assert "shortlist.remove" in actions
    assert post_form(client, f"/needs/{need.id}/shortlist/{experts['ai'].id}/move",
                     {"direction": "sideways"}, form_path=f"/needs/{need.id}").status_code == 400


def test_the_printable_summary_has_one_sheet_per_expert(client, login, official, experts):
    login(official)
    need = _need(official, title="Tự động hóa cảng biển")
    from expertnet.outreach import shortlists
    for name in ("port", "coral"):
        shortlists.add(need, experts[name], official.id)
    page = client.get(f"/needs/{need.id}/shortlist/print").get_data(as_text=True)
    assert page.count('class="print-sheet"') == 2
    assert "js/print.js" in page and "Trần Văn Cảng" in page and "Lê Thị San Hô" in page


def test_a_shortlisted_profile_hidden_later_drops_out_and_hidden_ones_cannot_be_added(
        client, login, official, add, experts):
    from expertnet.directory import writes
    from expertnet.outreach import shortlists
    login(official)
    need = _need(official, title="Cảng")
    shortlists.add(need, experts["port"], official.id)
    writes.save_profile({"visibility": "curators"}, expert=experts["port"])
    assert "Trần Văn Cảng" not in _shortlist_page(client, need)
    hidden = add(full_name="Ẩn", visibility="curators")
    response = post_form(client, f"/needs/{need.id}/shortlist", {"expert_id": hidden.id},
                         form_path=f"/needs/{need.id}")
    assert response.status_code == 404
    assert client.get(f"/needs/{need.id}/shortlist/print").status_code == 200


def test_colleagues_share_the_shortlist_and_others_do_not(app, official, make_user, experts):
    from expertnet.outreach import shortlists
    need = _need(official, title="Cảng")
    shortlists.add(need, experts["port"], official.id)
    colleague = make_user("official")
    colleague.department = official.department
    colleague.save()
    stranger = make_user("official")
    for user, status in ((colleague, 302), (stranger, 404)):
        other = client_as(app, user)
        response = post_form(other, f"/needs/{need.id}/shortlist/{experts['port'].id}/note",
                             {"note": "x"}, form_path="/account")
        assert response.status_code == status


def test_admins_set_the_department_of_an_account(client, login, make_user):
    from expertnet.accounts.models import User
    admin = make_user("admin")
    official = make_user("official")
    login(admin)
    response = post_form(client, f"/admin/users/{official.id}/department",
                         {"department": " Sở Ngoại vụ "}, form_path="/admin/users")
    assert response.status_code == 302
    assert User.get_by_id(official.id).department == "Sở Ngoại vụ"
    assert 'value="Sở Ngoại vụ"' in client.get("/admin/users").get_data(as_text=True)
