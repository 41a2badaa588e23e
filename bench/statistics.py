"""How fast the statistics dashboard renders, server side, and how heavy it is.

    .venv/bin/python -m bench.statistics --profiles 10000
    .venv/bin/python -m bench.statistics --instance /tmp/some-instance   # an instance already seeded

Builds a temporary instance with N generated profiles (the demo generator; spread over
the last 24 months so that the growth chart has months), or uses an existing instance,
then renders ``/statistics`` (every chart and the world map) through the real
application as a curator and as an official, in both languages and with each kind filter,
and reports the median / p95 / max time and the page weight. Writes
``bench/results/statistics-<N>.json``. Goal: well under a second at 10,000.
"""
import argparse
import datetime
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
QUERIES = ["", "?kind=diaspora", "?kind=domestic", "?kind=foreign"]
PASSWORD = "bench password 2026"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def spread_dates(months=24):
    """Give the profiles creation dates over the last ``months`` months (one UPDATE)."""
    from peewee import SQL

    from expertnet.core.db import is_postgres
    from expertnet.directory.models import Expert
    if is_postgres():
        shift = SQL(f"created_at - ((id % {months}) * interval '30 days')")
    else:
        shift = SQL(f"datetime(created_at, '-' || ((id % {months}) * 30) || ' days')")
    Expert.update(created_at=shift).execute()


def main():
    parser = argparse.ArgumentParser(description="statistics page render time")
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--instance", help="an instance folder already seeded (kept as it is)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from expertnet import create_app
    from expertnet.accounts import users as accounts
    from expertnet.cli import load_demo
    from expertnet.core.db import database
    from expertnet.directory.models import Expert

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": args.instance or folder})
        build_s = 0.0
        with app.app_context(), database.connection_context():
            if not args.instance:
                started = time.perf_counter()
                load_demo(count=args.profiles)
                spread_dates()
                build_s = time.perf_counter() - started
            profiles = Expert.select().count()
            stamp = datetime.datetime.now().strftime("%H%M%S%f")
            users = {role: accounts.create_user(f"bench-{role}-{stamp}@example.org", role,
                                                password=PASSWORD)
                     for role in ("curator", "official")}
        timings = {}
        weight = 0
        for role, user in users.items():
            client = app.test_client()
            page = client.get("/auth/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                                        "csrf_token": token})
            assert response.status_code == 302, response.status_code
            for query in QUERIES:  # warm up
                assert client.get(f"/statistics{query}").status_code == 200
            times = []
            for _round in range(args.rounds):
                for language in ("vi", "en"):
                    client.set_cookie("lang", language)
                    for query in QUERIES:
                        began = time.perf_counter()
                        response = client.get(f"/statistics{query}")
                        times.append((time.perf_counter() - began) * 1000)
                        assert response.status_code == 200
            timings[role] = times
            weight = len(client.get("/statistics").data)
        static = Path(app.static_folder)
        assets = sum((static / name).stat().st_size for name in (
            "css/app.css", "js/suggest.js", "js/statistics.js", "vendor/chartjs/chart.umd.min.js"))
        result = {
            "profiles": profiles,
            "build_s": round(build_s, 1),
            "requests_per_role": len(timings["curator"]),
            **{f"{role}_ms": {"median": round(statistics.median(times), 1),
                              "p95": round(percentile(times, 0.95), 1),
                              "max": round(max(times), 1)} for role, times in timings.items()},
            "page_html_kb": round(weight / 1024, 1),
            "page_with_assets_kb": round((weight + assets) / 1024, 1),
            "measured_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%MZ"),
        }
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"statistics-{profiles}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
