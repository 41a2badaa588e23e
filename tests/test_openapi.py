"""The OpenAPI description of the JSON API: complete (every /api/v1 rule), honest (every
documented parameter is read by its view) and checked by schemathesis against the app,
anonymously and with a bearer token: no 5xx, answers that match the schemas, only
documented status codes and content types. Bounded and derandomized."""
import inspect
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from expertnet.accounts import users as accounts
from expertnet.api import openapi, routes
from expertnet.api.organisations import routes as api_organisations
from expertnet.curation import merging
from expertnet.directory import finder, indexing
from expertnet.organisations import writes as organisation_writes

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")]


def test_the_document_is_served_and_describes_every_api_rule(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.json
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": "/api/v1"}]
    paths = document["paths"]
    described = set()
    for rule in api_rules(app):
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        assert path in paths, f"{rule.rule} is not described in the OpenAPI document"
        methods = {method.lower() for method in rule.methods - {"HEAD", "OPTIONS"}}
        assert methods == set(paths[path]), (rule.rule, methods)
        for method in methods:
            declared = {p["name"] for p in paths[path][method].get("parameters", [])
                        if p["in"] == "path"}
            assert declared == set(rule.arguments), (rule.rule, declared)
        described.add(path)
    assert described == set(paths), f"described but not served: {set(paths) - described}"


def test_documented_query_parameters_are_read_by_their_views():
    """Every query parameter the document lists is one the view actually reads."""
    read = {"/experts": {"q", "sort", "page", "per_page", "literal", "ignore", "understood",
                         *finder.FILTERS},
            "/suggest": set(re.findall(r'request\.args\.get\("(\w+)"', inspect.getsource(routes.suggest))),
            "/programme/indicators": set(re.findall(r'request\.args\.get\("(\w+)"',
                                                    inspect.getsource(routes.programme_indicators))),
            "/organisations": {"q", "type", "country", "field", "page", "per_page"}}
    organisations_source = inspect.getsource(api_organisations)
    for name in read["/organisations"]:
        assert f'"{name}"' in organisations_source
    assert read["/suggest"] == {"q"}
    market = inspect.getsource(routes._market_list)
    for path, kind in (("/technology-offers", "offers"), ("/technology-demands", "demands")):
        read[path] = {"q", "page", "per_page", *routes.MARKET_FILTERS[kind]}
        assert all(f'"{name}"' in market for name in ("q", "page", "per_page"))
    criteria_source = inspect.getsource(finder.parse_criteria)
    for name in ("q", "sort", "page", "per_page", "literal", "ignore", "understood"):
        assert f'"{name}"' in criteria_source
    for path, operations in openapi.PATHS.items():
        documented = {p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"}
        assert documented == read.get(path, set()), path


def test_the_document_is_a_valid_openapi_schema(app):
    schema = schemathesis.openapi.from_dict(openapi.document())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in operations} == {
        "GET /experts", "GET /experts/{expert_id}", "GET /fields", "GET /suggest", "GET /openapi.json",
        "GET /programme/indicators", "GET /organisations", "GET /organisations/{organisation_id}",
        "GET /technology-offers", "GET /technology-offers/{offer_id}", "GET /technology-demands",
        "GET /technology-demands/{demand_id}"}


@pytest.fixture
def populated(app, add, make_user):
    """A few profiles of every visibility, one merged away, and a curator's token."""
    first = add(full_name="Nguyễn Văn Đức", kind="diaspora", country="JP", fields="ai;logistics",
                languages="vi;ja", available_for="consulting", email="duc@example.org",
                bio_vi="Trí tuệ nhân tạo cho cảng biển", organization="Đại học Tokyo")
    add(full_name="Anna Berg", kind="foreign", country="SE", fields="marine", visibility="officials")
    add(full_name="Trần Thị Mai", kind="domestic", visibility="curators", birth_year=1980)
    gone = add(full_name="Nguyễn Văn Đức", kind="diaspora", external_id="DUP-1")
    merging.merge(first, gone, {}, first.version, gone.version)
    for visibility in ("public", "officials", "curators"):
        parent = organisation_writes.save({
            "name_vi": f"Đại học {visibility}", "type": "university", "country": "VN", "fields": "ai",
            "visibility": visibility}).organisation
        organisation_writes.save({"name_en": f"Unit {visibility}", "type": "research_institute",
                                  "parent": str(parent.id), "visibility": "public"})
        organisation_writes.add_contact(parent, {"name": "Trần Hoa", "email": "hoa@example.org",
                                                 "visibility": "public", "consented": True})
    curator = make_user("curator")
    _row, token = accounts.create_token(curator, "schemathesis")
    return token


def check_operation(operation, headers, mode, examples, checks=CHECKS):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.path, case.query, response.status_code)
        assert response.headers["content-type"][0].startswith("application/json")
        if checks:
            case.validate_response(response, checks=checks, headers=headers)

    check()


def run_schemathesis(app, headers, mode, examples, checks=CHECKS):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if mode == GenerationMode.NEGATIVE and not operation.definition.raw.get("parameters"):
            continue  # nothing to make invalid
        try:
            check_operation(operation, headers, mode, examples, checks)
        except Exception as exc:  # noqa: BLE001 - gather every operation's failure
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("as_token", [False, True], ids=["anonymous", "bearer"])
def test_schemathesis_finds_no_5xx_and_no_answer_outside_the_schema(app, populated, as_token):
    headers = {"Authorization": f"Bearer {populated}"} if as_token else {}
    run_schemathesis(app, headers, GenerationMode.POSITIVE, examples=50)


def test_schemathesis_negative_data_never_5xx(app, populated):
    """Values outside the schemas (wrong types, unknown codes): 400 or 404 in JSON, never 500."""
    run_schemathesis(app, {}, GenerationMode.NEGATIVE, examples=40, checks=None)


def test_a_wrong_token_is_a_documented_401(client, populated):
    response = client.get("/api/v1/experts", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and response.json["error"]["status"] == 401
    assert "401" in openapi.PATHS["/experts"]["get"]["responses"]


def test_a_merged_id_answers_the_documented_301(app, client, add):
    kept = add(full_name="Lê Văn Bình", external_id="A-1")
    gone = add(full_name="Le Van Binh", external_id="A-2")
    merging.merge(kept, gone, {}, kept.version, gone.version)
    response = client.get(f"/api/v1/experts/{gone.id}")
    assert response.status_code == 301
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema["/experts/{expert_id}"]["GET"]
    case = operation.Case(path_parameters={"expert_id": gone.id})
    case.call_and_validate(checks=CHECKS)
    assert indexing.count_profiles() == 1
