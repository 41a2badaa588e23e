"""Turns what a person typed into a query plan, without Whoosh's query parser.

Nothing typed reaches a parser: the text is cut to a bounded size, split into words
by the same analyzers that built the index, and every word becomes a group of plain
terms. Quotes, brackets, ``AND OR NOT``, ``*`` and control characters are therefore
just text, and any string gives results or none, never an error.

Within a word, the fields are OR-ed with boosts: the name with its diacritics first,
the folded name next, then fields of expertise (names and synonyms in both
languages), organisation, keywords and position, place and the bios. The last word
completes as a prefix in names, so ``Nguyen Van Du`` already finds Đức. Consecutive
words typed together earn a bonus where they appear together (syllable bigrams),
which is how Vietnamese two-syllable words rank first.

A word is a word: in Vietnamese a tone mark makes another word, so a word
typed *with* diacritics matches that word in the free text (the ``*_exact`` fields);
its folded forms (``phản`` ~ ``Phan`` ~ ``phần``) and one-letter typos are *weak*
matches. A word typed without diacritics matches every form, as before. Names keep
their behaviour: exact diacritics first, then the folded forms (weak when the word
was typed with diacritics). Function words (``trong, và, của``, ``in, of, for``…)
are left out, and a query of four meaningful words or more needs most of them, not
all. The ranking puts first the documents matching the most words strongly, then
the most words at all, then by BM25: a weak match never outranks a strong one. Weak
matches in the free text and typos join only when the strong words leave fewer than
:data:`WIDEN_BELOW` results (:attr:`Plan.widen` says a wider plan exists).

``legacy=True`` gives today's plan unchanged (every word required, folded free
text): the benchmark (``bench.relevance``) measures both.

A :class:`Plan` is evaluated by the vectorised engine (engine.py); :func:`to_whoosh`
gives the same plan as a Whoosh query, the slow reference used to check that the
engine's ranking is exact.
"""
import re
from dataclasses import dataclass, field
from itertools import combinations

from whoosh import query as wq

from expertnet.core.text import clean

from .analysis import bigrams, exact_terms, folded_terms
from .understanding import translated, understand, units

BOOST_NAME_EXACT = 8.0
BOOST_NAME = 5.0
BOOST_NAME_FUZZY = 1.0
BOOST_NAME_PREFIX = 1.5
BOOST_BIGRAM = 2.0
TEXT_FIELD_BOOSTS = (
    ("field_text", 3.0),
    ("organization", 2.5),
    ("tags", 2.0),
    ("place", 1.5),
    ("text", 1.0),
)
FUZZY_MIN_LENGTH = 4
PREFIX_MIN_LENGTH = 2
# A prefix expands to at most this many terms (the most frequent ones).
PREFIX_EXPANSIONS = 64

# Strong matches first, then the number of words matched at all, then BM25: far
# above any sum of BM25 scores (a few tens per word), powers of two for exact sums.
TIER_STRONG = float(2 ** 16)
TIER_ANY = float(2 ** 12)
# Per pair of adjacent words found together: of the order of a few words' BM25 scores.
TIER_PAIR = float(2 ** 5)
# Free-text matches by the folded form of a word typed with diacritics: weak and lower.
WEAK_TEXT_FACTOR = 0.5
# Fewer strong results than this: weak text matches and typos widen the search.
WIDEN_BELOW = 3
# Words that carry no topic, never required nor highlighted: lower case, as typed with
# their diacritics (a word typed without diacritics is compared folded, only against
# FOLDED_FUNCTION_WORDS, where no folded form is also a topic syllable: "co" is cơ
# in "cơ khí", "tai" is tái in "tái tạo").
FUNCTION_WORDS = frozenset({
    "trong", "và", "của", "cho", "các", "những", "về", "có", "được", "với", "là", "người",
    "tại", "ở", "bên", "từ", "để", "một", "cần", "tìm", "muốn", "nào", "mời", "hoặc", "làm",
    "in", "of", "for", "the", "and", "with", "experts", "expert", "a", "an", "on", "to",
    "at", "from", "who", "or", "people", "specialists", "specialist", "looking", "need",
})
FOLDED_FUNCTION_WORDS = frozenset({
    "trong", "va", "cua", "cho", "cac", "nhung", "duoc", "voi", "nguoi", "hoac",
    # Not "an" (an ninh, the name An), "to" (ô tô), "on" (ổn định).
    "in", "of", "for", "the", "and", "with", "experts", "expert", "at",
    "from", "who", "or", "people", "specialists", "specialist", "looking", "need",
})
# Function phrases of several words (folded): "chuyên gia" is how a query says "someone".
FUNCTION_PHRASES = (("chuyen", "gia"), ("kinh", "nghiem"))

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")


@dataclass(frozen=True)
class Alternative:
    """Terms of one field, each scored with BM25 times ``boost``. A ``weak`` alternative
    matches the word but does not count as matching it strongly (see the ranking)."""
    field: str
    terms: tuple
    boost: float = 1.0
    weak: bool = False
    # Non-zero: each matching term adds this constant instead of its BM25 score.
    constant: float = 0.0


@dataclass
class Plan:
    # AND across words, OR within a word.
    words: list = field(default_factory=list)
    # Optional: add to the score of the matches, never decide a match.
    bonus: list = field(default_factory=list)
    # Optional words: scored and counted in the tiers like words, never required.
    optional: list = field(default_factory=list)
    # An exact contact (e-mail, phone) matches on its own: OR with the words.
    contact: list = field(default_factory=list)
    # (index field, values): OR within, AND across; the visibility filter included.
    filters: list = field(default_factory=list)
    own_ids: tuple = ()
    # Words to mark in snippets: folded, or as typed for the words in ``marked``.
    highlight: frozenset = frozenset()
    # Words typed with diacritics: they mark only themselves (lower case, NFC).
    marked: frozenset = frozenset()
    # Words of several syllables (units: ``phản biện``), as the words of ``highlight``
    # are written: marked as one where they stand together, never syllable by syllable.
    phrases: frozenset = frozenset()
    # Words needed for a match (None: all of them).
    min_words: int = None
    # Added per word matched strongly, and per word matched at all (0: legacy ranking).
    tier_strong: float = 0.0
    tier_any: float = 0.0
    # A wider plan (weak text matches, typos) exists for when this one finds too little.
    widen: bool = False
    # Groups of ``words`` (indices) that form one word of the vocabulary: ``min_words``
    # counts these units (None: each word is a unit).
    units: list = None
    # The meanings understood in the query and applied as filters (understanding.py).
    understood: list = field(default_factory=list)
    # ``units`` as typed (``["cảng xanh", "giảm phát thải"]``): what ``min_words`` counts.
    unit_texts: list = field(default_factory=list)
    # Every word searched for, optional ones included, as typed, a unit as one.
    word_texts: list = field(default_factory=list)

    @property
    def has_text(self):
        return bool(self.words or self.contact or self.optional)


def contact_terms(text):
    """E-mail addresses (lower case) and phone numbers (digits only) in ``text``."""
    terms = [match.lower() for match in _EMAIL.findall(text)]
    terms += [re.sub(r"\D", "", match) for match in _PHONE.findall(text)]
    return [term for term in terms if term]


class NoLexicon:
    """Answers for a plan built without an index (no expansions)."""

    def has(self, field_name, text):
        return True

    def prefix(self, field_name, text, limit):
        return [text]

    def near(self, field_name, text, maxdist, prefixlength):
        return []


def plan(text, filters, visibility, own_ids=(), include_contact=False, lexicon=None,
         max_chars=500, max_terms=12, legacy=False, widen=False, vocabulary=None, ignore=(),
         drop=(), literal=False, only=None):
    """The plan for a search. ``filters`` maps index fields to accepted values.
    ``widen``: with the weak text matches and typos (see the module's doc).
    ``vocabulary``: the vocabularies to understand the query with (none: literal);
    ``ignore``, ``drop``: keys of meanings not to apply (removed by the person, or
    dropped because they left no result); ``literal``: the vocabulary's words are units
    of matching and highlighting only (no meaning read, no translation); ``only``: the
    keys of the only meanings that may apply (None: any)."""
    lexicon = lexicon or NoLexicon()
    result = Plan(own_ids=tuple(own_ids))
    text = clean(text)[:max_chars]
    if include_contact:
        contacts = contact_terms(text)
        if contacts:
            result.contact = [Alternative("contact", tuple(contacts), BOOST_NAME_EXACT)]
    if legacy:
        _legacy_words(result, text, lexicon, max_terms)
    else:
        _words(result, text, lexicon, max_terms, widen, vocabulary, ignore, drop, literal, only)
    for name, values in filters.items():
        values = tuple(value for value in values if value)
        if values:
            result.filters.append((name, values))
    result.filters.append(("visibility", tuple(visibility)))
    return result


def meaningful(exact, folded):
    """Positions of the words that carry the query: function words left out (all kept
    when nothing else would remain)."""
    skip = set()
    for position in range(len(folded)):
        for phrase in FUNCTION_PHRASES:
            if tuple(folded[position:position + len(phrase)]) == phrase:
                skip.update(range(position, position + len(phrase)))
    for position, (word, exact_word) in enumerate(zip(folded, exact, strict=True)):
        typed_marked = exact_word != word
        if exact_word in FUNCTION_WORDS if typed_marked else word in FOLDED_FUNCTION_WORDS:
            skip.add(position)
    kept = [position for position in range(len(folded)) if position not in skip]
    return kept or list(range(len(folded)))


def min_words(count):
    """Words needed of ``count`` meaningful ones: all up to three, then all but one in
    four (``trí tuệ nhân tạo logistics`` needs 4 of 5)."""
    return count if count <= 3 else count - count // 4


def _alternatives(word, exact_word, lexicon, widen, last):
    """The alternatives of one typed word, and whether a wider plan would add some."""
    typed_marked = exact_word != word
    wider = typed_marked
    alternatives = [Alternative("name_exact", (exact_word,), BOOST_NAME_EXACT),
                    Alternative("name", (word,), BOOST_NAME, weak=typed_marked)]
    if typed_marked:
        alternatives += [Alternative(f"{name}_exact", (exact_word,), boost)
                         for name, boost in TEXT_FIELD_BOOSTS]
        if widen:
            alternatives += [Alternative(name, (word,), boost * WEAK_TEXT_FACTOR, weak=True)
                             for name, boost in TEXT_FIELD_BOOSTS]
    else:
        alternatives += [Alternative(name, (word,), boost) for name, boost in TEXT_FIELD_BOOSTS]
    if len(word) >= FUZZY_MIN_LENGTH and not word.isdigit() and not lexicon.has("name", word):
        wider = True
        near = tuple(term for term in lexicon.near("name", word, 1, 1) if term != word) if widen else ()
        if near:
            alternatives.append(Alternative("name", near, BOOST_NAME_FUZZY, weak=True))
    if last and len(word) >= PREFIX_MIN_LENGTH:
        completions = tuple(term for term in lexicon.prefix("name", word, PREFIX_EXPANSIONS)
                            if term != word)
        if completions:
            alternatives.append(Alternative("name", completions, BOOST_NAME_PREFIX, weak=True))
    return alternatives, wider


def _words(result, text, lexicon, max_terms, widen, vocabulary=None, ignore=(), drop=(),
           literal=False, only=None):
    folded = folded_terms(text)[:max_terms]
    exact = exact_terms(text)[:max_terms]
    meanings = understand(vocabulary, exact, folded, lexicon, ignore, only) \
        if vocabulary and not literal else []
    result.understood = [meaning for meaning in meanings if meaning.key not in drop]
    # What a role, a place or a kind said is a filter now; a field's words stay, to rank.
    # A meaning dropped for leaving no result: a field's words are searched as typed
    # (they are the topic), a role's, place's or kind's only rank.
    said, ranking = set(), set()
    for meaning in meanings:
        span = range(meaning.start, meaning.end)
        if meaning.key not in drop:
            result.filters.append((meaning.name, (meaning.value,)))
            (ranking if meaning.name == "fields" else said).update(span)
        elif meaning.name != "fields":
            ranking.update(span)
    required, optional, seen = [], [], set()
    for position in meaningful(exact, folded):
        # A word typed twice counts once (and Whoosh's Or would merge the duplicates).
        if position in said or folded[position] in seen:
            continue
        seen.add(folded[position])
        (optional if position in ranking else required).append(position)
    wider = False
    by_position = {}
    for position in required + optional:
        alternatives, can_widen = _alternatives(folded[position], exact[position], lexicon, widen,
                                                last=position == (required or [None])[-1])
        wider = wider or can_widen
        by_position[position] = alternatives
        (result.words if position in required else result.optional).append(alternatives)
    translations = _translate(None if literal else vocabulary, exact, folded, by_position)
    # Pairs as typed (function words included): adjacent words beat scattered ones, by
    # a constant per pair found as typed (a phrase of the name, fields, organisation or
    # keywords) on top of its BM25 score.
    if len(required) + len(optional) > 1 and not result.contact:
        pairs = tuple(dict.fromkeys(bigrams(folded)))
        result.bonus = [Alternative("bigrams", pairs, BOOST_BIGRAM),
                        Alternative("bigrams", pairs, constant=TIER_PAIR)]
    # In a query that reads as a name (every other word is a name word), a function
    # word is a name too (Hoàng Trọng Dũng typed "hoang trong dung"): not required, it
    # ranks like a word.
    left_out = [position for position in range(len(folded))
                if position not in said and folded[position] not in seen]
    if left_out and required and all(lexicon.has("name", folded[p]) for p in required):
        for position in left_out:
            seen.add(folded[position])
            result.optional.append([
                Alternative("name_exact", (exact[position],), BOOST_NAME_EXACT),
                Alternative("name", (folded[position],), BOOST_NAME,
                            weak=exact[position] != folded[position])])
    shown = required + optional
    result.marked = frozenset(exact[p] for p in shown if exact[p] != folded[p])
    # The other language's words a phrase matched through the term list are marked too.
    result.marked |= frozenset(word for words in translations for word, folded_word in words
                               if word != folded_word)
    groups = units(vocabulary, folded)
    _highlights(result, exact, folded, shown, said, groups, translations)
    # Syllables of one word of the vocabulary (trí tuệ nhân tạo) count as one word.
    index = {position: number for number, position in enumerate(required)}
    kept = [[p for p in unit if p in index] for unit in groups]
    result.units = [[index[p] for p in unit] for unit in kept if unit]
    result.unit_texts = [" ".join(exact[p] for p in unit) for unit in kept if unit]
    searched = set(shown)
    result.word_texts = [" ".join(exact[p] for p in unit) for unit in groups
                         if not searched.isdisjoint(unit) and said.isdisjoint(unit)]
    result.min_words = min_words(len(result.units))
    result.tier_strong, result.tier_any = TIER_STRONG, TIER_ANY
    result.widen = wider and not widen


def _translate(vocabulary, exact, folded, by_position):
    """Add to the typed words of each phrase one side of the term list says (``giảm
    phát thải``) the other side's words (``emission reduction``) as *weak* alternatives:
    they match, never as strongly as the words typed, so an exact match stays first.
    The translation's words are spread over the phrase's words (each gets at least one,
    each translation word goes to at least one): the phrase is one unit of matching,
    which needs all its words, so it needs every word of the translation. Returns the
    translations added, each a tuple of its ``(exact, folded)`` words."""
    added = []
    for start, end, terms in translated(vocabulary, exact, folded):
        span = [position for position in range(start, end) if position in by_position]
        for exact_words, folded_words in terms:
            if not span or len(exact_words) != len(folded_words) \
                    or folded_words == tuple(folded[start:end]):
                continue
            # Function words of the translation ("and" in "seaports and maritime") are
            # never required, like the typed ones.
            whole = tuple(zip(exact_words, folded_words, strict=True))
            kept = [(word, folded_word) for word, folded_word in whole
                    if not _is_function_word(word, folded_word)]
            if not kept:
                continue
            added.append(whole)
            exact_words, folded_words = zip(*kept, strict=True)
            count, size = len(span), len(folded_words)
            given = {index: set() for index in range(count)}
            for word in range(size):
                given[word * count // size].add(word)
            for index in range(count):
                given[index].add(index * size // count)
            for index, words in given.items():
                by_position[span[index]].extend(_translation_alternatives(
                    [(exact_words[word], folded_words[word]) for word in sorted(words)]))
    return added


def _is_function_word(word, folded_word):
    return word in FUNCTION_WORDS if word != folded_word else folded_word in FOLDED_FUNCTION_WORDS


def _highlights(result, exact, folded, shown, said, groups, translations):
    """What snippets mark: each word as typed (``highlight``), each word of several
    syllables as one (``phrases``), never a function word. A syllable of a unit is
    not marked alone (``phản`` of ``phản biện`` is not the word typed where it stands
    without ``biện``), unless it is a whole word by itself (``logistics``). A
    translation (``emission reduction``) is a phrase, and its meaningful words are
    marked alone too (English words are words)."""
    def key(position):
        return exact[position] if exact[position] != folded[position] else folded[position]

    shown = set(shown)
    singles, phrases = set(), set()
    for group in groups:
        if len(group) > 1 and not shown.isdisjoint(group) and said.isdisjoint(group):
            phrases.add(tuple(key(position) for position in group))
            singles.update(key(position) for position in group
                           if position in shown and whole_word(folded[position]))
        else:
            singles.update(key(position) for position in group if position in shown)
    for words in translations:
        keyed = tuple(word if word != folded_word else folded_word for word, folded_word in words)
        if len(keyed) > 1:
            phrases.add(keyed)
        singles.update(word for word, folded_word in words
                       if not _is_function_word(word, folded_word))
    result.highlight = frozenset(singles)
    result.phrases = frozenset(phrases)


# A folded Vietnamese syllable: an optional initial consonant, one to three vowels, an
# optional final consonant. A lone word of this shape is a syllable, not a word.
SYLLABLE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?"
                      r"[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$")
# A lone word shorter than this is not a whole word (an abbreviation says too little alone).
WHOLE_WORD_MIN_CHARS = 4


def whole_word(folded_word):
    """A word that stands alone: not a Vietnamese syllable (logistics, robotics)."""
    return (len(folded_word) >= WHOLE_WORD_MIN_CHARS and folded_word.isascii()
            and not SYLLABLE.match(folded_word))


def _translation_alternatives(words):
    """Weak free-text alternatives for translation ``words`` (``(exact, folded)``): a word
    with diacritics matches that word only, like a word typed with them."""
    marked = tuple(word for word, folded_word in words if word != folded_word)
    plain = tuple(folded_word for word, folded_word in words if word == folded_word)
    alternatives = []
    for name, boost in TEXT_FIELD_BOOSTS:
        if marked:
            alternatives.append(Alternative(f"{name}_exact", marked, boost * WEAK_TEXT_FACTOR,
                                            weak=True))
        if plain:
            alternatives.append(Alternative(name, plain, boost * WEAK_TEXT_FACTOR, weak=True))
    return alternatives


def _legacy_words(result, text, lexicon, max_terms):
    """The words as read before the search understood them: every word required, folded
    free text."""
    folded = folded_terms(text)[:max_terms]
    exact = exact_terms(text)[:max_terms]
    last = len(folded) - 1
    for position, (word, exact_word) in enumerate(zip(folded, exact, strict=True)):
        alternatives = [Alternative("name_exact", (exact_word,), BOOST_NAME_EXACT),
                        Alternative("name", (word,), BOOST_NAME)]
        alternatives += [Alternative(name, (word,), boost) for name, boost in TEXT_FIELD_BOOSTS]
        if (len(word) >= FUZZY_MIN_LENGTH and not word.isdigit()
                and not lexicon.has("name", word)):
            near = tuple(term for term in lexicon.near("name", word, 1, 1) if term != word)
            if near:
                alternatives.append(Alternative("name", near, BOOST_NAME_FUZZY))
        if position == last and len(word) >= PREFIX_MIN_LENGTH:
            completions = tuple(term for term in lexicon.prefix("name", word, PREFIX_EXPANSIONS)
                                if term != word)
            if completions:
                alternatives.append(Alternative("name", completions, BOOST_NAME_PREFIX))
        result.words.append(alternatives)
    if len(folded) > 1 and not result.contact:
        result.bonus = [Alternative("bigrams", tuple(dict.fromkeys(bigrams(folded))), BOOST_BIGRAM)]
    result.highlight = frozenset(folded)


def prefix_plan(field_name, text, visibility, own_ids=(), lexicon=None, max_terms=6):
    """Every typed word in ``field_name``, the last one possibly in part: completion."""
    lexicon = lexicon or NoLexicon()
    words = folded_terms(clean(text)[:100])[:max_terms]
    result = Plan(own_ids=tuple(own_ids), filters=[("visibility", tuple(visibility))])
    if not words:
        return result
    *complete, last = words
    result.words = [[Alternative(field_name, (word,))] for word in complete]
    completions = tuple(term for term in lexicon.prefix(field_name, last, PREFIX_EXPANSIONS)
                        if term != last)
    result.words.append([Alternative(field_name, (last,), 2.0)]
                        + ([Alternative(field_name, completions)] if completions else []))
    return result


def to_whoosh(plan):
    """The same plan as a Whoosh query (the reference the engine is checked against)."""
    def alternatives(items):
        return [wq.ConstantScoreQuery(wq.Term(item.field, term), score=item.constant)
                if item.constant else wq.Term(item.field, term, boost=item.boost)
                for item in items for term in item.terms]

    parts = []
    for name, values in plan.filters:
        terms = [wq.Term(name, value) for value in values]
        if name == "visibility":
            terms += [wq.Term("id", str(doc_id)) for doc_id in plan.own_ids]
        # Filters select, they do not rank: a constant score of 0 (Whoosh would
        # otherwise add 1 per matching value, favouring profiles with more values).
        parts.append(wq.ConstantScoreQuery(wq.Or(terms), score=0.0) if terms else wq.NullQuery)
    if plan.tier_strong or plan.tier_any or plan.min_words is not None:
        return _tiered_whoosh(plan, parts, alternatives)
    required = wq.And([wq.Or(alternatives(word)) for word in plan.words]) if plan.words else None
    if plan.contact:
        contact = wq.Or(alternatives(plan.contact))
        required = contact if required is None else wq.Or([contact, required])
    matching = wq.And([required if required is not None else wq.Every(), *parts])
    if plan.bonus:
        return matching, wq.AndMaybe(matching, wq.Or(alternatives(plan.bonus)))
    return matching, matching


def _tiered_whoosh(plan, parts, alternatives):
    """A plan needing ``min_words`` of its words, ranked by tiers: "at least k of n" as
    an Or of every And of k words, scored apart (a constant 0) so that the score is
    the sum of the matching alternatives and tiers, as the engine adds them."""
    any_word = [wq.Or(alternatives(word)) for word in plan.words]
    groups = plan.units if plan.units is not None else [[number] for number in range(len(any_word))]
    any_unit = [wq.And([any_word[number] for number in group]) for group in groups]
    required = None
    if any_unit:
        needed = len(any_unit) if plan.min_words is None else plan.min_words
        required = wq.Or([wq.And(list(chosen)) for chosen in combinations(any_unit, needed)])
    if plan.contact:
        contact = wq.Or(alternatives(plan.contact))
        required = contact if required is None else wq.Or([contact, required])
    matching = wq.And([required if required is not None else wq.Every(), *parts])
    words = plan.words + plan.optional
    scored = [term for word in words for term in alternatives(word)]
    scored += alternatives(plan.contact) + alternatives(plan.bonus)
    for word in words:
        strong = [item for item in word if not item.weak]
        scored.append(wq.ConstantScoreQuery(wq.Or(alternatives(word)), score=plan.tier_any))
        if strong:
            scored.append(wq.ConstantScoreQuery(wq.Or(alternatives(strong)), score=plan.tier_strong))
    return matching, wq.AndMaybe(wq.ConstantScoreQuery(matching, score=0.0), wq.Or(scored))
