"""The OpenAPI 3 description of the JSON API, served at ``/api/v1/openapi.json``.

Written by hand next to the routes it describes and kept honest by tests:
``tests/test_openapi.py`` checks that every ``/api/v1`` rule of the URL map is
described here with its methods and path parameters, that every documented query
parameter is one the views read, and runs schemathesis against the app (no 5xx,
answers that match these schemas, only documented status codes)."""
from expertnet.core import vocab
from expertnet.directory.finder import SORTS
from expertnet.organisations.models import ORGANISATION_TYPES
from expertnet.technology import vocab as market_vocab

VERSION = "1.0.0"


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _strings():
    return {"type": "array", "items": {"type": "string"}}


def _json(schema, description):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description):
    return _json(_ref("Error"), description)


def _repeatable(name, description, enum=None, pattern=None):
    item = {"type": "string"}
    if enum:
        item["enum"] = list(enum)
    if pattern:
        item["pattern"] = pattern
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": True,
            "description": description, "schema": {"type": "array", "items": item, "maxItems": 5}}


def _counts():
    return {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}


_COUNT = {"type": "integer", "minimum": 0, "nullable": True}
_STATES = ["green", "amber", "red", "not_started", "no_target"]
SCHEMAS = {
    "Indicators": {
        "type": "object", "required": ["year", "exact", "results"],
        "properties": {
            "year": {"type": "integer"},
            "exact": {"type": "boolean", "description": "false: small counts of people are hidden"},
            "results": {"type": "array", "items": {
                "type": "object",
                "required": ["code", "name", "unit", "entered", "target", "value", "state",
                             "cumulative_target", "cumulative", "cumulative_state", "period_target",
                             "suppressed"],
                "properties": {
                    "code": {"type": "string"}, "name": {"type": "string"},
                    "unit": {"type": "string"}, "entered": {"type": "boolean"},
                    "target": _COUNT, "value": _COUNT,
                    "state": {"type": "string", "enum": _STATES},
                    "cumulative_target": _COUNT, "cumulative": _COUNT,
                    "cumulative_state": {"type": "string", "enum": _STATES},
                    "period_target": {"type": "object", "required": ["low", "high"],
                                      "properties": {"low": _COUNT, "high": _COUNT}},
                    "suppressed": {"type": "boolean"},
                }}},
        },
    },
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["status", "message"],
            "properties": {"status": {"type": "integer"}, "message": {"type": "string"},
                           "parameter": {"type": "string",
                                         "description": "the query parameter at fault (400)"}},
        }},
    },
    "ExpertSummary": {
        "type": "object",
        "required": ["id", "external_id", "full_name", "kind", "country", "organization",
                     "position", "fields", "available_for", "highlight"],
        "properties": {
            "id": {"type": "integer"},
            "external_id": {"type": "string", "nullable": True},
            "full_name": {"type": "string"},
            "kind": {"type": "string", "enum": list(vocab.KINDS)},
            "country": {"type": "string", "nullable": True, "description": "ISO 3166-1 alpha-2"},
            "organization": {"type": "string"},
            "position": {"type": "string"},
            "fields": {**_strings(), "description": "field codes (see /api/v1/fields)"},
            "available_for": _strings(),
            "highlight": {"type": "string",
                          "description": "escaped text with <mark> around the words found"},
        },
    },
    "Meaning": {
        "type": "object", "required": ["parameter", "value", "text", "ignore"],
        "description": "words of q read as a filter",
        "properties": {
            "parameter": {"type": "string",
                          "enum": ["available_for", "field", "country", "kind"],
                          "description": "the search parameter the words stand for"},
            "value": {"type": "string", "description": "its value (a code)"},
            "text": {"type": "string", "description": "the words of q that said it"},
            "ignore": {"type": "string",
                       "description": "pass as ignore= to search without this meaning"},
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["total", "page", "per_page", "results", "facets", "understood",
                     "did_you_mean"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "results": {"type": "array", "items": _ref("ExpertSummary")},
            "facets": {
                "type": "object",
                "required": ["kind", "field", "country", "language", "available_for", "trust"],
                "properties": {name: _counts() for name in
                               ("kind", "field", "country", "language", "available_for", "trust")},
            },
            "did_you_mean": {
                "type": "string", "nullable": True,
                "description": "with few or no results: q with the words no profile holds "
                               "replaced by the nearest words of the directory, when that "
                               "finds more"},
            "understood": {
                "type": "object", "required": ["literal", "applied", "dropped"],
                "description": "what the search read in q: role words (phản biện, reviewer) "
                               "as available_for, place words (ở Nhật, in Japan) as country, "
                               "kind words (kiều bào, foreign) as kind, field names, synonyms "
                               "and abbreviations (TTNT, CĐS) as field; applied as filters "
                               "(AND-ed) unless literal=1. A meaning that would leave no "
                               "result is dropped and listed in dropped.",
                "properties": {
                    "literal": {"type": "boolean"},
                    "applied": {"type": "array", "items": _ref("Meaning")},
                    "dropped": {"type": "array", "items": _ref("Meaning")},
                },
            },
        },
    },
    "Expert": {
        "type": "object",
        "description": "A profile as its caller may see it: contact details only for those "
                       "the visibility rules allow; gender, birth year and the visibility of "
                       "each contact detail only for curators and the profile's owner.",
        "required": ["id", "external_id", "kind", "full_name", "other_names", "title", "degree",
                     "hometown", "country", "city", "organization", "position", "sector",
                     "fields", "keywords", "languages", "available_for", "bio_vi", "bio_en",
                     "website", "orcid", "visibility", "updated_at", "version"],
        "properties": {
            "id": {"type": "integer"},
            "external_id": {"type": "string", "nullable": True},
            "kind": {"type": "string", "enum": list(vocab.KINDS)},
            "full_name": {"type": "string"},
            "other_names": _strings(),
            "title": {"type": "string"},
            "degree": {"type": "string"},
            "hometown": {"type": "string"},
            "country": {"type": "string"},
            "city": {"type": "string"},
            "organization": {"type": "string"},
            "position": {"type": "string"},
            "sector": {"type": "string"},
            "fields": _strings(),
            "keywords": _strings(),
            "languages": _strings(),
            "available_for": _strings(),
            "bio_vi": {"type": "string"},
            "bio_en": {"type": "string"},
            "website": {"type": "string"},
            "orcid": {"type": "string"},
            "visibility": {"type": "string", "enum": ["public", "officials", "curators"]},
            "updated_at": {"type": "string", "format": "date-time"},
            "version": {"type": "integer"},
            "email": {"type": "string"},
            "phone": {"type": "string"},
            "gender": {"type": "string"},
            "birth_year": {"type": "integer", "nullable": True},
            "email_visibility": {"type": "string"},
            "phone_visibility": {"type": "string"},
        },
    },
    "Merged": {
        "type": "object", "required": ["merged_into", "location"],
        "properties": {"merged_into": {"type": "integer"}, "location": {"type": "string"}},
    },
    "Field": {
        "type": "object", "required": ["code", "parent", "name_vi", "name_en", "synonyms"],
        "properties": {"code": {"type": "string"}, "parent": {"type": "string", "nullable": True},
                       "name_vi": {"type": "string"}, "name_en": {"type": "string"},
                       "synonyms": _strings()},
    },
    "Suggestions": {
        "type": "object", "required": ["names", "organizations", "fields"],
        "properties": {
            "names": {"type": "array", "items": {
                "type": "object", "required": ["id", "name", "url"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                               "url": {"type": "string"}}}},
            "organizations": {"type": "array", "items": {
                "type": "object", "required": ["name", "url"],
                "properties": {"name": {"type": "string"}, "url": {"type": "string"}}}},
            "fields": {"type": "array", "items": {
                "type": "object", "required": ["code", "name", "url"],
                "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                               "url": {"type": "string"}}}},
        },
    },
}

_ORGANISATION_SUMMARY = {
    "id": {"type": "integer"},
    "external_id": {"type": "string", "nullable": True},
    "name_vi": {"type": "string"},
    "name_en": {"type": "string"},
    "acronym": {"type": "string"},
    "type": {"type": "string", "enum": list(ORGANISATION_TYPES)},
    "country": {"type": "string", "nullable": True, "description": "ISO 3166-1 alpha-2"},
    "city": {"type": "string"},
    "fields": {**_strings(), "description": "field codes (see /api/v1/fields)"},
    "strategic_partner": {"type": "boolean"},
    "parent_id": {"type": "integer", "nullable": True,
                  "description": "the parent organisation, when the caller may see it"},
}
SCHEMAS["OrganisationSummary"] = {
    "type": "object", "required": list(_ORGANISATION_SUMMARY), "properties": _ORGANISATION_SUMMARY,
}
SCHEMAS["OrganisationSearchResult"] = {
    "type": "object", "required": ["total", "page", "per_page", "results", "facets"],
    "properties": {
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
        "results": {"type": "array", "items": _ref("OrganisationSummary")},
        "facets": {"type": "object", "required": ["type", "country", "field"],
                   "properties": {name: _counts() for name in ("type", "country", "field")}},
    },
}
SCHEMAS["Organisation"] = {
    "type": "object",
    "description": "An organisation as its caller may see it; contact persons only for signed-in "
                   "callers, each detail as the profiles' visibility rules allow.",
    "required": [*_ORGANISATION_SUMMARY, "other_names", "website", "description_vi",
                 "description_en", "visibility", "updated_at", "version"],
    "properties": {
        **_ORGANISATION_SUMMARY,
        "other_names": _strings(),
        "website": {"type": "string"},
        "description_vi": {"type": "string"},
        "description_en": {"type": "string"},
        "visibility": {"type": "string", "enum": ["public", "officials", "curators"]},
        "updated_at": {"type": "string", "format": "date-time"},
        "version": {"type": "integer"},
        "contacts": {"type": "array", "items": {
            "type": "object", "required": ["name", "role", "expert_id"],
            "properties": {"name": {"type": "string"}, "role": {"type": "string"},
                           "expert_id": {"type": "integer", "nullable": True},
                           "email": {"type": "string"}, "phone": {"type": "string"}}}},
    },
}

UNAUTHORIZED = _error("the bearer token given is unknown, revoked or expired")

SEARCH_PARAMETERS = [
    {"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "free text; any text is accepted (cut to 500 characters and 12 words). "
                    "Words typed with diacritics match that word (other tone marks are weaker "
                    "matches); function words (trong, và, in, of…) are not required; roles, "
                    "places, kinds and fields named in it are read as filters (understood)"},
    _repeatable("kind", "kinds of expert (OR-ed)", enum=vocab.KINDS),
    _repeatable("field", "field codes from /api/v1/fields (OR-ed; a parent includes its "
                         "sub-fields); an unknown code answers 400"),
    _repeatable("country", "ISO 3166-1 alpha-2 codes (OR-ed); an unknown code answers 400",
                pattern="^[A-Za-z]{2}$"),
    _repeatable("language", "ISO 639-1 codes (OR-ed); an unknown code answers 400",
                pattern="^[A-Za-z]{2}$"),
    _repeatable("available_for", "kinds of help offered (OR-ed)", enum=vocab.AVAILABILITY),
    _repeatable("trust", "trust signals (OR-ed)", enum=vocab.TRUST),
    {"name": "literal", "in": "query", "required": False,
     "schema": {"type": "string", "enum": ["0", "1"], "default": "0"},
     "description": "1: search the words of q as typed, without reading roles, places, "
                    "kinds or fields in them (see understood in the result)"},
    {"name": "ignore", "in": "query", "required": False, "style": "form", "explode": True,
     "schema": {"type": "array", "items": {"type": "string", "maxLength": 100}},
     "description": "meanings not to read in q, as given in understood (e.g. "
                    "available_for:reviewing); unknown values change nothing"},
    {"name": "understood", "in": "query", "required": False,
     "schema": {"type": "string", "maxLength": 2100},
     "description": "the only meanings that may be read in q, comma-separated as given in "
                    "understood (e.g. available_for:reviewing,field:seaports), or - for none: "
                    "what a saved search understood when it was saved"},
    {"name": "sort", "in": "query", "required": False,
     "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"}},
    {"name": "page", "in": "query", "required": False,
     "schema": {"type": "integer", "default": 1}, "description": "clamped to 1 or more"},
    {"name": "per_page", "in": "query", "required": False,
     "schema": {"type": "integer", "default": 20}, "description": "clamped to 1–100"},
]

def _nullable(kind):
    return {"type": kind, "nullable": True}


_ORGANISATION = {"type": "object", "nullable": True,
                 "required": ["id", "name_vi", "name_en", "type", "country"],
                 "properties": {"id": {"type": "integer"}, "name_vi": {"type": "string"},
                                "name_en": {"type": "string"}, "type": {"type": "string"},
                                "country": _nullable("string")}}
_CONTACT = {"type": "object", "description": "officials and the record's own people only",
            "properties": {"name": {"type": "string"}, "email": {"type": "string"},
                           "phone": {"type": "string"}}}
SCHEMAS["TechnologyOffer"] = {
    "type": "object",
    "required": ["id", "title_vi", "title_en", "description_vi", "description_en", "fields", "trl",
                 "ip_status", "transfer_models", "price", "negotiable", "organisation", "experts",
                 "published_at"],
    "properties": {
        "id": {"type": "integer"}, "title_vi": {"type": "string"}, "title_en": {"type": "string"},
        "description_vi": {"type": "string"}, "description_en": {"type": "string"},
        "fields": _strings(), "trl": {"type": "integer", "minimum": 1, "maximum": 9},
        "ip_status": {"type": "string", "enum": list(market_vocab.IP_STATUSES)},
        "transfer_models": {"type": "array", "items": {"type": "string",
                                                      "enum": list(market_vocab.TRANSFER_MODELS)}},
        "price": {"type": "integer", "nullable": True, "description": "indicative, in VND"},
        "negotiable": {"type": "boolean"}, "organisation": _ORGANISATION,
        "experts": {"type": "array", "items": {"type": "integer"},
                    "description": "ids of the profiles the caller may see"},
        "published_at": _nullable("string"), "contact": _CONTACT,
    },
}
SCHEMAS["TechnologyDemand"] = {
    "type": "object",
    "required": ["id", "title", "problem", "desired_outcome", "language", "fields", "budget_min",
                 "budget_max", "deadline", "location", "organisation", "published_at"],
    "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "problem": {"type": "string"},
        "desired_outcome": {"type": "string"}, "language": {"type": "string"}, "fields": _strings(),
        "budget_min": {"type": "integer", "nullable": True},
        "budget_max": {"type": "integer", "nullable": True},
        "deadline": _nullable("string"), "location": {"type": "string"},
        "organisation": {**_ORGANISATION, "description": "null unless the caller may see who asks"},
        "published_at": _nullable("string"), "contact": _CONTACT,
    },
}
for _name, _item in (("TechnologyOfferResult", "TechnologyOffer"),
                     ("TechnologyDemandResult", "TechnologyDemand")):
    SCHEMAS[_name] = {
        "type": "object", "required": ["total", "page", "per_page", "results", "facets"],
        "properties": {"total": {"type": "integer", "minimum": 0}, "page": {"type": "integer"},
                       "per_page": {"type": "integer"},
                       "results": {"type": "array", "items": _ref(_item)},
                       "facets": {"type": "object", "additionalProperties": _counts()}},
    }


def _market_parameters(facets):
    return [
        {"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "words of the title or description, whatever the accents "
                        "(cut to 200 characters)"},
        *(_repeatable(name, f"{name} codes (OR-ed); an unknown code matches nothing") for name in facets),
        {"name": "page", "in": "query", "required": False,
         "schema": {"type": "integer", "default": 1}, "description": "clamped to 1 or more"},
        {"name": "per_page", "in": "query", "required": False,
         "schema": {"type": "integer", "default": 20}, "description": "clamped to 1–100"},
    ]


def _market_paths(path, kind, facets, schema, noun):
    record_id = f"{kind}_id"
    return {
        path: {"get": {
            "operationId": f"search{schema}s",
            "summary": f"Published technology {noun}s the caller may see (anonymous: public ones)",
            "parameters": _market_parameters(facets),
            "responses": {"200": _json(_ref(f"{schema}Result"),
                                       "a page of results, with totals and facets"),
                          "401": UNAUTHORIZED},
        }},
        f"{path}/{{{record_id}}}": {"get": {
            "operationId": f"get{schema}",
            "summary": f"One technology {noun} as the caller may see it",
            "parameters": [{"name": record_id, "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 0}}],
            "responses": {"200": _json(_ref(schema), f"the {noun}"), "401": UNAUTHORIZED,
                          "404": _error(f"no such {noun}, or one the caller may not see (alike)")},
        }},
    }


PATHS = {
    "/experts": {"get": {
        "operationId": "searchExperts",
        "summary": "Search the profiles the caller may see",
        "parameters": SEARCH_PARAMETERS,
        "responses": {
            "200": _json(_ref("SearchResult"), "a page of results, with totals and facets"),
            "400": _error("a parameter is not a number or not a known code"),
            "401": UNAUTHORIZED,
        },
    }},
    "/experts/{expert_id}": {"get": {
        "operationId": "getExpert",
        "summary": "One profile as the caller may see it",
        "parameters": [{"name": "expert_id", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 0}}],
        "responses": {
            "200": _json(_ref("Expert"), "the profile"),
            "301": {**_json(_ref("Merged"), "the profile was merged into another one"),
                    "headers": {"Location": {"schema": {"type": "string"}, "required": True}}},
            "401": UNAUTHORIZED,
            "404": _error("no such profile, or one the caller may not see (alike)"),
        },
    }},
    "/organisations": {"get": {
        "operationId": "searchOrganisations",
        "summary": "Search the organisations the caller may see",
        "parameters": [
            {"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "words of the names (both languages, acronym, other names), "
                            "description, city, country and fields; every word is required; "
                            "with or without diacritics (cut to 300 characters and 12 words)"},
            _repeatable("type", "types of organisation (OR-ed)", enum=ORGANISATION_TYPES),
            _repeatable("country", "ISO 3166-1 alpha-2 codes (OR-ed); an unknown code answers 400",
                        pattern="^[A-Za-z]{2}$"),
            _repeatable("field", "field codes from /api/v1/fields (OR-ed; a parent includes its "
                                 "sub-fields); an unknown code answers 400"),
            {"name": "page", "in": "query", "required": False,
             "schema": {"type": "integer", "default": 1}, "description": "clamped to 1 or more"},
            {"name": "per_page", "in": "query", "required": False,
             "schema": {"type": "integer", "default": 20}, "description": "clamped to 1–100"},
        ],
        "responses": {
            "200": _json(_ref("OrganisationSearchResult"),
                         "a page of results (newest first without q), with totals and facets"),
            "400": _error("a parameter is not a number or not a known code"),
            "401": UNAUTHORIZED,
        },
    }},
    "/organisations/{organisation_id}": {"get": {
        "operationId": "getOrganisation",
        "summary": "One organisation as the caller may see it",
        "parameters": [{"name": "organisation_id", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 0}}],
        "responses": {
            "200": _json(_ref("Organisation"), "the organisation"),
            "401": UNAUTHORIZED,
            "404": _error("no such organisation, or one the caller may not see (alike)"),
        },
    }},
    "/fields": {"get": {
        "operationId": "listFields",
        "summary": "The taxonomy of fields, in both languages",
        "responses": {"200": _json({"type": "array", "items": _ref("Field")}, "every field"),
                      "401": UNAUTHORIZED},
    }},
    "/suggest": {"get": {
        "operationId": "suggest",
        "summary": "Completions for the search box, in the caller's language",
        "parameters": [{"name": "q", "in": "query", "required": False,
                        "schema": {"type": "string"}, "description": "cut to 100 characters"}],
        "responses": {"200": _json(_ref("Suggestions"), "names, organisations and fields"),
                      "401": UNAUTHORIZED},
    }},
    "/programme/indicators": {"get": {
        "operationId": "programmeIndicators",
        "summary": "The programme's indicators: target and value for a year and since 2026 "
                   "(officials, curators and admins)",
        "description": "The numbers are the programme's, not the caller's: every record counts, "
                       "including those about profiles the caller may not open. For officials, a "
                       "count of people of 1 or 2 is null with suppressed true (as on the board). "
                       "entered: the value is entered by the responsible department with its "
                       "evidence rather than computed from the records.",
        "parameters": [{"name": "year", "in": "query", "required": False,
                        "schema": {"type": "integer", "minimum": 2026, "maximum": 2030},
                        "description": "a year of the programme; default: this year (within "
                                       "2026–2030); another value answers 400"}],
        "responses": {
            "200": _json(_ref("Indicators"), "every indicator, in the board's order"),
            "400": _error("the year is not a year of the programme"),
            "401": _error("no token or session, or a token that is unknown, revoked or expired"),
            "403": _error("the caller is an expert, not an official, curator or admin"),
        },
    }},
    "/openapi.json": {"get": {
        "operationId": "openapi",
        "summary": "This description",
        "responses": {"200": _json({"type": "object"}, "the OpenAPI document"),
                      "401": UNAUTHORIZED},
    }},
}


PATHS.update(_market_paths("/technology-offers", "offer",
                            ("field", "trl", "transfer_model", "organisation_type", "country"),
                            "TechnologyOffer", "offer"))
PATHS.update(_market_paths("/technology-demands", "demand", ("field", "organisation_type", "country"),
                           "TechnologyDemand", "demand"))


def document(server_url="/api/v1"):
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "expertnet API", "version": VERSION,
            "description": "The directory of experts and of the Hai Phong diaspora. Anonymous "
                           "callers see public profiles without contact details; a bearer "
                           "token (made on the account's Tokens page) acts as its account. "
                           "Errors are JSON in the caller's language (Accept-Language).",
        },
        "servers": [{"url": server_url}],
        "security": [{}, {"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
