"""Step 26 of the migrations, recorded as ``0030_change_log``."""
from peewee import BigAutoField, DateTimeField, IntegerField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel

NAME = "0030_change_log"


class ChangeLog(FrozenModel):
    seq = BigAutoField()
    expert_id = IntegerField()
    version = IntegerField()
    changed_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "change_log"


def apply(migrator, db):
    db.create_tables([ChangeLog], safe=True)
