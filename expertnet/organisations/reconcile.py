"""Reconciling today's free-text organisations with organisation records: every text
on profiles (``Expert.organization``), agreements (partner), delegations (organisations
met, one per line), needs, events (the organising department: a link makes the record
an organiser) and engagements (the department or organisation served) is proposed for
linking, with suggested records and their scores (``names.score``). A curator accepts a
suggestion, picks another record, creates one, or leaves the text as written; a bulk
accept links every text whose best match reaches a threshold and is clearly ahead of the
next one. Texts are grouped by their folded form: "ĐH Hàng hải VN" on forty profiles is
one decision.

Higher modules give their texts and apply their links through signals
(``organisation_texts``, ``organisation_link``); profiles are this module's business (a
linked profile gains an affiliation; its text stays as written)."""
from dataclasses import dataclass, field

from flask import has_request_context, url_for

from expertnet.core import audit, signals
from expertnet.core.db import database
from expertnet.core.text import clean, fold
from expertnet.directory.models import Expert
from expertnet.organisations import writes
from expertnet.organisations.models import Affiliation, LinkDecision, Organisation
from expertnet.organisations.names import best_matches

SOURCES = ("profile", "agreement", "delegation", "need", "event", "engagement")
SUGGESTIONS = 3
FLOOR = 60
BULK_THRESHOLD = 92
# A bulk accept needs the best match this far ahead of the second.
BULK_MARGIN = 5


@dataclass
class Proposal:
    key: str
    text: str
    items: list = field(default_factory=list)       # texts' records: dicts of organisation_texts
    matches: list = field(default_factory=list)     # [(Organisation, score)]

    @property
    def best(self):
        return self.matches[0] if self.matches else (None, 0)

    @property
    def clear_best(self):
        """The best match when it may be accepted in bulk at its score, else None."""
        if not self.matches:
            return None
        second = self.matches[1][1] if len(self.matches) > 1 else 0
        return self.matches[0] if self.matches[0][1] - second >= BULK_MARGIN else None

    def counts(self):
        found = {}
        for item in self.items:
            found[item["source"]] = found.get(item["source"], 0) + 1
        return found


def text_key(text):
    return fold(clean(text))[:300]


def _profile_texts():
    url = (lambda expert_id: url_for("main.profile", expert_id=expert_id)) if has_request_context() \
        else (lambda expert_id: "")
    linked = {(row.record_id, row.text_key): row.organisation_id for row in
              LinkDecision.select().where(LinkDecision.source == "profile")}
    return [{"source": "profile", "record_id": expert_id, "text": text,
             "organisation_id": linked.get((expert_id, text_key(text))), "title": name,
             "url": url(expert_id)}
            for expert_id, text, name in Expert.select(Expert.id, Expert.organization, Expert.full_name)
            .where(Expert.organization != "").order_by(Expert.id).tuples()]


def all_texts():
    """Every free-text organisation, from profiles and the modules answering the signal."""
    found = _profile_texts()
    for _receiver, items in signals.organisation_texts.send(None):
        found.extend(item for item in items or () if clean(item.get("text")))
    return found


def proposals(source=None, limit=None):
    """The texts waiting for a decision, grouped by folded text, each with its suggested
    records: the most frequent first. ``source`` keeps one kind of record."""
    decided = {(row.source, row.record_id, row.text_key) for row in
               LinkDecision.select(LinkDecision.source, LinkDecision.record_id, LinkDecision.text_key)}
    groups = {}
    for item in all_texts():
        if source and item["source"] != source:
            continue
        key = text_key(item["text"])
        if item.get("organisation_id") is not None or (item["source"], item["record_id"], key) in decided:
            continue
        group = groups.setdefault(key, Proposal(key, clean(item["text"])))
        group.items.append(item)
    ordered = sorted(groups.values(), key=lambda group: (-len(group.items), group.key))
    if limit is not None:
        ordered = ordered[:limit]
    organisations = list(Organisation.select())
    for group in ordered:
        group.matches = best_matches(group.text, organisations, limit=SUGGESTIONS, floor=FLOOR)
    return ordered


def linked_count():
    return sum(1 for item in all_texts() if item.get("organisation_id") is not None)


def _items_of(key, source=None):
    return [item for item in all_texts() if text_key(item["text"]) == key
            and (source is None or item["source"] == source) and item.get("organisation_id") is None]


def _apply(item, organisation_id, actor):
    key = text_key(item["text"])
    (LinkDecision.delete().where((LinkDecision.source == item["source"])
                                 & (LinkDecision.record_id == item["record_id"])
                                 & (LinkDecision.text_key == key)).execute())
    LinkDecision.create(source=item["source"], record_id=item["record_id"], text_key=key,
                        organisation=organisation_id, decided_by=actor)
    if item["source"] == "profile":
        if organisation_id is not None and not Affiliation.select().where(
                (Affiliation.expert_id == item["record_id"])
                & (Affiliation.organisation == organisation_id)).exists():
            position = Expert.select(Expert.position).where(Expert.id == item["record_id"]).scalar() or ""
            Affiliation.create(expert_id=item["record_id"], organisation=organisation_id,
                               role=position[:200], source_text=clean(item["text"])[:300],
                               created_by=actor)
        return
    if organisation_id is not None:
        signals.organisation_link.send(item["source"], record_id=item["record_id"],
                                       text=item["text"], organisation_id=organisation_id)


def accept(key, organisation, actor=None, source=None):
    """Link every record whose text folds to ``key`` (of ``source`` only, when given) to
    ``organisation``; returns how many were linked."""
    items = _items_of(key, source)
    with database.atomic():
        for item in items:
            _apply(item, organisation.id, actor)
        if items:
            audit.record("organisation.link_texts", actor_id=actor,
                         changes={"organisation": organisation.id, "text": items[0]["text"],
                                  "records": len(items)})
    return len(items)


def leave_as_written(key, actor=None, source=None):
    """No record fits: the texts stay as written and are not proposed again."""
    items = _items_of(key, source)
    with database.atomic():
        for item in items:
            _apply(item, None, actor)
        if items:
            audit.record("organisation.leave_texts", actor_id=actor,
                         changes={"text": items[0]["text"], "records": len(items)})
    return len(items)


def create_and_accept(key, raw, actor=None, source=None):
    """Create an organisation from ``raw`` (raises ``OrganisationErrors``) and link the
    texts to it, in one transaction."""
    with database.atomic():
        outcome = writes.save(raw, actor, index=False)
        linked = accept(key, outcome.organisation, actor, source)
    writes.indexing.index_after_commit([outcome.organisation.id])
    return outcome.organisation, linked


def bulk_accept(threshold=BULK_THRESHOLD, actor=None):
    """Accept every proposal whose best match reaches ``threshold`` and is clearly ahead:
    ``(groups, records)`` linked."""
    groups = records = 0
    with database.atomic():
        for proposal in proposals():
            best = proposal.clear_best
            if best is None or best[1] < threshold:
                continue
            records += accept(proposal.key, best[0], actor)
            groups += 1
        if groups:
            audit.record("organisation.bulk_link", actor_id=actor,
                         changes={"threshold": threshold, "groups": groups, "records": records})
    return groups, records


def unlink_profile(expert_id, organisation_id, actor=None):
    """Undo a profile's link (its affiliation made by the link stays a curator's to remove)."""
    with database.atomic():
        LinkDecision.delete().where((LinkDecision.source == "profile") & (LinkDecision.record_id == expert_id)
                                    & (LinkDecision.organisation == organisation_id)).execute()
        audit.record("organisation.unlink_text", actor_id=actor, expert_id=expert_id,
                     changes={"organisation": organisation_id})


def linked_profile_ids(organisation_id):
    """Profiles whose free-text organisation was linked to ``organisation_id``."""
    return [row_id for (row_id,) in LinkDecision.select(LinkDecision.record_id).where(
        (LinkDecision.source == "profile") & (LinkDecision.organisation == organisation_id)).tuples()]
