"""Schema migrations, applied in order at start-up.

Each step is a file ``mNN_<recorded name>.py`` numbered in the order the steps run,
with ``NAME`` (the name recorded in ``schema_migration`` once applied: installations
migrated before the steps were files recognise their steps by it) and
``apply(migrator, db)``. A new step is a new file with the next number: the steps are
found in this package and run in the order of their numbers. Never edit an applied
one. A later column is added like this::

    NAME = "0070_expert_photo"

    def apply(migrator, db):
        migrate(migrator.add_column("expert", "photo", CharField(default="")))
"""
import importlib
import pkgutil
import re

from peewee import CharField, DateTimeField, Model
from playhouse.migrate import SchemaMigrator

from expertnet.core.db import database, is_postgres, utcnow

# Any constant; it keeps two PostgreSQL processes from migrating at the same time.
_ADVISORY_LOCK = 7_404_202_6
# A step's file: m<number in run order>_<the name installations recorded>.py
STEP_FILE = re.compile(r"^m(\d+)_(\d{4}_\w+)$")


class SchemaMigration(Model):
    name = CharField(primary_key=True, max_length=100)
    applied_at = DateTimeField(default=utcnow)

    class Meta:
        database = database
        table_name = "schema_migration"


def _steps():
    """The step modules of this package, in the order of their numbers."""
    numbered = sorted((int(STEP_FILE.match(info.name).group(1)), info.name)
                      for info in pkgutil.iter_modules(__path__) if STEP_FILE.match(info.name))
    numbers = [number for number, _ in numbered]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migration steps must be numbered 1, 2, 3 ... without gaps: {numbers}")
    return tuple(importlib.import_module(f"{__name__}.{name}") for _, name in numbered)


# The steps in the order they run; each keeps the name installations recorded.
STEPS = _steps()
MIGRATIONS = tuple((step.NAME, step.apply) for step in STEPS)
_BY_NAME = dict(MIGRATIONS)


def step(name):
    """The function of the step recorded as ``name`` (e.g. ``"0063_department_contact"``)."""
    return _BY_NAME[name]


def upgrade(db=database):
    """Apply the migrations not applied yet; safe to run again and from many processes."""
    with db.connection_context():
        if is_postgres(db):
            db.execute_sql("SELECT pg_advisory_lock(%s)", (_ADVISORY_LOCK,))
        try:
            db.create_tables([SchemaMigration], safe=True)
            applied = {row.name for row in SchemaMigration.select()}
            migrator = SchemaMigrator.from_database(db.obj if hasattr(db, "obj") else db)
            for name, migration in MIGRATIONS:
                if name in applied:
                    continue
                with db.atomic():
                    migration(migrator, db)
                    SchemaMigration.create(name=name)
            return [name for name, _ in MIGRATIONS if name not in applied]
        finally:
            if is_postgres(db):
                db.execute_sql("SELECT pg_advisory_unlock(%s)", (_ADVISORY_LOCK,))
