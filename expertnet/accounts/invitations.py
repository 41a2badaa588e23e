"""Invitations to claim an existing profile: a curator creates one, the link is
e-mailed to the expert (or, without mail configured, shown to the curator), the expert
opens it, sets a password and gets an ``expert`` account owning that profile.

The link is ``/invitations/<token>``: the invitation's id and a random nonce, signed
with itsdangerous under a salt of its own (a token of another purpose, such as a
password reset, is never accepted here). It expires after ``INVITATION_DAYS`` (checked
from the signature and from the stored ``expires_at``) and can be used once: the claim
sets ``used_at`` with a compare-and-swap in the transaction that creates the account.
"""
import datetime
import secrets

from flask import current_app

from expertnet.accounts import emails
from expertnet.accounts import users as accounts
from expertnet.accounts.models import Invitation, User
from expertnet.core import audit, links, signals
from expertnet.core.db import database, utcnow
from expertnet.core.models import MailMessage
from expertnet.directory import indexing
from expertnet.directory.models import Expert

SALT = "expertnet.invitation.claim"


def lifetime_days():
    """How many days an invitation stays valid (``INVITATION_DAYS``)."""
    return int(current_app.config["INVITATION_DAYS"])


def create(expert, email, actor):
    """``(Invitation, token)``."""
    email = accounts.normalize_email(email)
    with database.atomic():
        row = Invitation.create(expert=expert.id, email=email, nonce=secrets.token_hex(16),
                                created_by=actor,
                                expires_at=utcnow() + datetime.timedelta(days=lifetime_days()))
        audit.record("invitation.create", actor_id=actor, expert_id=expert.id,
                     changes={"request": row.id})
    return row, links.sign(SALT, {"i": row.id, "n": row.nonce})


def send(row, link, language):
    """E-mail the invitation ``row`` (its ``link``) in ``language``; remembers the
    message so that the curator can see whether it went out."""
    message = emails.invitation(row.email, Expert.get_by_id(row.expert_id).full_name, link,
                                lifetime_days(), language)
    if message is not None:
        Invitation.update(mail_message_id=message.id).where(Invitation.id == row.id).execute()
    return message


def sent_for(expert_id):
    """``[(invitation, mail message or None)]`` of a profile, newest first."""
    rows = list(Invitation.select().where(Invitation.expert == expert_id)
                .order_by(Invitation.created_at.desc(), Invitation.id.desc()))
    ids = [row.mail_message_id for row in rows if row.mail_message_id]
    messages = {message.id: message for message in
                MailMessage.select().where(MailMessage.id.in_(ids))} if ids else {}
    return [(row, messages.get(row.mail_message_id)) for row in rows]


def find(token):
    """The usable invitation a token names, else None (bad signature, expired, used,
    or the profile has an owner or is gone)."""
    data = links.unsign(SALT, token, lifetime_days() * 86400)
    if data is None:
        return None
    row = Invitation.get_or_none((Invitation.id == data.get("i"))
                                 & (Invitation.nonce == str(data.get("n"))))
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        return None
    return row


def claim(invitation, password):
    """Create the expert account owning the profile; raises ``accounts.AccountError``
    (password rules, e-mail taken, profile owned) or ``LookupError`` when the link was
    used meanwhile. Both leave the invitation unused only in the first case."""
    with database.atomic():
        taken = (Invitation.update(used_at=utcnow())
                 .where((Invitation.id == invitation.id) & Invitation.used_at.is_null())
                 .execute())
        if not taken:
            raise LookupError("invitation already used")
        # Raises AccountError, rolling back the claim: the person may try again.
        user = accounts.create_user(invitation.email, "expert", password=password,
                                    expert_id=invitation.expert_id, source="screen")
        Invitation.update(user_id=user.id).where(Invitation.id == invitation.id).execute()
        audit.record("invitation.claim", actor_id=user.id, expert_id=invitation.expert_id,
                     changes={"request": invitation.id, "user": user.id})
        if invitation.created_by and User.get_or_none(User.id == invitation.created_by):
            signals.tell(invitation.created_by, "invitation_claimed",
                         link=links.site_path("main.profile", expert_id=invitation.expert_id),
                         expert_id=invitation.expert_id)
    # The claim is a trust signal in the index: indexed now that it is committed.
    indexing.index_after_commit()
    return user
