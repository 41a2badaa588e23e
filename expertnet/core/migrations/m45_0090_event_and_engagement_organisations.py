"""Step 45 of the migrations, recorded as ``0090_event_and_engagement_organisations``.

Events and engagements point at organisation records: the organisations organising an
event or its partners (``event_organisation``), and the organisation an engagement
served (``engagement.organisation_id``). Technology offers and demands record the
version last written to their search index (``indexed_version``), as organisations do,
so that a failed index update is seen by the health check and repaired by reconcile.
Declared here as frozen copies (see step 37)."""
from peewee import AutoField, CharField, ForeignKeyField, IntegerField

from expertnet.core.migrations.helpers import FrozenModel, _add_missing_columns

NAME = "0090_event_and_engagement_organisations"


class Event(FrozenModel):
    id = AutoField()

    class Meta:
        table_name = "event"


class EventOrganisation(FrozenModel):
    id = AutoField()
    event = ForeignKeyField(Event, backref="organisation_links", on_delete="CASCADE")
    organisation_id = IntegerField(index=True)
    role = CharField(max_length=16, default="organiser")

    class Meta:
        table_name = "event_organisation"
        indexes = ((("event", "organisation_id"), True),)


def apply(migrator, db):
    _add_missing_columns(migrator, db, "engagement", {"organisation_id": IntegerField(null=True)})
    # Written as peewee writes a model's index, so that the migrated schema is the models'.
    db.execute_sql('CREATE INDEX IF NOT EXISTS "engagement_organisation_id" '
                   'ON "engagement" ("organisation_id")')
    for table in ("technology_offer", "technology_demand"):
        # Null: every existing record waits for its index, so the first reconcile writes
        # them all once and records their versions.
        _add_missing_columns(migrator, db, table, {"indexed_version": IntegerField(null=True)})
    db.create_tables([EventOrganisation], safe=True)
