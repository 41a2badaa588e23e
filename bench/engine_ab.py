"""Two versions of the search code against each other, on kept benchmark instances.

    python -m bench.engine_ab --before TREE --after TREE --keep DIR --profiles N [--rounds 3]
    python -m bench.engine_ab --before TREE --after TREE --keep-before DIR --keep-after DIR ...

TREE is a checkout of the project (``git worktree add /tmp/before <commit>``); DIR an
instance folder that ``bench.search --keep DIR`` built (corpus and index). When the two
versions need different index versions (another ``SCHEMA_VERSION``), each side gets the
instance its own ``bench.search --keep`` built (``--keep-before``/``--keep-after``).

Each version runs in a process of its own, with its own ``bench`` and ``expertnet``
packages, on the same 200 queries of ``bench.search``; the two take turns query by query
(who goes first alternating) and each times its own searches, wall-clock and CPU time of
its process, so a change of load on a shared machine falls on both alike and the ratio
holds where absolute times do not. The load average is read before each round. The
answers (ids of the page and totals) are compared query by query: they differ where the
versions rank or match differently. Each side also describes its indexes: the profiles'
(documents, segments, size, schema version) and the records' (organisations, offers and
demands, each in its own small index, when the version has them).

``--fill-records N`` first gives the after side's records indexes N synthetic documents
of each kind, so the run shows the profiles' searches with the records present. They
hold for this run only: the app reconciles the records indexes with the database at
every start (whatever ``RECONCILE_ON_START`` says), and the corpus has no such rows.
``--out FILE`` writes the result as JSON.
"""
import argparse
import datetime
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

RECORD_KINDS = ("organisations", "offers", "demands")


def _own_packages(tree):
    """Import ``bench`` and ``expertnet`` from ``tree``: the spawned child has already
    imported this module's ``bench`` package (the one of the tree it was started from)."""
    sys.path.insert(0, tree)
    for name in [name for name in sys.modules if name == "bench" or name.startswith("bench.")]:
        del sys.modules[name]


def _database():
    # The layout before the domain modules first: the shared virtualenv's editable
    # install would find ``expertnet.core.db`` in the main checkout for an older tree.
    try:
        from expertnet.db import database
    except ImportError:
        from expertnet.core.db import database
    return database


def fill_records(index_dir, count):
    """``count`` synthetic documents of each record kind, in one commit per kind."""
    from expertnet.search import records

    filled = {}
    countries = ("VN", "JP", "KR", "US", "DE", "FR", "SG", "AU")
    fields = ("marine", "logistics", "ai", "energy", "biotech", "materials")
    for kind in RECORD_KINDS:
        docs = [{"id": number, "visibility": records.LEVELS[number % 3], "status": "published",
                 "names": f"{kind} {number} Cảng biển Hải Phòng công nghệ",
                 "text": f"chuyển giao công nghệ logistics cảng xanh {fields[number % 6]} "
                         f"trí tuệ nhân tạo port automation record {number}",
                 "facets": {"country": countries[number % 8], "field": fields[number % 6]}}
                for number in range(1, count + 1)]
        filled[kind] = records.records_index(index_dir, kind).rebuild(docs)
    return filled


def describe_indexes(app, store):
    """What the side searches: the profiles' index and, beside it, the records'."""
    from expertnet import search

    index_dir = Path(app.config["INDEX_DIR"])
    live = store.root / os.readlink(store.live_path)
    with store.searcher() as searcher:
        profiles = {"doc_count": searcher.doc_count(),
                    "segments": len(searcher.reader().leaf_readers()),
                    "fields": len(searcher.schema.names()),
                    "schema_version": search.SCHEMA_VERSION,
                    "size_mb": round(sum(path.stat().st_size for path in live.rglob("*")
                                         if path.is_file()) / 2**20, 1),
                    "folder": str(live.relative_to(index_dir))}
    described = {"profiles": profiles, "records": None}
    try:
        from expertnet.search import records
    except ImportError:  # a version without the records indexes
        return described
    described["records"] = {
        kind: {"doc_count": records.records_index(index_dir, kind).count(),
               "folder": f"{records.RECORDS_FOLDER}/{kind}"}
        for kind in RECORD_KINDS if (index_dir / records.RECORDS_FOLDER / kind).exists()}
    return described


def serve(connection, tree, folder, profiles, queries, fill):
    """Child process: the search code of ``tree``; answers a query's number with
    ``(wall ms, cpu ms, ids, total)``; ``None`` ends it with its peak memory (MB)."""
    _own_packages(tree)
    from bench import search as bench_search
    from expertnet import search

    app = bench_search.open_app(folder)
    with app.app_context(), _database().connection_context():
        filled = fill_records(app.config["INDEX_DIR"], fill) if fill else None
        store = search.get_store(app)
        mix = bench_search.make_queries(profiles, queries, 2026)
        connection.send({"queries": [query.label() for query in mix], "filled": filled,
                         "indexes": describe_indexes(app, store)})
        while True:
            index = connection.recv()
            if index is None:
                connection.send(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
                return
            started, cpu_started = time.perf_counter(), time.process_time()
            # bench.search's run_expertnet answers (ids, total) or, in some versions,
            # (ids, total, facets).
            answer = bench_search.run_expertnet(store, mix[index])
            cpu_ms = (time.process_time() - cpu_started) * 1000
            connection.send(((time.perf_counter() - started) * 1000, cpu_ms, answer[0], answer[1]))


def percentile(values, fraction):
    values = sorted(values)
    return values[int(round(fraction * (len(values) - 1)))]


def summary(values, cpu, rss):
    return {"p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "max_ms": round(max(values), 1),
            "cpu_p50_ms": round(statistics.median(cpu), 1),
            "cpu_p95_ms": round(percentile(cpu, 0.95), 1),
            "cpu_mean_ms": round(statistics.mean(cpu), 1),
            "peak_rss_mb": round(rss, 1)}


def loadavg():
    try:
        return Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        return None


def commit_of(tree):
    try:
        return subprocess.run(["git", "-C", tree, "rev-parse", "--short", "HEAD"], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    parser = argparse.ArgumentParser(description="two versions of the search code, in turns")
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--keep", help="instance folder built by bench.search --keep (both sides)")
    parser.add_argument("--keep-before", help="the before side's instance (its own index version)")
    parser.add_argument("--keep-after", help="the after side's instance (its own index version)")
    parser.add_argument("--profiles", type=int, required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fill-records", type=int, default=0, metavar="N",
                        help="N synthetic documents of each record kind in the after side's "
                             "records indexes before timing")
    parser.add_argument("--out", help="write the result (JSON) here too")
    args = parser.parse_args()
    folders = {"before": args.keep_before or args.keep, "after": args.keep_after or args.keep}
    if not all(folders.values()):
        parser.error("give --keep, or --keep-before and --keep-after")
    context = multiprocessing.get_context("spawn")
    servers, ready = {}, {}
    for name in ("before", "after"):
        mine, child = context.Pipe()
        process = context.Process(target=serve, args=(
            child, str(Path(getattr(args, name)).resolve()), folders[name], args.profiles,
            args.queries, args.fill_records if name == "after" else 0))
        process.start()
        servers[name] = (mine, process)
    for name, (mine, _process) in servers.items():
        ready[name] = mine.recv()
    count = min(len(answer["queries"]) for answer in ready.values())
    same_queries = ready["before"]["queries"] == ready["after"]["queries"]
    times = {name: [] for name in servers}
    cpu = {name: [] for name in servers}
    load = []
    differ = 0
    started = time.perf_counter()
    for round_number in range(args.rounds + 1):  # the first round warms up
        load.append({"round": round_number, "before_round": loadavg()})
        for index in range(count):
            names = list(servers) if (index + round_number) % 2 == 0 else list(servers)[::-1]
            answers = {}
            for name in names:
                servers[name][0].send(index)
                ms, cpu_ms, ids, total = servers[name][0].recv()
                answers[name] = (list(ids), total)
                if round_number:
                    times[name].append(ms)
                    cpu[name].append(cpu_ms)
            if round_number == 0:
                differ += answers["before"] != answers["after"]
    load.append({"round": "end", "loadavg": loadavg()})
    result = {"profiles": args.profiles, "queries": count, "rounds": args.rounds,
              "same_queries": same_queries, "answers_differ": differ,
              "timed_s": round(time.perf_counter() - started, 1)}
    for name, (mine, process) in servers.items():
        mine.send(None)
        result[name] = {**summary(times[name], cpu[name], mine.recv()),
                        "commit": commit_of(getattr(args, name)), "instance": folders[name],
                        "indexes": ready[name]["indexes"]}
        if ready[name]["filled"]:
            result[name]["records_filled"] = ready[name]["filled"]
        process.join()
    for key in ("p50_ms", "p95_ms", "cpu_p50_ms", "cpu_p95_ms"):
        result[f"ratio_{key[:-3]}"] = round(result["after"][key] / result["before"][key], 2)
    result["loadavg"] = load
    result["machine"] = f"{len(os.sched_getaffinity(0))} cores (shared: see loadavg)"
    result["date"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    result["command"] = "python -m bench.engine_ab " + " ".join(sys.argv[1:])
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
