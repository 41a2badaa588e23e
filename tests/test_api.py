"""The JSON API contract, and what anonymous callers may never see."""
import pytest

from expertnet.directory import writes
from expertnet.directory.models import Expert


@pytest.fixture
def mixed(add):
    return {
        "public": add(full_name="Công Khai Một", email="pub@example.org", phone="+84 900 000 001",
                      fields="ai", country="JP", kind="diaspora", languages="vi;ja",
                      available_for="consulting"),
        "officials": add(full_name="Cán Bộ Xem", email="off@example.org", visibility="officials",
                         fields="ai", country="KR", kind="diaspora"),
        "curators": add(full_name="Chỉ Quản Lý", email="cur@example.org", visibility="curators",
                        fields="logistics", country="FR", kind="foreign"),
        "default": writes.save_profile({"kind": "domestic", "full_name": "Không Khai Báo"}).expert,
    }


def test_search_returns_the_documented_shape(client, mixed):
    body = client.get("/api/v1/experts?q=cong khai").json
    assert set(body) == {"total", "page", "per_page", "results", "facets", "understood",
                         "did_you_mean"}
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    result = body["results"][0]
    assert set(result) == {"id", "external_id", "full_name", "kind", "country", "organization",
                           "position", "fields", "available_for", "highlight"}
    assert result["fields"] == ["ai"] and result["country"] == "JP"
    assert set(body["facets"]) == {"kind", "field", "country", "language", "available_for",
                                   "trust"}
    assert body["facets"]["language"] == {"vi": 1, "ja": 1}


def test_a_record_without_visibility_is_for_curators_only(mixed):
    assert mixed["default"].visibility == "curators"


def test_anonymous_callers_never_see_a_non_public_profile(client, mixed):
    last_id = Expert.select().order_by(Expert.id.desc()).first().id
    public_ids = {mixed["public"].id}
    for expert_id in range(0, last_id + 3):
        response = client.get(f"/api/v1/experts/{expert_id}")
        if expert_id in public_ids:
            assert response.status_code == 200
            body = response.json
            assert "email" not in body and "phone" not in body
        else:
            assert response.status_code == 404
            assert response.json["error"]["status"] == 404
        page = client.get(f"/experts/{expert_id}")
        assert page.status_code == (200 if expert_id in public_ids else 404)
        assert b"@example.org" not in page.data


def test_totals_and_facets_count_only_public_profiles_for_anonymous(client, mixed):
    body = client.get("/api/v1/experts").json
    assert body["total"] == 1
    assert body["facets"]["kind"] == {"diaspora": 1}
    assert body["facets"]["country"] == {"JP": 1}
    assert body["facets"]["field"] == {"ai": 1}
    for query in ["can bo xem", "chi quan ly", "khong khai bao", "logistics", "off@example.org",
                  "cur@example.org", "pub@example.org", "900 000 001"]:
        body = client.get("/api/v1/experts", query_string={"q": query}).json
        assert body["total"] == 0, query
        assert all(not counts for counts in body["facets"].values()), query
    body = client.get("/api/v1/experts", query_string={"country": "FR"}).json
    assert body["total"] == 0


def test_suggestions_only_offer_visible_names_and_organisations(client, mixed, add):
    add(full_name="Bí Mật", organization="Viện Ẩn", visibility="curators")
    add(full_name="Mở", organization="Viện Hàng hải")
    body = client.get("/api/v1/suggest?q=c").json
    assert [item["name"] for item in body["names"]] == ["Công Khai Một"]
    assert body["names"][0]["url"] == f"/experts/{mixed['public'].id}"
    body = client.get("/api/v1/suggest?q=vien").json
    assert [item["name"] for item in body["organizations"]] == ["Viện Hàng hải"]


def test_suggestions_offer_fields_in_the_readers_language(client):
    body = client.get("/api/v1/suggest?q=tri tue", headers={"Accept-Language": "en"}).json
    assert body["fields"][0]["code"] == "ai"
    assert body["fields"][0]["name"] == "Artificial intelligence"
    assert body["fields"][0]["url"] == "/search?field=ai"
    body = client.get("/api/v1/suggest?q=hau can", headers={"Accept-Language": "vi"}).json
    assert [field["code"] for field in body["fields"]] == ["logistics"]


def test_filters_repeat_or_within_and_across(client, add):
    add(full_name="A Một", kind="diaspora", country="JP", fields="ai")
    add(full_name="B Hai", kind="diaspora", country="KR", fields="logistics")
    add(full_name="C Ba", kind="foreign", country="JP", fields="ai")
    body = client.get("/api/v1/experts?kind=diaspora&country=JP&country=KR").json
    assert {r["full_name"] for r in body["results"]} == {"A Một", "B Hai"}
    body = client.get("/api/v1/experts?kind=diaspora&kind=foreign&field=ai").json
    assert {r["full_name"] for r in body["results"]} == {"A Một", "C Ba"}


@pytest.mark.parametrize("query, parameter", [
    ("kind=alien", "kind"), ("field=nothing", "field"), ("country=XX", "country"),
    ("language=xx", "language"), ("available_for=napping", "available_for"),
    ("sort=random", "sort"), ("page=abc", "page"), ("per_page=1.5", "per_page"),
])
def test_bad_parameters_answer_400_in_json(client, query, parameter):
    response = client.get(f"/api/v1/experts?{query}")
    assert response.status_code == 400
    assert response.json["error"]["parameter"] == parameter
    assert response.json["error"]["message"]


def test_page_and_per_page_are_clamped(client, add):
    add(full_name="Một Người")
    body = client.get("/api/v1/experts?per_page=1000&page=-3").json
    assert body["per_page"] == 100 and body["page"] == 1 and body["total"] == 1


def test_errors_are_json_in_the_callers_language(client):
    response = client.get("/api/v1/nowhere", headers={"Accept-Language": "vi"})
    assert response.status_code == 404 and response.is_json
    vietnamese = response.json["error"]["message"]
    english = client.get("/api/v1/nowhere", headers={"Accept-Language": "en"}).json["error"]["message"]
    assert vietnamese != english
    assert client.get("/api/v1/experts/abc").status_code == 404
    assert client.get("/api/v1/experts/abc").is_json
    assert client.post("/api/v1/experts").status_code == 405
    assert client.post("/api/v1/experts").is_json


def test_fields_lists_the_taxonomy(client):
    fields = client.get("/api/v1/fields").json
    codes = {field["code"] for field in fields}
    assert {"ai", "logistics", "marine", "shipbuilding"} <= codes
    ai = next(field for field in fields if field["code"] == "ai")
    assert set(ai) == {"code", "parent", "name_vi", "name_en", "synonyms"}
    assert "trí tuệ nhân tạo" in [name.lower() for name in [ai["name_vi"], *ai["synonyms"]]]


def test_anonymous_callers_do_not_get_birth_year_or_gender(client, add):
    expert = add(full_name="Riêng Tư Năm Sinh", birth_year="1970", gender="female")
    body = client.get(f"/api/v1/experts/{expert.id}").json
    assert "birth_year" not in body and "gender" not in body


@pytest.mark.parametrize("path", ["/experts/99999999999999999999", "/api/v1/experts/99999999999999999999",
                                  "/experts/99999999999999999999/edit"])
def test_ids_beyond_64_bits_are_not_found(client, path):
    assert client.get(path).status_code == 404
