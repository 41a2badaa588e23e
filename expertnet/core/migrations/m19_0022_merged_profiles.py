"""Step 19 of the migrations, recorded as ``0022_merged_profiles``."""
from peewee import DateTimeField, IntegerField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel

NAME = "0022_merged_profiles"


class MergedProfile(FrozenModel):
    old_id = IntegerField(primary_key=True)
    new_id = IntegerField(index=True)
    merged_at = DateTimeField(default=utcnow)
    audit_id = IntegerField(null=True)


def apply(migrator, db):
    db.create_tables([MergedProfile], safe=True)
