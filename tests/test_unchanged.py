"""What a move of the code must not change: the URL
rules with their endpoints (blueprint names and prefixes), the peewee table names, the
identities of the background tasks a queue may still hold, and every command with its
options and help. The snapshots in tests/fixtures/unchanged/ were taken from the code
before the move; a deliberate change rewrites them with

    python tests/test_unchanged.py tests/fixtures/unchanged
"""
import importlib
import pkgutil
import sys
import tempfile
from pathlib import Path

import click
from peewee import Model

SNAPSHOTS = Path(__file__).parent / "fixtures" / "unchanged"


def url_map(app):
    return sorted(f"{rule.endpoint} {rule.rule} {','.join(sorted(rule.methods - {'HEAD', 'OPTIONS'}))}"
                  for rule in app.url_map.iter_rules())


def tables():
    # Every module imported, so that no model is missed for lack of an import.
    import expertnet
    for module in pkgutil.walk_packages(expertnet.__path__, "expertnet."):
        importlib.import_module(module.name)
    found = set()
    stack = [Model]
    while stack:
        for sub in stack.pop().__subclasses__():
            found.add(sub)
            stack.append(sub)
    # Tables that migration steps declare as they stood then (FrozenModel) are history, not models.
    from expertnet.core.migrations.helpers import FrozenModel
    return sorted(f"{model.__name__} {model._meta.table_name}" for model in found
                  if model.__module__.startswith("expertnet") and model._meta.table_name != "basemodel"
                  and not issubclass(model, FrozenModel))


def task_identities(app):
    return sorted(app.extensions["expertnet.tasks"]._registry._registry)


def commands(app):
    lines = []
    for name in sorted(app.cli.list_commands(None)):
        command = app.cli.get_command(None, name)
        lines.append(f"=== {name}")
        lines.extend(command.get_help(click.Context(command, info_name=name)).splitlines())
    return lines


def snapshots(app):
    return {"url_map.txt": url_map(app), "tables.txt": tables(),
            "tasks.txt": task_identities(app), "commands.txt": commands(app)}


def _app():
    from expertnet import create_app
    return create_app({"TESTING": True, "SKIP_STARTUP": True, "INSTANCE_PATH": tempfile.mkdtemp()})


def _check(name):
    expected = (SNAPSHOTS / name).read_text().splitlines()
    assert snapshots(_app())[name] == expected


def test_url_rules_and_endpoints_unchanged():
    _check("url_map.txt")


def test_table_names_unchanged():
    _check("tables.txt")


def test_task_identities_unchanged():
    _check("tasks.txt")


def test_commands_and_their_help_unchanged():
    _check("commands.txt")


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, lines in snapshots(_app()).items():
        (folder / file_name).write_text("\n".join(lines) + "\n")
