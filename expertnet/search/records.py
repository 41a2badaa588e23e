"""Small indexes of records other than profiles: organisations, technology offers and
demands. One Whoosh index per kind, in ``<index folder>/records/<kind>``, beside the
profiles' index (whose rebuilds touch only its own ``gen-*`` folders).

Documents are plain dicts built by each domain's ``search_documents``::

    {"id": int, "names": str, "text": str,
     "visibility": "public" | "officials" | "curators", "status": str,
     "facets": {"type": ["university"], "country": ["VN"], "field": [...], ...}}

Names and text are indexed twice, folded (``dai hoc``) and with their diacritics
(``đại học``): a word typed with its tone marks scores its exact form higher, so
``Đức`` ranks Đức above Dục, as the profiles' search does; a word typed without
marks matches every form. Every word of the query is required. Facets, whatever their
names, are kept as ``name:value`` terms of one field, so a domain may add a facet
without a schema change.

The index knows no models and no request: the caller says which visibility levels and
statuses the reader may see, and gets ranked ids, the total and facet counts back.
"""
import contextlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.index import LockError
from whoosh.query import And, Every, Or, Term
from whoosh.writing import CLEAR

from expertnet.core.text import clean, fold

from .analysis import exact_analyzer, exact_terms, folded_analyzer

log = logging.getLogger(__name__)

RECORDS_FOLDER = "records"
VERSION_FILE = "RECORDS_SCHEMA_VERSION"
# Bump when a field or an analyzer changes: an index of another version is recreated
# empty, and the health check and reindex see it needs filling.
RECORDS_SCHEMA_VERSION = 1
LEVELS = ("public", "officials", "curators")
# Words of a query beyond this many are ignored (a pasted paragraph is not a search).
MAX_WORDS = 12
MAX_CHARS = 300
# Boosts: names over text, the exact form (diacritics as typed) over the folded one.
BOOSTS = {"names_exact": 6.0, "names": 3.0, "text_exact": 1.5, "text": 1.0}
FACET_SEPARATOR = ":"


class RecordIndexBusy(RuntimeError):
    """Another writer held the index for longer than the timeout."""


@dataclass
class RecordResults:
    ids: list
    total: int
    facet_counts: dict = field(default_factory=dict)


def build_schema():
    keyword = {"lowercase": False, "commas": False, "scorable": False}
    return Schema(
        id=ID(stored=True, unique=True),
        id_num=NUMERIC(bits=64, sortable=True, signed=False),
        visibility=ID(),
        status=ID(),
        facets=KEYWORD(**keyword),
        names_exact=TEXT(analyzer=exact_analyzer(), phrase=False),
        names=TEXT(analyzer=folded_analyzer(), phrase=False),
        text_exact=TEXT(analyzer=exact_analyzer(), phrase=False),
        text=TEXT(analyzer=folded_analyzer(), phrase=False),
    )


def facet_term(name, value):
    return f"{name}{FACET_SEPARATOR}{value}"


def _fields(doc):
    """The Whoosh fields of a document dict; raises ValueError on a malformed one."""
    try:
        record_id = int(doc["id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"a record document needs an integer id: {doc!r}") from exc
    if record_id < 0:
        raise ValueError(f"a record id cannot be negative: {record_id}")
    visibility = doc.get("visibility") or "curators"
    if visibility not in LEVELS:
        raise ValueError(f"unknown visibility {visibility!r}")
    terms = []
    for name, values in (doc.get("facets") or {}).items():
        if isinstance(values, str):
            values = [values]
        for value in values or ():
            value = str(value).strip()
            if value and " " not in value:
                terms.append(facet_term(name, value))
    names = clean(doc.get("names", ""))
    text = clean(doc.get("text", ""))
    return {
        "id": str(record_id), "id_num": record_id, "visibility": visibility,
        "status": str(doc.get("status") or ""), "facets": " ".join(dict.fromkeys(terms)),
        "names_exact": names, "names": names, "text_exact": text, "text": text,
    }


def _text_query(q):
    """Every word required; each in the names or the text, exact or folded."""
    words = exact_terms(clean(q)[:MAX_CHARS])[:MAX_WORDS]
    clauses = []
    for word in dict.fromkeys(words):
        folded = fold(word)
        clauses.append(Or([
            Term("names_exact", word, boost=BOOSTS["names_exact"]),
            Term("names", folded, boost=BOOSTS["names"]),
            Term("text_exact", word, boost=BOOSTS["text_exact"]),
            Term("text", folded, boost=BOOSTS["text"]),
        ]))
    return clauses


def _any(field_name, values):
    return Or([Term(field_name, str(value)) for value in values])


class RecordIndex:
    """One kind's index. Thread-safe; writes wait up to ``lock_timeout`` seconds for
    another process's writer."""

    def __init__(self, folder, kind, lock_timeout=10.0):
        if not kind or not kind.replace("_", "").isalnum():
            raise ValueError(f"not a record kind: {kind!r}")
        self.kind = kind
        self.path = Path(folder) / RECORDS_FOLDER / kind
        self.lock_timeout = lock_timeout
        self.schema = build_schema()
        self._lock = threading.RLock()
        self._index = None
        # True when the index was created empty here (new, or of another schema): the
        # caller's health check or reindex fills it.
        self.created = False

    # -- opening -----------------------------------------------------------------
    def _version_ok(self):
        try:
            return int((self.path / VERSION_FILE).read_text().strip()) == RECORDS_SCHEMA_VERSION
        except (OSError, ValueError):
            return False

    def _open(self):
        with self._lock:
            if self._index is not None:
                return self._index
            self.path.mkdir(parents=True, exist_ok=True)
            if whoosh_index.exists_in(str(self.path)) and self._version_ok():
                self._index = whoosh_index.open_dir(str(self.path), schema=self.schema)
            else:
                self._index = whoosh_index.create_in(str(self.path), self.schema)
                (self.path / VERSION_FILE).write_text(f"{RECORDS_SCHEMA_VERSION}\n")
                self.created = True
            return self._index

    def close(self):
        """Forget the opened index (searchers and writers are opened per call, so no
        file stays open; a forked worker opens its own)."""
        with self._lock:
            self._index = None

    @contextlib.contextmanager
    def _writer(self):
        index = self._open()
        try:
            writer = index.writer(timeout=self.lock_timeout)
        except LockError as exc:
            raise RecordIndexBusy(f"the {self.kind} index is busy") from exc
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise

    # -- writes ------------------------------------------------------------------
    def replace(self, doc):
        """Add or replace one document (by its id)."""
        fields = _fields(doc)
        with self._writer() as writer:
            writer.update_document(**fields)
            writer.commit()

    def replace_many(self, docs):
        """Add or replace several documents in one commit."""
        prepared = [_fields(doc) for doc in docs]
        if not prepared:
            return
        with self._writer() as writer:
            for fields in prepared:
                writer.update_document(**fields)
            writer.commit()

    def delete(self, record_id):
        """Remove the document of ``record_id`` (nothing happens when it is absent)."""
        with self._writer() as writer:
            writer.delete_by_term("id", str(int(record_id)))
            writer.commit()

    def rebuild(self, docs):
        """Replace every document by ``docs`` in one commit: readers see the old index
        until it is done, and a failure while reading ``docs`` leaves it untouched."""
        prepared = [_fields(doc) for doc in docs]
        with self._writer() as writer:
            for fields in prepared:
                writer.add_document(**fields)
            writer.commit(mergetype=CLEAR)
        self.created = False
        return len(prepared)

    # -- reads -------------------------------------------------------------------
    def count(self):
        with self._open().searcher() as searcher:
            return searcher.doc_count()

    def ids(self):
        """Every indexed id (for reconcile: what is missing or stale)."""
        with self._open().searcher() as searcher:
            return {int(stored["id"]) for stored in searcher.all_stored_fields()}

    def search(self, q="", *, levels, statuses=None, filters=None, facets=(), page=1, per_page=20,
               facets_ignore_own_filter=False):
        """Records matching every word of ``q`` among those of the visibility ``levels``
        (and ``statuses``, when given) and ``filters`` (facet → accepted values, OR-ed
        within a facet, AND-ed across facets). Ranked by relevance, or by id, newest
        first, when there are no words. ``facets`` names the facets to count over the
        whole result: ``{name: [(value, count), ...]}`` by count, then value. With
        ``facets_ignore_own_filter``, a facet's counts are over the records passing every
        filter but its own, so a reader sees how far each choice widens."""
        levels = [level for level in levels if level in LEVELS]
        page = max(1, int(page))
        per_page = max(1, min(int(per_page), 200))
        if not levels:
            return RecordResults([], 0, {name: [] for name in facets})
        clauses = [_any("visibility", levels)]
        if statuses is not None:
            statuses = [status for status in statuses if status]
            if not statuses:
                return RecordResults([], 0, {name: [] for name in facets})
            clauses.append(_any("status", statuses))
        facet_clauses = {}
        for name, values in (filters or {}).items():
            values = [values] if isinstance(values, str) else [value for value in values if value]
            if values:
                facet_clauses[name] = _any("facets", [facet_term(name, value) for value in values])
        clauses.extend(facet_clauses.values())
        words = _text_query(q)
        with self._open().searcher() as searcher:
            restrict = And(clauses) if len(clauses) > 1 else clauses[0]
            if words:
                query = And([*words, restrict])
                hits = searcher.search(query, limit=page * per_page, scored=True)
            else:
                query = And([Every(), restrict])
                hits = searcher.search(query, limit=page * per_page, sortedby="id_num", reverse=True)
            total = len(hits)  # every match counted, not only the page's
            start = (page - 1) * per_page
            ids = [int(hit["id"]) for hit in hits[start:start + per_page]] if start < total else []
            if not facets:
                counts = {}
            elif facets_ignore_own_filter:
                counts = {}
                for name in facets:
                    own = facet_clauses.get(name)
                    scope = query if own is None else And(
                        [*words, *(clause for clause in clauses if clause is not own)] or [Every()])
                    counts.update(self._facet_counts(searcher, scope, [name]))
            else:
                counts = self._facet_counts(searcher, query, facets)
        return RecordResults(ids, total, counts)

    @staticmethod
    def _facet_counts(searcher, query, names):
        matched = set(searcher.docs_for_query(query))
        reader = searcher.reader()
        counts = {}
        for name in names:
            prefix = facet_term(name, "")
            values = []
            if matched:
                for term in reader.expand_prefix("facets", prefix):
                    term = term.decode("utf-8") if isinstance(term, bytes) else term
                    docs = set(searcher.docs_for_query(Term("facets", term)))
                    found = len(docs & matched)
                    if found:
                        values.append((term[len(prefix):], found))
            counts[name] = sorted(values, key=lambda pair: (-pair[1], pair[0]))
        return counts


_OPEN = {}
_OPEN_LOCK = threading.Lock()


def records_index(folder, kind, lock_timeout=10.0):
    """The index of ``kind`` records under the index ``folder``: opened once per
    process and folder, created when missing."""
    key = (str(Path(folder).resolve()), kind)
    with _OPEN_LOCK:
        index = _OPEN.get(key)
        if index is None:
            index = _OPEN[key] = RecordIndex(folder, kind, lock_timeout=lock_timeout)
    return index


def forget(folder=None):
    """Drop the opened indexes (of ``folder``, or all): for tests and folder swaps."""
    with _OPEN_LOCK:
        for key in list(_OPEN):
            if folder is None or key[0] == str(Path(folder).resolve()):
                del _OPEN[key]
