"""The organisation record. Its floor sits above curation (it reuses the import modes and
duplicate finding) and below outreach, cooperation and technology, whose records point at
it."""
from peewee import AutoField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.models import BaseModel, JSONListField

# The kinds of organisation the programme counts (codes stored; names in the glossary).
ORGANISATION_TYPES = (
    "university", "research_institute", "enterprise", "innovation_centre", "state_body",
    "international_organisation", "foreign_partner", "diaspora_association", "representative_office",
)


class Organisation(BaseModel):
    """One organisation, named in Vietnamese and English (either may be empty, not both).
    ``name_key`` is the folded main name, for duplicates and reconciliation; ``fields`` are
    taxonomy codes; ``visibility`` uses the profiles' levels (public / officials / curators)
    and defaults to curators until someone decides, like a profile."""

    id = AutoField()
    external_id = CharField(max_length=64, null=True, unique=True)
    name_vi = CharField(max_length=300, default="")
    name_en = CharField(max_length=300, default="")
    acronym = CharField(max_length=40, default="")
    other_names = JSONListField(default=list)
    name_key = CharField(max_length=300, default="", index=True)
    type = CharField(max_length=32, index=True)
    country = CharField(max_length=2, default="", index=True)
    city = CharField(max_length=120, default="")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="SET NULL")
    website = CharField(max_length=500, default="")
    fields = JSONListField(default=list)
    strategic_partner = BooleanField(default=False, index=True)
    description_vi = TextField(default="")
    description_en = TextField(default="")
    visibility = CharField(max_length=16, default="curators", index=True)
    source = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow, index=True)
    version = IntegerField(default=1)
    # The version last written to the search index (None: never): a record whose
    # version differs waits for indexing (after a failed index update, for reconcile).
    indexed_version = IntegerField(null=True)

    class Meta:
        table_name = "organisation"

    def name(self, language):
        """The name in the reader's language, else the other one."""
        first, second = (self.name_vi, self.name_en) if language == "vi" else (self.name_en, self.name_vi)
        return first or second


class Affiliation(BaseModel):
    """A profile's place of work (the start of a structured CV): which organisation, in
    which role, from which year until which year (none: still there). ``source_text``
    is the profile's free-text organisation it was reconciled from, if any: the profile
    keeps that text as written."""

    id = AutoField()
    expert_id = IntegerField(index=True)
    organisation = ForeignKeyField(Organisation, backref="affiliations", on_delete="CASCADE")
    role = CharField(max_length=200, default="")
    start_year = IntegerField(null=True)
    end_year = IntegerField(null=True)
    source_text = CharField(max_length=300, default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "affiliation"

    @property
    def current(self):
        return self.end_year is None


class OrganisationContact(BaseModel):
    """A contact person of an organisation: a profile of the directory (whose own
    contact details and their visibility apply) and/or a named person whose e-mail and
    phone have their own visibility, like a profile's. ``visibility`` says who sees the
    contact at all; wider than curators only with the person's recorded consent."""

    id = AutoField()
    organisation = ForeignKeyField(Organisation, backref="contacts", on_delete="CASCADE")
    expert_id = IntegerField(null=True, index=True)
    name = CharField(max_length=200, default="")
    role = CharField(max_length=200, default="")
    email = CharField(max_length=254, default="")
    phone = CharField(max_length=40, default="")
    visibility = CharField(max_length=16, default="curators")
    email_visibility = CharField(max_length=16, default="officials")
    phone_visibility = CharField(max_length=16, default="officials")
    consented = BooleanField(default=False)
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "organisation_contact"


class LinkDecision(BaseModel):
    """A curator's decision on one free-text organisation (a profile's, an agreement's
    partner, an organisation a delegation met, a need's): linked to ``organisation`` or
    left as written (``organisation`` None), so it is not proposed again. ``text_key``
    is the folded text."""

    id = AutoField()
    source = CharField(max_length=16)
    record_id = IntegerField()
    text_key = CharField(max_length=300)
    organisation = ForeignKeyField(Organisation, null=True, backref="link_decisions",
                                   on_delete="CASCADE")
    decided_by = IntegerField(null=True)
    decided_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "organisation_link_decision"
        indexes = ((("source", "record_id", "text_key"), True),)


class OrganisationRepresentative(BaseModel):
    """An account that speaks for one organisation (``representatives.py``): registered
    by the person, vouched for by a curator or a technology broker, ended when
    ``revoked_at`` is set. One organisation per account."""

    id = AutoField()
    user = IntegerField(unique=True)  # a user id
    organisation = ForeignKeyField(Organisation, on_delete="CASCADE", backref="representatives")
    vouched_by = IntegerField(null=True)
    vouched_at = DateTimeField(default=utcnow)
    revoked_by = IntegerField(null=True)
    revoked_at = DateTimeField(null=True)

    class Meta:
        table_name = "organisation_representative"


class OrganisationProposal(BaseModel):
    """One free-text organisation waiting for a curator's decision, as the reconciliation
    page shows it (``reconcile.refresh`` keeps these up to date; the page only reads
    them). Texts that fold alike are one proposal: ``records`` of them in all, per source
    in ``counts`` (``[[source, n]]``), the first few in ``samples``; ``matches`` are the
    suggested records (``[[organisation id, score]]``, best first); ``bulk_organisation``
    and ``bulk_score`` the match a bulk accept would link, when it is clearly ahead.
    ``rank`` is the order shown: the most frequent first."""

    id = AutoField()
    text_key = CharField(max_length=300, unique=True)
    text = CharField(max_length=300)
    sources = CharField(max_length=100, default="")
    counts = JSONListField(default=list)
    samples = JSONListField(default=list)
    records = IntegerField(default=0)
    matches = JSONListField(default=list)
    bulk_organisation = IntegerField(null=True)
    bulk_score = IntegerField(default=0, index=True)
    rank = IntegerField(default=0, index=True)

    class Meta:
        table_name = "organisation_proposal"


class OrganisationProposalState(BaseModel):
    """What the stored proposals were computed from (one row): the register's and the
    free texts' versions, and the progress of a computation under way."""

    id = AutoField()
    register_version = CharField(max_length=200, default="")
    texts_version = CharField(max_length=200, default="")
    computing = BooleanField(default=False)
    done = IntegerField(default=0)
    total = IntegerField(default=0)
    linked = IntegerField(default=0)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)

    class Meta:
        table_name = "organisation_proposal_state"


class OrganisationDuplicate(BaseModel):
    """A likely duplicate pair as ``duplicates.candidates`` found it in the register of
    :class:`OrganisationDuplicateState` (``first`` < ``second``, ids; the page reads these
    instead of judging the register on each load). Plain ids: the rows of a merged or
    deleted record are dropped by the signals, and the whole set when the register
    changes."""
    id = AutoField()
    first = IntegerField(index=True)
    second = IntegerField(index=True)
    reason = CharField(max_length=16)

    class Meta:
        table_name = "organisation_duplicate"
        indexes = ((("first", "second"), True),)


class OrganisationDuplicateState(BaseModel):
    """One row: the version of the register the stored pairs were found in."""
    id = AutoField()
    register_version = CharField(max_length=200, default="")
    computed_at = DateTimeField(null=True)

    class Meta:
        table_name = "organisation_duplicate_state"


ORGANISATION_MODELS = (Organisation, Affiliation, OrganisationContact, LinkDecision,
                       OrganisationRepresentative, OrganisationProposal, OrganisationProposalState,
                       OrganisationDuplicate, OrganisationDuplicateState)
