"""The SQLite FTS5 baseline: the same profiles, the same queries, the same work.

Text lives in an FTS5 table tokenised with ``unicode61 remove_diacritics 2``; ``đ``/``Đ``
are folded to ``d`` by hand before insertion and in queries (Unicode does not decompose
them, so the tokenizer would keep them). The filter and facet values live in side
tables. A query does what ``expertnet.search.search`` does for the API:

- every typed word is required somewhere (each word quoted, AND-ed); the last word
  may also complete a name, as expertnet's name prefix does;
- the matching ids (text and filters) go to a temporary table, which gives the total
  and the facet counts over the whole result set (``GROUP BY``);
- the top 20 by ``bm25`` (weights like expertnet's boosts), or by name / last update;
- ``snippet()`` for the 20 shown only.

The rowid restrictions are written ``+rowid``: a plain ``rowid IN (...)`` next to
``MATCH`` makes SQLite run the full-text query once per listed rowid (100× slower).
Facets join ``hits CROSS JOIN`` the value tables: the planner, without statistics for
the temporary table, would otherwise scan every value of every profile (40–90 ms at
100,000 profiles even for a handful of hits).

The rows are read from the database (profiles, field codes and the taxonomy), not
from ``search_documents.document_for``, whose keys follow the index schema and change with it.
"""
import re
import sqlite3
import time

from expertnet.core import places
from expertnet.core.text import sort_key

COLUMNS = ("name", "organization", "position", "keywords", "field_text", "place", "bio_vi",
           "bio_en")
# bm25 weights per column, in COLUMNS order (expertnet's boosts: names first).
WEIGHTS = (5.0, 2.5, 1.5, 2.5, 3.0, 1.5, 1.0, 1.0)
MULTI_VALUED = ("fields", "languages", "available_for")
SINGLE_VALUED = ("kind", "country", "visibility")
TOKEN = re.compile(r"\w+", re.UNICODE)
PREFIX_MIN_LENGTH = 2
READ_BATCH = 2000

SCHEMA = f"""
CREATE VIRTUAL TABLE fts USING fts5({", ".join(COLUMNS)},
    tokenize = "unicode61 remove_diacritics 2");
CREATE TABLE doc (id INTEGER PRIMARY KEY, kind TEXT, country TEXT, visibility TEXT,
                  name_sort TEXT, updated INTEGER);
CREATE TABLE doc_value (facet TEXT, value TEXT, doc INTEGER);
CREATE TEMP TABLE hits (id INTEGER PRIMARY KEY);
"""
INDEXES = """
CREATE INDEX doc_kind ON doc (kind);
CREATE INDEX doc_country ON doc (country);
CREATE INDEX doc_name_sort ON doc (name_sort);
CREATE INDEX doc_updated ON doc (updated);
CREATE INDEX doc_value_lookup ON doc_value (facet, value, doc);
CREATE INDEX doc_value_doc ON doc_value (doc, facet, value);
"""


def fold_d(text):
    return text.replace("đ", "d").replace("Đ", "D")


def _profiles(taxonomy):
    """``(expert, expanded field codes)`` for every profile, in id order, in batches."""
    from expertnet.directory.models import Expert
    from expertnet.directory.search_documents import field_codes_by_expert

    last_id = 0
    while True:
        experts = list(Expert.select().where(Expert.id > last_id).order_by(Expert.id)
                       .limit(READ_BATCH))
        if not experts:
            return
        codes = field_codes_by_expert([expert.id for expert in experts])
        for expert in experts:
            known = [code for code in codes[expert.id] if code in taxonomy.fields]
            yield expert, taxonomy.with_ancestors(known)
        last_id = experts[-1].id


def _text_row(expert, codes, taxonomy):
    place = [*places.country_names_all(expert.country)] if expert.country else []
    values = (
        "\n".join([expert.full_name, *expert.other_names]),
        expert.organization,
        expert.position,
        "\n".join(expert.keywords),
        "\n".join(word for code in codes for word in taxonomy.words(code)),
        "\n".join(part for part in [*place, expert.city, expert.hometown] if part),
        expert.bio_vi,
        expert.bio_en,
    )
    return (expert.id, *map(fold_d, values))


class Baseline:
    """An FTS5 database at ``path`` (a file: its pages stay out of the process's RSS)."""

    def __init__(self, path):
        self.connection = sqlite3.connect(path)
        # A throwaway copy: durability costs nothing to the comparison.
        self.connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")

    def close(self):
        self.connection.close()

    def build(self, taxonomy):
        """Fill the tables from the database (inside an app context); returns seconds."""
        started = time.perf_counter()
        db = self.connection
        db.executescript(SCHEMA)
        placeholders = ", ".join("?" * (len(COLUMNS) + 1))
        with db:
            for expert, codes in _profiles(taxonomy):
                db.execute(f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}) VALUES ({placeholders})",
                           _text_row(expert, codes, taxonomy))
                db.execute("INSERT INTO doc VALUES (?, ?, ?, ?, ?, ?)",
                           (expert.id, expert.kind, expert.country, expert.visibility,
                            sort_key(expert.full_name), int(expert.updated_at.timestamp())))
                values = [("fields", code, expert.id) for code in codes]
                values += [("languages", code, expert.id) for code in expert.languages]
                values += [("available_for", code, expert.id) for code in expert.available_for]
                db.executemany("INSERT INTO doc_value VALUES (?, ?, ?)", values)
        # The same end state as the Whoosh rebuild (optimize=True): one merged segment.
        with db:
            db.executescript(INDEXES)
            db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        db.execute("ANALYZE")
        return time.perf_counter() - started

    @staticmethod
    def match_expression(text):
        """Every word required (quoted, so nothing typed is FTS5 syntax); the last word
        may also be the start of a name. ``None`` when ``text`` holds no word."""
        words = TOKEN.findall(fold_d(text).lower())
        if not words:
            return None
        parts = [f'"{word}"' for word in words]
        if len(words[-1]) >= PREFIX_MIN_LENGTH:
            parts[-1] = f'({parts[-1]} OR name : "{words[-1]}"*)'
        return " AND ".join(parts)

    def search(self, text, filters, visibility, sort="relevance", per_page=20):
        """``(ids, total, facets, snippets)`` like expertnet's search for page 1."""
        db = self.connection
        match = self.match_expression(text)
        conditions, params = [], []
        if match is not None:
            conditions.append("d.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(match)
        for name, values in filters.items():
            values = [value for value in values if value]
            if not values:
                continue
            marks = ", ".join("?" * len(values))
            if name in SINGLE_VALUED:
                conditions.append(f"d.{name} IN ({marks})")
                params += values
            else:
                conditions.append(
                    f"d.id IN (SELECT doc FROM doc_value WHERE facet = ? AND value IN ({marks}))")
                params += [name, *values]
        conditions.append(f"d.visibility IN ({', '.join('?' * len(visibility))})")
        params += list(visibility)
        db.execute("DELETE FROM hits")
        db.execute(f"INSERT INTO hits SELECT d.id FROM doc d WHERE {' AND '.join(conditions)}",
                   params)
        total = db.execute("SELECT count(*) FROM hits").fetchone()[0]
        facets = {name: {} for name in ("kind", "country", *MULTI_VALUED)}
        for name in ("kind", "country"):
            facets[name] = dict(db.execute(
                f"SELECT d.{name}, count(*) AS n FROM hits CROSS JOIN doc d USING (id) "
                f"WHERE d.{name} != '' GROUP BY d.{name} ORDER BY n DESC"))
        for facet, value, count in db.execute(
                "SELECT v.facet, v.value, count(*) AS n FROM hits CROSS JOIN doc_value v ON v.doc = hits.id "
                "GROUP BY v.facet, v.value ORDER BY n DESC"):
            facets[facet][value] = count
        if match is not None and sort == "relevance":
            weights = ", ".join(map(str, WEIGHTS))
            ids = [row[0] for row in db.execute(
                f"SELECT rowid FROM fts WHERE fts MATCH ? AND +rowid IN (SELECT id FROM hits) "
                f"ORDER BY bm25(fts, {weights}) LIMIT ?", (match, per_page))]
        else:
            order = "d.updated DESC" if sort == "updated" else "d.name_sort"
            ids = [row[0] for row in db.execute(
                f"SELECT d.id FROM hits JOIN doc d USING (id) ORDER BY {order} LIMIT ?",
                (per_page,))]
        snippets = {}
        if match is not None and ids:
            # Only the page shown, as expertnet highlights only its page.
            snippets = dict(db.execute(
                f"SELECT rowid, snippet(fts, -1, '<mark>', '</mark>', ' … ', 24) FROM fts "
                f"WHERE fts MATCH ? AND +rowid IN ({', '.join('?' * len(ids))})", (match, *ids)))
        return ids, total, facets, snippets
