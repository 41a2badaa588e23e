"""The whole HTTP path of a search: the ``/search`` page and ``/api/v1/experts``, through
the Flask test client and under gunicorn, and how heavy the page is.

    .venv/bin/python -m bench.pages --profiles 10000
    .venv/bin/python -m bench.pages --profiles 100000 --keep /tmp/bench-100k --gunicorn

Without ``--keep`` a temporary instance gets N profiles of the demo generator. With
``--keep DIR`` the corpus and index of ``bench.search`` in DIR are used (built there
first when missing), so 100,000 profiles take minutes, not an hour. Background merges
are waited for before anything is timed (the store is closed once the data is in), so
that no merge of the load's small segments runs during the timings.

A fixed mix of requests (free text, folded Vietnamese, filters, an empty query with
filters, sorts, a later page; facets always on) is sent anonymously to both addresses.
Every way of serving takes its turn query by query (``bench.search``'s interleaving),
so a change of load on the machine falls on all alike: the test client in this
process, and, with ``--gunicorn``, one synchronous gunicorn worker (the production
settings of ``gunicorn.conf.py``) over HTTP on 127.0.0.1, one request at a time — its
time includes the socket, the server and the transfer of the body. One warm-up pass,
then ``--rounds`` timed ones.

Writes ``bench/results/pages-<N>.json``: per way of serving and address ``p50_ms``,
``p95_ms``, ``max_ms``; the page's weight (HTML + the CSS and JS it loads).
"""
import argparse
import json
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench import load
from bench import search as search_bench

QUERIES = [
    "", "q=nguyen", "q=Nguyễn+Văn", "q=cong+nghe+bien", "q=công+nghệ", "q=quan+ly", "q=logistics",
    "q=artificial+intelligence", "q=tri+tue+nhan+tao", "q=port+automation", "q=Tokyo",
    "field=ai", "field=marine&kind=diaspora", "country=JP&country=KR", "q=cang&field=seaports",
    "language=ja", "available_for=reviewing&field=ai", "q=duc&sort=name", "sort=updated",
    "q=hai+phong&page=3",
]
ADDRESSES = {"search_page": "/search?", "api": "/api/v1/experts?"}
HEADERS = {"Accept-Language": "vi"}
RESULTS = Path(__file__).resolve().parent / "results"


def through_client(client, address):
    def call(query):
        response = client.get(address + query, headers=HEADERS)
        assert response.status_code == 200, (address + query, response.status_code)
        return len(response.data)
    return search_bench.timed(call)


def through_http(base, address):
    def call(query):
        # As a browser sends it: the Vietnamese letters percent-encoded.
        url = base + address + urllib.parse.quote(query, safe="=&+")
        request = urllib.request.Request(url, headers=HEADERS)
        with urllib.request.urlopen(request, timeout=60) as response:  # nosec B310 - 127.0.0.1
            assert response.status == 200, (address + query, response.status)
            return len(response.read())
    return search_bench.timed(call)


def demo_instance(folder, profiles):
    """A temporary instance with ``profiles`` demo profiles; returns the load's seconds."""
    from expertnet import create_app
    from expertnet.cli import load_demo
    from expertnet.core.db import database

    app = create_app({"INSTANCE_PATH": str(folder)})
    started = time.perf_counter()
    with app.app_context(), database.connection_context():
        load_demo(count=profiles)
    # Waits for the background merge of the load's small segments, if one runs.
    app.extensions["expertnet.search"].close()
    return round(time.perf_counter() - started, 1)


def measure(folder, rounds, with_gunicorn):
    app = search_bench.open_app(folder)
    store = app.extensions["expertnet.search"]
    store.close()  # a merge left running by an earlier writer is waited for
    client = app.test_client()
    engines = {f"test_client.{name}": through_client(client, address)
               for name, address in ADDRESSES.items()}
    server = None
    try:
        if with_gunicorn:
            search_bench.log("gunicorn: 1 worker")
            server, base = load.start_gunicorn(folder, load.free_port(), 1)
            engines.update({f"gunicorn.{name}": through_http(base, address)
                            for name, address in ADDRESSES.items()})
        search_bench.log(f"{len(QUERIES)} requests × {len(engines)} ways, {rounds} rounds")
        measured = search_bench.time_interleaved(engines, QUERIES, rounds)
    finally:
        if server is not None:
            load.stop(server)
    figures = {}
    for name, (timings, _answers) in measured.items():
        way, address = name.split(".")
        figures.setdefault(way, {})[address] = search_bench.summary(
            [ms for per_query in timings for ms in per_query])
    page = client.get("/search?q=cong+nghe+bien").data
    assets = sum(len(client.get(path).data) for path in ("/static/css/app.css", "/static/js/suggest.js"))
    store.close()
    return {**figures, "requests_per_way": len(QUERIES) * rounds,
            "page_html_kb": round(len(page) / 1024, 1),
            "page_weight_kb": round((len(page) + assets) / 1024, 1)}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026, help="with --keep: the corpus's seed")
    parser.add_argument("--keep", metavar="DIR",
                        help="the folder of a kept bench.search corpus (built there when missing)")
    parser.add_argument("--gunicorn", action="store_true",
                        help="also serve the same requests from one gunicorn worker")
    return parser.parse_args()


def main():
    args = parse_args()
    if args.keep:
        found = search_bench.ensure_corpus(Path(args.keep), args.profiles, args.seed)
        index = search_bench.ensure_index(Path(args.keep), args.profiles, reuse=True)
        data = {"data": "bench.corpus", "corpus_reused": found.get("reused"),
                "index_build_s": index.get("build_s")}
        figures = measure(Path(args.keep), args.rounds, args.gunicorn)
    else:
        with tempfile.TemporaryDirectory() as folder:
            search_bench.log(f"demo data: {args.profiles:,} profiles")
            data = {"data": "demo generator", "build_s": demo_instance(folder, args.profiles)}
            figures = measure(Path(folder), args.rounds, args.gunicorn)
    result = {"profiles": args.profiles, **figures, **data, "machine": search_bench.machine(),
              "date": time.strftime("%Y-%m-%d")}
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"pages-{args.profiles}.json"
    target.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"written to {target}")


if __name__ == "__main__":
    main()
