"""Segments after edits: how many a kept instance holds after 1,000 single-profile
edits, and the search times of :mod:`bench.search`'s query mix then.

    PYTHONPATH=<checkout> .venv/bin/python bench/segments.py --instance DIR [--edits 1000]
                                                                [--label NAME] [--rounds 2]

DIR is an instance with a corpus of :mod:`bench.corpus` (``bench.search --keep DIR
--build-only``); it is changed (edits), so pass a copy. The index is rebuilt first,
then the queries are timed (``fresh``), then ``--edits`` keyword edits of seeded random
profiles are saved as the application saves them (background merges on, as in
production; the run waits for the last merge), then the queries are timed again
(``after_edits``) with the segment count. Run it with another checkout on
``PYTHONPATH`` to compare versions (it imports only ``bench.search``'s helpers, which
both have). Writes ``bench/results/segments-<label>.json`` beside this file.
"""
import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _segments(store):
    with store.searcher() as searcher:
        counts = [(reader.doc_count_all(), reader.doc_count())
                  for reader, _offset in searcher.reader().leaf_readers()]
    return {"segments": len(counts), "dead": sum(1 for _all, live in counts if live == 0),
            "one_document": sum(1 for _all, live in counts if live == 1),
            "documents_written": sum(written for written, _live in counts),
            "live": sum(live for _written, live in counts)}


def _timed(store, queries, rounds):
    from bench.search import engine_report, run_expertnet, time_interleaved, timed
    engines = {"expertnet": timed(lambda query: run_expertnet(store, query))}
    timings, _answers = time_interleaved(engines, queries, rounds)["expertnet"]
    report = engine_report(queries, timings)
    return {"p50_ms": report["p50_ms"], "p95_ms": report["p95_ms"], "max_ms": report["max_ms"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--instance", required=True)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--label", default="run")
    args = parser.parse_args()
    from bench import corpus
    from bench.search import make_queries, open_app
    from expertnet import search
    from expertnet.core.db import database
    from expertnet.directory import indexing, writes
    from expertnet.directory.models import Expert

    profiles = corpus.read_marker(args.instance)["profiles"]
    app = open_app(Path(args.instance))
    result = {"label": args.label, "profiles": profiles, "edits": args.edits,
              "code": str(Path(sys.modules["expertnet"].__file__).parent.parent)}
    with app.app_context(), database.connection_context():
        store = search.get_store(app)
        indexing.rebuild(store)
        queries = make_queries(profiles, args.queries, args.seed)
        result["fresh"] = {**_segments(store), **_timed(store, queries, args.rounds)}
        rng = random.Random(f"bench-segments-{args.seed}")
        saves = []
        for number in range(args.edits):
            expert = Expert.get_by_id(rng.randint(1, profiles))
            started = time.perf_counter()
            writes.save_profile({"keywords": [*expert.keywords[:3], f"segmentedit{number:04d}"]},
                                expert=expert)
            saves.append((time.perf_counter() - started) * 1000)
        waited = time.perf_counter()
        thread = store._merge_thread
        if thread is not None:
            thread.join()
        result["merge_wait_s"] = round(time.perf_counter() - waited, 1)
        saves.sort()
        result["save_p50_ms"] = round(statistics.median(saves), 1)
        result["save_p95_ms"] = round(saves[int(len(saves) * 0.95)], 1)
        result["after_edits"] = {**_segments(store), **_timed(store, queries, args.rounds)}
        store.close()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"segments-{args.label}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
