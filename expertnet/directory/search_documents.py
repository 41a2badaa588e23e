"""A profile's search document: the values the index holds for it, read from the
database (fields as codes, trust signals, names folded for sorting).
"""
from expertnet import search
from expertnet.core import (
    places,
    signals,
)
from expertnet.core.text import sort_key
from expertnet.directory import validation
from expertnet.directory.models import Expert, ExpertField
from expertnet.taxonomy import (
    hometowns,
)

LIST_ATTRIBUTES = ("other_names", "keywords", "languages", "available_for")


SCALAR_ATTRIBUTES = tuple(column for column in validation.COLUMNS
                          if column not in validation.LIST_COLUMNS)


# -- documents ---------------------------------------------------------------------
def trust_values(expert, claimed):
    """The profile's trust signals as index values (``vocab.TRUST``)."""
    values = ["confirmed" if expert.confirmed_at is not None else "self_declared"]
    if claimed:
        values.append("claimed")
    if expert.orcid:
        values.append("orcid")
    return values


def document_for(expert, field_codes, taxonomy, claimed=False):
    """The search document of a profile (plain data: the search package knows no models).
    ``claimed``: whether an account owns the profile (a trust signal)."""
    expanded = taxonomy.with_ancestors([code for code in field_codes if code in taxonomy.fields])
    names = [expert.full_name, *expert.other_names]
    place = [*places.country_names_all(expert.country)] if expert.country else []
    place += [expert.city, expert.hometown]
    # A hometown is found by its names in both schemes (current units, former districts).
    place += [name for name in hometowns.search_names(expert.hometown) if name != expert.hometown]
    contact = [expert.email.lower()] if expert.email else []
    if expert.phone:
        contact.append("".join(ch for ch in expert.phone if ch.isdigit()))
    organization = expert.organization
    field_text = "\n".join(word for code in expanded for word in taxonomy.words(code))
    tags = "\n".join([expert.position, *expert.keywords])
    place_text = "\n".join(part for part in place if part)
    bios = "\n".join(bio for bio in (expert.bio_vi, expert.bio_en) if bio)
    document = {
        "id": str(expert.id),
        "id_num": expert.id,
        "version": expert.version,
        "kind": expert.kind,
        "visibility": expert.visibility,
        "country": expert.country,
        "fields": " ".join(expanded),
        "languages": " ".join(expert.languages),
        "available_for": " ".join(expert.available_for),
        "trust": " ".join(trust_values(expert, claimed)),
        "name_exact": "\n".join(names),
        "name": "\n".join(names),
        "organization": organization,
        "field_text": field_text,
        "tags": tags,
        "place": place_text,
        "text": bios,
        # Bigrams of the short fields only: bios would double the postings of every
        # profile (slower writes and rebuilds) for little gain in ranking.
        # A pair across two parts (last word of the name, first of the organisation) is
        # harmless noise: it only adds a little score to a query that typed both.
        "bigrams": "\n".join(part for part in ("\n".join(names), organization, field_text, tags)
                             if part),
        "bio_vi": expert.bio_vi,
        "bio_en": expert.bio_en,
        "contact": " ".join(contact),
        "name_sort": sort_key(expert.full_name),
        "updated": int(expert.updated_at.timestamp() * 1000),
    }
    # The same free text with its diacritics: a word typed with tone marks is that word.
    for name in search.EXACT_TEXT_FIELDS:
        document[f"{name}_exact"] = document[name]
    # Whoosh would index an empty ID as the term "": leave empty values out instead.
    return {key: value for key, value in document.items() if value not in ("", None)}


def field_codes_by_expert(ids):
    codes = {expert_id: [] for expert_id in ids}
    query = (ExpertField.select(ExpertField.expert, ExpertField.field)
             .where(ExpertField.expert.in_(list(ids)))
             .order_by(ExpertField.expert, ExpertField.position))
    for link in query:
        codes[link.expert_id].append(link.field_id)
    return codes


def claimed_ids(ids):
    """The ids among ``ids`` of profiles an account owns (accounts answer)."""
    return signals.claimed_ids(ids)


def for_ids(ids, taxonomy):
    experts = list(Expert.select().where(Expert.id.in_(list(ids))))
    codes = field_codes_by_expert([expert.id for expert in experts])
    owned = claimed_ids([expert.id for expert in experts])
    return {expert.id: document_for(expert, codes[expert.id], taxonomy, expert.id in owned)
            for expert in experts}
