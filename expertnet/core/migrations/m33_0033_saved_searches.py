"""Step 33 of the migrations, recorded as ``0033_saved_searches``."""
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m01_0001_initial import Expert
from expertnet.core.migrations.m02_0002_accounts import User

NAME = "0033_saved_searches"


class SavedSearch(FrozenModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="saved_searches", on_delete="CASCADE")
    name = CharField(max_length=200)
    query = TextField(default="[]")
    need_id = IntegerField(null=True, index=True)
    frequency = CharField(max_length=16, default="daily")
    created_at = DateTimeField(default=utcnow)
    last_digest_at = DateTimeField(null=True)

    class Meta:
        table_name = "saved_search"


class SavedSearchHit(FrozenModel):
    id = AutoField()
    saved_search = ForeignKeyField(SavedSearch, backref="hits", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="saved_search_hits", on_delete="CASCADE")
    seen_at = DateTimeField(null=True)
    alerted_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "saved_search_hit"
        indexes = ((("saved_search", "expert"), True),)


def apply(migrator, db):
    db.create_tables([SavedSearch, SavedSearchHit], safe=True)
