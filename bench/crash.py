"""Crash consistency: kill (SIGKILL) a process at random points while it imports,
edits, deletes and reindexes; restart; check that nothing committed was lost, nothing
is half-written, the index agrees with the database, and no stale lock blocks writes.

    python -m bench.crash --kills 50                      # SQLite, figures to bench/results/crash.json
    python -m bench.crash --kills 50 --database-url postgresql://postgres@127.0.0.1:5432/crash

The child process (``python -m bench.crash child …``) loops over random operations
through the application's own code paths (``importer.import_rows``,
``directory_writes.save_profile``, ``data_rights.delete_profile``, ``indexing.rebuild``) and
appends one JSON line to an acknowledgement file after each operation returns, i.e.
after its commit: what it acknowledges must be in the database afterwards. It also
writes the phase it enters, so that the report tells where the kills landed.

After each kill the harness opens the application again (the start-up reconcile is the
restart under test) and checks:

- every acknowledged change is there: a profile's version is at least the acknowledged
  one, with the acknowledged marker when equal; an acknowledged deletion stays deleted;
- nothing half-written: each profile's field links match its marker, its audit trail
  has one create/update entry per version, and the change log has its version;
  SQLite's ``PRAGMA integrity_check`` is ``ok``;
- after the reconcile the index holds exactly the database's ids and versions, and
  nothing is pending;
- no stale lock: a save is indexed at once (the writer lock is free), and the rebuild
  and catch-up lock files can be taken.

``tests/test_crash.py`` runs a few kills in CI; this script runs the full 50.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from expertnet.accounts import data_rights

RESULTS = Path(__file__).resolve().parent / "results"
FIELD_CHOICES = (["ai"], ["logistics", "seaports"], ["seaports"])
# Profiles the child keeps around (imports add until this many exist).
TARGET_PROFILES = 120
IMPORT_ROWS = (10, 60)
HEADER = ["external_id", "kind", "full_name", "keywords", "fields", "visibility", "bio_en"]
WORDS = ("port", "logistics", "marine", "automation", "data", "research", "transfer", "engineering",
         "ship", "container", "energy", "water", "climate", "sensor", "network", "policy", "training")


def fields_for(marker):
    """The field codes that go with a marker: a profile whose links do not match its
    marker was half-written."""
    return FIELD_CHOICES[zlib.crc32(marker.encode()) % len(FIELD_CHOICES)]


def app_config(folder, database_url):
    return {"INSTANCE_PATH": str(folder), "DATABASE_URL": database_url,
            "INDEX_DIR": str(Path(folder) / "index"), "SECRET_KEY": "crash-harness",
            "INDEX_LOCK_TIMEOUT": 5.0}


# -- the child ----------------------------------------------------------------------------
class Acknowledgements:
    def __init__(self, path):
        self.handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the child

    def write(self, **entry):
        # One write() per line, straight to the kernel: a SIGKILL cannot tear it, and
        # what was written before the kill is kept (the process dies, not the machine).
        self.handle.write(json.dumps(entry) + "\n")
        self.handle.flush()


def child(folder, database_url, ack_path, run):
    from expertnet import create_app
    from expertnet.core.db import database
    from expertnet.curation import importer
    from expertnet.directory import indexing
    from expertnet.directory import writes as directory_writes
    from expertnet.directory.models import Expert

    acks = Acknowledgements(ack_path)
    acks.write(phase="start-up", run=run)
    app = create_app(app_config(folder, database_url))
    rng = random.Random(f"{run}-{os.getpid()}")
    counter = 0
    with app.app_context():
        while True:
            counter += 1
            marker = f"r{run}n{counter}"
            count = Expert.select().count()
            roll = rng.random()
            if count < TARGET_PROFILES or roll < 0.15:
                acks.write(phase="import", run=run)
                rows = []
                for number in range(rng.randint(*IMPORT_ROWS)):
                    external = f"CR-{rng.randrange(TARGET_PROFILES * 2)}"
                    row_marker = f"{marker}i{number}"
                    rows.append([external, "domestic", f"Chuyên Gia {external}", row_marker,
                                 ";".join(fields_for(row_marker)), "public",
                                 " ".join(rng.choice(WORDS) for _ in range(60))])
                # A file repeats an id at most once: keep the last row of each.
                unique = {row[0]: row for row in rows}
                # replace: each row is the profile's whole truth, so the database must hold
                # exactly the last acknowledged row (update would add keywords to a list).
                importer.import_rows(HEADER, enumerate(unique.values(), start=2),
                                     allow_duplicates=True, source="crash", mode="replace")
                for row in unique.values():
                    expert = Expert.get(Expert.external_id == row[0])
                    acks.write(op="save", id=expert.id, version=expert.version,
                               marker=expert.keywords[0])
            elif roll < 0.85:
                acks.write(phase="edit", run=run)
                expert = Expert.select().order_by(Expert.id).offset(rng.randrange(count)).get()
                outcome = directory_writes.save_profile({"keywords": marker,
                                                 "fields": ";".join(fields_for(marker))},
                                                expert=expert, via="cli")
                acks.write(op="save", id=outcome.expert.id, version=outcome.expert.version,
                           marker=marker)
            elif roll < 0.92:
                expert = Expert.select().order_by(Expert.id).offset(rng.randrange(count)).get()
                # Named before it starts: a deletion that commits and is killed before its
                # acknowledgement legitimately removes an acknowledged profile.
                acks.write(phase="delete", run=run, id=expert.id)
                data_rights.delete_profile(expert, via="cli")
                acks.write(op="delete", id=expert.id)
            else:
                acks.write(phase="reindex", run=run)
                indexing.rebuild()
                acks.write(op="reindex")
            if not database.is_closed() and not database.in_transaction():
                database.close()


# -- the checks -----------------------------------------------------------------------------
def read_acknowledgements(path):
    """``(latest, phases)``: the last acknowledgement per profile id (a deletion begun
    after it shows as ``{"op": "deleting"}``) and the phases entered."""
    latest, phases = {}, []
    if not Path(path).exists():
        return latest, phases
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # cannot happen with one write() per line; tolerated anyway
        if "phase" in entry:
            phases.append(entry)
            if entry["phase"] == "delete" and entry["id"] in latest:
                latest[entry["id"]] = {**latest[entry["id"]], "op": "deleting"}
        elif entry.get("op") in ("save", "delete"):
            latest[entry["id"]] = entry
    return latest, phases


def check(folder, database_url, ack_path):
    """Restart (create the app: migrations and the start-up reconcile) and check; returns
    a list of failures (empty when everything holds)."""
    from expertnet import create_app
    from expertnet.core.db import database, is_sqlite
    from expertnet.core.models import Audit
    from expertnet.directory import indexing, search_documents
    from expertnet.directory import writes as directory_writes
    from expertnet.directory.models import ChangeLog, Expert

    failures = []
    app = create_app(app_config(folder, database_url))
    store = app.extensions["expertnet.search"]
    try:
        with app.app_context(), database.connection_context():
            latest, _phases = read_acknowledgements(ack_path)
            experts = {expert.id: expert for expert in Expert.select()}
            codes = search_documents.field_codes_by_expert(list(experts))
            for expert_id, ack in latest.items():
                expert = experts.get(expert_id)
                if ack["op"] == "delete":
                    if expert is not None:
                        failures.append(f"profile {expert_id}: acknowledged deletion undone")
                elif ack["op"] == "deleting" and expert is None:
                    continue  # deleted, killed before the acknowledgement
                elif expert is None:
                    failures.append(f"profile {expert_id}: acknowledged version {ack['version']} lost")
                elif expert.version < ack["version"] or (
                        expert.version == ack["version"] and expert.keywords != [ack["marker"]]):
                    failures.append(f"profile {expert_id}: acknowledged {ack} but the database has "
                                    f"version {expert.version} {expert.keywords}")
            # SQLite may give a deleted profile's id to a new one (rowid): count what
            # follows the last deletion of an id, and the newest log row of each.
            writes = {}
            for expert_id, action in (Audit.select(Audit.expert_id, Audit.action)
                                      .where(Audit.expert_id.is_null(False))
                                      .order_by(Audit.id).tuples()):
                if action == "profile.delete":
                    writes[expert_id] = 0
                elif action in ("profile.create", "profile.update"):
                    writes[expert_id] = writes.get(expert_id, 0) + 1
            logged = dict(ChangeLog.select(ChangeLog.expert_id, ChangeLog.version)
                          .order_by(ChangeLog.seq).tuples())
            for expert in experts.values():
                if expert.keywords and codes[expert.id] != fields_for(expert.keywords[0]):
                    failures.append(f"profile {expert.id}: fields {codes[expert.id]} do not go "
                                    f"with {expert.keywords}")
                if writes.get(expert.id) != expert.version:
                    failures.append(f"profile {expert.id}: version {expert.version} but "
                                    f"{writes.get(expert.id)} audited writes")
                if logged.get(expert.id) != expert.version:
                    failures.append(f"profile {expert.id}: version {expert.version} but the change "
                                    f"log has {logged.get(expert.id)}")
            if is_sqlite():
                integrity = database.execute_sql("PRAGMA integrity_check").fetchall()
                if integrity != [("ok",)]:
                    failures.append(f"integrity_check: {integrity[:3]}")
            in_index, in_database = store.stored_versions(), indexing.database_versions()
            if in_index != in_database:
                differ = {key for key in set(in_index) | set(in_database)
                          if in_index.get(key) != in_database.get(key)}
                failures.append(f"index and database differ for {len(differ)} profiles "
                                f"(e.g. {sorted(differ)[:5]})")
            if indexing.pending_count():
                failures.append(f"{indexing.pending_count()} index records still pending")
            for name in ("rebuild", "catchup"):
                with store.exclusive(name) as free:
                    if not free:
                        failures.append(f"the {name} lock is held")
            if experts:
                started = time.monotonic()
                probe = Expert.get_by_id(min(experts))
                marker = f"probe{int(time.time() * 1000)}"
                saved = directory_writes.save_profile({"keywords": marker,
                                               "fields": ";".join(fields_for(marker))},
                                              expert=probe, via="cli").expert
                if store.versions_of([saved.id]).get(saved.id) != saved.version or \
                        time.monotonic() - started > 3:
                    failures.append("a save after the restart was not indexed at once")
    finally:
        store.close()
        if not database.is_closed():
            database.close()
    return failures


# -- the harness ------------------------------------------------------------------------------
# The share of kills aimed at the start-up; the others land after the first operation began.
START_UP_KILLS = 0.15


def _acknowledged(ack_path):
    return sum(1 for line in Path(ack_path).read_text().splitlines() if '"op"' in line) \
        if Path(ack_path).exists() else 0


def _wait_for_work(ack_path, round_number, child_process, first_acknowledgement=False, timeout=60):
    """Until the child has begun its first operation (and, on a machine too slow to
    finish any before the kill, until something was acknowledged at all)."""
    before = _acknowledged(ack_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child_process.poll() is None:
        _latest, phases = read_acknowledgements(ack_path)
        if phases and phases[-1]["run"] == round_number and phases[-1]["phase"] != "start-up" \
                and (not first_acknowledgement or _acknowledged(ack_path) > before):
            return
        time.sleep(0.05)


def run(folder, database_url, kills, seed=2026, min_delay=0.0, max_delay=2.0, log=None):
    """``kills`` rounds of start, random wait, SIGKILL, check. Returns the figures."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ack_path = folder / "acknowledged.jsonl"
    rng = random.Random(seed)
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    figures = {"kills": 0, "killed_in": {}, "acknowledged": 0, "failures": [], "checks": 0}
    started = time.monotonic()
    for round_number in range(1, kills + 1):
        child_process = subprocess.Popen(
            [sys.executable, "-m", "bench.crash", "child", "--folder", str(folder),
             "--database-url", database_url, "--ack", str(ack_path), "--run", str(round_number)],
            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if rng.random() < START_UP_KILLS:
            time.sleep(rng.uniform(0.2, 1.5))  # during the start-up (migrations, reconcile)
        else:
            _wait_for_work(ack_path, round_number, child_process,
                           first_acknowledgement=_acknowledged(ack_path) == 0)
            time.sleep(rng.uniform(min_delay, max_delay))
        if child_process.poll() is not None:
            error = child_process.stderr.read().decode(errors="replace")[-1500:]
            child_process.stderr.close()
            figures["failures"].append(f"round {round_number}: the child died by itself: {error}")
            break
        child_process.send_signal(signal.SIGKILL)
        child_process.wait()
        child_process.stderr.close()
        figures["kills"] += 1
        _latest, phases = read_acknowledgements(ack_path)
        phase = phases[-1]["phase"] if phases and phases[-1]["run"] == round_number else "start-up"
        figures["killed_in"][phase] = figures["killed_in"].get(phase, 0) + 1
        failures = check(folder, database_url, ack_path)
        figures["checks"] += 1
        figures["failures"] += [f"round {round_number} (killed in {phase}): {failure}"
                                for failure in failures]
        if log:
            log(f"round {round_number}: killed in {phase}; {len(failures)} failures")
    latest, _phases = read_acknowledgements(ack_path)
    figures["acknowledged"] = _acknowledged(ack_path)
    figures["profiles_tracked"] = len(latest)
    figures["seconds"] = round(time.monotonic() - started, 1)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    child_args = sub.add_parser("child")
    child_args.add_argument("--folder", required=True)
    child_args.add_argument("--database-url", required=True)
    child_args.add_argument("--ack", required=True)
    child_args.add_argument("--run", type=int, required=True)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="", help="default: a SQLite file in the folder")
    parser.add_argument("--folder", default="", help="default: a temporary folder")
    parser.add_argument("--out", default=str(RESULTS / "crash.json"))
    args = parser.parse_args()
    if args.command == "child":
        child(args.folder, args.database_url, args.ack, args.run)
        return
    folder = Path(args.folder or tempfile.mkdtemp(prefix="expertnet-crash-"))
    url = args.database_url or f"sqlite:///{folder / 'expertnet.sqlite3'}"

    def log(message):
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    figures = run(folder, url, args.kills, seed=args.seed, log=log)
    figures["database"] = "sqlite" if url.startswith("sqlite") else "postgresql"
    figures["date"] = time.strftime("%Y-%m-%d")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({key: figures[key] for key in ("kills", "killed_in", "acknowledged", "seconds")}))
    print(f"{len(figures['failures'])} failures")
    sys.exit(1 if figures["failures"] else 0)


if __name__ == "__main__":
    main()
