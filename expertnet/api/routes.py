"""JSON API v1 (contract in DESIGN.md and the README)."""
from flask import jsonify, request, url_for

from expertnet import search
from expertnet.api import bp
from expertnet.core import access, audit
from expertnet.core.db import utcnow
from expertnet.core.i18n import _, current_language
from expertnet.core.text import parse_id
from expertnet.directory import finder
from expertnet.programme import computations, indicators
from expertnet.taxonomy import store as catalog
from expertnet.web.responses import json_error

PROFILE_FIELDS = (
    "id", "external_id", "kind", "full_name", "other_names", "title", "degree",
    "hometown", "country", "city", "organization", "position", "sector",
    "fields", "keywords", "languages", "available_for", "bio_vi", "bio_en", "website", "orcid",
    "visibility", "updated_at", "version",
)


def summary(expert, highlight=""):
    return {
        "id": expert.id,
        "external_id": expert.external_id,
        "full_name": expert.full_name,
        "kind": expert.kind,
        "country": expert.country or None,
        "organization": expert.organization,
        "position": expert.position,
        "fields": expert.codes,
        "available_for": expert.available_for,
        "highlight": highlight,
    }


def profile(expert, viewer):
    data = {}
    for name in PROFILE_FIELDS:
        value = expert.codes if name == "fields" else getattr(expert, name)
        if name == "updated_at":
            value = value.isoformat() + "Z"
        data[name] = value
    for name in access.CONTACT_FIELDS:
        if name in access.visible_contact_fields(viewer, expert):
            data[name] = getattr(expert, name)
    if viewer.is_curator or viewer.acts_for(expert.id):
        # Personal details the profile page does not show either: for those who
        # keep the record only.
        data["gender"] = expert.gender
        data["birth_year"] = expert.birth_year
        # Who may see each contact detail: for those who may change it.
        for name in access.CONTACT_FIELDS:
            data[f"{name}_visibility"] = access.contact_visibility(expert, name)
    return data


@bp.get("/experts")
def experts():
    try:
        criteria = finder.parse_criteria(request.args)
    except finder.BadParameter as exc:
        return json_error(400, exc.message, parameter=exc.name)
    found = finder.find(criteria)
    return jsonify({
        "total": found.total,
        "page": criteria.page,
        "per_page": criteria.per_page,
        "results": [summary(expert, found.highlights.get(expert.id, ""))
                    for expert in found.experts],
        "facets": found.facets,
        "understood": {
            "literal": criteria.literal,
            "applied": [_meaning(item) for item in found.understood],
            "dropped": [_meaning(item) for item in found.dropped],
        },
        "did_you_mean": found.suggestion or None,
    })


def _meaning(item):
    return {"parameter": item.parameter, "value": item.value, "text": item.text,
            "ignore": item.key}


@bp.get("/experts/<int:expert_id>")
def expert(expert_id):
    viewer = access.current_viewer()
    found = finder.get_visible(expert_id, viewer)
    if found is None:
        target = finder.merged_target(expert_id, viewer)
        if target is None:
            return json_error(404, _("No such expert."))
        # A merged-away id: 301 to the kept profile, and its id in the body for
        # clients that do not follow redirects.
        location = url_for("api.expert", expert_id=target)
        response = jsonify({"merged_into": target, "location": location})
        response.status_code = 301
        response.headers["Location"] = location
        return response
    audit.contact_view(viewer, found, access.visible_contact_fields(viewer, found), source="api")
    return jsonify(profile(found, viewer))


@bp.get("/fields")
def fields():
    taxonomy = catalog.load()
    return jsonify([
        {"code": field.code, "parent": field.parent_id, "name_vi": field.name_vi,
         "name_en": field.name_en, "synonyms": [*field.synonyms_vi, *field.synonyms_en]}
        for field in taxonomy.fields.values()
    ])


@bp.get("/suggest")
def suggest():
    """Completions for the search box, in the reader's language: names (open the
    profile), organisations and fields (run a search)."""
    viewer = access.current_viewer()
    text = request.args.get("q", "")[:100]
    found = search.suggest(search.get_store(), text, access.visible_levels(viewer),
                           tuple(viewer.always_visible_ids))
    language = current_language()
    fields = catalog.load().suggest(text, language)
    return jsonify({
        "names": [{"id": expert_id, "name": name, "url": url_for("main.profile", expert_id=expert_id)}
                  for expert_id, name in found["names"]],
        "organizations": [{"name": name, "url": url_for("main.search_page", q=name)}
                          for name in found["organizations"]],
        "fields": [{"code": field.code, "name": field.name(language),
                    "url": url_for("main.search_page", field=field.code)} for field in fields],
    })


@bp.get("/openapi.json")
def openapi_document():
    from expertnet.api import openapi
    return jsonify(openapi.document(request.script_root + "/api/v1"))


@bp.get("/programme/indicators")
def programme_indicators():
    """Each indicator's target and value for ``year`` and since the programme began
    (officials' tokens and above). Counts of people of 1 or 2 are ``null`` with
    ``"suppressed": true`` for officials, as on the board."""
    viewer = access.current_viewer()
    if viewer.user_id is None:
        return json_error(401, _("Sign in or send a token to read the programme's indicators."))
    if viewer.role not in ("official", "curator", "admin"):
        return json_error(403, _("Only officials, curators and administrators may read the "
                                 "programme's indicators."))
    raw = request.args.get("year", "")
    year = parse_id(raw) if raw else min(max(utcnow().date().year, computations.YEARS[0]),
                                         computations.YEARS[-1])
    if year not in computations.YEARS:
        return json_error(400, _("Give a year of the programme, %(first)s to %(last)s.",
                                 first=computations.YEARS[0], last=computations.YEARS[-1]),
                          parameter="year")
    exact = indicators.exact_for(viewer)
    language = current_language()
    results = []
    for line in indicators.board(year):
        value = indicators.shown(line.value, line.personal, exact)
        cumulative = indicators.shown(line.cumulative, line.personal, exact)
        results.append({
            "code": line.indicator.code, "name": line.indicator.name(language),
            "unit": line.indicator.unit(language), "entered": line.entered,
            "target": line.target, "value": value if not isinstance(value, str) else None,
            "state": line.state,
            "cumulative_target": line.cumulative_target,
            "cumulative": cumulative if not isinstance(cumulative, str) else None,
            "cumulative_state": line.cumulative_state,
            "period_target": {"low": line.indicator.period_low, "high": line.indicator.period_high},
            "suppressed": isinstance(value, str) or isinstance(cumulative, str),
        })
    return jsonify({"year": year, "exact": exact, "results": results})

