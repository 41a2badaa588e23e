"""Organisations recorded twice, and their merge. Two records are likely the same when
one of the names of one (Vietnamese, English, other names) meets one of the other's
once folded and abbreviations written out ("ĐH Hàng hải VN" = "Đại học Hàng hải Việt
Nam"), when their acronyms are equal (in the same country, or either without one), or
when a name of one scores high against the other (``names.score``: "Vietnam Maritime
University" and "VMU"). Merging keeps one record, fills its empty values from the other,
keeps the other's names as other names, and repoints everything that pointed at the
other (affiliations, contacts, decisions, units, and other modules' links by signal).

The duplicates page reads the pairs stored with the version of the register they were
found in (:func:`stored`): found again when the register's version differs (in the
background after each change, or by the page that finds them stale); a merged or
deleted record's pairs go with it in its transaction."""
import hashlib
import json

from peewee import IntegrityError, fn

from expertnet.core import audit, signals, tasks
from expertnet.core.db import database, utcnow
from expertnet.core.text import clean
from expertnet.organisations import blocking, indexing
from expertnet.organisations.models import (
    Affiliation,
    LinkDecision,
    Organisation,
    OrganisationContact,
    OrganisationDuplicate,
    OrganisationDuplicateState,
)
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


# -- stored pairs -----------------------------------------------------------------------
def register_version():
    """A value that changes whenever an organisation is created, written (its version is
    bumped), merged or deleted."""
    values = (Organisation.select(fn.COUNT(Organisation.id), fn.MAX(Organisation.id),
                                  fn.MAX(Organisation.updated_at), fn.SUM(Organisation.version))
              .tuples().first())
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:40]


def _state():
    state = OrganisationDuplicateState.select().order_by(OrganisationDuplicateState.id).first()
    return state if state is not None else OrganisationDuplicateState.create()


def refresh(force=False):
    """Find the pairs again and store them when the register changed since they were
    found (or ``force``); True when found again."""
    version = register_version()
    state = _state()
    if not force and state.register_version == version:
        return False
    rows = [{"first": first.id, "second": second.id, "reason": why} for first, second, why in candidates()]
    try:
        with database.atomic():
            OrganisationDuplicate.delete().execute()
            for start in range(0, len(rows), 500):
                OrganisationDuplicate.insert_many(rows[start:start + 500]).execute()
            OrganisationDuplicateState.update(register_version=version, computed_at=utcnow()).where(
                OrganisationDuplicateState.id == state.id).execute()
    except IntegrityError:
        # Another process stored its pairs meanwhile (two readers found them stale at
        # once): they were found in the same register, or the next read finds them stale.
        pass
    return True


@tasks.task("expertnet.organisations.refresh_duplicates")
def refresh_task():
    refresh()


@signals.organisations_changed.connect
def _register_changed(_sender, **_values):
    # Found again in the background before a curator opens the page.
    refresh_task()


def _forget(organisation_id):
    OrganisationDuplicate.delete().where((OrganisationDuplicate.first == organisation_id)
                                         | (OrganisationDuplicate.second == organisation_id)).execute()


@signals.organisations_merged.connect
def _merged(drop_id, **_values):
    _forget(drop_id)


@signals.organisation_deleted.connect
def _deleted(organisation_id, **_values):
    _forget(organisation_id)


def stored(page=1, per_page=20):
    """``(pairs, total)``: one page of the stored ``[(first, second, reason)]`` in the
    order of :func:`candidates`, found again first if the register changed."""
    refresh()
    query = OrganisationDuplicate.select().order_by(OrganisationDuplicate.first, OrganisationDuplicate.second)
    total = query.count()
    rows = list(query.paginate(page, per_page))
    wanted = {row.first for row in rows} | {row.second for row in rows}
    records = {row.id: row for row in Organisation.select().where(Organisation.id.in_(wanted))} \
        if wanted else {}
    pairs = [(records[row.first], records[row.second], row.reason) for row in rows
             if row.first in records and row.second in records]
    return pairs, total


def for_record(organisation, limit=5, organisations=None):
    """Likely duplicates of one organisation (its page): ``[(other, reason)]``, by id, as
    ``reason(organisation, other)`` over every other record gives them; only the records
    that blocking keeps (``blocking.partners``) are judged. ``organisations``: the register
    (by default the stored one)."""
    if organisations is None:
        # Only what is compared and shown: the register is read on each page load.
        organisations = (Organisation.select(Organisation.id, Organisation.name_vi, Organisation.name_en,
                                             Organisation.acronym, Organisation.other_names,
                                             Organisation.country)
                         .order_by(Organisation.id))
    others = [row for row in organisations if row.id != (organisation.id or 0)]
    target = _Forms(organisation)
    found = []
    for index in sorted(blocking.partners(organisation, others, SCORE)):
        why = _reason(target, _Forms(others[index]))
        if why:
            found.append((others[index], why))
            if len(found) == limit:
                break
    return found


def for_record_all_pairs(organisation, organisations, limit=5):
    """``for_record`` by judging every other record: the reference (tests, ``bench.organisations``)."""
    return [(other, why) for other in organisations if other.id != (organisation.id or 0)
            for why in [reason(organisation, other)] if why][:limit]


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
