"""The technology marketplace: offers and demands through their one write path,
moderation (audited, the submitter told), visibility, the representative's limits, the
proposals' explanations, connections and their steps, sessions, the counts and bad
input on every form."""
import datetime
import io
import json

import pytest
from conftest import client_as, post_form

from expertnet.cooperation.models import Event
from expertnet.core.access import Viewer, viewer_for
from expertnet.core.models import Audit
from expertnet.notifications.models import Notification
from expertnet.organisations import representatives
from expertnet.organisations.models import Organisation
from expertnet.technology import brokers, connections, counts, demands, indexing, matching, offers, rules
from expertnet.technology.common import Problems, Refused
from expertnet.technology.models import (
    Connection,
    ConnectionStep,
    TechnologyDemand,
    TechnologyOffer,
    TechnologyOfferFile,
)

TODAY = datetime.date.today()


def offer_values(**values):
    base = {"title_vi": "Robot hàn vỏ tàu tự động", "title_en": "Automatic ship hull welding robot",
            "description_vi": "Robot hàn tự động cho các phân đoạn vỏ tàu tại nhà máy đóng tàu.",
            "description_en": "An automatic welding robot for hull blocks in shipyards.",
            "fields": ["shipbuilding", "robotics"], "trl": "7", "ip_status": "patent",
            "transfer_models": ["licence", "joint_development"], "price": "2.500.000.000",
            "visibility": "public", "contact_email": "lab@vimaru.example"}
    base.update(values)
    return base


def demand_values(owner, **values):
    base = {"title": "Tự động hóa bãi container", "language": "vi",
            "problem": "Cảng cần tự động hóa điều độ bãi container và giảm thời gian chờ xe.",
            "desired_outcome": "Phần mềm điều độ bãi container có trí tuệ nhân tạo.",
            "fields": ["seaports", "ai"], "budget_min": "1000000000", "budget_max": "3000000000",
            "organisation": str(owner.id), "identity_visibility": "officials",
            "visibility": "public", "contact_phone": "0225 123 456"}
    base.update(values)
    return base


def organisation(name_vi="Công ty Cảng Hải Phòng", kind="enterprise", country="VN"):
    return Organisation.create(name_vi=name_vi, name_en="", type=kind, country=country,
                               name_key=name_vi.lower())


@pytest.fixture
def people(app, make_user, add):
    port = organisation()
    other_org = organisation("Công ty Đóng tàu Phà Rừng")
    rep_user = make_user("expert")
    outsider = make_user("expert")
    curator = make_user("curator")
    admin = make_user("admin")
    broker_user = make_user("official")
    broker_user.department = "Sở Khoa học và Công nghệ"
    broker_user.save()
    brokers.grant(broker_user, admin.id)
    representatives.vouch(rep_user, port, curator.id)
    return {"port": port, "other_org": other_org, "rep": rep_user, "outsider": outsider,
            "curator": curator, "admin": admin, "broker": broker_user,
            "official": make_user("official")}


def V(user):
    return viewer_for(user)


def published_offer(people, **values):
    offer = offers.save(offer_values(**values), V(people["outsider"]))
    return offers.moderate(offer, "publish", "", people["curator"].id)


def published_demand(people, **values):
    demand = demands.save(demand_values(people["port"], **values), V(people["rep"]))
    return demands.moderate(demand, "publish", "", people["broker"].id)


# -- offers: write path, moderation, audit, visibility -------------------------------------
def test_an_offer_is_submitted_then_published_audited_and_the_submitter_told(people):
    offer = offers.save(offer_values(), V(people["outsider"]))
    assert offer.status == "submitted" and offer.price == 2_500_000_000 and offer.trl == 7
    assert not rules.may_see(Viewer(), offer)
    assert rules.may_see(V(people["outsider"]), offer)
    offers.moderate(offer, "publish", "", people["broker"].id)
    offer = TechnologyOffer.get_by_id(offer.id)
    assert offer.status == "published" and offer.department == "Sở Khoa học và Công nghệ"
    assert rules.may_see(Viewer(), offer)
    actions = [row.action for row in Audit.select().order_by(Audit.id)]
    assert "technology_offer.create" in actions and "technology_offer.publish" in actions
    note = Notification.get(Notification.user == people["outsider"].id)
    assert note.kind == "technology_published"


def test_returning_needs_a_reason_and_tells_the_submitter(people):
    offer = offers.save(offer_values(), V(people["outsider"]))
    with pytest.raises(Refused):
        offers.moderate(offer, "return", "  ", people["curator"].id)
    offers.moderate(offer, "return", "Thiếu mô tả giá", people["curator"].id)
    offer = TechnologyOffer.get_by_id(offer.id)
    assert offer.status == "returned" and offer.return_reason == "Thiếu mô tả giá"
    note = Notification.get(Notification.user == people["outsider"].id)
    assert note.kind == "technology_returned" and json.loads(note.params)["reason"] == "Thiếu mô tả giá"
    audit = Audit.get(Audit.action == "technology_offer.return")
    assert json.loads(audit.changes)["reason"] == "Thiếu mô tả giá"
    # A change by the submitter sends it back to moderation.
    offers.save(offer_values(price="", negotiable=True), V(people["outsider"]), offer)
    assert TechnologyOffer.get_by_id(offer.id).status == "submitted"


def test_a_change_to_a_published_offer_goes_back_to_moderation(people):
    offer = published_offer(people)
    offers.save(offer_values(title_en="Hull welding robot, second generation"), V(people["outsider"]),
                TechnologyOffer.get_by_id(offer.id))
    assert TechnologyOffer.get_by_id(offer.id).status == "submitted"


@pytest.mark.parametrize("changes, field", [
    ({"title_vi": "", "title_en": ""}, "title_vi"),
    ({"description_vi": "", "description_en": ""}, "description_vi"),
    ({"fields": []}, "fields"),
    ({"fields": ["not_a_field"]}, "fields"),
    ({"trl": "10"}, "trl"),
    ({"trl": "²"}, "trl"),
    ({"ip_status": "secret"}, "ip_status"),
    ({"transfer_models": []}, "transfer_models"),
    ({"transfer_models": ["licence", "gift"]}, "transfer_models"),
    ({"price": "abc"}, "price"),
    ({"price": "", "negotiable": False}, "price"),
    ({"price": "9" * 30}, "price"),
    ({"visibility": "everyone"}, "visibility"),
    ({"contact_email": "not-an-address"}, "contact_email"),
    ({"organisation": "999999"}, "organisation"),
    ({"experts": "999999"}, "experts"),
    ({"title_vi": "x" * 301}, "title_vi"),
])
def test_bad_offers_are_refused_field_by_field_and_nothing_is_written(people, changes, field):
    with pytest.raises(Problems) as caught:
        offers.save(offer_values(**changes), V(people["outsider"]))
    assert field in {name for name, _message in caught.value.errors}
    assert TechnologyOffer.select().count() == 0
    assert not Audit.select().where(Audit.action.startswith("technology_offer")).exists()


def test_an_experts_own_profile_is_always_among_the_experts_of_their_offer(people, add, make_user):
    profile = add(full_name="Trần Văn Hàn")
    expert_user = make_user("expert", expert=profile)
    offer = offers.save(offer_values(), V(expert_user))
    assert offers.expert_ids(offer) == [profile.id]


def test_visibility_levels_of_published_offers(people):
    offer = published_offer(people, visibility="officials")
    assert not rules.may_see(Viewer(), offer)
    assert not rules.may_see(Viewer(role="expert", user_id=123456), offer)
    assert rules.may_see(V(people["official"]), offer)
    assert rules.may_see_contacts(V(people["official"]), offer)
    assert not rules.may_see_contacts(Viewer(), offer)


def test_an_offer_file_uses_the_attachment_checks(people, app):
    offer = published_offer(people)
    with pytest.raises(Exception) as caught:
        offers.attach(offer, io.BytesIO(b"MZ not a document"), "tool.exe", people["outsider"].id)
    assert getattr(caught.value, "reason", "") == "type"
    assert TechnologyOfferFile.select().count() == 0
    row = offers.attach(offer, io.BytesIO(b"%PDF-1.4\n"), "robot.pdf", people["outsider"].id)
    assert row.filename == "robot.pdf"


# -- demands and the representative's limits -----------------------------------------------
def test_a_representative_posts_for_their_own_organisation_whatever_is_posted(people):
    demand = demands.save(demand_values(people["other_org"]), V(people["rep"]))
    assert demand.organisation_id == people["port"].id and not demand.on_behalf
    assert demand.status == "submitted"


def test_a_representative_may_touch_only_their_organisations_records(people):
    theirs = demands.save(demand_values(people["port"]), V(people["official"]))
    others = demands.save(demand_values(people["other_org"]), V(people["official"]))
    assert theirs.on_behalf
    rep = V(people["rep"])
    assert rules.may_edit(rep, theirs) and rules.may_see(rep, theirs)
    assert not rules.may_edit(rep, others) and not rules.may_see(rep, others)
    with pytest.raises(Refused) as caught:
        demands.save(demand_values(people["other_org"]), rep, others)
    assert caught.value.status == 403


def test_representatives_pages_refuse_other_organisations(people, app):
    others = demands.save(demand_values(people["other_org"]), V(people["official"]))
    client = client_as(app, people["rep"])
    assert client.get(f"/technology/demands/{others.id}/edit").status_code == 404
    assert client.get(f"/technology/demands/{others.id}").status_code == 404
    demands.moderate(others, "publish", "", people["curator"].id)
    assert client.get(f"/technology/demands/{others.id}").status_code == 200
    assert client.get(f"/technology/demands/{others.id}/edit").status_code == 403


def test_a_revoked_representative_loses_the_organisation(people):
    row = representatives.organisation_of(people["rep"].id)
    assert row == people["port"].id
    link = representatives.OrganisationRepresentative.get(
        representatives.OrganisationRepresentative.user == people["rep"].id)
    assert representatives.revoke(link, people["curator"].id)
    assert representatives.organisation_of(people["rep"].id) is None
    assert not rules.may_post_demand(V(people["rep"]))
    assert Audit.select().where(Audit.action == "representative.revoke").exists()


def test_only_representatives_and_officials_post_demands(people):
    with pytest.raises(Refused):
        demands.save(demand_values(people["port"]), V(people["outsider"]))
    assert TechnologyDemand.select().count() == 0


@pytest.mark.parametrize("changes, field", [
    ({"title": ""}, "title"),
    ({"problem": ""}, "problem"),
    ({"fields": []}, "fields"),
    ({"budget_min": "5000", "budget_max": "10"}, "budget_max"),
    ({"budget_min": "-5"}, "budget_min"),
    ({"deadline": "31/12/2026"}, "deadline"),
    ({"organisation": ""}, "organisation"),
    ({"identity_visibility": "x"}, "identity_visibility"),
    ({"language": "fr"}, "language"),
])
def test_bad_demands_are_refused_and_nothing_is_written(people, changes, field):
    with pytest.raises(Problems) as caught:
        demands.save(demand_values(people["port"], **changes), V(people["official"]))
    assert field in {name for name, _message in caught.value.errors}
    assert TechnologyDemand.select().count() == 0


def test_the_requesters_identity_is_shown_only_as_allowed(people, app):
    demand = published_demand(people)
    anonymous = app.test_client().get(f"/technology/demands/{demand.id}").get_data(as_text=True)
    assert "Công ty Cảng Hải Phòng" not in anonymous and "0225 123 456" not in anonymous
    official = client_as(app, people["official"]).get(f"/technology/demands/{demand.id}")
    official = official.get_data(as_text=True)
    assert "Công ty Cảng Hải Phòng" in official and "0225 123 456" in official
    # Facets never name what the page hides.
    listing = app.test_client().get("/technology/demands").get_data(as_text=True)
    assert demand.title in listing and "Doanh nghiệp" not in listing and "Enterprise" not in listing


# -- proposals ---------------------------------------------------------------------------
def test_a_demand_proposes_offers_with_whole_phrases_as_reasons(people):
    answer = published_offer(people, title_vi="Hệ thống điều độ bãi container bằng trí tuệ nhân tạo",
                             title_en="", description_en="",
                             description_vi="Phần mềm tự động hóa điều độ bãi container cho cảng biển.",
                             fields=["seaports"])
    published_offer(people, title_vi="Cảm biến nuôi trồng thủy sản", title_en="", description_en="",
                    description_vi="Cảm biến oxy hòa tan cho lồng nuôi cá.", fields=["aquaculture"])
    demand = published_demand(people)
    found = matching.offers(demand, V(people["broker"]))
    assert [match.offer.id for match in found] == [answer.id]
    words = found[0].words
    assert "bãi container" in " | ".join(words) and "trí tuệ nhân tạo" in words
    assert "seaports" in found[0].fields
    function_words = {"cho", "và", "của", "các", "có", "cần", "bằng"}
    for phrase in words:
        parts = phrase.split()
        assert len(parts) > 1 or len(parts[0]) >= 4, phrase  # never a lone syllable
        assert parts[0] not in function_words and parts[-1] not in function_words, phrase


def test_a_demand_proposes_experts_through_the_need_matcher(people, add):
    match = add(full_name="Phạm Minh Cảng", bio_vi="Chuyên gia tự động hóa điều độ bãi container cảng biển.",
                fields=["seaports"])
    add(full_name="Lê Thị Cá", bio_vi="Nuôi trồng thủy sản nước lợ.", fields=["aquaculture"])
    demand = published_demand(people)
    proposal = matching.experts(demand, V(people["broker"]))
    assert proposal.experts[0].id == match.id
    reasons = proposal.reasons[match.id]
    assert reasons.words and all(len(word.split()) > 1 or len(word) >= 4 for word in reasons.words)


# -- connections ---------------------------------------------------------------------------
def test_a_connection_walks_its_steps_audited_and_counted(people, add, make_user):
    offer = published_offer(people)
    demand = published_demand(people)
    profile = add(full_name="Ngô Văn Kết")
    owner = make_user("expert", expert=profile)
    row = connections.open_connection(demand, people["broker"].id, offer=offer, experts=[profile],
                                      opened_on=TODAY - datetime.timedelta(days=10))
    assert row.status == "introduced" and row.department == "Sở Khoa học và Công nghệ"
    for user in (people["rep"], people["outsider"], owner):
        assert connections.may_see(V(user), row)
        assert Notification.select().where((Notification.user == user.id)
                                           & (Notification.kind == "connection_step")).exists()
    assert not connections.may_see(V(people["official"]), row)
    with pytest.raises(Refused):
        connections.record_step(row, {"step": "introduced", "happened_on": TODAY.isoformat()},
                                people["broker"].id)
    connections.record_step(row, {"step": "meeting_held",
                                  "happened_on": (TODAY - datetime.timedelta(days=5)).isoformat()},
                            people["broker"].id)
    with pytest.raises(Refused):  # steps go forward only
        connections.record_step(row, {"step": "meeting_held", "happened_on": TODAY.isoformat()},
                                people["broker"].id)
    with pytest.raises(Problems):  # a contract's value must be an amount
        connections.record_step(row, {"step": "contract_signed", "happened_on": TODAY.isoformat(),
                                      "contract_value": "nhiều"}, people["broker"].id)
    connections.record_step(row, {"step": "contract_signed", "happened_on": TODAY.isoformat(),
                                  "contract_value": "1 200 000 000"}, people["broker"].id)
    row = Connection.get_by_id(row.id)
    assert row.status == "contract_signed" and row.contract_value == 1_200_000_000
    assert [step.step for step in connections.steps(row)] == ["introduced", "meeting_held", "contract_signed"]
    with pytest.raises(Refused):
        connections.record_step(row, {"step": "closed", "happened_on": TODAY.isoformat(), "reason": "x"},
                                people["broker"].id)
    assert Audit.select().where(Audit.action == "connection.step").count() == 2
    found = counts.count(TODAY - datetime.timedelta(days=30), TODAY, V(people["curator"]))
    assert (found.offers, found.demands, found.connections, found.contracts) == (1, 1, 1, 1)
    assert found.contract_value == 1_200_000_000
    assert dict(found.by_department)["Sở Khoa học và Công nghệ"]["contracts"] == 1
    assert dict(found.by_field)["marine"]["contract_value"] == 1_200_000_000 or \
        dict(found.by_field)["seaports"]["contract_value"] == 1_200_000_000


def test_closing_needs_a_reason_and_nothing_half_written(people):
    demand = published_demand(people)
    row = connections.open_connection(demand, people["broker"].id, offer=published_offer(people))
    with pytest.raises(Problems):
        connections.record_step(row, {"step": "closed", "happened_on": TODAY.isoformat()},
                                people["broker"].id)
    with pytest.raises(Problems):
        connections.record_step(row, {"step": "proposal", "happened_on": "2001-01-01"}, people["broker"].id)
    assert ConnectionStep.select().count() == 1 and Connection.get_by_id(row.id).status == "introduced"


def test_only_published_records_connect(people):
    demand = demands.save(demand_values(people["port"]), V(people["rep"]))
    with pytest.raises(Refused):
        connections.open_connection(demand, people["broker"].id, offer=published_offer(people))
    assert Connection.select().count() == 0


def test_a_session_lists_what_was_presented_and_the_connections_started_there(people, app):
    event = Event.create(kind="supply_demand_session", title="Phiên kết nối cung – cầu công nghệ cảng biển",
                         starts_on=TODAY, department="Sở Khoa học và Công nghệ")
    demand, offer = published_demand(people), published_offer(people)
    connections.present(event, people["broker"].id, demand=demand)
    connections.present(event, people["broker"].id, offer=offer)
    with pytest.raises(Refused):
        connections.present(event, people["broker"].id, offer=offer)
    connections.open_connection(demand, people["broker"].id, offer=offer, event=event)
    page = client_as(app, people["broker"]).get(f"/technology/sessions/{event.id}").get_data(as_text=True)
    assert demand.title in page and offer.title_vi in page and "technology/connections/" in page


# -- pages ---------------------------------------------------------------------------------
def test_anonymous_readers_browse_published_public_records_with_facets(people, app):
    published_offer(people)
    offers.save(offer_values(title_vi="Bí mật chưa duyệt", title_en=""), V(people["outsider"]))
    client = app.test_client()
    page = client.get("/technology/offers?trl=7").get_data(as_text=True)
    assert "Robot hàn vỏ tàu tự động" in page and "Bí mật chưa duyệt" not in page
    assert "lab@vimaru.example" not in page
    assert client.get("/technology/offers?q=robot+han").status_code == 200
    assert "Robot hàn" in client.get("/technology/offers?q=robot+han").get_data(as_text=True)
    assert "Robot hàn" not in client.get("/technology/offers?trl=3").get_data(as_text=True)
    assert client.get("/technology").status_code == 200


def test_forms_answer_bad_input_with_errors_never_a_500(people, app):
    client = client_as(app, people["rep"])
    response = post_form(client, "/technology/demands/new", {"title": "", "budget_min": "x" * 50,
                                                             "deadline": "hôm qua"})
    assert response.status_code == 400
    assert TechnologyDemand.select().count() == 0
    response = post_form(client, "/technology/offers/new", {"trl": "99", "price": "\x00"})
    assert response.status_code in (400,)
    assert TechnologyOffer.select().count() == 0
    response = post_form(client, "/technology/offers/new", offer_values(organisation="5"))
    assert response.status_code == 302
    assert TechnologyOffer.get().organisation_id == people["port"].id  # a representative's own


def test_moderation_pages_are_for_moderators(people, app):
    offer = offers.save(offer_values(), V(people["outsider"]))
    assert client_as(app, people["official"]).get("/technology/moderation").status_code == 403
    broker = client_as(app, people["broker"])
    assert broker.get("/technology/moderation").status_code == 200
    response = post_form(broker, f"/technology/offers/{offer.id}/moderate", {"decision": "return"},
                         form_path=f"/technology/offers/{offer.id}")
    assert response.status_code == 400 and TechnologyOffer.get_by_id(offer.id).status == "submitted"
    response = post_form(broker, f"/technology/offers/{offer.id}/moderate", {"decision": "publish"},
                         form_path=f"/technology/offers/{offer.id}")
    assert response.status_code == 302 and TechnologyOffer.get_by_id(offer.id).status == "published"


def test_admins_grant_brokering_and_vouching_is_for_brokers(people, app, make_user):
    newcomer = make_user("official")
    admin = client_as(app, people["admin"])
    response = post_form(admin, "/technology/brokers", {"email": newcomer.email},
                         form_path="/technology/people")
    assert response.status_code == 302 and rules.is_broker(V(newcomer))
    stranger = make_user("expert")
    official = client_as(app, people["official"])
    assert official.get("/technology/people").status_code == 403
    broker = client_as(app, people["broker"])
    response = post_form(broker, "/technology/representatives",
                         {"email": stranger.email, "organisation": str(people["other_org"].id)},
                         form_path="/technology/people")
    assert response.status_code == 302
    assert representatives.organisation_of(stranger.id) == people["other_org"].id
    response = post_form(broker, "/technology/representatives", {"email": "nobody@example.org",
                                                                 "organisation": "abc"},
                         form_path="/technology/people")
    assert response.status_code == 400


# -- the API ---------------------------------------------------------------------------------
def test_the_api_shows_anonymous_callers_only_published_public_records_without_contacts(people, app):
    shown = published_offer(people)
    hidden = [offers.save(offer_values(title_vi="Chưa duyệt"), V(people["outsider"])),
              published_offer(people, visibility="officials"),
              published_offer(people, visibility="curators")]
    returned = offers.save(offer_values(), V(people["outsider"]))
    offers.moderate(returned, "return", "Thiếu tài liệu", people["curator"].id)
    hidden.append(returned)
    public_demand = published_demand(people)
    hidden_demands = [demands.save(demand_values(people["port"]), V(people["rep"])),
                      published_demand(people, visibility="officials")]
    client = app.test_client()
    listing = client.get("/api/v1/technology-offers?per_page=100").get_json()
    assert [row["id"] for row in listing["results"]] == [shown.id] and listing["total"] == 1
    assert sum(listing["facets"]["trl"].values()) == 1
    last = max(row.id for row in TechnologyOffer.select()) + 3
    seen = {record_id for record_id in range(1, last)
            if client.get(f"/api/v1/technology-offers/{record_id}").status_code == 200}
    assert seen == {shown.id}
    body = client.get(f"/api/v1/technology-offers/{shown.id}").get_json()
    assert "contact" not in body and "lab@vimaru.example" not in json.dumps(body)
    for offer in hidden:
        answer = client.get(f"/api/v1/technology-offers/{offer.id}")
        assert answer.status_code == 404 and answer.is_json
    last = max(row.id for row in TechnologyDemand.select()) + 3
    seen = {record_id for record_id in range(1, last)
            if client.get(f"/api/v1/technology-demands/{record_id}").status_code == 200}
    assert seen == {public_demand.id} and all(row.id not in seen for row in hidden_demands)
    body = client.get(f"/api/v1/technology-demands/{public_demand.id}").get_json()
    assert body["organisation"] is None and "contact" not in body  # identity: officials only
    assert "Cảng Hải Phòng" not in json.dumps(client.get("/api/v1/technology-demands").get_json(),
                                              ensure_ascii=False)
    assert client.get("/api/v1/technology-offers?page=abc&per_page=100000").status_code == 200


def test_the_programme_report_counts_the_marketplace(people, app):
    demand = published_demand(people)
    row = connections.open_connection(demand, people["broker"].id, offer=published_offer(people))
    connections.record_step(row, {"step": "contract_signed", "happened_on": TODAY.isoformat(),
                                  "contract_value": "750000000"}, people["broker"].id)
    client = client_as(app, people["curator"])
    span = {"from": (TODAY - datetime.timedelta(days=3)).isoformat(), "to": TODAY.isoformat()}
    page = client.get("/engagements/report", query_string=span).get_data(as_text=True)
    assert "Sở Khoa học và Công nghệ" in page and "750" in page
    assert client.get("/engagements/report.xlsx", query_string=span).status_code == 200


def test_the_demo_seeds_a_working_marketplace_once(app):
    from expertnet.demo import technology as market_demo

    assert market_demo.seed() == len(market_demo.OFFERS)
    assert market_demo.seed() == 0
    statuses = [row.status for row in TechnologyOffer.select()]
    assert statuses.count("published") == len(market_demo.OFFERS) and "returned" in statuses
    assert {row.status for row in Connection.select()} == {"introduced", "proposal", "contract_signed",
                                                           "closed"}
    found = counts.count(TODAY - datetime.timedelta(days=365), TODAY, Viewer(role="curator"))
    assert found.contracts == 1 and found.contract_value == 3_200_000_000
    assert {row.language for row in TechnologyDemand.select()} == {"vi", "en"}
    page = app.test_client().get("/technology/offers").get_data(as_text=True)
    assert "Robot hàn tự động" in page or "Automatic welding robot" in page
    records = app.test_client().get("/healthz").get_json()["records"]
    assert records["offers"]["in_step"] and records["offers"]["documents"] == TechnologyOffer.select().count()
    assert records["demands"]["in_step"] and records["demands"]["documents"] >= len(market_demo.DEMANDS)


# -- the records index: search, reindex, health -------------------------------------------
def _offer_ids(client, query):
    page = client.get(f"/technology/offers?{query}").get_data(as_text=True)
    listing = client.get(f"/api/v1/technology-offers?per_page=100&{query}").get_json()
    return page, [row["id"] for row in listing["results"]]


def test_published_offers_are_found_by_vietnamese_words_with_or_without_diacritics(people, app):
    shown = published_offer(people, title_vi="Hệ thống quan trắc nước nuôi tôm", title_en="",
                            description_vi="Cảm biến đo độ mặn và ôxy hòa tan cho đầm nuôi.")
    unpublished = offers.save(offer_values(title_vi="Quan trắc nước chưa duyệt", title_en=""),
                              V(people["outsider"]))
    for_officials = published_offer(people, title_vi="Quan trắc nước nội bộ", title_en="",
                                    visibility="officials")
    returned = published_offer(people, title_vi="Quan trắc nước bị trả lại", title_en="")
    offers.moderate(returned, "return", "Thiếu kết quả thử nghiệm", people["curator"].id)
    client = app.test_client()
    for query in ("q=quan+tr%E1%BA%AFc", "q=quan+trac", "q=%C4%91%E1%BB%99+m%E1%BA%B7n", "q=do+man+tom"):
        page, ids = _offer_ids(client, query)
        assert ids == [shown.id], query
        assert "Hệ thống quan trắc nước nuôi tôm" in page
        assert all(title not in page for title in ("chưa duyệt", "nội bộ", "bị trả lại"))
    assert _offer_ids(client, "q=quan+trac+container")[1] == []  # every word required
    official = client_as(app, people["official"])
    assert "Quan trắc nước nội bộ" in official.get("/technology/offers?q=quan+trac").get_data(as_text=True)
    # A deleted offer leaves the index; an edit goes back to moderation and out of sight.
    offers.delete(for_officials, people["curator"].id)
    offers.save(offer_values(title_vi="Hệ thống quan trắc nước nuôi tôm"), V(people["outsider"]),
                offer=TechnologyOffer.get_by_id(shown.id))
    assert _offer_ids(client, "q=quan+trac")[1] == []
    assert unpublished.id not in _offer_ids(client, "q=quan+trac")[1]


def test_a_facets_counts_ignore_its_own_choice(people, app):
    published_offer(people, trl="7")
    published_offer(people, trl="3", title_vi="Phần mềm điều độ cảng", title_en="")
    listing = app.test_client().get("/api/v1/technology-offers?trl=7").get_json()
    assert listing["total"] == 1
    found = indexing.search("offers", levels=("public",), filters={"trl": ["7"]}, facets=("trl",))
    assert found.total == 1 and found.facet_counts["trl"] == [("3", 1), ("7", 1)]


def test_the_offers_and_demands_indexes_are_rebuilt_by_reindex_and_checked_by_health(people, app,
                                                                                      runner):
    published_offer(people)
    published_demand(people)
    client = app.test_client()
    records = client.get("/healthz").get_json()["records"]
    assert records["offers"]["in_step"] and records["demands"]["in_step"]
    indexing.KEEPERS["offers"].get_index().rebuild([])  # the index lost its documents
    assert client.get("/healthz").status_code == 503
    assert _offer_ids(client, "q=robot")[1] == []
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "1 công nghệ chào bán" in result.output
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["records"]["offers"]["documents"] == 1
    assert len(_offer_ids(client, "q=robot")[1]) == 1
    indexing.KEEPERS["demands"].get_index().rebuild([])
    assert indexing.KEEPERS["demands"].reconcile()["indexed"] == 1
    assert indexing.KEEPERS["demands"].health()["in_step"]


@pytest.mark.parametrize("kind", ["offers", "demands"])
def test_a_failed_index_write_after_an_edit_is_seen_by_health_and_repaired_by_reconcile(
        people, app, kind, monkeypatch):
    record = published_offer(people) if kind == "offers" else published_demand(people)
    keeper = indexing.KEEPERS[kind]
    assert keeper.health()["in_step"] and keeper.stale_ids() == []
    index = keeper.get_index()

    def broken(docs):
        raise OSError("disk full")
    monkeypatch.setattr(index, "replace_many", broken)
    if kind == "offers":
        offers.save(offer_values(title_vi="Robot sơn vỏ tàu"), V(people["curator"]), record)
        changed = TechnologyOffer.get_by_id(record.id).title_vi == "Robot sơn vỏ tàu"
    else:
        demands.save(demand_values(people["port"], title="Điều độ cảng"), V(people["broker"]), record)
        changed = TechnologyDemand.get_by_id(record.id).title == "Điều độ cảng"
    assert changed  # the database write stands
    assert keeper.stale_ids() == [record.id]
    health = app.test_client().get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["records"][kind] == {"readable": True, "documents": 1, "records": 1,
                                                  "stale": 1, "in_step": False}
    monkeypatch.undo()
    assert keeper.reconcile()["indexed"] == 1
    assert app.test_client().get("/healthz").get_json()["records"][kind]["in_step"]
    words = "son vo tau" if kind == "offers" else "dieu do cang"
    assert indexing.search(kind, words, levels=("public",)).ids == [record.id]


def test_a_moderation_whose_index_write_failed_waits_and_the_next_write_catches_it_up(
        people, monkeypatch):
    offer = offers.save(offer_values(), V(people["outsider"]))
    keeper = indexing.KEEPERS["offers"]
    index = keeper.get_index()

    def broken(docs):
        raise OSError("disk full")
    monkeypatch.setattr(index, "replace_many", broken)
    offers.moderate(offer, "publish", "", people["curator"].id)
    assert keeper.stale_ids() == [offer.id]
    assert indexing.search("offers", "robot", levels=("public",)).ids == []
    monkeypatch.undo()
    other = published_offer(people, title_vi="Cần cẩu điện", title_en="", description_en="")
    assert keeper.stale_ids() == [] and keeper.health()["in_step"]
    assert sorted(indexing.search("offers", "", levels=("public",)).ids) == sorted([offer.id, other.id])


def test_a_failed_reindex_after_an_organisation_rename_marks_its_offers_waiting(people, monkeypatch):
    from expertnet.organisations import writes as organisation_writes

    offer = published_offer(people, organisation=str(people["port"].id))
    keeper = indexing.KEEPERS["offers"]
    real = keeper.get_index().replace_many

    def broken(docs):
        raise OSError("disk full")
    monkeypatch.setattr(keeper.get_index(), "replace_many", broken)
    organisation_writes.save({"name_vi": "Tổng công ty Bạch Đằng"}, organisation=people["port"])
    assert keeper.stale_ids() == [offer.id]  # its version did not change, yet it waits
    monkeypatch.setattr(keeper.get_index(), "replace_many", real)
    keeper.reconcile()
    assert indexing.search("offers", "bach dang", levels=("public",)).ids == [offer.id]


def test_offers_follow_their_organisations_renamed_merged_or_deleted(people, app):
    from expertnet.organisations import duplicates
    from expertnet.organisations import writes as organisation_writes

    port, other = people["port"], people["other_org"]
    moved = published_offer(people, organisation=str(other.id), title_vi="Sơn chống hà", title_en="",
                            description_en="")
    kept = published_offer(people, organisation=str(port.id), title_vi="Cần cẩu điện", title_en="",
                           description_en="")

    def found(words):
        return indexing.search("offers", words, levels=("public",)).ids

    assert found("pha rung") == [moved.id]
    organisation_writes.save({"name_vi": "Tổng công ty Bạch Đằng"}, organisation=other)
    assert found("bach dang") == [moved.id] and found("pha rung") == []
    duplicates.merge(port, Organisation.get_by_id(other.id))
    assert TechnologyOffer.get_by_id(moved.id).organisation_id == port.id
    assert sorted(found("cang hai phong")) == sorted([moved.id, kept.id])
    organisation_writes.delete(Organisation.get_by_id(port.id))
    assert found("cang hai phong") == [] and found("son chong ha") == [moved.id]
    assert indexing.KEEPERS["offers"].health()["in_step"]


def test_the_organisation_page_shows_its_offers_and_demands_the_reader_may_see(people, app):
    port = people["port"]
    port.visibility = "public"
    port.save()
    shown = published_offer(people, organisation=str(port.id), title_vi="Cần cẩu điện hóa")
    published_offer(people, organisation=str(port.id), title_vi="Cần cẩu nội bộ", visibility="officials")
    offers.save(offer_values(organisation=str(port.id), title_vi="Cần cẩu chưa duyệt"), V(people["outsider"]))
    asked = published_demand(people, title="Số hóa cổng cảng")  # identity: officials
    page = app.test_client().get(f"/organisations/{port.id}").get_data(as_text=True)
    assert "Cần cẩu điện hóa" in page and f"/technology/offers/{shown.id}" in page
    assert "Cần cẩu nội bộ" not in page and "Cần cẩu chưa duyệt" not in page
    assert "Số hóa cổng cảng" not in page
    official = client_as(app, people["official"]).get(f"/organisations/{port.id}").get_data(as_text=True)
    assert "Cần cẩu nội bộ" in official and "Số hóa cổng cảng" in official
    assert f"/technology/demands/{asked.id}" in official and "Cần cẩu chưa duyệt" not in official


def test_an_organisations_page_lists_only_what_the_reader_may_see_there(people):
    from expertnet.technology import organisation_pages

    shown = published_offer(people, organisation=str(people["port"].id))
    published_offer(people, organisation=str(people["port"].id), visibility="officials")
    offers.save(offer_values(organisation=str(people["port"].id)), V(people["outsider"]))
    asked = published_demand(people)  # identity: officials
    anonymous = organisation_pages.records_of(people["port"].id, Viewer())
    assert ([row.id for row in anonymous[0]], anonymous[1]) == ([shown.id], [])
    official = organisation_pages.records_of(people["port"].id, V(people["official"]))
    assert len(official[0]) == 2 and [row.id for row in official[1]] == [asked.id]


def test_an_erased_profile_leaves_no_place_in_offers_or_connections(people, add):
    from expertnet.accounts import data_rights
    from expertnet.technology.models import ConnectionExpert, TechnologyOfferExpert

    person = add(full_name="Đỗ Văn Xóa")
    offer = published_offer(people, experts=str(person.id))
    row = connections.open_connection(published_demand(people), people["broker"].id, experts=[person])
    assert offers.expert_ids(offer) == [person.id] and connections.expert_ids(row) == [person.id]
    data_rights.delete_profile(person, actor=people["curator"].id)
    assert not TechnologyOfferExpert.select().exists() and not ConnectionExpert.select().exists()
    assert TechnologyOffer.get_by_id(offer.id).status == "published"


def test_the_marketplace_offers_each_reader_their_tools(people, app):
    links = {}
    for name in ("rep", "broker", "outsider"):
        page = client_as(app, people[name]).get("/technology").get_data(as_text=True)
        links[name] = page
    assert "/technology/demands/new" in links["rep"] and "/technology/mine" in links["rep"]
    assert "/technology/moderation" in links["broker"] and "/technology/moderation" not in links["rep"]
    assert "/technology/demands/new" not in links["outsider"]
    assert "/technology/offers/new" in links["outsider"]
    assert "/technology/mine" not in app.test_client().get("/technology").get_data(as_text=True)
