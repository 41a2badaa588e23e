"""The Whoosh schema. Bump SCHEMA_VERSION whenever a field or an analyzer changes:
an index with another version is rebuilt from the database on start-up.

Fields, and why each exists:
- ``id`` (unique, stored): the database id; documents are replaced by it.
- ``id_num``, ``version`` (columns): the id and version of each document, read in
  bulk by reconcile to see what is stale and by the engine to return ids.
- ``kind``, ``visibility``, ``country`` (single value) and ``fields``, ``languages``,
  ``available_for``, ``trust`` (several values): exact filters and facets. ``trust``
  holds the profile's trust signals (``confirmed`` or ``self_declared``, ``claimed``,
  ``orcid``; see ``vocab.TRUST``). ``fields`` holds
  the profile's field codes *and their ancestors*, so filtering on a parent field
  finds profiles tagged with its children.
- ``name_exact``: names with diacritics; ``name``: the same names folded.
- ``field_text``: the names and synonyms, in both languages, of the profile's
  fields: the reason ``trí tuệ nhân tạo`` finds a profile tagged AI whose bio is
  English.
- ``organization`` (stored, for suggestions), ``tags`` (position and keywords),
  ``place`` (country names in both languages, city, hometown), ``text`` (both bios):
  folded free text. The bios are also stored, unindexed, for highlights.
- ``field_text_exact``, ``organization_exact``, ``tags_exact``, ``place_exact``,
  ``text_exact``: the same free text with its diacritics (lower case), so that a word
  typed with its tone marks matches that word only (``phản`` is not ``Phan``, ``biện``
  is not ``biển``); the folded fields answer words typed without diacritics.
- ``bigrams``: pairs of consecutive syllables of the names, fields, organisation,
  position and keywords, so that words of two syllables ("công nghệ") rank the
  profiles that hold them as words first.
- ``contact``: e-mail addresses and phone digits, queried only for callers who may
  see contact details, so nobody can probe for a hidden address.
- ``name_sort``, ``updated`` (milliseconds): sort columns.
"""
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import bigram_analyzer, exact_analyzer, folded_analyzer

SCHEMA_VERSION = 5

FACET_FIELDS = ("kind", "fields", "country", "languages", "available_for", "trust")
MULTI_VALUED = frozenset({"fields", "languages", "available_for", "trust"})
# Fields scored with BM25 (their lengths are read by the engine).
# The free-text fields kept with their diacritics: ``<field>_exact`` beside ``<field>``.
EXACT_TEXT_FIELDS = ("field_text", "organization", "tags", "place", "text")
SCORED_FIELDS = ("name_exact", "name", "field_text", "organization", "tags", "place", "text",
                 "bigrams", *(f"{name}_exact" for name in EXACT_TEXT_FIELDS))


def build_schema():
    folded = folded_analyzer()
    exact = {f"{name}_exact": TEXT(analyzer=exact_analyzer(), phrase=False)
             for name in EXACT_TEXT_FIELDS}
    keyword = {"lowercase": False, "commas": False, "scorable": False}
    return Schema(
        id=ID(stored=True, unique=True),
        id_num=NUMERIC(bits=64, sortable=True, signed=False),
        version=NUMERIC(bits=64, sortable=True, signed=False),
        kind=ID(),
        visibility=ID(),
        country=ID(),
        fields=KEYWORD(**keyword),
        languages=KEYWORD(**keyword),
        available_for=KEYWORD(**keyword),
        trust=KEYWORD(**keyword),
        name_exact=TEXT(analyzer=exact_analyzer(), phrase=False),
        name=TEXT(analyzer=folded, stored=True, phrase=False),
        organization=TEXT(analyzer=folded, stored=True, phrase=False),
        field_text=TEXT(analyzer=folded, phrase=False),
        tags=TEXT(analyzer=folded, phrase=False),
        place=TEXT(analyzer=folded, phrase=False),
        text=TEXT(analyzer=folded, phrase=False),
        bigrams=TEXT(analyzer=bigram_analyzer(), phrase=False),
        **exact,
        bio_vi=STORED(),
        bio_en=STORED(),
        contact=KEYWORD(lowercase=True, commas=False, scorable=False),
        name_sort=ID(sortable=True),
        updated=NUMERIC(bits=64, sortable=True, signed=False),
    )
