"""The organisations' API: search like /api/v1/experts, and privacy: enumerating every
id anonymously finds only public records and no contact details; hidden ones answer 404
exactly like missing ones."""
import pytest

from expertnet.accounts import users as accounts
from expertnet.organisations import writes


@pytest.fixture
def records(app, add):
    made = {}
    for visibility in ("public", "officials", "curators"):
        made[visibility] = writes.save({
            "name_vi": f"Viện {visibility}", "name_en": f"Institute {visibility}",
            "acronym": visibility[:3].upper(), "type": "research_institute", "country": "VN",
            "fields": "ai", "visibility": visibility,
            "description_vi": "Nghiên cứu biển"}).organisation
        writes.add_contact(made[visibility], {"name": "Lê Thu", "email": f"thu.{visibility}@example.org",
                                              "phone": "+84 912 345 678", "visibility": "public",
                                              "email_visibility": "public", "phone_visibility": "public",
                                              "consented": True})
    made["foreign"] = writes.save({"name_en": "Pusan National University", "type": "university",
                                   "country": "KR", "visibility": "public",
                                   "parent": str(made["curators"].id)}).organisation
    return made


def test_anonymous_enumeration_sees_public_records_only_and_no_contacts(client, records):
    hidden = {records["officials"].id, records["curators"].id}
    last = max(record.id for record in records.values())
    seen = set()
    for record_id in range(0, last + 5):
        response = client.get(f"/api/v1/organisations/{record_id}")
        if record_id in hidden or record_id > last or record_id == 0:
            assert response.status_code == 404
            assert response.json == client.get("/api/v1/organisations/999999").json
            continue
        assert response.status_code == 200
        body = response.json
        seen.add(body["id"])
        assert body["visibility"] == "public" and "contacts" not in body
        assert "@" not in str(body) and "912" not in str(body)
        assert body["parent_id"] is None  # its parent is hidden
    assert seen == {records["public"].id, records["foreign"].id}
    listing = client.get("/api/v1/organisations", query_string={"per_page": 100}).json
    assert {item["id"] for item in listing["results"]} == seen and listing["total"] == 2
    assert "@" not in str(listing)


def test_search_parameters_and_facets(client, records):
    found = client.get("/api/v1/organisations", query_string={"q": "vien", "country": "vn"}).json
    assert [item["id"] for item in found["results"]] == [records["public"].id]
    assert found["facets"]["type"] == {"research_institute": 1}
    assert client.get("/api/v1/organisations", query_string={"type": "university"}).json["total"] == 1
    for bad in ({"type": "castle"}, {"country": "XX"}, {"field": "nope"}, {"page": "one"},
                {"per_page": "many"}):
        response = client.get("/api/v1/organisations", query_string=bad)
        assert response.status_code == 400 and response.json["error"]["parameter"] in bad
    clamped = client.get("/api/v1/organisations", query_string={"page": "-4", "per_page": "1000"}).json
    assert (clamped["page"], clamped["per_page"]) == (1, 100)


def test_signed_in_callers_see_contacts_by_their_level(app, client, records, make_user):
    official = make_user("official")
    _row, token = accounts.create_token(official, "test")
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(f"/api/v1/organisations/{records['officials'].id}", headers=headers).json
    assert body["contacts"][0]["email"] == "thu.officials@example.org"
    assert client.get(f"/api/v1/organisations/{records['curators'].id}", headers=headers).status_code == 404
    assert client.get("/api/v1/organisations", headers=headers).json["total"] == 3
