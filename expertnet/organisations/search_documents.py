"""An organisation's search document for the records index (``search.records``): plain
data, names in both languages, its fields with their ancestors, and its facets."""
from expertnet.core import places
from expertnet.organisations.models import Organisation

KIND = "organisations"


def document_for(organisation, taxonomy, parent=None):
    codes = taxonomy.with_ancestors([code for code in organisation.fields if code in taxonomy.fields])
    names = [organisation.name_vi, organisation.name_en, organisation.acronym,
             *(organisation.other_names or [])]
    text = [organisation.description_vi, organisation.description_en, organisation.city,
            *(places.country_names_all(organisation.country) if organisation.country else ()),
            *(word for code in codes for word in taxonomy.words(code))]
    if parent is not None:
        text += [parent.name_vi, parent.name_en, parent.acronym]
    facets = {"type": [organisation.type], "country": [organisation.country] if organisation.country else [],
              "field": list(codes)}
    if organisation.strategic_partner:
        facets["strategic"] = ["yes"]
    return {"id": organisation.id, "names": "\n".join(name for name in names if name),
            "text": "\n".join(part for part in text if part), "visibility": organisation.visibility,
            "status": "published", "facets": facets}


def for_ids(ids, taxonomy):
    """``{id: document}`` of the organisations among ``ids`` that exist."""
    rows = list(Organisation.select().where(Organisation.id.in_(list(ids))))
    parents = {row.id: row for row in Organisation.select().where(
        Organisation.id.in_([row.parent_id for row in rows if row.parent_id]))}
    return {row.id: document_for(row, taxonomy, parents.get(row.parent_id)) for row in rows}


def all_documents(taxonomy, batch=1000):
    last_id = 0
    while True:
        ids = [row_id for (row_id,) in Organisation.select(Organisation.id).where(Organisation.id > last_id)
               .order_by(Organisation.id).limit(batch).tuples()]
        if not ids:
            return
        yield from for_ids(ids, taxonomy).values()
        last_id = ids[-1]
