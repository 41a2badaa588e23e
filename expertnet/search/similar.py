"""More like this: the profiles that resemble a free text (an official's need).

Whoosh's more-like-this idea, run through the vectorised engine: the key terms of the
text are chosen with the index's own analyzers and statistics
(``Searcher.key_terms_from_text`` with a tf-idf model: a word weighs more the more
often the text uses it and the rarer it is in the index, so "và", "the", "cho" weigh
little, and words in most profiles are dropped),
then every key term becomes an alternative of one OR group scored with BM25 in the
bios, the field names and the keywords, weighted by its key-term weight. Field codes
given with the text match too (with a boost of their own); kinds of help and
languages never decide a match, they only raise the score of the profiles that have
them. Visibility is a filter exactly as in :func:`expertnet.search.search`.

Besides ids and scores, the answer says which phrases of the text each proposed
profile holds, in the text's own spelling (``tự động hóa cảng``, not the folded terms
``tu``, ``dong``, ``hoa``, ``cang``), so that the application can explain the proposal.
"""
import math
from dataclasses import dataclass, field

import numpy as np
from whoosh.classify import ExpansionModel

from expertnet.core.text import clean, fold

from . import engine
from . import query as search_query
from .analysis import EXACT

# Index fields the key terms are drawn from and searched in, with their boosts.
TERM_FIELDS = (("text", 1.0), ("field_text", 6.0), ("tags", 2.0))
# Pairs of syllables ("cảng biển") are far more telling than either syllable alone.
BIGRAM_BOOST = 3.0
# The words of the need together weigh about this many single-term BM25 scores: a
# long text must not drown the fields and the kind of help the official chose, and
# ranks the experts who have those. The figures below were chosen on the matching
# benchmark (bench/matching.py; README).
TEXT_BUDGET = 0.5
FIELD_BOOST = 12.0
MENTIONED_FIELD_BOOST = 4.0
AVAILABILITY_BOOST = 6.0
LANGUAGE_BOOST = 1.5
# A key term found in more than this share of the profiles says nothing about any of
# them (on an index large enough for the share to mean something).
COMMON_SHARE = 0.3
COMMON_MIN_DOCS = 50
# The heaviest key terms a proposal names as what it rests on.
KEY_TERMS_SHOWN = 12
# "N experts match" counts the matches scoring at least this share of the best one: a
# profile holding one common word of a long need is a match, not a suitable expert.
MATCH_SHARE = 0.5


class TfIdfModel(ExpansionModel):
    """Key-term weights for a short text: how often the text uses a term times how
    rare the term is in the index. (Whoosh's default Bo1 model adds ``log(1 + f)``,
    which grows with the term's frequency in the collection: made for expanding a
    query from whole documents, it puts "the", "of", "cần" first in a short need.)"""

    def normalizer(self, maxweight, top_total):
        return maxweight or 1.0

    def score(self, weight_in_top, weight_in_collection, top_total):
        return weight_in_top * math.log2(1.0 + self.N / max(weight_in_collection, 1.0))


@dataclass(frozen=True)
class SimilarRequest:
    text: str = ""
    # Field codes of the need: a profile with one of them (or a sub-field) matches.
    fields: tuple = ()
    # Field codes the text names without the need choosing them: a weaker match.
    mentioned_fields: tuple = ()
    # Raise the score of profiles available for these kinds of help / speaking these.
    available_for: tuple = ()
    languages: tuple = ()
    # Refinement: index field → accepted values (as SearchRequest.filters).
    filters: dict = field(default_factory=dict)
    visibility: tuple = ("public",)
    own_ids: tuple = ()
    limit: int = 30
    with_facets: bool = True
    max_chars: int = 5000
    max_terms: int = 16


@dataclass
class SimilarResult:
    ids: list
    scores: dict
    # id → words of the text found in that profile, in the text's spelling.
    matched: dict
    total: int
    facets: dict
    # The phrases of the text the proposal rests on (its heaviest key terms), in the
    # text's spelling and order.
    key_terms: list
    # Matches scoring at least MATCH_SHARE of the best score (``total`` counts all).
    good_total: int = 0


def key_terms(searcher, text, limit):
    """``[(index field, term, weight)]``: the heaviest terms of ``text`` per field of
    :data:`TERM_FIELDS` (weights normalised to 1 for the heaviest), and its heaviest
    syllable pairs."""
    found = []
    size = searcher.doc_count_all()
    reader = searcher.reader()
    for name, _boost in (*TERM_FIELDS, ("bigrams", BIGRAM_BOOST)):
        terms = searcher.key_terms_from_text(name, text, numterms=limit, model=TfIdfModel)
        if not terms:
            continue
        if size >= COMMON_MIN_DOCS:
            terms = [(term, weight) for term, weight in terms
                     if reader.doc_frequency(name, term) <= COMMON_SHARE * size]
        top = max((weight for _term, weight in terms), default=0) or 1.0
        found += [(name, term, weight / top) for term, weight in terms]
    return found


# A phrase shown as a reason is cut after this many words.
MAX_PHRASE_WORDS = 6


# A lone word of a syllable's shape is a syllable, not a word (query.SYLLABLE).
_SYLLABLE = search_query.SYLLABLE


def _function_word(word, key):
    return (word in search_query.FUNCTION_WORDS if word != key
            else key in search_query.FOLDED_FUNCTION_WORDS)


_whole_word = search_query.whole_word


def phrases(text, folded):
    """What ``folded`` terms cover of ``text``, as whole words and phrases in the text's
    own spelling (lower case, diacritics kept), each once, in the order of the text:
    consecutive words are joined only where their pair (``a_b``) is among the terms, so
    ``tự động hóa``, ``cảng container``, never ``án phát`` from ``dự án phát triển``;
    a word alone only when it is a whole word (``logistics``), never a lone syllable;
    function words (``cho``, ``trong``, ``of``) never, neither alone nor at either end.
    At most :data:`MAX_PHRASE_WORDS` words a phrase."""
    words = [token.text for token in EXACT(text)]
    keys = [fold(word) for word in words]
    pairs = {term for term in folded if "_" in term}
    found, run = [], []
    for index, (word, key) in enumerate(zip(words, keys, strict=True)):
        if _function_word(word, key):
            found.append(run)
            run = []
            continue
        run.append(index)
        linked = (index + 1 < len(words) and f"{key}_{keys[index + 1]}" in pairs
                  and len(run) < MAX_PHRASE_WORDS)
        if not linked:
            found.append(run)
            run = []
    found.append(run)
    kept = [" ".join(words[index] for index in run) for run in found
            if (len(run) > 1 and tuple(keys[index] for index in run)
                not in search_query.FUNCTION_PHRASES)
            or (len(run) == 1 and keys[run[0]] in folded and _whole_word(keys[run[0]]))]
    return list(dict.fromkeys(kept))


def _plan(request, terms):
    boosts = dict(TERM_FIELDS)
    alternatives = []
    total = sum(weight for _name, _term, weight in terms) or 1.0
    for name, term, weight in terms:
        share = TEXT_BUDGET * weight / total
        if name == "bigrams":
            alternatives.append(search_query.Alternative("bigrams", (term,), BIGRAM_BOOST * share))
            continue
        # A key term of one field is looked for in all of them: the need's words may be
        # in a profile's bio, its field names or its keywords.
        alternatives += [search_query.Alternative(other, (term,), boost * share)
                         for other, boost in boosts.items()]
    if request.fields:
        alternatives.append(search_query.Alternative("fields", tuple(request.fields), FIELD_BOOST))
    mentioned = tuple(code for code in request.mentioned_fields if code not in request.fields)
    if mentioned:
        alternatives.append(search_query.Alternative("fields", mentioned, MENTIONED_FIELD_BOOST))
    bonus = []
    if request.available_for:
        available = search_query.Alternative("available_for", tuple(request.available_for),
                                             AVAILABILITY_BOOST)
        if alternatives:
            bonus.append(available)
        else:
            # Nothing else to go on: the kind of help is what the need asks for.
            alternatives.append(available)
    if request.languages:
        bonus.append(search_query.Alternative("languages", tuple(request.languages), LANGUAGE_BOOST))
    plan = search_query.Plan(own_ids=tuple(request.own_ids), bonus=bonus)
    if alternatives:
        plan.words = [alternatives]
    for name, values in request.filters.items():
        values = tuple(value for value in values if value)
        if values:
            plan.filters.append((name, values))
    plan.filters.append(("visibility", tuple(request.visibility)))
    return plan


def more_like_this(store, request):
    """The profiles most like ``request`` (a :class:`SimilarRequest`), best first."""
    text = clean(request.text)[:request.max_chars]
    with store.searcher() as searcher:
        segments = store.segments(searcher)
        terms = key_terms(searcher, text, request.max_terms) if text else []
        plan = _plan(request, terms)
        if not plan.words:
            return SimilarResult([], {}, {}, 0, {}, [])
        evaluated = engine.evaluate(segments, plan)
        total = sum(int(mask.sum()) for _data, _offset, mask, _scores in evaluated)
        good_total = _good_total(evaluated)
        facets = engine.count_facets(evaluated) if request.with_facets else {}
        docnums = engine.top(evaluated, request.limit, "relevance")
        ids, scores, matched = [], {}, {}
        for docnum in docnums:
            data, local, score = _locate(evaluated, int(docnum))
            expert_id = int(data.ids[local])
            ids.append(expert_id)
            scores[expert_id] = float(score)
            matched[expert_id] = phrases(text, _held_terms(data, local, terms))
    heaviest = sorted(terms, key=lambda item: -item[2])[:KEY_TERMS_SHOWN]
    return SimilarResult(ids, scores, matched, total, facets,
                         phrases(text, {term for _name, term, _weight in heaviest}), good_total)


def _good_total(evaluated):
    """Matches scoring at least :data:`MATCH_SHARE` of the best match's score."""
    matched = [scores[mask] for _data, _offset, mask, scores in evaluated]
    best = max((float(found.max()) for found in matched if len(found)), default=0.0)
    return sum(int((found >= MATCH_SHARE * best).sum()) for found in matched)


def _locate(evaluated, docnum):
    for data, offset, _mask, scores in evaluated:
        if offset <= docnum < offset + data.size:
            local = docnum - offset
            return data, local, scores[local]
    raise LookupError(docnum)


def _held_terms(data, local, terms):
    """The key terms that document ``local`` of ``data`` holds (in any field searched)."""
    held = set()
    for name, term, _weight in terms:
        fields = ("bigrams",) if name == "bigrams" else tuple(other for other, _b in TERM_FIELDS)
        for other in fields:
            ids = data.postings(other, term)[0]
            position = int(np.searchsorted(ids, local))
            if position < len(ids) and ids[position] == local:
                held.add(term)
                break
    return held


def shared_phrases(text, other):
    """The phrases of ``text`` (in its own spelling, as :func:`phrases` finds them) that
    ``other`` says too, whatever the accents: why a technology offer answers a demand.
    Two words form a phrase only when ``other`` has them side by side."""
    keys = [fold(token.text) for token in EXACT(clean(other))]
    terms = {*keys, *(f"{first}_{second}" for first, second in zip(keys, keys[1:], strict=False))}
    return phrases(clean(text), terms)
