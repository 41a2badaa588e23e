"""Step 17 of the migrations, recorded as ``0020_reindex_for_hometowns``."""
from peewee import Value

from expertnet.core.db import utcnow
from expertnet.core.migrations.m01_0001_initial import Expert, PendingIndex

NAME = "0020_reindex_for_hometowns"


def apply(migrator, db):
    # Search documents now carry a hometown's names in both schemes (hometowns.py): queue
    # every profile so that the start-up reconcile (or ``reindex``) rewrites its document.
    (PendingIndex.insert_from(Expert.select(Expert.id, Expert.version, Value(utcnow())),
                              fields=[PendingIndex.expert_id, PendingIndex.version,
                                      PendingIndex.queued_at])
     .on_conflict_ignore().execute())
