"""Load test: gunicorn with 4 workers on a prepared data set, 50 concurrent users on
127.0.0.1 only, bounded in requests and time.

    python -m bench.load --profiles 10000
    python -m bench.load --profiles 100000 --keep /tmp/bench-100k     # reuse the corpus and index

The data set is bench.search's corpus (``--keep`` shares its folder), copied to a scratch
folder for the run so that the edits do not change the kept corpus. Every user logs in
as a curator (a session cookie, CSRF tokens from the forms, like a browser) and then
loops: 90 % searches with facets (two in three through the JSON API, one through the
HTML search page; random words, filters and sorts), 5 % profile pages, 5 % edits (the
edit form is read, its every field posted back as a browser would, with a new keyword
marker; 302 is an acknowledged save). Users edit disjoint sets of profiles, so no edit
meets a version conflict.

Afterwards: every acknowledged edit is checked in the database (the profile has the
marker of its last acknowledged edit) and in the index (a search for the marker finds
the profile, and the index holds the database's version): a miss is a lost update.
Figures go to ``bench/results/load.json``: ``requests``, ``rps``, ``p50_ms``, ``p95_ms``,
``p99_ms``, ``errors`` and ``lost_updates``, with details beside them.
"""
import argparse
import html.parser
import http.cookiejar
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench import search as search_bench

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
EMAIL = "load-curator@example.org"
PASSWORD = "load test password 2026"
WORDS = ("nguyen", "tran", "le", "logistics", "cang bien", "tri tue nhan tao", "tự động hóa",
         "marine", "data", "kỹ thuật", "đức", "năng lượng", "port", "ai", "hoa", "minh", "công nghệ",
         "research", "đại học", "viện")
FIELDS = ("ai", "logistics", "seaports", "automation", "marine")
COUNTRIES = ("VN", "JP", "US", "FR", "DE", "KR", "AU")
KINDS = ("domestic", "foreign", "diaspora")


# -- a browser's view of a form -----------------------------------------------------------
class FormReader(html.parser.HTMLParser):
    """The fields of the first ``<form method=post>`` whose action matches, as a browser
    would submit them: inputs, checked boxes, selected options, textareas."""

    def __init__(self, action):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.done = False
        self.values = []
        self._select = None
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if self.done:
            return
        if tag == "form":
            action = urllib.parse.urlsplit(attributes.get("action", "")).path
            self.inside = (attributes.get("method", "").lower() == "post"
                           and action in ("", self.action))
            return
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.values.append((name, attributes.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.values.append((name, attributes.get("value", "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.values.append((self._select, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.values.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# -- one user --------------------------------------------------------------------------------
class User:
    def __init__(self, base, number, profile_ids, rng):
        self.base, self.number, self.ids, self.rng = base, number, profile_ids, rng
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        self.edits = {}  # profile id → marker of its last acknowledged edit
        self.count = 0
        self.acknowledged = 0

    def request(self, path, data=None):
        """``(status, body)``; an HTTP error status is an answer, not an exception."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            payload = error.read()
            error.close()
            return error.code, payload

    def log_in(self):
        status, page = self.request("/auth/login")
        form = FormReader("/auth/login")
        form.feed(page.decode())
        token = dict(form.values)["csrf_token"]
        status, _body = self.request("/auth/login", {"email": EMAIL, "password": PASSWORD,
                                                     "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"user {self.number} could not log in ({status})")

    def search(self):
        rng = self.rng
        query = {"q": rng.choice(WORDS) if rng.random() < 0.8 else ""}
        if rng.random() < 0.4:
            query["field"] = rng.choice(FIELDS)
        if rng.random() < 0.3:
            query["country"] = rng.choice(COUNTRIES)
        if rng.random() < 0.2:
            query["kind"] = rng.choice(KINDS)
        if rng.random() < 0.15:
            query["sort"] = rng.choice(("name", "updated"))
        if rng.random() < 0.2:
            query["page"] = rng.randint(2, 5)
        if rng.random() < 2 / 3:
            return [("search_api", "/api/v1/experts?" + urllib.parse.urlencode(query), None, 200)]
        return [("search_page", "/search?" + urllib.parse.urlencode(query), None, 200)]

    def view(self):
        return [("view", f"/experts/{self.rng.choice(self.ids)}", None, 200)]

    def edit(self, timings, errors):
        """Read the form, post it back with a new marker; records the acknowledged edit."""
        expert_id = self.rng.choice(self.ids)
        path = f"/experts/{expert_id}/edit"
        started = time.perf_counter()
        status, page = self.request(path)
        timings.append(("edit_form", (time.perf_counter() - started) * 1000))
        if status != 200:
            errors.append(("edit_form", status))
            return
        form = FormReader(path)
        form.feed(page.decode())
        self.count += 1
        marker = f"loadmark{self.number}x{self.count}"
        values = [(name, value) for name, value in form.values if name != "keywords"]
        values.append(("keywords", marker))
        started = time.perf_counter()
        status, _body = self.request(path, values)
        timings.append(("edit_save", (time.perf_counter() - started) * 1000))
        if status == 302:
            self.edits[expert_id] = marker
            self.acknowledged += 1
        else:
            errors.append(("edit_save", status))


def user_loop(user, deadline, budget, timings, errors):
    while time.monotonic() < deadline and budget.take():
        roll = user.rng.random()
        if roll < 0.05:
            user.edit(timings, errors)
            continue
        for label, path, data, expected in (user.view() if roll < 0.10 else user.search()):
            started = time.perf_counter()
            try:
                status, _body = user.request(path, data)
            except OSError as exc:
                status = repr(exc)
            timings.append((label, (time.perf_counter() - started) * 1000))
            if status != expected:
                errors.append((label, status))


class Budget:
    """At most ``total`` operations over all users."""

    def __init__(self, total):
        self.left = total
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


# -- the server ------------------------------------------------------------------------------
def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(folder, port, workers):
    environment = {**os.environ, "EXPERTNET_INSTANCE_PATH": str(folder),
                   "EXPERTNET_BIND": f"127.0.0.1:{port}", "EXPERTNET_WORKERS": str(workers),
                   "EXPERTNET_ACCESS_LOG": "/dev/null", "EXPERTNET_LOG_LEVEL": "warning"}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py", "expertnet:create_app()"],
                              cwd=ROOT, env=environment, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=open(Path(folder) / "gunicorn.log", "w"))  # noqa: SIM115
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600  # the master's start-up reconcile reads the whole index
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {folder}/gunicorn.log")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
                if response.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not become healthy")


def stop(server):
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)


# -- preparing and checking ----------------------------------------------------------------
def prepare(folder):
    """The curator account; returns the profile ids (in a child process: no app here)."""
    from expertnet.accounts import users as accounts
    from expertnet.core.db import database
    from expertnet.directory.models import Expert

    app = search_bench.open_app(folder)
    store = app.extensions["expertnet.search"]
    with app.app_context(), database.connection_context():
        if accounts.find_by_email(EMAIL) is None:
            accounts.create_user(EMAIL, "curator", password=PASSWORD)
        ids = [row[0] for row in Expert.select(Expert.id).order_by(Expert.id).tuples()]
        # Start from a settled index: small segments left by an earlier reconcile would
        # be merged in the background during the run, holding the writer lock for
        # longer than a save waits (a known gap of the write path, README).
        store.merge_small()
    store.close()
    return ids


def check_edits(folder, edits):
    """Lost updates: acknowledged edits missing from the database or the index."""
    from expertnet.core.db import database
    from expertnet.directory import indexing
    from expertnet.directory.models import Expert

    app = search_bench.open_app(folder)
    store = app.extensions["expertnet.search"]
    lost = []
    with app.app_context(), database.connection_context():
        experts = {expert.id: expert for expert in
                   Expert.select().where(Expert.id.in_(list(edits)))}
        in_index = store.versions_of(list(edits))
        for expert_id, marker in edits.items():
            expert = experts.get(expert_id)
            if expert is None or expert.keywords != [marker]:
                lost.append((expert_id, "database"))
            elif in_index.get(expert_id) != expert.version:
                lost.append((expert_id, "index"))
        pending = indexing.pending_count()
    store.close()
    return lost, pending


def percentile(values, fraction):
    return round(search_bench.percentile(values, fraction), 1) if values else None


def run(folder, users, workers, requests, duration, seed):
    ids = search_bench.in_child(prepare, str(folder))
    port = free_port()
    search_bench.log(f"gunicorn: {workers} workers on 127.0.0.1:{port}")
    server, base = start_gunicorn(folder, port, workers)
    try:
        rng = random.Random(seed)
        people = [User(base, number, ids[number::users], random.Random(rng.random()))
                  for number in range(users)]
        for person in people:
            person.log_in()
        search_bench.log(f"{users} users logged in; load for at most {requests} operations "
                         f"or {duration} s")
        timings, errors, budget = [], [], Budget(requests)
        deadline = time.monotonic() + duration
        threads = [threading.Thread(target=user_loop, args=(person, deadline, budget, timings, errors))
                   for person in people]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        edits = {}
        for person in people:
            edits.update(person.edits)
        # The index side of each acknowledged edit, through the running server: a search
        # for its marker finds the profile.
        checker = people[0]
        not_found = [expert_id for expert_id, marker in edits.items()
                     if expert_id not in {item["id"] for item in json.loads(
                         checker.request(f"/api/v1/experts?q={marker}")[1])["results"]}]
        status, health = checker.request("/healthz")
    finally:
        stop(server)
    lost, pending = search_bench.in_child(check_edits, str(folder), edits)
    lost_ids = {expert_id for expert_id, _where in lost} | set(not_found)
    latencies = [ms for _label, ms in timings]
    by_label = {}
    for label, ms in timings:
        by_label.setdefault(label, []).append(ms)
    return {
        "requests": len(timings), "rps": round(len(timings) / elapsed, 1),
        "p50_ms": percentile(latencies, 0.50), "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99), "errors": len(errors),
        "lost_updates": len(lost_ids),
        "seconds": round(elapsed, 1), "users": users, "workers": workers,
        "acknowledged_edits": sum(person.acknowledged for person in people),
        "profiles_edited": len(edits), "pending_after": pending,
        "healthz_after": {"status": status, "body": json.loads(health)},
        "error_samples": [list(error) for error in errors[:10]],
        "by_kind": {label: {"requests": len(values), "p50_ms": percentile(values, 0.5),
                            "p95_ms": percentile(values, 0.95), "p99_ms": percentile(values, 0.99)}
                    for label, values in sorted(by_label.items())},
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
    }


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", default="", help="folder of a kept corpus (bench.search's --keep)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=20_000, help="operations at most")
    parser.add_argument("--duration", type=float, default=180.0, help="seconds at most")
    parser.add_argument("--out", default=str(RESULTS / "load.json"))
    parser.add_argument("--keep-run", action="store_true",
                        help="keep the copy the run used (its gunicorn.log, database and index)")
    return parser.parse_args()


def main():
    args = parse_args()
    base = Path(args.keep or f"/tmp/expertnet-load-{args.profiles}")
    corpus = search_bench.ensure_corpus(base, args.profiles, args.seed)
    index = search_bench.ensure_index(base, args.profiles, reuse=True)
    scratch = Path(f"{base}-run")
    shutil.rmtree(scratch, ignore_errors=True)
    search_bench.log(f"copying the data set to {scratch}")
    shutil.copytree(base, scratch, symlinks=True)
    try:
        figures = run(scratch, args.users, args.workers, args.requests, args.duration, args.seed)
    finally:
        if not args.keep_run:
            shutil.rmtree(scratch, ignore_errors=True)
    figures = {**figures, "profiles": args.profiles, "machine": search_bench.machine(),
               "date": time.strftime("%Y-%m-%d"), "index_build_s": index.get("build_s"),
               "corpus_reused": corpus.get("reused")}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({key: figures[key] for key in
                      ("requests", "rps", "p50_ms", "p95_ms", "p99_ms", "errors", "lost_updates")}))
    sys.exit(1 if figures["errors"] or figures["lost_updates"] else 0)


if __name__ == "__main__":
    main()
