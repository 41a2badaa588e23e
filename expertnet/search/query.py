"""Turns what a person typed into a Whoosh query, without Whoosh's query parser.

Nothing typed reaches a parser: the text is cut to a bounded size, split into words
by the same analyzers that built the index, and every word becomes a group of plain
term queries. Quotes, brackets, ``AND OR NOT``, ``*`` and control characters are
therefore just text, and any string gives results or none, never an error.

Every word must match somewhere (AND across words); within a word, the fields are
OR-ed with boosts: the name with its diacritics first, the folded name next, then
fields of expertise (names and synonyms in both languages), organisation, keywords,
place and the bios. Names also tolerate one typo and the last word completes as a
prefix, so ``Nguyen Van Du`` already finds Đức.
"""
import re

from whoosh import query as wq

from expertnet.text import clean

from .analysis import exact_terms, folded_terms

BOOST_NAME_EXACT = 8.0
BOOST_NAME = 5.0
BOOST_NAME_FUZZY = 1.0
BOOST_NAME_PREFIX = 1.5
TEXT_FIELD_BOOSTS = (
    ("field_text", 3.0),
    ("organization", 2.5),
    ("keywords", 2.5),
    ("position", 1.5),
    ("place", 1.5),
    ("bio_vi", 1.0),
    ("bio_en", 1.0),
)
# Phrases only on short fields: reading positions in every matching bio costs far more
# than it brings to the ranking.
PHRASE_FIELDS = (("name", 4.0), ("field_text", 2.0), ("organization", 1.0))
FUZZY_MIN_LENGTH = 4
PREFIX_MIN_LENGTH = 2

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")


def contact_terms(text):
    """E-mail addresses (lower case) and phone numbers (digits only) in ``text``."""
    terms = [match.lower() for match in _EMAIL.findall(text)]
    terms += [re.sub(r"\D", "", match) for match in _PHONE.findall(text)]
    return [term for term in terms if term]


def text_query(text, max_chars=500, max_terms=12, include_contact=False):
    """``(required, bonus)`` for what was typed: ``required`` decides what matches
    (``None`` when ``text`` holds no word); ``bonus`` only reorders the matches (words
    found together), so counting matches never pays for it."""
    text = clean(text)[:max_chars]
    contacts = contact_terms(text) if include_contact else []
    folded = folded_terms(text)[:max_terms]
    exact = exact_terms(text)[:max_terms]
    if not folded and not contacts:
        return None, None
    words = []
    last = len(folded) - 1
    for position, (word, exact_word) in enumerate(zip(folded, exact, strict=True)):
        alternatives = [
            wq.Term("name_exact", exact_word, boost=BOOST_NAME_EXACT),
            wq.Term("name", word, boost=BOOST_NAME),
        ]
        alternatives += [wq.Term(field, word, boost=boost) for field, boost in TEXT_FIELD_BOOSTS]
        if len(word) >= FUZZY_MIN_LENGTH and not word.isdigit():
            alternatives.append(
                wq.FuzzyTerm("name", word, boost=BOOST_NAME_FUZZY, maxdist=1, prefixlength=1))
        if position == last and len(word) >= PREFIX_MIN_LENGTH:
            alternatives.append(wq.Prefix("name", word, boost=BOOST_NAME_PREFIX))
        words.append(wq.Or(alternatives))
    required = wq.And(words) if words else None
    if contacts:
        contact = wq.Or([wq.Term("contact", term, boost=BOOST_NAME_EXACT) for term in contacts])
        # An exact address or number is a complete query on its own.
        return (contact if required is None else wq.Or([contact, required])), None
    bonus = None
    if len(folded) > 1:
        # Words that appear together (a full name, "công nghệ biển") rank first.
        bonus = wq.Or([wq.Phrase(field, folded, boost=boost) for field, boost in PHRASE_FIELDS])
    return required, bonus


def prefix_query(field, text, max_terms=6):
    """Every typed word in ``field``, the last one possibly in part: completion."""
    words = folded_terms(clean(text)[:100])[:max_terms]
    if not words:
        return None
    *complete, last = words
    parts = [wq.Term(field, word) for word in complete]
    parts.append(wq.Or([wq.Term(field, last, boost=2.0), wq.Prefix(field, last)]))
    return wq.And(parts)


def name_prefix_query(text, max_terms=6):
    return prefix_query("name", text, max_terms)


def filter_query(filters, visibility, own_ids=()):
    """Exact restrictions: values of one facet OR-ed, different facets AND-ed, and the
    visibility levels the caller may see (plus the caller's own profiles)."""
    parts = []
    for field, values in filters.items():
        values = [value for value in values if value]
        if values:
            parts.append(wq.Or([wq.Term(field, value) for value in values]))
    visible = [wq.Term("visibility", level) for level in visibility]
    visible += [wq.Term("id", str(doc_id)) for doc_id in own_ids]
    parts.append(wq.Or(visible) if visible else wq.NullQuery)
    return parts


def build(text, filters, visibility, own_ids=(), include_contact=False,
          max_chars=500, max_terms=12):
    """``(matching, scoring, has_text)``: ``matching`` selects the results (totals and
    facets), ``scoring`` ranks them (the same plus phrase bonuses)."""
    required, bonus = text_query(text, max_chars=max_chars, max_terms=max_terms,
                                 include_contact=include_contact)
    parts = filter_query(filters, visibility, own_ids)
    matching = wq.And([required if required is not None else wq.Every(), *parts])
    scoring = wq.AndMaybe(matching, bonus) if bonus is not None else matching
    return matching, scoring, required is not None
