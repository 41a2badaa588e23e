"""Organisations recorded twice, and their merge. Two records are likely the same when
one of the names of one (Vietnamese, English, other names) meets one of the other's
once folded and abbreviations written out ("ĐH Hàng hải VN" = "Đại học Hàng hải Việt
Nam"), when their acronyms are equal (in the same country, or either without one), or
when a name of one scores high against the other (``names.score``: "Vietnam Maritime
University" and "VMU"). Merging keeps one record, fills its empty values from the other,
keeps the other's names as other names, and repoints everything that pointed at the
other (affiliations, contacts, decisions, units, and other modules' links by signal)."""
from expertnet.core import audit, signals
from expertnet.core.db import database, utcnow
from expertnet.core.text import clean
from expertnet.organisations import indexing
from expertnet.organisations.models import Affiliation, LinkDecision, Organisation, OrganisationContact
from expertnet.organisations.names import acronym_key, name_key, record_names, score

SCORE = 92
FILLED = ("name_vi", "name_en", "acronym", "country", "city", "website", "description_vi",
          "description_en", "external_id")


def reason(first, second):
    """Why ``first`` and ``second`` look like one organisation, or None."""
    keys = {name_key(name) for name in record_names(first)} - {""}
    if keys & ({name_key(name) for name in record_names(second)} - {""}):
        return "name"
    one, other = acronym_key(first.acronym or ""), acronym_key(second.acronym or "")
    if one and one == other and (not first.country or not second.country or first.country == second.country):
        return "acronym"
    best = max([score(name, second) for name in record_names(first)]
               + [score(first.acronym, second)] * bool(first.acronym)
               + [score(name, first) for name in record_names(second)], default=0)
    return "similar" if best >= SCORE else None


def candidates(organisations=None):
    """``[(first, second, reason)]`` of likely duplicates, each pair once."""
    rows = list(organisations if organisations is not None
                else Organisation.select().order_by(Organisation.id))
    found = []
    for index, first in enumerate(rows):
        for second in rows[index + 1:]:
            why = reason(first, second)
            if why:
                found.append((first, second, why))
    return found


def for_record(organisation, limit=5):
    """Likely duplicates of one organisation (its page, the import's report)."""
    others = Organisation.select().where(Organisation.id != (organisation.id or 0))
    return [(other, why) for other in others for why in [reason(organisation, other)] if why][:limit]


def merge(keep, drop, actor=None):
    """Merge ``drop`` into ``keep`` in one transaction; returns the kept record."""
    if keep.id == drop.id:
        raise ValueError("an organisation cannot be merged into itself")
    with database.atomic():
        keep = Organisation.get_by_id(keep.id)
        drop = Organisation.get_by_id(drop.id)
        filled = {}
        for name in FILLED:
            if not getattr(keep, name) and getattr(drop, name):
                filled[name] = getattr(drop, name)
        drop_external = drop.external_id
        names = [*keep.other_names]
        for name in record_names(drop):
            if clean(name) and name not in record_names(keep) and name not in names:
                names.append(name)
        keep.other_names = names
        keep.fields = list(dict.fromkeys([*keep.fields, *drop.fields]))
        keep.strategic_partner = keep.strategic_partner or drop.strategic_partner
        if keep.parent_id is None and drop.parent_id not in (None, keep.id):
            keep.parent = drop.parent_id
        if "external_id" in filled:
            Organisation.update(external_id=None).where(Organisation.id == drop.id).execute()
        for name, value in filled.items():
            setattr(keep, name, value)
        # Affiliations: one per profile and organisation; the kept record's wins.
        kept_experts = Affiliation.select(Affiliation.expert_id).where(Affiliation.organisation == keep.id)
        Affiliation.delete().where((Affiliation.organisation == drop.id)
                                   & Affiliation.expert_id.in_(kept_experts)).execute()
        Affiliation.update(organisation=keep.id).where(Affiliation.organisation == drop.id).execute()
        OrganisationContact.update(organisation=keep.id).where(
            OrganisationContact.organisation == drop.id).execute()
        LinkDecision.update(organisation=keep.id).where(LinkDecision.organisation == drop.id).execute()
        Organisation.update(parent=keep.id).where((Organisation.parent == drop.id)
                                                  & (Organisation.id != keep.id)).execute()
        signals.organisations_merged.send(drop.id, keep=keep.id)
        keep.version += 1
        keep.updated_at = utcnow()
        keep.save()
        Organisation.delete().where(Organisation.id == drop.id).execute()
        audit.record("organisation.merge", actor_id=actor,
                     changes={"merged_into": keep.id, "merged_from": drop.id,
                              "name": drop.name_vi or drop.name_en, "external_id": drop_external,
                              "filled": sorted(filled)})
    indexing.index_after_commit([keep.id, drop.id])
    return keep
