"""Two versions of the search code against each other, on a kept benchmark instance.

    python -m bench.engine_ab --before TREE --after TREE --keep DIR --profiles N [--rounds 2]

TREE is a checkout of the project (``git worktree add /tmp/before <commit>``); DIR an
instance folder that ``bench.search --keep DIR`` built (corpus and index). Each
version runs in a process of its own, on the same index and the same 200 queries of
``bench.search``; the two take turns query by query (who goes first alternating) and
each times its own searches, so a change of load on a shared machine falls on both
alike and the ratio holds where absolute times do not. The answers (ids of the page
and totals) are compared query by query. Nothing is written to the instance.
"""
import argparse
import json
import multiprocessing
import resource
import statistics
import sys
import time


def serve(connection, tree, folder, profiles, queries):
    """Child process: the search code of ``tree``; answers a query's number with
    ``(ms, ids, total)``; ``None`` ends it with its peak memory (MB)."""
    sys.path.insert(0, tree)
    from bench import search as bench_search
    from expertnet import search
    from expertnet.core.db import database

    app = bench_search.open_app(folder)
    with app.app_context(), database.connection_context():
        store = search.get_store(app)
        mix = bench_search.make_queries(profiles, queries, 2026)
        connection.send(len(mix))
        while True:
            index = connection.recv()
            if index is None:
                connection.send(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
                return
            started = time.perf_counter()
            ids, total, _facets = bench_search.run_expertnet(store, mix[index])
            connection.send(((time.perf_counter() - started) * 1000, ids, total))


def summary(values, rss):
    values = sorted(values)
    return {"p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(values[int(round(0.95 * (len(values) - 1)))], 1),
            "max_ms": round(values[-1], 1), "peak_rss_mb": round(rss, 1)}


def main():
    parser = argparse.ArgumentParser(description="two versions of the search code, in turns")
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--keep", required=True, help="instance folder built by bench.search --keep")
    parser.add_argument("--profiles", type=int, required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    servers = {}
    for name in ("before", "after"):
        mine, child = context.Pipe()
        process = context.Process(target=serve, args=(child, getattr(args, name), args.keep,
                                                       args.profiles, args.queries))
        process.start()
        servers[name] = (mine, process)
    count = min(mine.recv() for mine, _process in servers.values())
    times = {name: [] for name in servers}
    differ = 0
    for round_number in range(args.rounds + 1):  # the first round warms up
        for index in range(count):
            names = list(servers) if (index + round_number) % 2 == 0 else list(servers)[::-1]
            answers = {}
            for name in names:
                servers[name][0].send(index)
                ms, ids, total = servers[name][0].recv()
                answers[name] = (ids, total)
                if round_number:
                    times[name].append(ms)
            differ += answers["before"] != answers["after"]
    result = {"profiles": args.profiles, "queries": count, "rounds": args.rounds,
              "answers_differ": differ}
    for name, (mine, process) in servers.items():
        mine.send(None)
        result[name] = summary(times[name], mine.recv())
        process.join()
    result["ratio_p50"] = round(result["after"]["p50_ms"] / result["before"]["p50_ms"], 2)
    result["ratio_p95"] = round(result["after"]["p95_ms"] / result["before"]["p95_ms"], 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
