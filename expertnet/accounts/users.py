"""Accounts: creating users, checking passwords, ending sessions, roles.

Routes and CLI commands change accounts only through these functions, so that every
change is validated the same way (and, later, audited)."""
import hashlib
import secrets
from dataclasses import dataclass

from expertnet.accounts import passwords
from expertnet.accounts.models import ROLES, ApiToken, User
from expertnet.core import audit, signals
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import clean, parse_id
from expertnet.directory import indexing, writes
from expertnet.directory.models import Expert
from expertnet.directory.validation import _EMAIL


class AccountError(ValueError):
    """A refused account change; ``messages`` are for the person who asked."""

    def __init__(self, *messages):
        super().__init__("; ".join(str(message) for message in messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class SessionKey:
    user_id: int
    generation: int


def normalize_email(email):
    return (email or "").strip().lower()


def parse_session_key(value):
    """``"<id>:<generation>"`` as written by ``User.get_id``; None when malformed."""
    user_id, _sep, generation = (value or "").partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    return SessionKey(int(user_id), int(generation))


def user_for_session(value):
    """The active user a session or remember-me cookie names, if its generation is
    still the current one; else None (logged out everywhere, password changed,
    deactivated)."""
    key = parse_session_key(value)
    if key is None:
        return None
    user = User.get_or_none(User.id == key.user_id)
    if user is None or not user.active or user.session_generation != key.generation:
        return None
    return user


def get_user(user_id):
    return User.get_or_none(User.id == user_id)


def find_by_email(email):
    return User.get_or_none(User.email == normalize_email(email))


def _check_email(email):
    if not email or len(email) > 254 or not _EMAIL.match(email):
        raise AccountError(_("“%(value)s” is not a valid e-mail address", value=email))


def _check_role(role):
    if role not in ROLES:
        raise AccountError(_("“%(value)s” is not a role", value=role))


def _check_password(password, email):
    problems = passwords.policy_problems(password, email)
    if problems:
        raise AccountError(*problems)


def create_user(email, role, password=None, expert_id=None, language="", actor=None, source="cli",
                password_hash=None):
    """A new active account. Without a password nobody can log in to it until one is
    set (there is no default password anywhere). ``password_hash`` is a password
    checked and hashed earlier (a registration keeps only the hash until the person
    confirms their e-mail address)."""
    email = normalize_email(email)
    _check_email(email)
    _check_role(role)
    if password is not None:
        _check_password(password, email)
        password_hash = passwords.hash_password(password)
    with database.atomic():
        if find_by_email(email) is not None:
            raise AccountError(_("An account with this e-mail address exists already."))
        expert = _ownable_expert(expert_id)
        user = User.create(email=email, role=role, expert=expert, language=language,
                           password_hash=password_hash or "")
        audit.record("user.create", actor_id=actor, expert_id=user.expert_id, source=source,
                     changes={"user": user.id, "email": email, "role": [None, role]})
        if expert is not None:
            writes.mark_claimed(expert.id)  # "claimed by its owner" is searchable
    indexing.index_after_commit()
    return user


def assign_profile(user, expert_id):
    """Make ``user`` the owner of a profile that has none."""
    expert = _ownable_expert(expert_id)
    User.update(expert=expert).where(User.id == user.id).execute()
    user.expert = expert
    return user


def _ownable_expert(expert_id):
    """The profile numbered ``expert_id`` (typed, posted or given on the command line),
    if it has no owner yet; None when no number was given."""
    if expert_id is None or not str(expert_id).strip():
        return None
    expert_id = parse_id(expert_id)
    expert = Expert.get_or_none(Expert.id == expert_id) if expert_id is not None else None
    if expert is None:
        raise AccountError(_("No such expert."))
    if User.select().where(User.expert == expert).exists():
        raise AccountError(_("This profile already has an owner."))
    return expert


def authenticate(email, password):
    """The active user with this e-mail and password, else None. An unknown e-mail
    costs the same hashing time as a wrong password."""
    user = find_by_email(email)
    if user is None or not user.active or not user.password_hash:
        passwords.burn_verification_time(password or "")
        return None
    if not passwords.verify_password(user.password_hash, password or ""):
        return None
    updates = {User.last_login_at: utcnow()}
    if passwords.needs_rehash(user.password_hash):
        updates[User.password_hash] = passwords.hash_password(password)
    User.update(updates).where(User.id == user.id).execute()
    return User.get_by_id(user.id)


def end_sessions(user):
    """Every session and remember-me cookie issued so far stops working. API tokens are
    not sessions: they survive a logout (scripts keep running) and end with a password
    change or a deactivation (:func:`revoke_all_tokens`)."""
    User.update(session_generation=User.session_generation + 1).where(User.id == user.id).execute()
    user.session_generation = User.get_by_id(user.id).session_generation
    return user


def set_password(user, new_password, actor=None, source="screen"):
    """A new password ends every session and revokes every API token of the account:
    a password is changed when it may have leaked, and whoever used it may have made a
    token that would outlive it."""
    _check_password(new_password, user.email)
    with database.atomic():
        User.update(password_hash=passwords.hash_password(new_password)).where(
            User.id == user.id).execute()
        end_sessions(user)
        revoked = revoke_all_tokens(user)
        audit.record("user.password", actor_id=user.id if actor is None else actor,
                     source=source, changes={"user": user.id, "tokens_revoked": revoked})
    return User.get_by_id(user.id)


def replace_password(user, new_password, actor=None, source="screen", action="user.password_reset"):
    """Set a new password, ending every session, only if the account is still as
    ``user`` was read (same password hash, same session generation): a reset link used
    twice at once, or after the password changed, sets nothing and raises
    ``LookupError``. Audited as ``action`` (the reset itself, or an admin's)."""
    _check_password(new_password, user.email)
    new_hash = passwords.hash_password(new_password)
    with database.atomic():
        changed = (User.update(password_hash=new_hash,
                               session_generation=User.session_generation + 1)
                   .where((User.id == user.id) & (User.password_hash == user.password_hash)
                          & (User.session_generation == user.session_generation))
                   .execute())
        if not changed:
            raise LookupError("the account changed meanwhile")
        audit.record(action, actor_id=user.id if actor is None else actor, source=source,
                     changes={"user": user.id})
    return User.get_by_id(user.id)


def change_password(user, current_password, new_password):
    if not passwords.verify_password(user.password_hash, current_password):
        raise AccountError(_("The current password is wrong."))
    return set_password(user, new_password)


def set_language(user, language):
    User.update(language=language).where(User.id == user.id).execute()


def deactivate(user, actor=None, source="cli"):
    """The account is anonymous from its next request, and its API tokens are revoked
    for good (reactivating it does not bring them back)."""
    with database.atomic():
        User.update(active=False).where(User.id == user.id).execute()
        end_sessions(user)
        revoked = revoke_all_tokens(user)
        audit.record("user.deactivate", actor_id=actor, source=source,
                     changes={"user": user.id, "active": [bool(user.active), False],
                              "tokens_revoked": revoked})
    return User.get_by_id(user.id)


def reactivate(user, actor=None, source="cli"):
    with database.atomic():
        User.update(active=True).where(User.id == user.id).execute()
        audit.record("user.reactivate", actor_id=actor, source=source,
                     changes={"user": user.id, "active": [bool(user.active), True]})
    return User.get_by_id(user.id)


def set_role(user, role, actor=None, source="cli"):
    _check_role(role)
    with database.atomic():
        User.update(role=role).where(User.id == user.id).execute()
        # A new role changes what the sessions may see: start them afresh.
        end_sessions(user)
        audit.record("user.role", actor_id=actor, source=source,
                     changes={"user": user.id, "role": [user.role, role]})
    return User.get_by_id(user.id)


def set_department(user, department, actor=None, source="cli"):
    """The department an account works for (colleagues share needs and shortlists)."""
    department = clean(department)[:200]
    with database.atomic():
        User.update(department=department).where(User.id == user.id).execute()
        audit.record("user.department", actor_id=actor, source=source,
                     changes={"user": user.id, "department": [user.department, department]})
    return User.get_by_id(user.id)


def emails_by_id(ids):
    ids = [user_id for user_id in set(ids) if user_id is not None]
    if not ids:
        return {}
    return dict(User.select(User.id, User.email).where(User.id.in_(ids)).tuples())


def list_users():
    return list(User.select().order_by(User.email))


# -- API tokens ----------------------------------------------------------------------
TOKEN_PREFIX = "exn_"


def _token_digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user, name=""):
    """``(ApiToken, token)``: the token itself is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.create(user=user, name=(name or "").strip()[:100],
                          prefix=token[:len(TOKEN_PREFIX) + 6], token_hash=_token_digest(token))
    return row, token


def user_for_token(token):
    """The active owner of an unrevoked token, else None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = (ApiToken.select(ApiToken, User).join(User)
           .where((ApiToken.token_hash == _token_digest(token)) & ApiToken.revoked_at.is_null())
           .first())
    if row is None or not row.user.active:
        return None
    ApiToken.update(last_used_at=utcnow()).where(ApiToken.id == row.id).execute()
    return row.user


def list_tokens(user):
    return list(ApiToken.select().where(ApiToken.user == user).order_by(ApiToken.created_at.desc()))


def revoke_all_tokens(user):
    """Revoke every live token of ``user``; returns how many."""
    return ApiToken.update(revoked_at=utcnow()).where(
        (ApiToken.user == user.id) & ApiToken.revoked_at.is_null()).execute()


def revoke_token(user, token_id):
    """Revoke one of ``user``'s own tokens; False when it is not theirs (or is gone)."""
    return ApiToken.update(revoked_at=utcnow()).where(
        (ApiToken.id == token_id) & (ApiToken.user == user) & ApiToken.revoked_at.is_null()
    ).execute() == 1


@signals.profiles_claimed.connect
def _claimed(_sender, ids=(), **_kwargs):
    """The ids among ``ids`` of profiles an account owns (for their search documents)."""
    ids = list(ids)
    if not ids:
        return set()
    return {user.expert_id for user in User.select(User.expert).where(User.expert.in_(ids))}
