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
from expertnet.organisations import blocking, indexing
from expertnet.organisations.models import Affiliation, LinkDecision, Organisation, OrganisationContact
from expertnet.organisations.names import Record, Text, acronym_key, name_key, record_names, scored

SCORE = 92
FILLED = ("name_vi", "name_en", "acronym", "country", "city", "website", "description_vi",
          "description_en", "external_id")


class _Forms:
    """What ``reason`` compares of one organisation, computed once."""

    __slots__ = ("organisation", "keys", "acronym", "names", "texts", "record")

    def __init__(self, organisation):
        self.organisation = organisation
        names = record_names(organisation)
        self.keys = {name_key(name) for name in names} - {""}
        self.acronym = acronym_key(organisation.acronym or "")
        self.names = [Text(name) for name in names]
        self.texts = self.names + [Text(organisation.acronym)] * bool(organisation.acronym)
        self.record = Record(organisation)


def _reason(first, second):
    if first.keys & second.keys:
        return "name"
    one, other = first.acronym, second.acronym
    country, other_country = first.organisation.country, second.organisation.country
    if one and one == other and (not country or not other_country or country == other_country):
        return "acronym"
    # The first's names and acronym scored against the second, the second's names against the first.
    best = max([scored(text, second.record) for text in first.texts]
               + [scored(text, first.record) for text in second.names], default=0)
    return "similar" if best >= SCORE else None


def reason(first, second):
    """Why ``first`` and ``second`` look like one organisation, or None."""
    return _reason(_Forms(first), _Forms(second))


def candidates_all_pairs(organisations):
    """``candidates`` by judging every pair: the reference the blocked search must equal
    (tests, ``bench.organisations``)."""
    rows = list(organisations)
    forms = [_Forms(row) for row in rows]
    found = []
    for index, first in enumerate(forms):
        for second in forms[index + 1:]:
            why = _reason(first, second)
            if why:
                found.append((first.organisation, second.organisation, why))
    return found


def candidates(organisations=None):
    """``[(first, second, reason)]`` of likely duplicates, each pair once, in the order of
    ``organisations`` (by id when not given): only the pairs that blocking keeps are
    judged (``blocking.candidate_pairs``), which are all that may be duplicates."""
    rows = list(organisations if organisations is not None
                else Organisation.select().order_by(Organisation.id))
    forms = [_Forms(row) for row in rows]
    found = []
    for first, second in sorted(blocking.candidate_pairs(rows, SCORE)):
        why = _reason(forms[first], forms[second])
        if why:
            found.append((rows[first], rows[second], why))
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
