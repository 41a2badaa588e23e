"""Crash consistency in CI: a child process that imports, edits, deletes and
reindexes is killed with SIGKILL at random points, eight times; after each restart
nothing acknowledged is lost, nothing is half-written, the index has the database's
ids and versions, and no lock is left behind. ``python -m bench.crash --kills 50``
runs the full harness (bench/crash.py documents every check)."""
import pytest

from bench import crash


@pytest.mark.crash
def test_sigkill_at_random_points_loses_nothing(tmp_path, database_url):
    figures = crash.run(tmp_path / "crash", database_url, kills=8, seed=8, max_delay=1.5)
    assert figures["failures"] == []
    assert figures["kills"] == 8 and figures["checks"] == 8
    assert figures["acknowledged"] > 0
