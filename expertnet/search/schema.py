"""The Whoosh schema. Bump SCHEMA_VERSION whenever a field or an analyzer changes:
an index with another version is rebuilt from the database on start-up.

Fields, and why each exists:
- ``id`` (unique, stored): the database id; documents are replaced by it.
- ``id_num``, ``version`` (columns): the id and version of each document, read in
  bulk by reconcile to see what is stale.
- ``kind``, ``visibility``, ``country`` (single value) and ``fields``, ``languages``,
  ``available_for`` (several values): exact filters and facets. ``fields`` holds
  the profile's field codes *and their ancestors*, so filtering on a parent field
  finds profiles tagged with its children.
- ``name_exact``: names with diacritics; ``name``: the same names folded.
- ``field_text``: the names and synonyms, in both languages, of the profile's
  fields: the reason ``trí tuệ nhân tạo`` finds a profile tagged AI whose bio is
  English.
- ``organization``, ``position``, ``keywords``, ``place`` (country names in both
  languages, city, hometown), ``bio_vi``, ``bio_en``: folded free text.
- ``contact``: e-mail addresses and phone digits, queried only for callers who may
  see contact details, so nobody can probe for a hidden address.
- ``name_sort``, ``updated``: sort columns.
"""
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

from .analysis import exact_analyzer, folded_analyzer

SCHEMA_VERSION = 1

FACET_FIELDS = ("kind", "fields", "country", "languages", "available_for")
MULTI_VALUED = frozenset({"fields", "languages", "available_for"})


def build_schema():
    folded = folded_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        id_num=NUMERIC(bits=64, sortable=True, signed=False),
        version=NUMERIC(bits=64, sortable=True, signed=False),
        kind=ID(),
        visibility=ID(),
        country=ID(),
        fields=KEYWORD(lowercase=False, commas=False, scorable=False),
        languages=KEYWORD(lowercase=False, commas=False, scorable=False),
        available_for=KEYWORD(lowercase=False, commas=False, scorable=False),
        name_exact=TEXT(analyzer=exact_analyzer(), phrase=False),
        name=TEXT(analyzer=folded, stored=True),
        organization=TEXT(analyzer=folded, stored=True),
        position=TEXT(analyzer=folded, phrase=False),
        field_text=TEXT(analyzer=folded),
        keywords=TEXT(analyzer=folded, stored=True),
        place=TEXT(analyzer=folded, phrase=False),
        bio_vi=TEXT(analyzer=folded, stored=True),
        bio_en=TEXT(analyzer=folded, stored=True),
        contact=KEYWORD(lowercase=True, commas=False, scorable=False),
        name_sort=ID(sortable=True),
        updated=NUMERIC(bits=64, sortable=True, signed=False),
    )
