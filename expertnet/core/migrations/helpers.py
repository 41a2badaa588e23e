"""What several migration steps use."""
from playhouse.migrate import migrate


def _add_missing_columns(migrator, db, table, columns):
    """Add ``columns`` (name → field) that ``table`` lacks. 0001 creates tables from the
    current model classes, so a fresh database has them already."""
    present = {column.name for column in db.get_columns(table)}
    operations = [migrator.add_column(table, name, field)
                  for name, field in columns.items() if name not in present]
    if operations:
        migrate(*operations)
