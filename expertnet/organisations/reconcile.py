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
linked profile gains an affiliation; its text stays as written).

Suggestions are computed once and kept (``models.OrganisationProposal``): the page reads them.
They are computed again when the register or the texts change, which two versions
tell (:func:`versions`: cheap aggregates of the register, the profiles and the decisions,
and the few texts of higher modules): only the texts not seen before are matched while
the register stays the same; a changed register matches them all
(``blocking.Matcher``). A small computation is done within the request; a larger one
runs as a task while the page shows its progress."""
import datetime
import hashlib
import json
from dataclasses import dataclass, field

from flask import has_request_context, url_for
from peewee import IntegrityError, fn

from expertnet.core import audit, signals, tasks
from expertnet.core.db import database, utcnow
from expertnet.core.text import clean, fold
from expertnet.directory.models import Expert
from expertnet.organisations import writes
from expertnet.organisations.blocking import Matcher
from expertnet.organisations.models import Affiliation, LinkDecision, Organisation
from expertnet.organisations.models import OrganisationProposal as ProposalRow
from expertnet.organisations.models import OrganisationProposalState as ProposalState
from expertnet.organisations.names import best_matches

SOURCES = ("profile", "agreement", "delegation", "need", "event", "engagement")
SUGGESTIONS = 3
FLOOR = 60
BULK_THRESHOLD = 92
# A bulk accept needs the best match this far ahead of the second.
BULK_MARGIN = 5
# More texts to match than this and the computation runs as a task, not in the request.
BACKGROUND_TEXTS = 3000
# Texts matched between two writes of the progress.
PROGRESS_STEP = 500
# A computation that has not finished after this long is taken for dead and started again.
STALLED = datetime.timedelta(minutes=15)
# Texts of a proposal kept to show (one more than shown tells that there are more).
SAMPLES = 4


@dataclass
class Proposal:
    key: str
    text: str
    items: list = field(default_factory=list)       # texts' records: dicts of organisation_texts
    matches: list = field(default_factory=list)     # [(Organisation, score)]
    per_source: dict = None                         # {source: records}, when items are samples

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
        if self.per_source is not None:
            return dict(self.per_source)
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


def _groups(source=None):
    """``(groups, linked)``: the texts waiting for a decision grouped by folded text (most
    frequent first, without matches), and how many texts are linked to a record."""
    decided = {(row.source, row.record_id, row.text_key) for row in
               LinkDecision.select(LinkDecision.source, LinkDecision.record_id, LinkDecision.text_key)}
    groups = {}
    linked = 0
    for item in all_texts():
        if item.get("organisation_id") is not None:
            linked += 1
        if source and item["source"] != source:
            continue
        key = text_key(item["text"])
        if item.get("organisation_id") is not None or (item["source"], item["record_id"], key) in decided:
            continue
        group = groups.setdefault(key, Proposal(key, clean(item["text"])))
        group.items.append(item)
    return sorted(groups.values(), key=lambda group: (-len(group.items), group.key)), linked


def proposals(source=None, limit=None):
    """The texts waiting for a decision, grouped by folded text, each with its suggested
    records: the most frequent first. ``source`` keeps one kind of record. Computed
    afresh, every text against every record (the reference of the stored proposals)."""
    ordered, _linked = _groups(source)
    if limit is not None:
        ordered = ordered[:limit]
    organisations = list(Organisation.select())
    for group in ordered:
        group.matches = best_matches(group.text, organisations, limit=SUGGESTIONS, floor=FLOOR)
    return ordered


# -- stored proposals -----------------------------------------------------------------
def _digest(values):
    return hashlib.sha256(json.dumps(values, default=str, sort_keys=True).encode()).hexdigest()[:40]


def versions():
    """``(register, texts)``: values that change whenever an organisation is written,
    merged or deleted, and whenever a free text or a decision on one changes."""
    register = (Organisation.select(fn.COUNT(Organisation.id), fn.MAX(Organisation.id),
                                    fn.MAX(Organisation.updated_at), fn.SUM(Organisation.version))
                .tuples().first())
    profiles = (Expert.select(fn.COUNT(Expert.id), fn.MAX(Expert.id), fn.MAX(Expert.updated_at),
                              fn.SUM(Expert.version))
                .where(Expert.organization != "").tuples().first())
    decisions = (LinkDecision.select(fn.COUNT(LinkDecision.id), fn.MAX(LinkDecision.id),
                                     fn.MAX(LinkDecision.decided_at)).tuples().first())
    others = sorted((item["source"], item["record_id"], item["text"], item.get("organisation_id") or 0,
                     item.get("title") or "", item.get("url") or "")
                    for _receiver, items in signals.organisation_texts.send(None) for item in items or ())
    return _digest(register), _digest([profiles, decisions, others])


def _state():
    state = ProposalState.select().order_by(ProposalState.id).first()
    return state if state is not None else ProposalState.create()


def _set_state(state_id, **values):
    with database.atomic():
        ProposalState.update(**values).where(ProposalState.id == state_id).execute()


def _plan():
    """What a computation needs: the versions, the groups, and the matches already known
    (those of the same register, by folded text)."""
    register, texts = versions()
    groups, linked = _groups()
    state = _state()
    known = {}
    if state.register_version == register:
        rows = ProposalRow.select(ProposalRow.text_key, ProposalRow.matches)
        known = {row.text_key: row.matches for row in rows}
    todo = [group for group in groups if group.key not in known]
    return {"register": register, "texts": texts, "groups": groups, "linked": linked,
            "known": known, "todo": todo, "state": state.id}


def _clear_best(matches):
    if not matches:
        return None, 0
    second = matches[1][1] if len(matches) > 1 else 0
    return (matches[0][0], matches[0][1]) if matches[0][1] - second >= BULK_MARGIN else (None, 0)


def _compute(plan):
    """Match the texts the plan has no matches for, then replace the stored proposals."""
    known, todo = plan["known"], plan["todo"]
    _set_state(plan["state"], computing=True, done=0, total=len(todo), started_at=utcnow())
    if todo:
        matcher = Matcher(Organisation.select().order_by(Organisation.id))
        for start in range(0, len(todo), PROGRESS_STEP):
            chunk = todo[start:start + PROGRESS_STEP]
            found = matcher.matches([group.text for group in chunk], SUGGESTIONS, FLOOR)
            for group in chunk:
                known[group.key] = [[organisation.id, value] for organisation, value in found[group.text]]
            _set_state(plan["state"], done=start + len(chunk))
    rows = []
    for rank, group in enumerate(plan["groups"]):
        per_source = group.counts()
        matches = known.get(group.key, [])
        bulk_organisation, bulk_score = _clear_best(matches)
        rows.append({"text_key": group.key, "text": group.text[:300],
                     "sources": " " + " ".join(sorted(per_source)) + " ",
                     "counts": sorted([source, count] for source, count in per_source.items()),
                     "samples": [{name: item.get(name) for name in ("source", "record_id", "title", "url")}
                                 for item in _samples(group.items)],
                     "records": len(group.items), "matches": matches,
                     "bulk_organisation": bulk_organisation, "bulk_score": bulk_score, "rank": rank})
    try:
        with database.atomic():
            _replace(rows, plan, len(todo))
    except IntegrityError:
        # Another computation wrote its rows meanwhile (two readers found them stale at
        # once): its proposals stand, computed from the same texts.
        _set_state(plan["state"], computing=False)


def _replace(rows, plan, matched):
    ProposalRow.delete().execute()
    for start in range(0, len(rows), 200):
        ProposalRow.insert_many(rows[start:start + 200]).execute()
    ProposalState.update(register_version=plan["register"], texts_version=plan["texts"],
                         computing=False, done=matched, total=matched, linked=plan["linked"],
                         finished_at=utcnow()).where(ProposalState.id == plan["state"]).execute()


def _samples(items):
    """A few texts of a proposal, at least one of each source when there are several."""
    chosen, seen = [], set()
    for item in items:
        if item["source"] not in seen:
            seen.add(item["source"])
            chosen.append(item)
    chosen += [item for item in items if item not in chosen]
    return chosen[:SAMPLES * max(1, len(seen))]


def refresh(force=False):
    """Bring the stored proposals up to date (now, in this process); True when computed."""
    plan = _plan()
    state = ProposalState.get_by_id(plan["state"])
    if not force and (state.register_version, state.texts_version) == (plan["register"], plan["texts"]):
        return False
    try:
        _compute(plan)
    except Exception:
        _set_state(plan["state"], computing=False)
        raise
    return True


@tasks.task("expertnet.organisations.refresh_proposals")
def refresh_task():
    refresh()


def current():
    """Make sure the stored proposals are current or on their way: ``(state, waiting)``,
    ``waiting`` True while a task computes them (the page shows its progress)."""
    register, texts = versions()
    state = _state()
    if (state.register_version, state.texts_version) == (register, texts) and not state.computing:
        return state, False
    if state.computing and state.started_at and utcnow() - state.started_at < STALLED:
        return state, True
    plan = _plan()
    if len(plan["todo"]) <= BACKGROUND_TEXTS:
        _compute(plan)
        return ProposalState.get_by_id(state.id), False
    _set_state(state.id, computing=True, done=0, total=len(plan["todo"]), started_at=utcnow())
    refresh_task()
    state = ProposalState.get_by_id(state.id)
    return state, state.computing


@signals.organisations_changed.connect
def _register_changed(_sender, **_values):
    # Matched afresh in the background before a curator opens the page.
    refresh_task()


def stored(source=None, page=1, per_page=25):
    """``(proposals, total)`` of the stored proposals, one page of them (``source`` keeps
    one kind of record), as :class:`Proposal` with their matches' records."""
    query = ProposalRow.select()
    if source:
        query = query.where(ProposalRow.sources.contains(f" {source} "))
    total = query.count()
    rows = list(query.order_by(ProposalRow.rank).paginate(page, per_page))
    wanted = {organisation_id for row in rows for organisation_id, _score in row.matches}
    organisations = {row.id: row for row in Organisation.select().where(Organisation.id.in_(wanted))} \
        if wanted else {}
    profile_url = (lambda expert_id: url_for("main.profile", expert_id=expert_id)) if has_request_context() \
        else (lambda expert_id: "")
    shown = []
    for row in rows:
        per_source = {code: count for code, count in row.counts if not source or code == source}
        samples = [dict(sample, url=profile_url(sample["record_id"]) if sample["source"] == "profile"
                        else sample.get("url") or "")
                   for sample in row.samples if not source or sample["source"] == source]
        proposal = Proposal(row.text_key, row.text, items=samples[:SAMPLES], per_source=per_source,
                             matches=[(organisations[organisation_id], value) for organisation_id, value
                                      in row.matches if organisation_id in organisations])
        shown.append(proposal)
    return shown, total


def bulk_ready(threshold=BULK_THRESHOLD):
    """How many stored proposals a bulk accept at ``threshold`` would link."""
    return ProposalRow.select().where(ProposalRow.bulk_organisation.is_null(False)
                                   & (ProposalRow.bulk_score >= threshold)).count()


def _forget(key):
    """The proposal of ``key`` is decided: off the page at once (the next computation
    would drop it too)."""
    ProposalRow.delete().where(ProposalRow.text_key == key).execute()


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
        if source is None:
            _forget(key)
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
        if source is None:
            _forget(key)
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
    ``(groups, records)`` linked. The stored proposals are brought up to date first."""
    refresh()
    groups = records = 0
    chosen = list(ProposalRow.select(ProposalRow.text_key, ProposalRow.bulk_organisation)
                  .where(ProposalRow.bulk_organisation.is_null(False) & (ProposalRow.bulk_score >= threshold))
                  .order_by(ProposalRow.rank).tuples())
    with database.atomic():
        for key, organisation_id in chosen:
            organisation = Organisation.get_or_none(Organisation.id == organisation_id)
            if organisation is None:
                continue
            records += accept(key, organisation, actor)
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
