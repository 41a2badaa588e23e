"""The search documents of offers and demands, in the shape of the shared records
index (plain dicts: id, names, text, visibility, status, facets as lists of codes).

A demand names its organisation (in its names, its text and the organisation-type and
country facets) only when anyone may see who asks (``identity_visibility`` public): a
search or a facet must never reveal what the page hides."""
from expertnet.organisations.models import Organisation
from expertnet.taxonomy import store as catalog
from expertnet.technology.models import TechnologyDemand, TechnologyOffer, TechnologyOfferExpert

KINDS = ("offers", "demands")


def _organisations(ids):
    ids = [organisation_id for organisation_id in set(ids) if organisation_id]
    return {row.id: row for row in Organisation.select().where(Organisation.id.in_(ids))} if ids else {}


def _organisation_parts(organisation):
    if organisation is None:
        return "", {"organisation_type": [], "country": []}
    names = " ".join(filter(None, [organisation.name_vi, organisation.name_en, organisation.acronym,
                                   *organisation.other_names]))
    return names, {"organisation_type": [organisation.type],
                   "country": [organisation.country] if organisation.country else []}


def offer_documents(offers):
    offers = list(offers)
    taxonomy = catalog.load()
    organisations = _organisations(offer.organisation_id for offer in offers)
    documents = []
    for offer in offers:
        names, facets = _organisation_parts(organisations.get(offer.organisation_id))
        documents.append({
            "id": offer.id,
            "names": " ".join(filter(None, [offer.title_vi, offer.title_en])),
            "text": "\n".join(filter(None, [offer.description_vi, offer.description_en, names])),
            "visibility": offer.visibility, "status": offer.status,
            "facets": {"field": sorted(taxonomy.with_ancestors(offer.fields)), "trl": [str(offer.trl)],
                       "transfer_model": list(offer.transfer_models), **facets}})
    return documents


def demand_documents(demands):
    demands = list(demands)
    taxonomy = catalog.load()
    organisations = _organisations(demand.organisation_id for demand in demands
                                   if demand.identity_visibility == "public")
    documents = []
    for demand in demands:
        names, facets = _organisation_parts(organisations.get(demand.organisation_id)
                                            if demand.identity_visibility == "public" else None)
        documents.append({
            "id": demand.id, "names": demand.title,
            "text": "\n".join(filter(None, [demand.problem, demand.desired_outcome, demand.location, names])),
            "visibility": demand.visibility, "status": demand.status,
            "facets": {"field": sorted(taxonomy.with_ancestors(demand.fields)), **facets}})
    return documents


def documents(kind, ids=None):
    """The documents of ``kind`` (all, or those of ``ids``)."""
    model, build = {"offers": (TechnologyOffer, offer_documents),
                    "demands": (TechnologyDemand, demand_documents)}[kind]
    query = model.select()
    if ids is not None:
        query = query.where(model.id.in_(list(ids)))
    return build(query)


def offers_of_expert(expert_id):
    return [row.offer_id for row in TechnologyOfferExpert.select(TechnologyOfferExpert.offer)
            .where(TechnologyOfferExpert.expert == expert_id)]
