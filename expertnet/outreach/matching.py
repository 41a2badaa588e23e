"""The proposal for a need: the experts the viewer may see, ranked by the index's
more-like-this (``search.similar``) on the need's text, boosted by its fields, kinds
of help and language, each with the reasons it was proposed and any conflict of
interest (officials decide what a conflict means for their need)."""
import datetime
import re
from dataclasses import dataclass, field

from expertnet import search
from expertnet.core import access, signals
from expertnet.core.db import utcnow
from expertnet.core.text import fold
from expertnet.directory import finder, reasons
from expertnet.taxonomy import store as catalog
from expertnet.taxonomy import terms

PROPOSAL_SIZE = 30
# A review done for the need's organisation within this many days is a conflict.
REVIEW_CONFLICT_DAYS = 365


# Where a word of the need stands in a profile, in the order reasons name them.
PLACES = reasons.PLACES


@dataclass
class Reasons:
    fields: list = field(default_factory=list)  # codes of the need the profile has
    words: list = field(default_factory=list)  # words of the need found in the profile
    # Where each of ``words`` stands: ``{place: [phrase, ...]}`` for the places of
    # :data:`PLACES` (a phrase found nowhere as written is not a reason).
    where: dict = field(default_factory=dict)
    available_for: list = field(default_factory=list)  # kinds of help asked and offered
    language: str = ""  # the need's language, when the expert speaks it
    conflicts: list = field(default_factory=list)  # [(reason, detail)]

    @property
    def explained(self):
        return bool(self.fields or self.words or self.available_for or self.language)


@dataclass
class Proposal:
    experts: list
    reasons: dict
    # Experts matching well: scoring at least search.similar.MATCH_SHARE of the best.
    total: int
    facets: dict
    key_terms: list
    # Every profile matching at all (what the facets count).
    matching: int = 0


def need_text(need):
    # The title says what matters most: counted twice, its words weigh more.
    return "\n".join([need.title, need.title, need.description])


def with_translations(text):
    """``text`` and, below it, the other side of each pair of the bilingual term list
    it says: a need written in Vietnamese about "giảm phát thải" also finds the profile
    whose only bio, in English, is about "emission reduction"."""
    found = terms.translations(text, terms.accepted_pairs())
    return "\n".join([text, *found]) if found else text


# Names and synonyms shorter than this are not looked for in a need's text ("AI",
# "IoT" would match inside other words' abbreviations too easily).
MENTION_MIN_CHARS = 4


def fields_mentioned(text, taxonomy):
    """Codes of the fields whose name or a synonym, in either language, the text
    uses as whole words (``nuôi biển`` → aquaculture), whatever the accents."""
    folded = f" {' '.join(_words(text))} "
    found = []
    for code in taxonomy.fields:
        for name in taxonomy.words(code):
            words = _words(name)
            if len("".join(words)) >= MENTION_MIN_CHARS and f" {' '.join(words)} " in folded:
                found.append(code)
                break
    return found


def need_fields(need, taxonomy):
    """The fields a proposal looks for: those chosen on the need, then those its text
    names."""
    return list(dict.fromkeys([*need.fields, *fields_mentioned(need_text(need), taxonomy)]))


def propose(need, viewer, refine=None, limit=PROPOSAL_SIZE):
    """The :class:`Proposal` for ``need`` as ``viewer`` may see it; ``refine`` holds
    facet filters (``finder.Criteria.filters``: kind, field, country, language,
    available_for)."""
    taxonomy = catalog.load()
    wanted = need_fields(need, taxonomy)
    request = search.SimilarRequest(
        text=with_translations(need_text(need)), fields=tuple(need.fields), mentioned_fields=tuple(wanted),
        available_for=tuple(need.available_for),
        languages=(need.language,) if need.language else (),
        filters={finder.FILTERS[name]: tuple(values) for name, values in (refine or {}).items()},
        visibility=access.visible_levels(viewer), own_ids=tuple(viewer.own_expert_ids),
        limit=limit)
    result = search.more_like_this(search.get_store(), request)
    # The index may lag the database for an instant: never show what the viewer may not see.
    experts = [expert for expert in finder.load_in_order(result.ids)
               if access.can_view(viewer, expert)]
    reasons = explain(need, experts, result.matched, wanted)
    facets = {name: result.facets.get(index_field, {})
              for name, index_field in finder.FILTERS.items()}
    return Proposal(experts, reasons, result.good_total, facets, result.key_terms, result.total)


def explain(need, experts, matched_words=None, wanted=None):
    """``{expert id: Reasons}`` for ``experts`` (loaded with ``codes``); ``wanted`` are
    the fields looked for (the need's own by default)."""
    taxonomy = catalog.load()
    wanted = need.fields if wanted is None else wanted
    matched_words = matched_words or {}
    conflicts = conflicts_of(need, experts)
    found = {}
    for expert in experts:
        held = set(taxonomy.with_ancestors(expert.codes))
        # The need's words are looked for whatever their accents (a need is prose).
        by_key = {fold(phrase): phrase for phrase in matched_words.get(expert.id, [])}
        where = {place: [by_key[key] for key in keys]
                 for place, keys in reasons.where_found(list(by_key), expert, taxonomy).items()}
        found[expert.id] = Reasons(
            fields=[code for code in wanted if code in held],
            words=list(dict.fromkeys(phrase for phrases in where.values() for phrase in phrases)),
            where=where,
            available_for=[code for code in need.available_for if code in expert.available_for],
            language=need.language if need.language and need.language in expert.languages else "",
            conflicts=conflicts.get(expert.id, []))
    return found


# -- conflicts of interest ------------------------------------------------------------
_WORDS = re.compile(r"\w+", re.UNICODE)
# Below this many words a name is compared whole: "Sở Ngoại vụ" must not match every
# organisation whose name contains those words.
CONTAINED_MIN_WORDS = 3


def _words(name):
    return _WORDS.findall(fold(name or ""))


def same_organization(first, second):
    """Whether two organisation names name the same organisation or one inside the
    other (``Trường Đại học Hàng hải Việt Nam`` and ``Khoa Hàng hải, Trường Đại học
    Hàng hải Việt Nam``), whatever the accents, case and punctuation."""
    a, b = _words(first), _words(second)
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if len(shorter) < CONTAINED_MIN_WORDS:
        return False
    return f" {' '.join(shorter)} " in f" {' '.join(longer)} "


def conflicts_of(need, experts, today=None):
    """``{expert id: [(reason, detail)]}``: ``organization`` when the expert works for
    the need's organisation, ``reviewed`` (with the date) when they reviewed for it
    within :data:`REVIEW_CONFLICT_DAYS`."""
    found = {}
    for expert in experts:
        if same_organization(need.organization, expert.organization):
            found.setdefault(expert.id, []).append(("organization", expert.organization))
    ids = [expert.id for expert in experts]
    if not ids:
        return found
    since = (today or utcnow().date()) - datetime.timedelta(days=REVIEW_CONFLICT_DAYS)
    # The reviews are cooperation's records: it answers for them.
    for answer in signals.answers_of(signals.conflicts_of_interest.send(need, expert_ids=ids,
                                                                        since=since)):
        for expert_id, conflicts in answer.items():
            found.setdefault(expert_id, []).extend(conflicts)
    return found
