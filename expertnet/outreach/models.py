"""Needs, shortlists, contact requests and blocks, saved searches and their hits."""
import json

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from expertnet.accounts.models import User
from expertnet.core.db import utcnow
from expertnet.core.models import BaseModel, JSONListField
from expertnet.directory.models import Expert


class Need(BaseModel):
    """An official's need for expertise ("nhu cầu"): what, in which fields, which kind
    of help, when, where, in which language. ``organization`` is the organisation or
    department asking (conflicts of interest are checked against it); ``shared`` lets
    colleagues of the owner's department see the need and its shortlist. ``status``
    advances with the work (open → shortlisting → contacted → engaged) until the owner
    closes it (``vocab.NEED_STATUSES``)."""

    id = AutoField()
    owner = ForeignKeyField(User, null=True, backref="needs", on_delete="SET NULL")
    title = CharField(max_length=200)
    description = TextField(default="")
    organization = CharField(max_length=300)
    fields = JSONListField(default=list)
    available_for = JSONListField(default=list)
    language = CharField(max_length=8, default="")
    starts_on = DateField(null=True)
    ends_on = DateField(null=True)
    location = CharField(max_length=200, default="")
    online = BooleanField(default=False)
    shared = BooleanField(default=True)
    status = CharField(max_length=16, default="open", index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    # The organisation record ``organization`` was reconciled with (organisations), if any.
    organisation_id = IntegerField(null=True, index=True)


class ShortlistEntry(BaseModel):
    """An expert kept on a need's shortlist, in the order the officials chose, with
    their note. Deleted with the need or the profile."""

    id = AutoField()
    need = ForeignKeyField(Need, backref="shortlist", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="shortlisted", on_delete="CASCADE")
    position = IntegerField(default=0)
    note = TextField(default="")
    added_by = IntegerField(null=True)  # a user id
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "shortlist_entry"
        indexes = ((("need", "expert"), True),)


class ContactRequest(BaseModel):
    """An official's request, for one need, to get an expert's contact details. The
    expert accepts or declines; an accepted request shows the details to that official
    on that need's pages only, until the expert revokes it. One per need and expert,
    whatever became of it: nobody is asked twice for the same need."""

    id = AutoField()
    need = ForeignKeyField(Need, backref="contact_requests", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="contact_requests", on_delete="CASCADE")
    official = ForeignKeyField(User, null=True, backref="contact_requests_sent",
                               on_delete="SET NULL")
    # The asker's department when the request was sent (shown to the expert; blocks).
    department = CharField(max_length=200, default="")
    purpose = CharField(max_length=32)  # vocab.AVAILABILITY
    message = TextField(default="")
    # pending, accepted, declined, revoked (by the expert), cancelled (consent withdrawn),
    # no_answer (through the Department: the person did not answer in time)
    status = CharField(max_length=16, default="pending", index=True)
    created_at = DateTimeField(default=utcnow, index=True)
    decided_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)
    # Who answers (migration 0063): "expert" (their own account) or "department" (a
    # curator of the Department reaches an unclaimed expert outside the site and records
    # the person's answer).
    channel = CharField(max_length=16, default="expert", index=True)
    # Through the Department: the curator who recorded the outcome, the contact details
    # the person agreed to share ("email,phone"; empty: all of them, as an expert's own
    # acceptance shares), and the curator's note of how the person was reached.
    handled_by = IntegerField(null=True)  # a user id
    shared_fields = CharField(max_length=32, default="")
    outcome_note = TextField(default="")

    class Meta:
        table_name = "contact_request"
        indexes = ((("need", "expert"), True),)


class ContactBlock(BaseModel):
    """An expert's refusal of further contact requests: from everyone (``department``
    empty) or from one department (compared without accents or case)."""

    id = AutoField()
    expert = ForeignKeyField(Expert, backref="contact_blocks", on_delete="CASCADE")
    department = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "contact_block"
        indexes = ((("expert", "department"), True),)


NEED_MODELS = (Need,)


SHORTLIST_MODELS = (ShortlistEntry,)


CONTACT_REQUEST_MODELS = (ContactRequest, ContactBlock)


class SavedSearch(BaseModel):
    """A search (``query``: the search page's parameters, JSON pairs) or a need
    (``need``) an official keeps under a ``name`` to hear of new experts matching it
    (saved_searches.py). ``frequency`` of the e-mail digest: ``daily``, ``weekly`` or
    ``off``."""

    id = AutoField()
    user = ForeignKeyField(User, backref="saved_searches", on_delete="CASCADE")
    name = CharField(max_length=200)
    query = TextField(default="[]")
    # A plain id (no foreign key, like other late tables' links to needs): a need that is
    # gone leaves a saved search that finds nothing.
    need_id = IntegerField(null=True, index=True)
    frequency = CharField(max_length=16, default="daily")
    created_at = DateTimeField(default=utcnow)
    last_digest_at = DateTimeField(null=True)

    class Meta:
        table_name = "saved_search"

    @property
    def pairs(self):
        return [tuple(pair) for pair in json.loads(self.query or "[]")]


class SavedSearchHit(BaseModel):
    """An expert a saved search already found and told of: ``seen_at`` when its owner
    marked it seen (or it matched when the search was saved), ``alerted_at`` when a
    digest listed it. One row per (search, expert): nobody hears of an expert twice."""

    id = AutoField()
    saved_search = ForeignKeyField(SavedSearch, backref="hits", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="saved_search_hits", on_delete="CASCADE")
    seen_at = DateTimeField(null=True)
    alerted_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "saved_search_hit"
        indexes = ((("saved_search", "expert"), True),)


SAVED_SEARCH_MODELS = (SavedSearch, SavedSearchHit)
