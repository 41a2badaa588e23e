"""The dependency audit of .ci/run (scripts/audit_dependencies.py): it fails on a known
vulnerability, accepts one listed with a review date not yet passed, and says plainly
that it skipped when nothing could be audited (never "no known vulnerabilities")."""
import datetime
import json
import subprocess

import pytest

from scripts import audit_dependencies as audit


def fake_run(report, stderr=""):
    def run(command, **kwargs):
        return subprocess.CompletedProcess(command, 0, stdout=json.dumps(report), stderr=stderr)
    return run


VULNERABLE = {"dependencies": [
    {"name": "flask", "version": "3.1.3", "vulns": []},
    {"name": "oldlib", "version": "1.0", "vulns": [
        {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-1"], "fix_versions": ["1.1"]}]},
]}


@pytest.fixture
def exceptions_file(tmp_path, monkeypatch):
    path = tmp_path / "audit-exceptions.txt"
    monkeypatch.setattr(audit, "EXCEPTIONS", path)
    return path


def test_a_known_vulnerability_fails(monkeypatch, exceptions_file, capsys):
    monkeypatch.setattr(audit.subprocess, "run", fake_run(VULNERABLE))
    assert audit.main() == 1
    assert "VULNERABLE oldlib 1.0: PYSEC-2099-1 (fixed in 1.1)" in capsys.readouterr().out


def test_a_dated_exception_is_accepted_until_its_date(monkeypatch, exceptions_file, capsys):
    monkeypatch.setattr(audit.subprocess, "run", fake_run(VULNERABLE))
    later = datetime.date.today() + datetime.timedelta(days=30)
    exceptions_file.write_text(f"# comment\nCVE-2099-1  {later}  no fix released yet\n")
    assert audit.main() == 0
    exceptions_file.write_text("CVE-2099-1  2000-01-01  expired\n")
    assert audit.main() == 1
    assert "has expired" in capsys.readouterr().out


def test_nothing_audited_is_a_plain_skip(monkeypatch, exceptions_file, capsys):
    skipped = {"dependencies": [{"name": "flask", "skip_reason": "Dependency not found on PyPI"}]}
    monkeypatch.setattr(audit.subprocess, "run", fake_run(skipped, "No known vulnerabilities found"))
    assert audit.main() == 0
    assert "SKIPPED" in capsys.readouterr().out


def test_the_checked_in_exception_list_parses(monkeypatch):
    accepted, expired = audit.exceptions(datetime.date.today())
    assert expired == []
