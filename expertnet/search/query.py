"""Turns what a person typed into a query plan, without Whoosh's query parser.

Nothing typed reaches a parser: the text is cut to a bounded size, split into words
by the same analyzers that built the index, and every word becomes a group of plain
terms. Quotes, brackets, ``AND OR NOT``, ``*`` and control characters are therefore
just text, and any string gives results or none, never an error.

Every word must match somewhere (AND across words); within a word, the fields are
OR-ed with boosts: the name with its diacritics first, the folded name next, then
fields of expertise (names and synonyms in both languages), organisation, keywords
and position, place and the bios. A word that is not a name word tolerates one typo
in names, and the last word completes as a prefix, so ``Nguyen Van Du`` already
finds Đức. Consecutive words typed together earn a bonus where they appear together
(syllable bigrams), which is how Vietnamese two-syllable words rank first.

A :class:`Plan` is evaluated by the vectorised engine (engine.py); :func:`to_whoosh`
gives the same plan as a Whoosh query, the slow reference used to check that the
engine's ranking is exact.
"""
import re
from dataclasses import dataclass, field

from whoosh import query as wq

from expertnet.text import clean

from .analysis import bigrams, exact_terms, folded_terms

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

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")


@dataclass(frozen=True)
class Alternative:
    """Terms of one field, each scored with BM25 times ``boost``."""
    field: str
    terms: tuple
    boost: float = 1.0


@dataclass
class Plan:
    # AND across words, OR within a word.
    words: list = field(default_factory=list)
    # Optional: add to the score of the matches, never decide a match.
    bonus: list = field(default_factory=list)
    # An exact contact (e-mail, phone) matches on its own: OR with the words.
    contact: list = field(default_factory=list)
    # (index field, values): OR within, AND across; the visibility filter included.
    filters: list = field(default_factory=list)
    own_ids: tuple = ()
    # Folded words to mark in snippets.
    highlight: frozenset = frozenset()

    @property
    def has_text(self):
        return bool(self.words or self.contact)


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
         max_chars=500, max_terms=12):
    """The plan for a search. ``filters`` maps index fields to accepted values."""
    lexicon = lexicon or NoLexicon()
    result = Plan(own_ids=tuple(own_ids))
    text = clean(text)[:max_chars]
    if include_contact:
        contacts = contact_terms(text)
        if contacts:
            result.contact = [Alternative("contact", tuple(contacts), BOOST_NAME_EXACT)]
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
    for name, values in filters.items():
        values = tuple(value for value in values if value)
        if values:
            result.filters.append((name, values))
    result.filters.append(("visibility", tuple(visibility)))
    return result


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
        return [wq.Term(item.field, term, boost=item.boost) for item in items for term in item.terms]

    parts = []
    for name, values in plan.filters:
        terms = [wq.Term(name, value) for value in values]
        if name == "visibility":
            terms += [wq.Term("id", str(doc_id)) for doc_id in plan.own_ids]
        # Filters select, they do not rank: a constant score of 0 (Whoosh would
        # otherwise add 1 per matching value, favouring profiles with more values).
        parts.append(wq.ConstantScoreQuery(wq.Or(terms), score=0.0) if terms else wq.NullQuery)
    required = wq.And([wq.Or(alternatives(word)) for word in plan.words]) if plan.words else None
    if plan.contact:
        contact = wq.Or(alternatives(plan.contact))
        required = contact if required is None else wq.Or([contact, required])
    matching = wq.And([required if required is not None else wq.Every(), *parts])
    if plan.bonus:
        return matching, wq.AndMaybe(matching, wq.Or(alternatives(plan.bonus)))
    return matching, matching
