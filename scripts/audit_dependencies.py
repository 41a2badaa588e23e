"""pip-audit over the installed dependencies, for .ci/run.

Exit 0 when no known vulnerability is found (or every one found is listed, with a
date not yet passed, in ``audit-exceptions.txt``), 1 otherwise. When the vulnerability
service cannot be reached (no network, or a package index without the JSON API that
pip-audit reads), nothing was audited: that is said plainly and the run is skipped
(exit 0), never reported as "no known vulnerabilities".

``audit-exceptions.txt``: one vulnerability a line, ``ID  YYYY-MM-DD  reason``; the date
is when the exception must be looked at again (after it, the vulnerability fails the
run again).
"""
import datetime
import json
import subprocess
import sys
from pathlib import Path

EXCEPTIONS = Path(__file__).resolve().parent.parent / "audit-exceptions.txt"
OWN_PACKAGE = "expertnet"


def exceptions(today):
    accepted, expired = set(), []
    if not EXCEPTIONS.exists():
        return accepted, expired
    for line in EXCEPTIONS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        ident, until, *_reason = line.split(None, 2)
        if datetime.date.fromisoformat(until) >= today:
            accepted.add(ident)
        else:
            expired.append(ident)
    return accepted, expired


def main():
    command = [sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "--format", "json",
               "--skip-editable"]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=300)  # noqa: S603
    except subprocess.TimeoutExpired:
        print("pip-audit: SKIPPED - the vulnerability service did not answer within 300 s")
        return 0
    try:
        report = json.loads(run.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    dependencies = [d for d in report.get("dependencies", []) if d.get("name") != OWN_PACKAGE]
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        reason = (run.stderr.strip().splitlines() or ["no dependency could be looked up"])[-1]
        print(f"pip-audit: SKIPPED - the vulnerability service cannot be reached from here "
              f"({len(dependencies)} dependencies not audited; last message: {reason[:200]})")
        return 0
    accepted, expired = exceptions(datetime.date.today())
    found = []
    for dependency in audited:
        for vulnerability in dependency.get("vulns", []):
            names = {vulnerability["id"], *vulnerability.get("aliases", [])}
            if names & accepted:
                print(f"pip-audit: accepted until reviewed: {dependency['name']} {vulnerability['id']}")
                continue
            found.append(f"{dependency['name']} {dependency['version']}: {vulnerability['id']} "
                          f"(fixed in {', '.join(vulnerability.get('fix_versions', [])) or '-'})")
    skipped = len(dependencies) - len(audited)
    print(f"pip-audit: {len(audited)} dependencies audited, {skipped} not found in the index")
    for ident in expired:
        print(f"pip-audit: the exception for {ident} has expired: look at it again")
    for line in found:
        print(f"pip-audit: VULNERABLE {line}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
