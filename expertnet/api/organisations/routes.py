"""``/api/v1/organisations`` and ``/api/v1/organisations/<id>``: the register as its
caller may see it (the profiles' visibility levels), searched like ``/api/v1/experts``
(``q``, facets type / country / field, paging). Anonymous callers get no contact
persons; a record the caller may not see answers 404 like one that does not exist."""
from flask import jsonify, request

from expertnet.api import bp
from expertnet.core import access, places
from expertnet.core.i18n import _
from expertnet.organisations import access as organisation_access
from expertnet.organisations import writes
from expertnet.organisations.models import ORGANISATION_TYPES
from expertnet.taxonomy import store as catalog
from expertnet.web.responses import json_error

MAX_PER_PAGE = 100
MAX_VALUES = 5


class _Bad(ValueError):
    def __init__(self, name, message):
        super().__init__(message)
        self.name = name
        self.message = message


def _integer(name, default):
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise _Bad(name, _("“%(value)s” is not a whole number", value=raw[:50])) from None


def _filters():
    taxonomy = catalog.load()
    filters = {}
    for name in ("type", "country", "field"):
        values = [value.strip() for value in request.args.getlist(name) if value.strip()][:MAX_VALUES]
        for value in values:
            if name == "type" and value not in ORGANISATION_TYPES:
                raise _Bad(name, _("“%(value)s” is not a type of organisation", value=value[:50]))
            if name == "country" and not places.is_country(value.upper()):
                raise _Bad(name, _("“%(value)s” is not a country code", value=value[:20]))
            if name == "field" and value not in taxonomy.fields:
                raise _Bad(name, _("“%(value)s” is not a field code", value=value[:50]))
        if values:
            filters[name] = [value.upper() if name == "country" else value for value in values]
    return filters


def summary(organisation, viewer):
    parent = organisation_access.get_visible(organisation.parent_id, viewer) \
        if organisation.parent_id else None
    return {
        "id": organisation.id, "external_id": organisation.external_id,
        "name_vi": organisation.name_vi, "name_en": organisation.name_en,
        "acronym": organisation.acronym, "type": organisation.type,
        "country": organisation.country or None, "city": organisation.city,
        "fields": organisation.fields, "strategic_partner": organisation.strategic_partner,
        "parent_id": parent.id if parent is not None else None,
    }


def detail(organisation, viewer):
    data = summary(organisation, viewer)
    data.update({
        "other_names": organisation.other_names, "website": organisation.website,
        "description_vi": organisation.description_vi, "description_en": organisation.description_en,
        "visibility": organisation.visibility,
        "updated_at": organisation.updated_at.isoformat() + "Z", "version": organisation.version,
    })
    if viewer.user_id is not None:
        data["contacts"] = [
            {"name": profile.full_name if profile is not None else contact.name, "role": contact.role,
             "expert_id": profile.id if profile is not None else None, **details}
            for contact, profile, details in writes.visible_contacts(organisation, viewer, source="api")]
    return data


@bp.get("/organisations")
def organisations():
    viewer = access.current_viewer()
    try:
        filters = _filters()
        page = max(1, _integer("page", 1))
        per_page = min(max(1, _integer("per_page", 20)), MAX_PER_PAGE)
    except _Bad as exc:
        return json_error(400, exc.message, parameter=exc.name)
    rows, total, facets = organisation_access.search(viewer, request.args.get("q", "")[:300], filters,
                                                     page=page, per_page=per_page)
    return jsonify({
        "total": total, "page": page, "per_page": per_page,
        "results": [summary(row, viewer) for row in rows],
        "facets": {name: dict(facets.get(name, [])) for name in ("type", "country", "field")},
    })


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id):
    viewer = access.current_viewer()
    found = organisation_access.get_visible(organisation_id, viewer)
    if found is None:
        return json_error(404, _("No such organisation."))
    return jsonify(detail(found, viewer))
