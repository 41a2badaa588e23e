"""Peewee models. The database is the source of truth; the search index is derived.

Lists (other names, keywords, languages, availability) are stored as JSON text: they
are read and written with the profile and searched through the index, and JSON text
behaves the same on SQLite and PostgreSQL. Fields of expertise are a real many-to-many
relation because they reference the taxonomy.
"""
import json

from peewee import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    CompositeKey,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from expertnet.core.db import database, utcnow

# Documented maxima (the importer and the forms refuse longer values).
MAX_LENGTHS = {
    "external_id": 64, "full_name": 200, "other_names": 500, "hometown": 200, "city": 120,
    "organization": 300, "position": 200, "keywords": 500, "bio_vi": 10_000, "bio_en": 10_000,
    "email": 254, "phone": 40, "website": 500, "orcid": 19, "source": 200,
}


class JSONListField(TextField):
    """A list of strings kept as JSON text."""

    def db_value(self, value):
        return json.dumps(list(value or ()), ensure_ascii=False)

    def python_value(self, value):
        if not value:
            return []
        return json.loads(value)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Field(BaseModel):
    """A field of expertise in the bilingual taxonomy."""

    code = CharField(primary_key=True, max_length=40)
    parent = ForeignKeyField("self", null=True, backref="children", column_name="parent_code",
                             object_id_name="parent_id", on_delete="RESTRICT")
    name_vi = CharField(max_length=200)
    name_en = CharField(max_length=200)
    synonyms_vi = JSONListField(default=list)
    synonyms_en = JSONListField(default=list)
    position = IntegerField(default=0)

    def name(self, language):
        return self.name_vi if language == "vi" else self.name_en


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

ROLES = ("admin", "curator", "official", "expert")


class User(BaseModel):
    """An account. ``session_generation`` is part of every session and remember-me
    cookie (see ``get_id``): bumping it makes all of them worthless at once, which
    Flask's signed-cookie session cannot do by itself."""

    id = AutoField()
    email = CharField(max_length=254, unique=True)  # always lower-case
    role = CharField(max_length=16)
    active = BooleanField(default=True)
    password_hash = CharField(max_length=255, default="")
    session_generation = IntegerField(default=1)
    language = CharField(max_length=8, default="")
    # The department or organisation the account works for (officials): colleagues of
    # one department share their needs and shortlists. Set by admins.
    department = CharField(max_length=200, default="")
    # The profile this account owns (an expert's own); one owner per profile.
    expert = ForeignKeyField(Expert, null=True, unique=True, backref="owners", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)

    # The interface Flask-Login expects (kept here so models need no Flask import).
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self):
        return bool(self.active)

    def get_id(self):
        return f"{self.id}:{self.session_generation}"


class ApiToken(BaseModel):
    """A token for scripts calling the API (``Authorization: Bearer …``). Only its
    SHA-256 is stored (a token is long and random: no salt or slow hash is needed);
    ``prefix`` lets its owner recognise it in a list."""

    id = AutoField()
    user = ForeignKeyField(User, backref="api_tokens", on_delete="CASCADE")
    name = CharField(max_length=100, default="")
    prefix = CharField(max_length=16)
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)


class Audit(BaseModel):
    """One processing of personal data or one account change: who (``actor_id``;
    null for imports and commands run without an account), what, on which profile,
    fields old → new (JSON), from where (screen, api, import, cli), when (UTC).
    Plain ids, not foreign keys: the entry outlives a deleted profile or account.
    Nothing in the application updates or deletes these rows."""

    id = AutoField()
    actor_id = IntegerField(null=True, index=True)
    action = CharField(max_length=40, index=True)
    expert_id = IntegerField(null=True, index=True)
    changes = TextField(default="{}")
    source = CharField(max_length=16)
    created_at = DateTimeField(default=utcnow, index=True)

    @property
    def changed(self):
        return json.loads(self.changes or "{}")


class Consent(BaseModel):
    """One decision of a person about one purpose (Law 91/2025): given or withdrawn,
    when (UTC), and which version of the notice they were shown. Rows are only ever
    added: the latest row per purpose is the one in force, the others are its history."""

    id = AutoField()
    expert = ForeignKeyField(Expert, backref="consents", on_delete="CASCADE")
    user = ForeignKeyField(User, null=True, backref="consents", on_delete="SET NULL")
    purpose = CharField(max_length=16)  # consent.PURPOSES
    granted = BooleanField()
    # consent.NOTICE_VERSION, or "import:<file>" for a consent read from an import
    # (200 characters since migration 0011).
    notice_version = CharField(max_length=200)
    created_at = DateTimeField(default=utcnow, index=True)


class DeletionRequest(BaseModel):
    """A person's request to delete their profile, confirmed (or refused) by a curator.
    Plain ids and no personal data: the record outlives the profile, as proof that the
    request was handled and when."""

    id = AutoField()
    expert_id = IntegerField(index=True)
    requested_by = IntegerField(null=True)  # a user id
    created_at = DateTimeField(default=utcnow)
    status = CharField(max_length=16, default="pending")  # pending, done, refused
    handled_by = IntegerField(null=True)
    handled_at = DateTimeField(null=True)


class Invitation(BaseModel):
    """A curator's invitation to claim a profile. The link carries the id and ``nonce``
    signed with the secret key; ``used_at`` makes it single-use, ``expires_at`` makes
    it expire even if the signature's own age check were configured longer."""

    id = AutoField()
    expert = ForeignKeyField(Expert, backref="invitations", on_delete="CASCADE")
    email = CharField(max_length=254)
    nonce = CharField(max_length=64, unique=True)
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    user_id = IntegerField(null=True)
    # The e-mail that carried the link (mail.py), when mail is configured (migration 0018).
    mail_message_id = IntegerField(null=True)


class PendingChange(BaseModel):
    """An owner's change to fields a curator vouches for (``reviews.VOUCHED``), waiting
    for a curator. ``proposed`` maps field → proposed value and ``original`` field →
    the published value when it was proposed (JSON); ``base_version`` is the profile's
    version then. At most one pending row per profile: a later proposal is merged in."""

    id = AutoField()
    expert = ForeignKeyField(Expert, backref="pending_changes", on_delete="CASCADE")
    user_id = IntegerField(null=True)  # who proposed (an account id)
    proposed = TextField(default="{}")
    original = TextField(default="{}")
    base_version = IntegerField()
    created_at = DateTimeField(default=utcnow)
    status = CharField(max_length=16, default="pending", index=True)  # accepted, rejected
    reviewer_id = IntegerField(null=True)
    decided_at = DateTimeField(null=True)
    reason = TextField(default="")

    @property
    def proposed_values(self):
        return json.loads(self.proposed or "{}")

    @property
    def original_values(self):
        return json.loads(self.original or "{}")


class MailMessage(BaseModel):
    """One outgoing e-mail in the outbox (mail.py): who, what kind, its subject and body
    until it is sent, and where its delivery stands. ``status``: ``queued`` (waiting,
    or waiting for a retry at ``next_attempt_at``), ``sending`` (claimed by a worker),
    ``sent``, ``failed`` (every attempt failed; ``error`` is the last one). The body may
    carry a single-use link, a credential: it is erased once the message is sent, and
    after ``MAIL_BODY_KEEP_HOURS`` whatever happened (migration 0031)."""

    id = AutoField()
    recipient = CharField(max_length=254, index=True)
    kind = CharField(max_length=40, index=True)
    language = CharField(max_length=8, default="")
    status = CharField(max_length=16, default="queued")  # queued, sending, sent, failed
    attempts = IntegerField(default=0)
    error = CharField(max_length=500, default="")
    created_at = DateTimeField(default=utcnow, index=True)
    sent_at = DateTimeField(null=True)
    subject = TextField(default="")
    body = TextField(default="")
    next_attempt_at = DateTimeField(null=True, index=True)
    claimed_at = DateTimeField(null=True)

    class Meta:
        table_name = "mail_message"


class Registration(BaseModel):
    """A person who registered themselves, from the form to a curator's
    decision. ``status``: ``unverified`` (the e-mail address is not confirmed yet: the
    row holds what the person typed, the password only as its hash), ``pending`` (the
    account and the profile exist, visible to curators only, waiting for a curator),
    ``approved`` or ``rejected`` (with ``reason``). What the person typed is emptied once
    the account and the profile hold it; an unconfirmed row is deleted after it expires
    (registrations.purge_expired)."""

    id = AutoField()
    email = CharField(max_length=254, default="", index=True)
    password_hash = CharField(max_length=255, default="")
    full_name = CharField(max_length=200, default="")
    kind = CharField(max_length=16, default="")
    country = CharField(max_length=2, default="")
    # {purpose: true/false} as ticked on the form, and the notice version shown there.
    consents = TextField(default="{}")
    notice_version = CharField(max_length=32, default="")
    # Who the person wants to see the profile once a curator approves it.
    wanted_visibility = CharField(max_length=16, default="curators")
    language = CharField(max_length=8, default="")
    nonce = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    status = CharField(max_length=16, default="unverified", index=True)
    verified_at = DateTimeField(null=True)
    user_id = IntegerField(null=True, index=True)
    expert = ForeignKeyField(Expert, null=True, backref="registrations", on_delete="CASCADE")
    decided_by = IntegerField(null=True)
    decided_at = DateTimeField(null=True)
    reason = TextField(default="")

    @property
    def consent_choices(self):
        return json.loads(self.consents or "{}")
class DuplicateCandidate(BaseModel):
    """A pair of profiles that the last search of the whole database found alike
    (``duplicates.refresh``): ``expert_a`` < ``expert_b``, the score then and its
    components (JSON ``[[code, points], ...]``). Rebuilt by each search; shown pairs are
    scored again from the current profiles."""

    expert_a = IntegerField()
    expert_b = IntegerField()
    score = IntegerField(index=True)
    components = TextField(default="[]")
    computed_at = DateTimeField(default=utcnow)

    class Meta:
        primary_key = CompositeKey("expert_a", "expert_b")


class DuplicateDismissal(BaseModel):
    """A curator's decision that two profiles are different people: the pair is never
    proposed again. Plain ids (``expert_a`` < ``expert_b``): nothing personal."""

    expert_a = IntegerField()
    expert_b = IntegerField()
    dismissed_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        primary_key = CompositeKey("expert_a", "expert_b")


class MergedProfile(BaseModel):
    """A profile merged into another: its old id answers with the kept one
    (``/experts/<old id>`` redirects). ``audit_id`` is the ``profile.merge`` entry that
    keeps the merged-away values. Plain ids: the old profile's row is gone."""

    old_id = IntegerField(primary_key=True)
    new_id = IntegerField(index=True)
    merged_at = DateTimeField(default=utcnow)
    audit_id = IntegerField(null=True)
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
    # The organisation record ``organization`` was reconciled with (organisations), if any.
    organisation_id = IntegerField(null=True, index=True)
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


class Engagement(BaseModel):
    """What happened with an expert (``vocab.ENGAGEMENT_KINDS``): a consultation, a
    lecture, a review…, when, for which department or organisation, with what outcome,
    possibly for a need. These are the records the city reports against its programme.
    Deleted with the profile (they describe a person)."""

    id = AutoField()
    expert = ForeignKeyField(Expert, backref="engagements", on_delete="CASCADE")
    need = ForeignKeyField(Need, null=True, backref="engagements", on_delete="SET NULL")
    kind = CharField(max_length=32, index=True)
    title = CharField(max_length=200)
    starts_on = DateField(index=True)
    ends_on = DateField(null=True)
    department = CharField(max_length=300)
    outcome = TextField(default="")
    created_by = IntegerField(null=True)  # a user id
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class Attachment(BaseModel):
    """A file of an engagement (a report, minutes, a certificate), kept in the instance
    folder under ``stored_name``, never under the name it was uploaded with."""

    id = AutoField()
    engagement = ForeignKeyField(Engagement, backref="attachments", on_delete="CASCADE")
    filename = CharField(max_length=200)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
class ProfileDelegate(BaseModel):
    """A curator names an account (an assistant, an association secretary) that may
    edit one expert's profile on their behalf. Removing the row ends
    it at once: the delegate's rights are read from here on every request."""

    id = AutoField()
    expert = ForeignKeyField(Expert, backref="delegations", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="delegations", on_delete="CASCADE")
    created_by = IntegerField(null=True)  # the curator's account id
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "delegation"  # its name before the class was renamed
        indexes = ((("expert", "user"), True),)


USER_MODELS = (User,)
REVIEW_MODELS = (PendingChange,)
CONSENT_MODELS = (Consent,)
DELETION_MODELS = (DeletionRequest,)
INVITATION_MODELS = (Invitation,)
AUDIT_MODELS = (Audit,)
TOKEN_MODELS = (ApiToken,)
MAIL_MODELS = (MailMessage,)
REGISTRATION_MODELS = (Registration,)


class ImportBatch(BaseModel):
    """One file imported in the browser (batches.py): who, when, which file (its name
    and SHA-256; the file itself is deleted once its rows are staged), the mapping of
    its columns, the counts per outcome, and where it stands:

    ``staging`` → ``ready`` (the preview) → ``committing`` → ``committed`` →
    ``rolling_back`` → ``rolled_back``; ``failed`` when the file could not be read or a
    commit failed (and was undone); ``discarded`` when the curator dropped it."""

    id = AutoField()
    user_id = IntegerField(null=True, index=True)
    language = CharField(max_length=8, default="")
    file_name = CharField(max_length=255)
    sha256 = CharField(max_length=64, index=True)
    size = IntegerField(default=0)
    file_type = CharField(max_length=8, default="")  # csv, xlsx
    header = TextField(default="[]")  # the header row's cells (JSON)
    mapping = TextField(default="")  # per header cell: a contract column or "" (JSON)
    status = CharField(max_length=16, default="staging", index=True)
    error = TextField(default="")
    total_rows = IntegerField(default=0)  # estimated while staging, exact once ready
    done_rows = IntegerField(default=0)  # progress of the current phase
    counts = TextField(default="{}")  # outcome → rows (JSON)
    created_at = DateTimeField(default=utcnow, index=True)
    committed_at = DateTimeField(null=True)
    committed_by = IntegerField(null=True)
    rolled_back_at = DateTimeField(null=True)
    rolled_back_by = IntegerField(null=True)
    # import_modes.MODES, and who sees a row consenting to publication without a
    # visibility cell (migration 0050).
    mode = CharField(max_length=16, default="update")
    consented_visibility = CharField(max_length=16, default="public")

    class Meta:
        table_name = "import_batch"

    @property
    def header_cells(self):
        return json.loads(self.header or "[]")

    @property
    def columns(self):
        return json.loads(self.mapping) if self.mapping else None

    @property
    def tally(self):
        return json.loads(self.counts or "{}")


class ImportRow(BaseModel):
    """One staged row of an import batch: its cells as mapped (``raw``, text per contract
    column: what the curator may correct), what importing it would do (``outcome``:
    new, update, unchanged, duplicate, invalid), the profile it matches (``match_id``:
    the one updated, or the possible duplicate) or the earlier row it repeats
    (``match_row``), the curator's ``decision`` (new, update, skip, exclude), and, once
    committed, what it did (``result``: created, updated, unchanged, skipped), to which
    profile (``expert_id``), the values it replaced (``before``, JSON) and the profile's
    version right after (``version_after``): a rollback restores ``before`` only if the
    profile still has that version, i.e. nobody edited it since."""

    id = AutoField()
    batch = ForeignKeyField(ImportBatch, backref="rows", on_delete="CASCADE")
    number = IntegerField()  # the spreadsheet row (the header is row 1)
    raw = TextField(default="{}")
    outcome = CharField(max_length=16, index=True)
    # The row's keys within its file: the import key, and the folded name with the
    # birth year (a later row with the same is a possible duplicate of this one).
    external_id = CharField(max_length=64, null=True)
    name_key = CharField(max_length=220, default="")
    match_id = IntegerField(null=True)
    match_row = IntegerField(null=True)
    decision = CharField(max_length=16, default="")
    result = CharField(max_length=16, default="")
    expert_id = IntegerField(null=True, index=True)
    before = TextField(default="")
    version_after = IntegerField(null=True)
    rolled_back = CharField(max_length=16, default="")  # deleted, restored, kept
    # What writing the row does (JSON, batches.plan_of): its visibility and why, the
    # fields it changes and erases (migration 0050).
    plan = TextField(default="")

    class Meta:
        table_name = "import_row"
        indexes = ((("batch", "number"), True),)

    @property
    def cells(self):
        return json.loads(self.raw or "{}")

    @property
    def before_values(self):
        return json.loads(self.before) if self.before else {}

    @property
    def planned(self):
        return json.loads(self.plan) if self.plan else {}


class ColumnMapping(BaseModel):
    """A curator's choice for a spreadsheet header that is not a contract column (``Họ
    và tên`` → ``full_name``; "" to ignore it), keyed by the folded header so that the
    next file with that header is mapped the same way."""

    header_key = CharField(max_length=200, primary_key=True)
    column = CharField(max_length=40, default="")
    user_id = IntegerField(null=True)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "column_mapping"


IMPORT_MODELS = (ImportBatch, ImportRow, ColumnMapping)
DUPLICATE_MODELS = (DuplicateCandidate, DuplicateDismissal)
MERGE_MODELS = (MergedProfile,)
NEED_MODELS = (Need,)
SHORTLIST_MODELS = (ShortlistEntry,)
CONTACT_REQUEST_MODELS = (ContactRequest, ContactBlock)
ENGAGEMENT_MODELS = (Engagement, Attachment)
DELEGATION_MODELS = (ProfileDelegate,)
CHANGE_LOG_MODELS = (ChangeLog,)


# -- events, delegations and agreements (cooperation/) ----------------------
class Event(BaseModel):
    """A conference, workshop or technology fair the city organises
    (``vocab.EVENT_KINDS``): when, where (or online), which department organises it, in
    which fields. Experts are invited to it (``EventInvitation``)."""

    id = AutoField()
    kind = CharField(max_length=32, index=True)
    title = CharField(max_length=200)
    starts_on = DateField(index=True)
    ends_on = DateField(null=True)
    location = CharField(max_length=200, default="")
    online = BooleanField(default=False)
    department = CharField(max_length=300)
    description = TextField(default="")
    fields = JSONListField(default=list)
    created_by = IntegerField(null=True)  # a user id
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class EventInvitation(BaseModel):
    """An expert invited to an event, once (a unique key): in which role, their reply
    (``invited`` until they or an official record one: ``accepted``, ``declined``,
    ``no_reply``; ``cancelled`` when their consent is withdrawn) and, once it is over,
    whether they came (``attended`` / ``absent``; empty until recorded)."""

    id = AutoField()
    event = ForeignKeyField(Event, backref="invitations", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="event_invitations", on_delete="CASCADE")
    role = CharField(max_length=16, default="participant")
    status = CharField(max_length=16, default="invited", index=True)
    attendance = CharField(max_length=16, default="")
    invited_by = IntegerField(null=True)
    invited_at = DateTimeField(default=utcnow)
    answered_at = DateTimeField(null=True)
    # Who recorded the reply: "expert" (their dashboard) or "official" (received offline).
    answered_via = CharField(max_length=16, default="")
    mail_message_id = IntegerField(null=True)

    class Meta:
        table_name = "event_invitation"
        indexes = ((("event", "expert"), True),)


class Mission(BaseModel):
    """A delegation ("đoàn công tác"): ``outgoing`` (officials abroad) or ``incoming``
    (a visiting delegation); the country and city it went to or came from, when, which
    department, its members (officials by name, one per line; experts of the directory
    in ``MissionExpert``), the organisations it met (one per line) and its follow-ups.
    Named Mission in the code: ``ProfileDelegate`` is a profile's editing delegate."""

    id = AutoField()
    direction = CharField(max_length=16, index=True)
    title = CharField(max_length=200)
    country = CharField(max_length=2, default="", index=True)
    city = CharField(max_length=120, default="")
    starts_on = DateField(index=True)
    ends_on = DateField(null=True)
    department = CharField(max_length=300)
    purpose = TextField(default="")
    officials = TextField(default="")
    organisations = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class MissionExpert(BaseModel):
    """An expert of the directory in a delegation: a ``member`` of it, or someone it
    ``met``."""

    id = AutoField()
    mission = ForeignKeyField(Mission, backref="experts", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="missions", on_delete="CASCADE")
    role = CharField(max_length=16)
    added_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "mission_expert"
        indexes = ((("mission", "expert", "role"), True),)


class MissionOrganisation(BaseModel):
    """One line of a delegation's ``organisations`` (by its folded text) reconciled with
    an organisation record: the text stays as written in the delegation."""

    id = AutoField()
    mission = ForeignKeyField(Mission, backref="organisation_links", on_delete="CASCADE")
    text_key = CharField(max_length=300)
    organisation_id = IntegerField(index=True)

    class Meta:
        table_name = "mission_organisation"
        indexes = ((("mission", "text_key"), True),)


class MissionFollowUp(BaseModel):
    """What a delegation left to do: text, due date, done (and when)."""

    id = AutoField()
    mission = ForeignKeyField(Mission, backref="follow_ups", on_delete="CASCADE")
    text = CharField(max_length=1000)
    due_on = DateField(null=True)
    done = BooleanField(default=False)
    done_at = DateTimeField(null=True)
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "mission_follow_up"


class Agreement(BaseModel):
    """A cooperation agreement (MOU) with a partner organisation at home or abroad
    (``partner_scope``: ``domestic`` / ``foreign``): signed when, until when, where it
    stands (``vocab.AGREEMENT_STATUSES``), in which fields, for which department."""

    id = AutoField()
    title = CharField(max_length=200)
    partner = CharField(max_length=300)
    # The organisation record ``partner`` was reconciled with (organisations), if any.
    partner_organisation_id = IntegerField(null=True, index=True)
    partner_country = CharField(max_length=2, default="")
    partner_scope = CharField(max_length=16, index=True)
    status = CharField(max_length=16, default="draft", index=True)
    signed_on = DateField(null=True, index=True)
    ends_on = DateField(null=True)
    fields = JSONListField(default=list)
    department = CharField(max_length=300)
    description = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class AgreementExpert(BaseModel):
    agreement = ForeignKeyField(Agreement, backref="experts", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="agreements", on_delete="CASCADE")
    added_by = IntegerField(null=True)

    class Meta:
        table_name = "agreement_expert"
        primary_key = CompositeKey("agreement", "expert")


class AgreementLink(BaseModel):
    """An event or a delegation an agreement came from or belongs with (one of the two)."""

    id = AutoField()
    agreement = ForeignKeyField(Agreement, backref="links", on_delete="CASCADE")
    event = ForeignKeyField(Event, null=True, backref="agreement_links", on_delete="CASCADE")
    mission = ForeignKeyField(Mission, null=True, backref="agreement_links", on_delete="CASCADE")

    class Meta:
        table_name = "agreement_link"


class AgreementFile(BaseModel):
    """The signed file of an agreement (attachments.py's checks and limits)."""

    id = AutoField()
    agreement = ForeignKeyField(Agreement, backref="files", on_delete="CASCADE")
    filename = CharField(max_length=200)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "agreement_file"


COOPERATION_MODELS = (Event, EventInvitation, Mission, MissionExpert, MissionFollowUp, Agreement,
                      AgreementExpert, AgreementLink, AgreementFile)
class OrcidImport(BaseModel):
    """An ORCID record read for a profile (orcid.py): which iD, who, from where
    (``upload``: a file someone uploaded, which proves nothing about who controls the
    iD; ``api``: fetched from ORCID's public API), the file's SHA-256 and the summary
    read from it (JSON; the file itself is not kept). ``previewed`` until the person
    decides, then ``applied`` with the fields written (or proposed to a curator)."""

    id = AutoField()
    expert = ForeignKeyField(Expert, backref="orcid_imports", on_delete="CASCADE")
    orcid = CharField(max_length=19)
    user_id = IntegerField(null=True)
    source = CharField(max_length=8, default="upload")
    sha256 = CharField(max_length=64)
    record = TextField(default="{}")
    base_version = IntegerField()
    status = CharField(max_length=16, default="previewed", index=True)
    applied_fields = TextField(default="[]")
    created_at = DateTimeField(default=utcnow)
    applied_at = DateTimeField(null=True)

    class Meta:
        table_name = "orcid_import"


ORCID_MODELS = (OrcidImport,)


class Job(BaseModel):
    """Background work a person asked for and watches (jobs.py): an export of a search
    or a batch of invitations. ``params`` (JSON) holds what the task needs, including the
    asker's rights when they asked; ``done``/``total`` the progress; ``result_file`` the
    file the task wrote in ``<instance>/jobs/`` (downloadable by ``owner_id`` only,
    deleted at ``expires_at``); ``error`` a code of ``jobs.ERRORS`` (shown in the
    reader's language) and ``detail`` (no personal data) when it failed."""

    id = AutoField()
    kind = CharField(max_length=16)
    owner_id = IntegerField(index=True)
    status = CharField(max_length=16, default="queued", index=True)  # queued, running, done, failed
    done = IntegerField(default=0)
    total = IntegerField(default=0)
    params = TextField(default="{}")
    result_file = CharField(max_length=100, default="")
    result_name = CharField(max_length=100, default="")
    result_size = IntegerField(default=0)
    error = CharField(max_length=40, default="")
    detail = TextField(default="")
    created_at = DateTimeField(default=utcnow, index=True)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    expires_at = DateTimeField(null=True, index=True)

    @property
    def parameters(self):
        return json.loads(self.params or "{}")


JOB_MODELS = (Job,)
class Notification(BaseModel):
    """Something a person should know, shown on their notifications page
    (notifications.py). ``params`` (JSON) are the values the text of ``kind`` is made
    from in the reader's language when the page is shown: no rendered text is kept.
    ``link`` is a path on this site."""

    id = AutoField()
    user = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=40)
    params = TextField(default="{}")
    link = CharField(max_length=500, default="")
    read_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "read_at"), False), (("user", "created_at"), False))

    @property
    def values(self):
        return json.loads(self.params or "{}")


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


NOTIFICATION_MODELS = (Notification,)
SAVED_SEARCH_MODELS = (SavedSearch, SavedSearchHit)


class TermPair(BaseModel):
    """A Vietnamese ↔ English pair of terms that search and need matching read as the
    same thing (taxonomy/terms.py): ``suggested`` (mined from profiles with both bios,
    ``score`` and ``examples``: ids of profiles holding both), ``accepted`` (seeded from
    the taxonomy or accepted by a curator), ``rejected`` or ``removed`` (kept, so that
    the same pair is never suggested again). ``key``: both sides folded, one row per
    pair whatever its case or diacritics."""

    id = AutoField()
    vi = CharField(max_length=200)
    en = CharField(max_length=200)
    key = CharField(max_length=401, unique=True)
    status = CharField(max_length=16, default="suggested", index=True)
    source = CharField(max_length=16, default="mined")
    score = FloatField(default=0.0)
    examples = JSONListField(default=list)
    reviewed_by = IntegerField(null=True)
    reviewed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "term_pair"


TERM_MODELS = (TermPair,)
