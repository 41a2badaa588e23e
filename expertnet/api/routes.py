"""JSON API v1 (contract in DESIGN.md and the README)."""
from flask import jsonify, request, url_for

from expertnet import search
from expertnet.api import bp, openapi
from expertnet.core import access, audit
from expertnet.core.db import utcnow
from expertnet.core.i18n import _, current_language
from expertnet.core.text import LAST_PAGE, parse_id
from expertnet.directory import finder
from expertnet.organisations.models import Organisation
from expertnet.programme import computations, indicators
from expertnet.taxonomy import store as catalog
from expertnet.technology import indexing, offers
from expertnet.technology import rules as market_rules
from expertnet.technology.models import TechnologyDemand, TechnologyOffer
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


# -- the technology marketplace ------------------------------------------------------------
MARKET_FILTERS = {"offers": ("field", "trl", "transfer_model", "organisation_type", "country"),
                  "demands": ("field", "organisation_type", "country")}


def _page_number(name, default, highest):
    raw = request.args.get(name, "")
    value = parse_id(raw) if raw else default
    return min(max(value or default, 1), highest)


def _organisation_json(organisation):
    if organisation is None:
        return None
    return {"id": organisation.id, "name_vi": organisation.name_vi, "name_en": organisation.name_en,
            "type": organisation.type, "country": organisation.country or None}


def _offer_json(offer, viewer, organisations):
    data = {"id": offer.id, "title_vi": offer.title_vi, "title_en": offer.title_en,
            "description_vi": offer.description_vi, "description_en": offer.description_en,
            "fields": offer.fields, "trl": offer.trl, "ip_status": offer.ip_status,
            "transfer_models": offer.transfer_models, "price": offer.price, "negotiable": offer.negotiable,
            "organisation": _organisation_json(organisations.get(offer.organisation_id)),
            "experts": [expert.id for expert in offers.experts(offer, viewer)],
            "published_at": offer.published_at.isoformat() + "Z" if offer.published_at else None}
    if market_rules.may_see_contacts(viewer, offer):
        data["contact"] = {"name": offer.contact_name, "email": offer.contact_email,
                           "phone": offer.contact_phone}
    return data


def _demand_json(demand, viewer, organisations):
    identity = market_rules.may_see_identity(viewer, demand)
    data = {"id": demand.id, "title": demand.title, "problem": demand.problem,
            "desired_outcome": demand.desired_outcome, "language": demand.language,
            "fields": demand.fields, "budget_min": demand.budget_min, "budget_max": demand.budget_max,
            "deadline": demand.deadline.isoformat() if demand.deadline else None,
            "location": demand.location,
            "organisation": (_organisation_json(organisations.get(demand.organisation_id))
                             if identity else None),
            "published_at": demand.published_at.isoformat() + "Z" if demand.published_at else None}
    if identity and market_rules.may_see_contacts(viewer, demand):
        data["contact"] = {"name": demand.contact_name, "email": demand.contact_email,
                           "phone": demand.contact_phone}
    return data


def _organisations_of(records):
    ids = [record.organisation_id for record in records if record.organisation_id]
    return {row.id: row for row in Organisation.select().where(Organisation.id.in_(ids))} if ids else {}


def _market_list(kind, model, render):
    viewer = access.current_viewer()
    page = _page_number("page", 1, LAST_PAGE)
    per_page = _page_number("per_page", 20, 100)
    q = request.args.get("q", "")[:200]
    filters = {name: [value[:40] for value in request.args.getlist(name)][:5]
               for name in MARKET_FILTERS[kind]}
    found = indexing.search(kind, q, levels=access.visible_levels(viewer), filters=filters,
                            facets=MARKET_FILTERS[kind], page=page, per_page=per_page)
    loaded = {row.id: row for row in model.select().where(model.id.in_(found.ids))} if found.ids else {}
    rows = [loaded[record_id] for record_id in found.ids if record_id in loaded]
    organisations = _organisations_of(rows)
    return jsonify({"total": found.total, "page": page, "per_page": per_page,
                    "results": [render(row, viewer, organisations) for row in rows],
                    "facets": {name: dict(counts) for name, counts in found.facet_counts.items()}})


def _market_record(model, record_id, render, message):
    viewer = access.current_viewer()
    record = model.get_or_none(model.id == record_id)
    if record is None or not market_rules.may_see(viewer, record):
        return json_error(404, message)
    return jsonify(render(record, viewer, _organisations_of([record])))


@bp.get("/technology-offers")
def technology_offers():
    return _market_list("offers", TechnologyOffer, _offer_json)


@bp.get("/technology-offers/<int:offer_id>")
def technology_offer(offer_id):
    return _market_record(TechnologyOffer, offer_id, _offer_json, _("No such technology offer."))


@bp.get("/technology-demands")
def technology_demands():
    return _market_list("demands", TechnologyDemand, _demand_json)


@bp.get("/technology-demands/<int:demand_id>")
def technology_demand(demand_id):
    return _market_record(TechnologyDemand, demand_id, _demand_json, _("No such technology demand."))
