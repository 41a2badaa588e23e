"""Delegates: a curator names an existing account — an assistant, an
association secretary — that may edit one expert's profile on the expert's behalf.

A delegate edits through the owner's own flow (``/experts/<id>/edit``: the review queue
for vouched fields, optimistic locking, consent needed before widening visibility); the
audit names the delegate as actor and notes ``on_behalf_of`` the profile. Consents stay
the person's own decision: a delegate reads the consent page but cannot decide.
Naming and removing a delegate are audited (``delegate.add``, ``delegate.remove``) and
take effect on the delegate's next request (``access.viewer_for`` reads them afresh).
"""
from expertnet.accounts import users as accounts
from expertnet.accounts.models import ProfileDelegate, User
from expertnet.core import audit
from expertnet.core.db import database
from expertnet.core.i18n import _
from expertnet.directory.models import Expert

# Curators and admins edit every profile already: naming them would mean nothing.
DELEGATE_ROLES = ("expert", "official")


class DelegateError(ValueError):
    """A refused naming; ``message`` is for the curator."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def add(expert, email, actor):
    """Name the active account with ``email`` a delegate for ``expert``."""
    user = accounts.find_by_email(email)
    if user is None or not user.active:
        raise DelegateError(_("No active account has this e-mail address."))
    if user.role not in DELEGATE_ROLES:
        raise DelegateError(_("Curators and administrators edit every profile already."))
    if user.expert_id == expert.id:
        raise DelegateError(_("This account owns the profile."))
    with database.atomic():
        if ProfileDelegate.select().where((ProfileDelegate.expert == expert.id)
                                     & (ProfileDelegate.user == user.id)).exists():
            raise DelegateError(_("This account is a delegate for this profile already."))
        row = ProfileDelegate.create(expert=expert.id, user=user.id, created_by=actor)
        audit.record("delegate.add", actor_id=actor, expert_id=expert.id,
                     changes={"user": user.id})
    return row


def remove(expert, user_id, actor):
    """End a delegation; False when there was none."""
    with database.atomic():
        removed = ProfileDelegate.delete().where((ProfileDelegate.expert == expert.id)
                                            & (ProfileDelegate.user == user_id)).execute()
        if removed:
            audit.record("delegate.remove", actor_id=actor, expert_id=expert.id,
                         changes={"user": user_id})
    return bool(removed)


def of_profile(expert_id):
    """``[(ProfileDelegate, User)]`` of a profile, oldest first."""
    rows = (ProfileDelegate.select(ProfileDelegate, User).join(User, on=(ProfileDelegate.user == User.id))
            .where(ProfileDelegate.expert == expert_id).order_by(ProfileDelegate.id))
    return [(row, row.user) for row in rows]


def profiles_of(user_id):
    """The profiles an account may edit as a delegate, by name."""
    return list(Expert.select().join(ProfileDelegate, on=(ProfileDelegate.expert == Expert.id))
                .where(ProfileDelegate.user == user_id).order_by(Expert.full_name))
