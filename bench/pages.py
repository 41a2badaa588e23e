"""How fast the search page renders, server side, on a large index, and how heavy it is.

    .venv/bin/python -m bench.pages --profiles 10000

Builds a temporary instance with N generated profiles (the demo generator), then
renders a fixed mix of search pages (free text, folded Vietnamese, filters, empty
query with filters; facets always on) through the real application, and reports
the median / p95 / max render time and the page weight (HTML + the CSS and JS it
loads). Writes ``bench/results/pages-<N>.json``. Goal (issue 3): median < 150 ms at
10,000 profiles and a page under 300 KB.
"""
import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

QUERIES = [
    "", "q=nguyen", "q=Nguyễn+Văn", "q=cong+nghe+bien", "q=công+nghệ", "q=quan+ly", "q=logistics",
    "q=artificial+intelligence", "q=tri+tue+nhan+tao", "q=port+automation", "q=Tokyo",
    "field=ai", "field=marine&kind=diaspora", "country=JP&country=KR", "q=cang&field=seaports",
    "language=ja", "available_for=reviewing&field=ai", "q=duc&sort=name", "sort=updated",
    "q=hai+phong&page=3",
]
RESULTS = Path(__file__).resolve().parent / "results"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description="search page render time")
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from expertnet import create_app
    from expertnet.cli import load_demo
    from expertnet.core.db import database

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder})
        started = time.perf_counter()
        with app.app_context(), database.connection_context():
            load_demo(count=args.profiles)
        build_s = time.perf_counter() - started
        client = app.test_client()
        for query in QUERIES:  # warm up: caches, facet arrays, compiled templates
            assert client.get(f"/search?{query}").status_code == 200
        timings = []
        for _round in range(args.rounds):
            for query in QUERIES:
                began = time.perf_counter()
                response = client.get(f"/search?{query}", headers={"Accept-Language": "vi"})
                timings.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200
        page = client.get("/search?q=cong+nghe+bien").data
        assets = sum(len(client.get(path).data) for path in
                     ("/static/css/app.css", "/static/js/suggest.js"))
        app.extensions["expertnet.search"].close()

    result = {
        "profiles": args.profiles,
        "requests": len(timings),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
        "page_html_kb": round(len(page) / 1024, 1),
        "page_weight_kb": round((len(page) + assets) / 1024, 1),
        "build_s": round(build_s, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"pages-{args.profiles}.json"
    target.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"written to {target}")


if __name__ == "__main__":
    main()
