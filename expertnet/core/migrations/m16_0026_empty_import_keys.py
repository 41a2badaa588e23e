"""Step 16 of the migrations, recorded as ``0026_empty_import_keys``."""

NAME = "0026_empty_import_keys"


def apply(migrator, db):
    # An empty import key is NULL (the column is unique: two "" collided).
    db.execute_sql("UPDATE expert SET external_id = NULL WHERE external_id = ''")
