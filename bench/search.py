"""Search at national scale: expertnet against SQLite FTS5 and tantivy, in the same run.

    .venv/bin/python -m bench.search --profiles 100000 [--queries 200] [--seed 2026]
                                     [--rounds 3] [--keep DIR [--reuse-index]] [--build-only]

1. Corpus (:mod:`bench.corpus`): a fresh SQLite instance with N deterministic bilingual
   profiles, loaded in a child process (its rows stay out of this process's memory).
2. Index: ``indexing.rebuild`` — the project's own code — in a child process, timed
   (``build_s``); its peak memory is reported apart (``build_peak_rss_mb``), so that
   ``peak_rss_mb`` is the serving side: searches with facets and highlights, edits.
3. A fixed mix of queries drawn from the corpus with a seeded generator: names (with
   and without diacritics), common Vietnamese syllables and words, folded multi-word
   queries, English terms, field and country filters with and without text, empty
   queries with filters, sorts. Each runs as the API runs it (``search.search`` with
   facets over the whole result set, highlights for the page, top 20); one warm-up
   pass, then ``--rounds`` timed passes.
4. The baselines built and queried in the same run: SQLite FTS5 (:mod:`bench.fts5`) and,
   when tantivy-py is installed (the ``bench`` extra), tantivy
   (:mod:`bench.tantivy_baseline`) as the reference of a compiled engine. The engines
   take turns query by query (the order rotating from one query to the next), so a
   change of load on the machine falls on all of them alike. tantivy is built in a
   child process and served from another one, which times its own searches and
   reports its own peak memory (``tantivy.peak_rss_mb``). Totals and facet counts are
   compared across the engines (``agreement``): the two baselines do the same work
   (every word required) and should agree; expertnet understands words, widens near
   empty results and matches bigrams, so its totals differ where that matters.
5. Exactness: for every text query sorted by relevance, expertnet's top 20 against an
   exhaustive ranking of the same Whoosh query (every match scored, then sorted).
6. Edit latency: 50 ``writes.save_profile`` edits, each followed by a search that
   must find the new value.

Writes ``bench/results/search-<N>.json``.

``--keep DIR`` uses DIR as the instance folder and keeps it: the corpus is built only
when DIR has none (a corpus of another size or seed is refused). The index is rebuilt
and timed on every run, unless ``--reuse-index`` is given and the kept index is of
the current schema and complete; ``build_s`` is then the one recorded when it was
built (``index_reused`` says so). The 50 edits are undone afterwards (values, version
and update time), so a kept corpus stays the same from run to run.
"""
import argparse
import datetime
import json
import math
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench import corpus, fts5

COMPARED_FACETS = ("kind", "country", *fts5.MULTI_VALUED)

RESULTS = Path(__file__).resolve().parent / "results"
INDEX_MARKER = "bench-index.json"
# What a curator sees: every visibility level, as the API gives them.
VISIBILITY = ("public", "officials", "curators")
PER_PAGE = 20
EDITS = 50
SAMPLE_PROFILES = 500
# Scores this close are equal: the engine and Whoosh add the same floats in other orders.
TIE_TOLERANCE = 1e-6

# The query mix: category → share of the queries.
MIX = (("name", 0.22), ("syllable", 0.12), ("folded", 0.12), ("english", 0.12),
       ("filter_text", 0.14), ("filter_only", 0.16), ("sort", 0.12))
SYLLABLES = (
    "công nghệ", "quản lý", "cảng biển", "hải phòng", "công", "nghệ", "nghiên cứu", "kinh tế",
    "môi trường", "năng lượng", "tự động hóa", "đóng tàu", "giáo dục", "chuyển đổi số",
    "vận tải", "kỹ thuật", "khoa học", "thủy sản", "đổi mới sáng tạo", "dữ liệu", "biển",
    "hàng hải", "đại học", "tiến sĩ",
)
FOLDED = (
    "cong nghe bien", "tri tue nhan tao", "quan ly cang", "kinh te bien", "hai phong",
    "cong nghe sinh hoc", "nang luong tai tao", "bien doi khi hau", "chuyen doi so",
    "khoa hoc du lieu", "dong tau", "van tai bien", "tu dong hoa", "do thi thong minh",
    "an ninh mang", "cang bien va hang hai", "nghien cuu khoa hoc", "giao duc dao tao",
)
ENGLISH = (
    "logistics", "machine learning", "port automation", "renewable energy", "shipbuilding",
    "oceanography", "supply chain", "climate change", "semiconductors", "data science",
    "artificial intelligence", "cybersecurity", "aquaculture", "smart cities", "offshore wind",
    "robotics", "digital transformation", "university", "professor", "research",
)


@dataclass(frozen=True)
class Query:
    category: str
    text: str = ""
    # ((index field, (values, ...)), ...): hashable and printable.
    filters: tuple = ()
    sort: str = "relevance"

    @property
    def filter_dict(self):
        return {name: list(values) for name, values in self.filters}

    @property
    def has_text(self):
        return bool(self.text.strip())

    def label(self):
        parts = [repr(self.text)] if self.text else ["(empty)"]
        parts += [f"{name}={','.join(values)}" for name, values in self.filters]
        if self.sort != "relevance":
            parts.append(f"sort={self.sort}")
        return " ".join(parts)


# -- small helpers ---------------------------------------------------------------------
def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(timings):
    if not timings:
        return {"p50_ms": None, "p95_ms": None, "max_ms": None}
    return {"p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1), "max_ms": round(max(timings), 1)}


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def resident_mb():
    """This process's resident memory now, split as Linux counts it: ``anon`` (its own
    heap: arrays, caches, Python objects) and ``file`` (pages of mapped files: the
    dense postings and the libraries, shared with other processes and given back by
    the kernel under pressure). None where /proc does not tell."""
    try:
        status = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return None
    names = {"VmRSS": "rss", "RssAnon": "anon", "RssFile": "file"}
    found = {}
    for line in status:
        name, _colon, value = line.partition(":")
        if name in names:
            found[names[name]] = round(int(value.split()[0]) / 1024, 1)  # kB
    return found or None


def machine():
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{len(os.sched_getaffinity(0))} cores, {model}"


def log(message):
    """Progress on stderr: a 100,000-profile run takes a while."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def in_child(function, *args):
    """Run ``function`` in a fresh interpreter (spawn): its memory is not ours."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


def open_app(folder):
    from expertnet import create_app
    # No reconcile at start-up: it would rebuild or mend the index outside the timings.
    return create_app({"INSTANCE_PATH": str(folder), "RECONCILE_ON_START": False})


# -- corpus and index ------------------------------------------------------------------
def ensure_corpus(folder, profiles, seed):
    found = corpus.read_marker(folder)
    wanted = {"corpus_version": corpus.CORPUS_VERSION, "profiles": profiles, "seed": seed}
    if found is not None:
        if any(found.get(key) != value for key, value in wanted.items()):
            raise SystemExit(f"{folder} holds another corpus ({found}); use another --keep folder")
        log(f"corpus: reusing {folder}")
        return {**found, "reused": True}
    log(f"corpus: {profiles:,} profiles into {folder}")
    return {**in_child(corpus.build, str(folder), profiles, seed), "reused": False}


def rebuild_index(folder):
    """Child process: ``indexing.rebuild`` timed, with this process's peak memory."""
    from expertnet import search
    from expertnet.core.db import database
    from expertnet.directory import indexing

    app = open_app(folder)
    with app.app_context(), database.connection_context():
        store = search.get_store(app)
        started = time.perf_counter()
        indexed = indexing.rebuild(store)
        build_s = time.perf_counter() - started
        store.close()
    # CPU of this process and of the build processes it started (a loaded machine
    # stretches the wall time, not this).
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu_s = sum(usage.ru_utime + usage.ru_stime for usage in used)
    return {"build_s": round(build_s, 1), "build_cpu_s": round(cpu_s, 1), "indexed": indexed,
            "build_peak_rss_mb": peak_rss_mb(),
            "schema_version": search.SCHEMA_VERSION,
            "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}


def ensure_index(folder, profiles, reuse):
    from expertnet import search

    marker = Path(folder) / INDEX_MARKER
    if reuse and marker.exists():
        recorded = json.loads(marker.read_text())
        store = search.IndexStore(Path(folder) / "index")
        try:
            current = store.status() == "ok" and store.doc_count() == profiles
        finally:
            store.close()
        if current and recorded.get("schema_version") == search.SCHEMA_VERSION:
            log("index: reusing the kept index")
            return {**recorded, "index_reused": True}
    log("index: indexing.rebuild")
    built = in_child(rebuild_index, str(folder))
    log(f"index: built in {built['build_s']} s ({built['build_cpu_s']} s of CPU)")
    marker.write_text(json.dumps(built, indent=2) + "\n")
    return {**built, "index_reused": False}


def index_size_mb(store):
    generation = store.root / os.readlink(store.live_path)
    return round(sum(path.stat().st_size for path in generation.rglob("*") if path.is_file())
                 / 2**20, 1)


# -- the query mix ---------------------------------------------------------------------
def _sample_profiles(profiles, rng):
    """Names, keywords, countries and fields of a seeded sample of profiles."""
    from expertnet.directory.models import Expert
    from expertnet.directory.search_documents import field_codes_by_expert

    ids = sorted(rng.sample(range(1, profiles + 1), min(SAMPLE_PROFILES, profiles)))
    rows = list(Expert.select().where(Expert.id.in_(ids)).order_by(Expert.id))
    codes = field_codes_by_expert(ids)
    return [(row, codes[row.id]) for row in rows]


def _counts(total):
    counts = {category: int(total * share) for category, share in MIX}
    for category, _share in MIX[:total - sum(counts.values())]:
        counts[category] += 1
    return counts


def _pick(fixed, sampled, count, rng):
    """The fixed terms first (the issue names them), then terms from the corpus."""
    extra = [term for term in dict.fromkeys(sampled) if term not in fixed]
    rng.shuffle(extra)
    candidates = [*fixed, *extra] or ["hai phong"]
    return [candidates[index % len(candidates)] for index in range(count)]


def make_queries(profiles, total, seed):
    """The fixed, deterministic query mix (same corpus and seed → same queries)."""
    from expertnet.core.text import fold

    rng = random.Random(f"bench-queries-{seed}")
    sample = _sample_profiles(profiles, rng)
    counts = _counts(total)
    keywords = [keyword for row, _codes in sample for keyword in row.keywords]
    vietnamese = [keyword for keyword in keywords if fold(keyword) != keyword.lower()]
    english = [keyword for keyword in keywords if keyword.isascii()]
    queries = []

    for index in range(counts["name"]):
        row, _codes = rng.choice(sample)
        given = row.full_name.split()[-1]
        variant = index % 5
        if variant == 4 and row.other_names:
            text = rng.choice(row.other_names)
        else:
            text = (row.full_name, fold(row.full_name), given, fold(given),
                    row.full_name)[variant]
        queries.append(Query("name", text))
    texts = {
        "syllable": _pick(SYLLABLES, vietnamese, counts["syllable"], rng),
        "folded": _pick(FOLDED, [fold(keyword) for keyword in vietnamese], counts["folded"], rng),
        "english": _pick(ENGLISH, english, counts["english"], rng),
    }
    for category, chosen in texts.items():
        queries += [Query(category, text) for text in chosen]

    common = [*SYLLABLES, *FOLDED, *ENGLISH]
    for index in range(counts["filter_text"]):
        row, codes = rng.choice(sample)
        field = rng.choice(codes) if codes else "marine"
        filters = ((("fields", (field,)),), (("country", (row.country,)),),
                   (("fields", (field,)), ("country", (row.country,))))[index % 3]
        queries.append(Query("filter_text", rng.choice(common), filters))

    for index in range(counts["filter_only"]):
        row, codes = rng.choice(sample)
        other, _other_codes = rng.choice(sample)
        field = rng.choice(codes) if codes else "marine"
        choices = (
            (("fields", (field,)), ("country", (row.country,))),
            (("kind", (row.kind,)),),
            (("languages", (rng.choice(row.languages or ["en"]),)),),
            (("available_for", (rng.choice(row.available_for or ["consulting"]),)),
             ("fields", (field,))),
            (("country", tuple(sorted({row.country, other.country}))),),
            (("kind", (row.kind,)), ("country", (row.country,))),
        )
        queries.append(Query("filter_only", "", choices[index % len(choices)]))

    for index in range(counts["sort"]):
        row, codes = rng.choice(sample)
        field = rng.choice(codes) if codes else "marine"
        sort = ("name", "updated")[index % 2]
        if index % 4 < 2:
            queries.append(Query("sort", rng.choice(common), sort=sort))
        else:
            queries.append(Query("sort", "", (("fields", (field,)),), sort=sort))
    return queries


# -- running ---------------------------------------------------------------------------
def expertnet_request(query):
    from expertnet.search import SearchRequest
    return SearchRequest(text=query.text, filters=query.filter_dict, visibility=VISIBILITY,
                         sort=query.sort, with_facets=True, per_page=PER_PAGE, page=1,
                         language="vi")


def run_expertnet(store, query):
    from expertnet import search
    result = search.search(store, expertnet_request(query))
    return result.ids, result.total, result.facets


def run_fts5(baseline, query):
    ids, total, facets, _snippets = baseline.search(
        query.text, query.filter_dict, VISIBILITY, sort=query.sort, per_page=PER_PAGE)
    return ids, total, facets


def timed(run):
    """``run`` as the interleaving calls it: ``query → (milliseconds, answer)``."""
    def call(query):
        started = time.perf_counter()
        answer = run(query)
        return (time.perf_counter() - started) * 1000, answer
    return call


def time_interleaved(engines, queries, rounds):
    """One warm-up pass, then ``rounds`` timed passes, the engines taking turns query
    by query (who goes first rotates). ``engines``: name → ``query → (ms, answer)``.
    Returns name → (per query its times, per query its last answer)."""
    names = list(engines)
    for query in queries:
        for name in names:
            engines[name](query)
    timings = {name: [[] for _query in queries] for name in names}
    answers = {name: [None] * len(queries) for name in names}
    for round_number in range(rounds):
        for position, query in enumerate(queries):
            shift = (position + round_number) % len(names)
            for name in names[shift:] + names[:shift]:
                ms, answers[name][position] = engines[name](query)
                timings[name][position].append(ms)
    return {name: (timings[name], answers[name]) for name in names}


# -- tantivy, in processes of its own ---------------------------------------------------
def tantivy_available():
    try:
        import tantivy  # noqa: F401 - only whether it is installed
    except ImportError:
        return False
    return True


def build_tantivy(folder, path):
    """Child process: the tantivy index of the corpus, timed, with its peak memory."""
    from bench import tantivy_baseline
    from expertnet.core.db import database
    from expertnet.taxonomy import store as catalog

    app = open_app(folder)
    with app.app_context(), database.connection_context():
        build_s = tantivy_baseline.build(path, catalog.load())
    return {"build_s": round(build_s, 1), "build_peak_rss_mb": peak_rss_mb()}


def serve_tantivy(connection, path):
    """Child process: answers ``(text, filters, sort)`` with ``(ms, (ids, total,
    facets))``, timed here; ``None`` ends it with its peak memory."""
    from bench import tantivy_baseline

    baseline = tantivy_baseline.Baseline(path)
    while True:
        message = connection.recv()
        if message is None:
            connection.send(peak_rss_mb())
            return
        text, filters, sort = message
        started = time.perf_counter()
        ids, total, facets, _snippets = baseline.search(text, filters, VISIBILITY, sort=sort,
                                                        per_page=PER_PAGE)
        connection.send(((time.perf_counter() - started) * 1000, (ids, total, facets)))


class TantivyServer:
    def __init__(self, path):
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=serve_tantivy, args=(child, str(path)))
        self.process.start()
        child.close()

    def __call__(self, query):
        self.connection.send((query.text, query.filter_dict, query.sort))
        return self.connection.recv()

    def close(self):
        """Ends the server; returns its peak memory (MB)."""
        self.connection.send(None)
        peak = self.connection.recv()
        self.process.join()
        return peak


def agreement(queries, answers):
    """For each pair of engines, on how many queries their totals, and their facet
    counts (the five facets every engine counts), are equal."""
    names = list(answers)
    found = {}
    for index, first in enumerate(names):
        for second in names[index + 1:]:
            totals = facets = 0
            for a, b in zip(answers[first], answers[second], strict=True):
                totals += a[1] == b[1]
                facets += all(a[2].get(name, {}) == b[2].get(name, {}) for name in COMPARED_FACETS)
            found[f"{first}_{second}"] = {"totals_equal": totals, "facets_equal": facets,
                                          "queries": len(queries)}
    return found


def engine_report(queries, timings):
    flat = [ms for times in timings for ms in times]
    text = [ms for query, times in zip(queries, timings, strict=True) if query.has_text
            for ms in times]
    filters = [ms for query, times in zip(queries, timings, strict=True) if not query.has_text
               for ms in times]
    by_category = {}
    for category, _share in MIX:
        times = [ms for query, query_times in zip(queries, timings, strict=True)
                 if query.category == category for ms in query_times]
        by_category[category] = summary(times)
    return {**summary(flat), "text": summary(text), "filter_only": summary(filters),
            "by_category": by_category}


# -- exactness -------------------------------------------------------------------------
def reference_query(store, request, searcher):
    """The Whoosh query that ranks ``request``. The search package is being reworked:
    the current one plans a search and converts the plan (``to_whoosh``), the first
    one built the query directly (``build``)."""
    from expertnet import search
    from expertnet.search import query as search_query

    if hasattr(search, "reference_queries"):
        # The plan the search answers with (a query the words leave nearly empty is
        # widened to weak matches: the reference must be widened alike).
        return search.reference_queries(store, request, searcher)[1][1][1]
    if hasattr(search_query, "to_whoosh"):
        plan = search_query.plan(
            request.text, request.filters, request.visibility, request.own_ids,
            include_contact=request.include_contact, lexicon=store.segments(searcher).lexicon,
            max_chars=request.max_chars, max_terms=request.max_terms)
        return search_query.to_whoosh(plan)[1]
    return search_query.build(request.text, request.filters, request.visibility)[1]


def check_exact_in_app(folder, profiles, count, seed, answers, limit=None):
    """:func:`check_exact` on the instance in ``folder`` (for :func:`in_child`)."""
    from expertnet import search
    from expertnet.core.db import database

    app = open_app(folder)
    with app.app_context(), database.connection_context():
        store = search.get_store(app)
        try:
            return check_exact(store, make_queries(profiles, count, seed), answers, limit)
        finally:
            store.close()


def check_exact(store, queries, answers, limit=None):
    """Text queries sorted by relevance whose top 20 differs from the exhaustive
    ranking of the same Whoosh query (every match scored; ties by document number, as
    Whoosh orders them). A difference only between equal scores is flagged ``tie``.
    ``limit``: check only the first so many such queries."""
    checked, differing = 0, []
    for query, (ids, _total, _facets) in zip(queries, answers, strict=True):
        if not query.has_text or query.sort != "relevance":
            continue
        if limit is not None and checked >= limit:
            break
        checked += 1
        with store.searcher() as searcher:
            scoring = reference_query(store, expertnet_request(query), searcher)
            everything = searcher.search(scoring, limit=None)
            ranked = list(everything.items())  # (docnum, score), best first
            scores = dict(ranked)
            expected = [docnum for docnum, _score in ranked[:PER_PAGE]]
            got = [searcher.document_number(id=str(expert_id)) for expert_id in ids]
            if got == expected:
                continue
            tie = len(got) == len(expected) and all(
                docnum in scores and math.isclose(scores[docnum], ranked[rank][1], rel_tol=TIE_TOLERANCE)
                for rank, docnum in enumerate(got))
            differing.append({
                "query": query.label(), "tie": tie,
                "expected_ids": [int(searcher.stored_fields(d)["id"]) for d in expected],
                "got_ids": list(ids)})
    return checked, differing


# -- edits -----------------------------------------------------------------------------
def time_edits(store, profiles, seed, restore):
    """``EDITS`` keyword edits, each timed until a search finds the new keyword."""
    from expertnet import search
    from expertnet.directory import indexing, writes
    from expertnet.directory.models import Expert

    rng = random.Random(f"bench-edits-{seed}")
    ids = rng.sample(range(1, profiles + 1), min(EDITS, profiles))
    timings, save_timings, missed, originals = [], [], [], []
    for number, expert_id in enumerate(ids):
        expert = Expert.get_by_id(expert_id)
        originals.append((expert_id, list(expert.keywords), expert.version, expert.updated_at))
        token = f"benchedit{number:03d}"
        started = time.perf_counter()
        writes.save_profile({"keywords": [*expert.keywords, token]}, expert=expert)
        saved = time.perf_counter()
        found = search.search(store, expertnet_request(Query("edit", token)))
        timings.append((time.perf_counter() - started) * 1000)
        # Split too: a slow edit is either the commit (merges) or the first search
        # after it (caches of the new segments).
        save_timings.append((saved - started) * 1000)
        if expert_id not in found.ids:
            missed.append(expert_id)
    if restore:
        # A kept corpus must not drift between runs: values, version and update time
        # back as they were, and the documents re-indexed from them.
        for expert_id, keywords, version, updated_at in originals:
            writes.save_profile({"keywords": keywords}, expert=Expert.get_by_id(expert_id))
            Expert.update(version=version, updated_at=updated_at).where(Expert.id == expert_id).execute()
        indexing.index_ids(ids, store=store)
    return {"edit_p50_ms": round(statistics.median(timings), 1),
            "edit_p95_ms": round(percentile(timings, 0.95), 1),
            "edit_max_ms": round(max(timings), 1), "edits": len(timings),
            "save_p50_ms": round(statistics.median(save_timings), 1),
            "save_p95_ms": round(percentile(save_timings, 0.95), 1),
            "edits_not_found": missed}


# -- main ------------------------------------------------------------------------------
def parse_args():
    parser = argparse.ArgumentParser(description="expertnet search against SQLite FTS5")
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR",
                        help="instance folder to reuse and keep (corpus built only once)")
    parser.add_argument("--reuse-index", action="store_true",
                        help="with --keep: reuse a complete index of the current schema")
    parser.add_argument("--build-only", action="store_true",
                        help="build the corpus and the index, print the build time, write nothing")
    parser.add_argument("--no-fts5", action="store_true",
                        help="leave the SQLite FTS5 baseline out (its build and queries take an "
                             "hour at 1,000,000 profiles; the targets compare with tantivy)")
    parser.add_argument("--exact-limit", type=int, metavar="N",
                        help="check the top 20 of the first N text queries only (the exhaustive "
                             "Whoosh ranking takes about 4 s a query at 100,000 profiles)")
    args = parser.parse_args()
    if args.reuse_index and not args.keep:
        parser.error("--reuse-index needs --keep")
    return args


def measure(folder, args, work):
    """Everything measured in this (the serving) process; returns the report."""
    from expertnet import search
    from expertnet.core.db import database
    from expertnet.taxonomy import store as catalog

    app = open_app(folder)
    memory = {}
    tantivy = None
    if tantivy_available():
        tantivy_path = Path(work) / "tantivy"
        tantivy_path.mkdir()
        log("tantivy: building (child process)")
        tantivy = in_child(build_tantivy, str(folder), str(tantivy_path))
        log(f"tantivy: built in {tantivy['build_s']} s")
    else:
        log("tantivy-py is not installed (pip install -e '.[bench]'): no tantivy baseline")
    with app.app_context(), database.connection_context():
        store = search.get_store(app)
        report = {"index_mb": index_size_mb(store)}
        queries = make_queries(args.profiles, args.queries, args.seed)
        baseline = None if args.no_fts5 else fts5.Baseline(str(Path(work) / "fts5.sqlite3"))
        server = None
        fts5_build_s = None
        try:
            engines = {"expertnet": timed(lambda query: run_expertnet(store, query))}
            if baseline is not None:
                log(f"fts5: building ({len(queries)} queries ready)")
                fts5_build_s = baseline.build(catalog.load())
                log(f"fts5: built in {fts5_build_s:.1f} s")
                memory["after_fts5_build"] = peak_rss_mb()
                engines["fts5"] = timed(lambda query: run_fts5(baseline, query))
            log("timing the engines in turn")
            if tantivy is not None:
                server = TantivyServer(tantivy_path)
                engines["tantivy"] = server
            measured = time_interleaved(engines, queries, args.rounds)
            memory["after_queries"] = peak_rss_mb()
            memory["resident_after_queries"] = resident_mb()
            if server is not None:
                tantivy["peak_rss_mb"] = server.close()
                server = None
        finally:
            if baseline is not None:
                baseline.close()
            if server is not None:
                server.close()
        whoosh_timings, whoosh_answers = measured["expertnet"]
        fts5_timings, fts5_answers = measured.get("fts5", (None, None))
        log("exactness: exhaustive Whoosh rankings (child process)")
        exactness_error = None
        try:
            # In a process of its own: scoring every match of a query as Whoosh does costs
            # ~200 MB at 1,000,000 profiles that no server spends, and the memory reported
            # is the serving side's (searches, edits).
            checked, differing = in_child(check_exact_in_app, str(folder), args.profiles, args.queries,
                                          args.seed, whoosh_answers, args.exact_limit)
        except Exception as exc:  # noqa: BLE001 - keep the timings of a long run
            # The check reaches into the search package's internals, which another
            # change may have moved: report that rather than lose the run.
            log(f"exactness check unavailable: {exc!r}")
            checked, differing, exactness_error = 0, [], repr(exc)
        memory["after_exactness"] = peak_rss_mb()
        log("edits")
        edits = time_edits(store, args.profiles, args.seed, restore=bool(args.keep))
        memory["after_edits"] = peak_rss_mb()
        memory["resident_after_edits"] = resident_mb()
        store.close()
    slowest = sorted(range(len(queries)), key=lambda i: -statistics.median(whoosh_timings[i]))
    report.update(
        queries=queries, memory=memory, edits=edits,
        fts5_build_s=None if fts5_build_s is None else round(fts5_build_s, 1),
        expertnet=engine_report(queries, whoosh_timings),
        fts5=None if fts5_timings is None else engine_report(queries, fts5_timings),
        tantivy=None if tantivy is None else {**tantivy, **engine_report(queries, measured["tantivy"][0])},
        agreement=agreement(queries, {name: answers for name, (_timings, answers) in measured.items()}),
        checked=checked, differing=differing, exactness_error=exactness_error,
        slowest=[{"query": queries[i].label(), "category": queries[i].category,
                  "expertnet_ms": round(statistics.median(whoosh_timings[i]), 1),
                  "fts5_ms": round(statistics.median(fts5_timings[i]), 1) if fts5_timings else None,
                  "tantivy_ms": (round(statistics.median(measured["tantivy"][0][i]), 1)
                                 if "tantivy" in measured else None),
                  "expertnet_total": whoosh_answers[i][1],
                  "fts5_total": fts5_answers[i][1] if fts5_answers else None,
                  "tantivy_total": measured["tantivy"][1][i][1] if "tantivy" in measured else None}
                 for i in slowest[:10]],
        totals_differ=None if fts5_answers is None else sum(
            1 for a, b in zip(whoosh_answers, fts5_answers, strict=True) if a[1] != b[1]))
    return report


def main():
    args = parse_args()
    folder = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="bench-search-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-fts5-") as work:
            corpus_info = ensure_corpus(folder, args.profiles, args.seed)
            index_info = ensure_index(folder, args.profiles, args.reuse_index)
            if args.build_only:
                print(json.dumps({"profiles": args.profiles, **index_info}, indent=2))
                return
            measured = measure(folder, args, work)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    expertnet, baseline = measured["expertnet"], measured["fts5"]
    result = {
        "profiles": args.profiles,
        "expertnet": {
            "p50_ms": expertnet["p50_ms"], "p95_ms": expertnet["p95_ms"],
            "max_ms": expertnet["max_ms"], "build_s": index_info["build_s"],
            "peak_rss_mb": peak_rss_mb(), "index_mb": measured["index_mb"],
            "edit_p50_ms": measured["edits"]["edit_p50_ms"],
            "edit_p95_ms": measured["edits"]["edit_p95_ms"],
            # None when the check could not run (see exactness_error).
            "top20_mismatches": None if measured["exactness_error"] else len(measured["differing"]),
            "exactness_error": measured["exactness_error"],
            "top20_mismatches_ties_only": sum(1 for d in measured["differing"] if d["tie"]),
            "top20_checked": measured["checked"],
            "build_cpu_s": index_info.get("build_cpu_s"),
            "build_peak_rss_mb": index_info["build_peak_rss_mb"],
            "index_reused": index_info["index_reused"],
            "text": expertnet["text"], "filter_only": expertnet["filter_only"],
            "by_category": expertnet["by_category"],
            "edits": measured["edits"], "rss_by_phase_mb": measured["memory"],
        },
        "fts5": None if baseline is None else {
            "p50_ms": baseline["p50_ms"], "p95_ms": baseline["p95_ms"], "max_ms": baseline["max_ms"],
            "build_s": measured["fts5_build_s"],
            "text": baseline["text"], "filter_only": baseline["filter_only"],
            "by_category": baseline["by_category"],
        },
        "tantivy": None if measured["tantivy"] is None else {
            key: measured["tantivy"][key]
            for key in ("p50_ms", "p95_ms", "max_ms", "build_s", "peak_rss_mb", "build_peak_rss_mb",
                        "text", "filter_only", "by_category")},
        "ratio_p95": None if baseline is None else round(expertnet["p95_ms"] / baseline["p95_ms"], 2),
        # expertnet's p95 over tantivy's (the target: at most 1.3).
        "ratio_p95_tantivy": (round(expertnet["p95_ms"] / measured["tantivy"]["p95_ms"], 2)
                              if measured["tantivy"] else None),
        "agreement": measured["agreement"],
        "interleaved": True,
        "queries": len(measured["queries"]),
        "text_queries": sum(1 for query in measured["queries"] if query.has_text),
        "rounds": args.rounds,
        "seed": args.seed,
        "corpus": corpus_info,
        "totals_differ": measured["totals_differ"],
        "slowest": measured["slowest"],
        "top20_mismatched_queries": measured["differing"],
        "machine": machine(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": f"python -m bench.search --profiles {args.profiles} --queries {args.queries} "
                   f"--seed {args.seed} --rounds {args.rounds}"
                   + (" --no-fts5" if args.no_fts5 else "")
                   + (f" --exact-limit {args.exact_limit}" if args.exact_limit is not None else ""),
    }
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"search-{args.profiles}.json"
    target.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_table(result)
    print(f"written to {target}")


def print_table(result):
    e, f, t = result["expertnet"], result["fts5"], result["tantivy"]
    print(f"\n{result['profiles']:,} profiles, {result['queries']} queries × {result['rounds']} rounds"
          f" ({result['machine']})")
    print(f"{'engine':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'text p95':>9} "
          f"{'filter p95':>10} {'build s':>8}")
    for name, row in (("expertnet", e), ("fts5", f), ("tantivy", t)):
        if row is None:
            continue
        print(f"{name:<10} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8} "
              f"{row['text']['p95_ms']:>9} {row['filter_only']['p95_ms']:>10} {row['build_s']:>8}")
    print(f"ratio_p95 {result['ratio_p95']} (fts5) {result['ratio_p95_tantivy']} (tantivy)"
          f"  tantivy peak RSS {t['peak_rss_mb'] if t else None} MB")
    for pair, found in result["agreement"].items():
        print(f"  {pair}: totals equal {found['totals_equal']}, facets equal {found['facets_equal']}"
              f" of {found['queries']}")
    print(f"index {e['index_mb']} MB  peak RSS {e['peak_rss_mb']} MB"
          f" (build {e['build_peak_rss_mb']} MB)  edit p50/p95 {e['edit_p50_ms']}/{e['edit_p95_ms']} ms")
    print(f"top-20 mismatches {e['top20_mismatches']} of {e['top20_checked']} text queries"
          f" ({e['top20_mismatches_ties_only']} only among equal scores)")
    print("slowest (expertnet / fts5 / tantivy median ms):")
    for row in result["slowest"][:5]:
        print(f"  {row['expertnet_ms']:>8} {row['fts5_ms']!s:>7} {row['tantivy_ms']!s:>7}"
              f"  [{row['category']}] {row['query']}")


if __name__ == "__main__":
    main()
