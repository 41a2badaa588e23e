"""The accounts' tables: users, API tokens, consents, deletion requests, invitations,
pending changes, registrations and profile delegates."""
import json

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from expertnet.core.db import utcnow
from expertnet.core.models import BaseModel
from expertnet.directory.models import Expert

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

    def delegated_expert_ids(self):
        """The profiles this account edits as a delegate (``ProfileDelegate``), read from
        the table each time: ``core.access.viewer_for`` asks once per request."""
        return [row.expert_id for row in ProfileDelegate.select(ProfileDelegate.expert)
                .where(ProfileDelegate.user == self.id).order_by(ProfileDelegate.id)]


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


TOKEN_MODELS = (ApiToken,)


REGISTRATION_MODELS = (Registration,)


DELEGATION_MODELS = (ProfileDelegate,)
