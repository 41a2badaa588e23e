"""What several migration steps use."""
from peewee import Model
from playhouse.migrate import migrate

from expertnet.core.db import database


def _add_missing_columns(migrator, db, table, columns):
    """Add ``columns`` (name → field) that ``table`` lacks. The frozen copies of the steps that
    create tables carry every column their models had when frozen, so a fresh database has
    them already."""
    present = {column.name for column in db.get_columns(table)}
    operations = [migrator.add_column(table, name, field)
                  for name, field in columns.items() if name not in present]
    if operations:
        migrate(*operations)


class FrozenModel(Model):
    """The base of a table declared inside a step as it stands at that step: a later
    change to the module's model does not change what the step created, and the step
    needs no import from a module above the ground floor. Not a ``BaseModel``, so that
    nothing enumerating the models sees these copies."""

    class Meta:
        database = database
        legacy_table_names = False
