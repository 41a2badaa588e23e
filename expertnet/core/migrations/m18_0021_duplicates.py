"""Step 18 of the migrations, recorded as ``0021_duplicates``."""
from peewee import CompositeKey, DateTimeField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel

NAME = "0021_duplicates"


class DuplicateCandidate(FrozenModel):
    expert_a = IntegerField()
    expert_b = IntegerField()
    score = IntegerField(index=True)
    components = TextField(default="[]")
    computed_at = DateTimeField(default=utcnow)

    class Meta:
        primary_key = CompositeKey("expert_a", "expert_b")


class DuplicateDismissal(FrozenModel):
    expert_a = IntegerField()
    expert_b = IntegerField()
    dismissed_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        primary_key = CompositeKey("expert_a", "expert_b")


def apply(migrator, db):
    db.create_tables([DuplicateCandidate, DuplicateDismissal], safe=True)
