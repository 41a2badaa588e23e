"""Peewee models. The database is the source of truth; the search index is derived.

Lists (other names, keywords, languages, availability) are stored as JSON text: they
are read and written with the profile and searched through the index, and JSON text
behaves the same on SQLite and PostgreSQL. Fields of expertise are a real many-to-many
relation because they reference the taxonomy.
"""
import json

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    CompositeKey,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from expertnet.db import database, utcnow

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


class Delegation(BaseModel):
    """A curator names an account (an assistant, an association secretary) that may
    edit one expert's profile on their behalf (issue 4 item 11). Removing the row ends
    it at once: the delegate's rights are read from here on every request."""

    id = AutoField()
    expert = ForeignKeyField(Expert, backref="delegations", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="delegations", on_delete="CASCADE")
    created_by = IntegerField(null=True)  # the curator's account id
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("expert", "user"), True),)


USER_MODELS = (User,)
REVIEW_MODELS = (PendingChange,)
CONSENT_MODELS = (Consent,)
DELETION_MODELS = (DeletionRequest,)
INVITATION_MODELS = (Invitation,)
AUDIT_MODELS = (Audit,)
TOKEN_MODELS = (ApiToken,)
DELEGATION_MODELS = (Delegation,)
