"""Step 27 of the migrations, recorded as ``0013_statistics_index``."""

NAME = "0013_statistics_index"


# The columns the statistics dashboard groups by (dashboard.py), behind the visibility
# it filters on: each of its counts reads this index alone, never the wide rows (bios).
STATISTICS_INDEX_COLUMNS = ("visibility", "kind", "country", "sector", "created_at", "city",
                            "hometown", "available_for")


def apply(migrator, db):
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS expert_statistics ON expert "
                   f"({', '.join(STATISTICS_INDEX_COLUMNS)})")
