"""The profile's tables: the profile, its fields, the index queue, the change log and the
ids of merged-away profiles (the finder answers an old id with the kept one)."""
from peewee import (
    AutoField,
    BigAutoField,
    CharField,
    CompositeKey,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from expertnet.core.db import utcnow
from expertnet.core.models import BaseModel, JSONListField
from expertnet.taxonomy.models import Field

# Documented maxima (the importer and the forms refuse longer values).
MAX_LENGTHS = {
    "external_id": 64, "full_name": 200, "other_names": 500, "hometown": 200, "city": 120,
    "organization": 300, "position": 200, "keywords": 500, "bio_vi": 10_000, "bio_en": 10_000,
    "email": 254, "phone": 40, "website": 500, "orcid": 19, "source": 200,
}


class Expert(BaseModel):
    """A profile: a domestic expert, a foreign expert or an overseas Hai Phong intellectual."""

    id = AutoField()
    external_id = CharField(max_length=64, null=True, unique=True)
    kind = CharField(max_length=16, index=True)
    full_name = CharField(max_length=200)
    # The folded name ("nguyen van duc"): finds likely duplicates whatever the accents.
    name_key = CharField(max_length=200, default="", index=True)
    other_names = JSONListField(default=list)
    title = CharField(max_length=16, default="")
    degree = CharField(max_length=16, default="")
    gender = CharField(max_length=16, default="")
    birth_year = IntegerField(null=True)
    hometown = CharField(max_length=200, default="")
    country = CharField(max_length=2, default="", index=True)
    city = CharField(max_length=120, default="")
    organization = CharField(max_length=300, default="")
    position = CharField(max_length=200, default="")
    sector = CharField(max_length=16, default="")
    keywords = JSONListField(default=list)
    languages = JSONListField(default=list)
    available_for = JSONListField(default=list)
    bio_vi = TextField(default="")
    bio_en = TextField(default="")
    email = CharField(max_length=254, default="", index=True)
    phone = CharField(max_length=40, default="")
    website = CharField(max_length=500, default="")
    orcid = CharField(max_length=19, default="")
    # Privacy by default: nobody but curators sees a record until someone decides.
    visibility = CharField(max_length=16, default="curators", index=True)
    # Who sees each contact detail (same levels). "officials" by default: contact details
    # are for city officials, and only for profiles they may see (access.py).
    email_visibility = CharField(max_length=16, default="officials")
    phone_visibility = CharField(max_length=16, default="officials")
    source = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow, index=True)
    # Bumped on every change; the index stores it, and later edits check it.
    version = IntegerField(default=1)
    # A curator's confirmation that the profile is right (a trust signal): who (a user
    # id) and when (UTC). Added by migration 0010.
    confirmed_by = IntegerField(null=True)
    confirmed_at = DateTimeField(null=True)
    # The owner's own "still correct" (or their last save): a profile not confirmed for
    # STALE_MONTHS is stale (freshness.py); and when its owner was last reminded of it.
    # Added by migration 0017.
    owner_confirmed_at = DateTimeField(null=True)
    stale_reminded_at = DateTimeField(null=True)

    @property
    def field_codes(self):
        return [link.field_id for link in
                ExpertField.select().where(ExpertField.expert == self).order_by(ExpertField.position)]


class ExpertField(BaseModel):
    expert = ForeignKeyField(Expert, backref="field_links", on_delete="CASCADE")
    field = ForeignKeyField(Field, column_name="field_code", object_id_name="field_id",
                            backref="expert_links", on_delete="RESTRICT")
    position = IntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("expert", "field")


class PendingIndex(BaseModel):
    """Profiles whose index document may be stale: written in the same transaction as
    the profile and removed once the index has the change. What is left here after a
    failed index write (or a crash) is repaired by ``reconcile``."""

    expert_id = IntegerField(primary_key=True)
    version = IntegerField()
    queued_at = DateTimeField(default=utcnow)


class ChangeLog(BaseModel):
    """Every change of a profile, in commit order as far as a sequence can tell: written
    by ``writes`` in the transaction of the change, read by the index catch-up of each
    host (``expertnet.directory.catchup``). ``seq`` is a BIGSERIAL on PostgreSQL and the rowid on
    SQLite (monotonic there as long as the newest row is never deleted). Rows name the
    profile and its version only: the catch-up re-reads the profile itself."""

    seq = BigAutoField()
    expert_id = IntegerField()
    version = IntegerField()
    changed_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "change_log"


# The tables of migration 0001; later tables are created by their own migrations.
MODELS = (Field, Expert, ExpertField, PendingIndex)


class MergedProfile(BaseModel):
    """A profile merged into another: its old id answers with the kept one
    (``/experts/<old id>`` redirects). ``audit_id`` is the ``profile.merge`` entry that
    keeps the merged-away values. Plain ids: the old profile's row is gone."""

    old_id = IntegerField(primary_key=True)
    new_id = IntegerField(index=True)
    merged_at = DateTimeField(default=utcnow)
    audit_id = IntegerField(null=True)


MERGE_MODELS = (MergedProfile,)


CHANGE_LOG_MODELS = (ChangeLog,)
