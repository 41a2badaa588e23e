"""Backups taken while the application writes, and their restore: the copy is a
consistent snapshot, passes its integrity check, and after a restore and a reindex
the search finds exactly what the backed-up database held."""
import shutil
import sqlite3
import threading
import time

import pytest
from conftest import PG_URL, profile

from expertnet.core.db import database
from expertnet.core.models import Audit
from expertnet.directory import indexing, search_documents
from expertnet.directory import writes as directory_writes
from expertnet.directory.models import Expert, ExpertField

PROFILES = 6


def needs_pg_dump():
    if PG_URL and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed: the PostgreSQL backup runs it")


def step_values(step):
    """What write number ``step`` saves on profile ``step % PROFILES``."""
    return {"keywords": f"step{step}", "fields": "ai" if step % 2 else "logistics"}


def expected_state(ids, steps):
    """Per profile: (version, keywords, field codes) after writes 0..steps-1."""
    state = {expert_id: (1, [], ["seaports"]) for expert_id in ids}
    for step in range(steps):
        expert_id = ids[step % PROFILES]
        values = step_values(step)
        state[expert_id] = (state[expert_id][0] + 1, [values["keywords"]], [values["fields"]])
    return state


class Writer(threading.Thread):
    """Edits the profiles one write at a time, as fast as it can, until stopped."""

    def __init__(self, app, ids):
        super().__init__(daemon=True)
        self.app, self.ids = app, ids
        self.done = 0  # writes acknowledged (save_profile returned)
        self.started = 0  # writes begun: one may be committed before it is acknowledged
        self.stop = threading.Event()
        self.failure = None

    def run(self):
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    expert = Expert.get_by_id(self.ids[self.done % PROFILES])
                    self.started = self.done + 1
                    directory_writes.save_profile(step_values(self.done), expert=expert, via="cli")
                    self.done += 1
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.failure = exc
        finally:
            database.close()


def current_state(ids):
    codes = search_documents.field_codes_by_expert(ids)
    return {expert.id: (expert.version, expert.keywords, codes[expert.id])
            for expert in Expert.select().where(Expert.id.in_(ids))}


def found(client, text):
    return [item["id"] for item in
            client.get("/api/v1/experts", query_string={"q": text, "per_page": 100}).json["results"]]


def test_a_backup_taken_under_writes_restores_a_consistent_database(app, runner, client, store,
                                                                    tmp_path):
    needs_pg_dump()
    ids = [directory_writes.save_profile(profile(full_name=f"Sao Lưu {n}", fields="seaports")).expert.id
           for n in range(PROFILES)]
    writer = Writer(app, ids)
    writer.start()
    while writer.done < 10 and writer.is_alive():
        time.sleep(0.01)
    before_backup = writer.done
    copy = tmp_path / ("copy.dump" if PG_URL else "copy.sqlite3")
    result = runner.invoke(args=["backup", str(copy)])
    # The write in flight when the backup ended may be in the copy already: it is
    # committed before save_profile returns (the index is updated after the commit).
    after_backup = writer.started
    assert writer.is_alive(), "the writer kept writing while the backup ran"
    assert result.exit_code == 0, result.output
    assert "ok" in result.output
    while writer.done < after_backup + 10 and writer.is_alive():
        time.sleep(0.01)  # the live database moves on after the backup
    writer.stop.set()
    writer.join(timeout=30)
    assert writer.failure is None

    if not PG_URL:
        connection = sqlite3.connect(copy)
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        connection.close()
    assert runner.invoke(args=["restore", str(copy)]).exit_code == 1  # no --yes: refused
    assert current_state(ids) == expected_state(ids, writer.done)

    result = runner.invoke(args=["restore", str(copy), "--yes"])
    assert result.exit_code == 0, result.output
    # The restored database is the state after some prefix of the writes, whole:
    # profiles, their field links and their audit entries agree.
    restored = current_state(ids)
    steps = sum(version - 1 for version, _keywords, _codes in restored.values())
    assert before_backup <= steps <= after_backup
    assert restored == expected_state(ids, steps)
    for expert_id, (version, _keywords, _codes) in restored.items():
        writes = Audit.select().where((Audit.expert_id == expert_id)
                                      & Audit.action.in_(["profile.create", "profile.update"]))
        assert writes.count() == version
    assert ExpertField.select().count() == PROFILES
    # After the restore's reindex the search finds the backed-up state, and nothing of
    # the writes made after the backup.
    assert store.stored_versions() == indexing.database_versions()
    for step in range(writer.done):
        expected = [ids[step % PROFILES]] if restored[ids[step % PROFILES]][1] == [f"step{step}"] \
            else []
        assert found(client, f"step{step}") == expected, step
    assert sorted(found(client, "sao luu")) == sorted(ids)


def test_backup_refuses_to_overwrite_and_a_damaged_backup_changes_nothing(app, runner, add, tmp_path):
    needs_pg_dump()
    expert = add(full_name="Giữ Nguyên")
    existing = tmp_path / "taken"
    existing.write_text("something else")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code == 1 and existing.read_text() == "something else"
    folder = tmp_path / "backups"
    folder.mkdir()
    assert runner.invoke(args=["backup", str(folder)]).exit_code == 0
    assert len(list(folder.iterdir())) == 1  # a dated file in the folder
    damaged = tmp_path / "damaged"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    result = runner.invoke(args=["restore", str(damaged), "--yes"])
    assert result.exit_code == 1
    assert Expert.get_by_id(expert.id).full_name == "Giữ Nguyên"
