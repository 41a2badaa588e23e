"""Several hosts on one PostgreSQL: each host keeps its own index and catches up from
the change log (``ChangeLog``) that every profile write adds to in its transaction.

A host's own writes are indexed right after their commit, as always; the catch-up
finds the changes that other hosts made. It reads the log after the position recorded
in the live index generation, re-reads the current version of each profile named, and
indexes (or removes) those whose version the index does not have: applying a change
twice, or an old change after a newer one, changes nothing.

Out-of-order commits. On PostgreSQL a sequence number is handed out when the row is
inserted, not when its transaction commits: a transaction holding seq 10 may commit
after the one holding seq 11. A reader that moved its position to 11 on seeing 11
would never look at 10 again. So a missing number below the newest seen is a *gap*:
it is either still in flight or rolled back (rolled-back numbers are never reused).
The position only moves up to just below the oldest open gap; rows of a gap that
appear later are read and applied; a gap still empty after ``INDEX_CATCHUP_GRACE``
seconds (longer than any profile-writing transaction) is taken as rolled back. On
SQLite writers are serialised by ``BEGIN IMMEDIATE``, so numbers commit in order and
no gap appears; the same code runs on both.

Each worker process keeps what it has applied above the recorded position in memory
(``seen_up_to`` and the open gaps); the position itself lives in the index generation
(``CHANGE_POSITION``), shared by the host's workers, written under a host-wide lock file.
A rebuild records the position it reflects in its new generation; a database that went
back (a restore) is noticed and reconciled.

Triggered at most every ``INDEX_CATCHUP_INTERVAL`` seconds per worker by requests, and by
a background thread in each worker (so that an idle host keeps up, and ``/healthz``
reports the truth).
"""
import logging
import threading
import time

from peewee import fn

from expertnet import search
from expertnet.core.db import database, utcnow
from expertnet.directory import indexing
from expertnet.directory.models import ChangeLog, Expert

log = logging.getLogger(__name__)

EXTENSION = "expertnet.catchup"
# Rows read per query, and queries per run (a large backlog is left to the next run).
BATCH = 2000
MAX_ROUNDS = 10


def advance(position, seen_up_to, gaps, rows, now, grace):
    """The pure bookkeeping of one round. ``rows`` are the sequence numbers read above
    ``seen_up_to`` (ascending) and those that filled open gaps; ``gaps`` maps open gap
    numbers to the time they were first missed (changed in place). Returns the new
    ``(position, seen_up_to)``."""
    for seq in rows:
        gaps.pop(seq, None)
    expected = seen_up_to + 1
    for seq in rows:
        if seq < expected:
            continue
        for missing in range(expected, seq):
            gaps.setdefault(missing, now)
        expected = seq + 1
    seen_up_to = max(seen_up_to, expected - 1)
    for seq, first_missed in list(gaps.items()):
        if now - first_missed >= grace or seq <= position:
            del gaps[seq]
    return (min(gaps) - 1 if gaps else seen_up_to), seen_up_to


class CatchUp:
    """The catch-up state of one worker process for one index store."""

    def __init__(self, store, interval=0.5, grace=30.0):
        self.store = store
        self.interval = interval
        self.grace = grace
        self._last_run = 0.0
        self._running = threading.Lock()
        self._generation = None
        self._seen_up_to = 0
        self._gaps = {}

    def maybe_run(self):
        """Run unless it ran less than ``interval`` ago, runs in another thread, or runs
        in another worker of this host. Never raises (a request must not fail for it)."""
        now = time.monotonic()
        if now - self._last_run < self.interval or not self._running.acquire(blocking=False):
            return None
        try:
            self._last_run = now
            with self.store.exclusive("catchup") as held:
                return self.run() if held else None
        except Exception as exc:  # noqa: BLE001 - logged; the next run tries again
            log.warning("index catch-up failed: %r", exc)
            return None
        finally:
            self._running.release()

    def run(self):
        """One catch-up (the caller holds the host's lock). Returns the profiles indexed
        or removed."""
        position = self.store.read_position()
        if position is None:
            # An index that never recorded a position (new, or from before the log):
            # compare everything once; reconcile records the position.
            indexing.reconcile(self.store)
            self._reset()
            return 0
        generation = self.store.generation()
        if generation != self._generation or position > self._seen_up_to:
            # A rebuild was swapped in, or another worker of this host went further.
            self._generation = generation
            self._seen_up_to = position
            self._gaps = {seq: first for seq, first in self._gaps.items() if seq > position}
        changed = 0
        for _round in range(MAX_ROUNDS):
            rows = list(ChangeLog.select(ChangeLog.seq, ChangeLog.expert_id)
                        .where(ChangeLog.seq > self._seen_up_to)
                        .order_by(ChangeLog.seq).limit(BATCH).tuples())
            filled = list(ChangeLog.select(ChangeLog.seq, ChangeLog.expert_id)
                          .where(ChangeLog.seq.in_(sorted(self._gaps))).tuples()) if self._gaps else []
            if not rows and not filled and not self._gaps:
                if position > indexing.last_change():
                    self._went_back()
                break
            changed += self._apply({expert_id for _seq, expert_id in rows + filled})
            new_position, self._seen_up_to = advance(
                position, self._seen_up_to, self._gaps,
                sorted(seq for seq, _expert_id in rows + filled), time.monotonic(), self.grace)
            if new_position > position:
                self.store.write_position(new_position)
                position = new_position
            if len(rows) < BATCH:
                break
        return changed

    def _apply(self, ids):
        """Index the profiles of ``ids`` whose version the index does not have."""
        if not ids:
            return 0
        in_database = dict(Expert.select(Expert.id, Expert.version)
                           .where(Expert.id.in_(list(ids))).tuples())
        in_index = self.store.versions_of(ids)
        stale = [expert_id for expert_id in ids if in_database.get(expert_id) != in_index.get(expert_id)]
        if stale:
            indexing.index_ids(stale, store=self.store)
        return len(stale)

    def _went_back(self):
        """The log ends below our position: the database was restored from a backup (or
        replaced). Compare everything and start again from its end."""
        log.warning("the change log went back (a restore?): reconciling the index")
        indexing.reconcile(self.store)
        self.store.write_position(indexing.position_before(utcnow()))
        self._reset()

    def _reset(self):
        self._generation = None
        self._seen_up_to = 0
        self._gaps = {}


def lag(store):
    """``{"position", "latest", "behind", "lag_seconds"}``: how far this host's index is
    behind the change log (for ``/healthz``)."""
    position = store.read_position() or 0
    behind, oldest = (ChangeLog.select(fn.COUNT(ChangeLog.seq), fn.MIN(ChangeLog.changed_at))
                      .where(ChangeLog.seq > position).tuples().get())
    return {"position": position, "latest": indexing.last_change(), "behind": behind,
            "lag_seconds": round((utcnow() - oldest).total_seconds(), 1) if oldest else 0.0}


def _background(app, catchup):
    """Each worker's own loop (threads do not survive a fork: started on its first
    request). Daemonic: it dies with its worker."""
    while True:
        time.sleep(catchup.interval)
        with app.app_context():
            catchup.maybe_run()
            if not database.is_closed():
                database.close()


def init_app(app):
    if not app.config["INDEX_CATCHUP"]:
        return
    catchup = CatchUp(search.get_store(app), interval=float(app.config["INDEX_CATCHUP_INTERVAL"]),
                      grace=float(app.config["INDEX_CATCHUP_GRACE"]))
    app.extensions[EXTENSION] = catchup
    started = threading.Lock()
    state = {"thread": None}

    @app.before_request
    def _catch_up():
        if app.config["INDEX_CATCHUP_BACKGROUND"] and state["thread"] is None:
            with started:
                if state["thread"] is None:
                    state["thread"] = threading.Thread(target=_background, args=(app, catchup),
                                                       name="expertnet-catchup", daemon=True)
                    state["thread"].start()
        catchup.maybe_run()
