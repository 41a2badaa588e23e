"""Self-registration: experts abroad register themselves; the profile
waits for a curator before anyone else sees it.

1. :func:`start`: the form's values are kept in a ``Registration`` (``unverified``; the
   password only as its argon2 hash) and :func:`send_link` is queued. The answer is the
   same whether or not the address has an account; the task (in the worker) e-mails a
   confirmation link, or, for an address that has an account, a "you already have an
   account" message, and forgets the row.
2. :func:`complete` (the person opened the link and pressed the button, a POST): the
   account and the profile are created through ``accounts`` and ``writes``, the
   profile visible to curators only, with the consents ticked on the form; the row is
   ``pending`` and keeps none of what was typed.
3. A curator :func:`approve`\\ s (the visibility the person chose takes effect, within the
   consent in force then) or :func:`reject`\\ s it with a reason; the person is told by
   e-mail and on their account page. Every step is audited.

Without mail the registration is closed (:func:`available`): without a confirmed
address anyone could register anyone's, and nobody could be told the outcome.
"""
import datetime
import json
import secrets

from flask import current_app

from expertnet.accounts import (
    consent,
    emails,
    passwords,
)
from expertnet.accounts import (
    users as accounts,
)
from expertnet.accounts.models import Registration, User
from expertnet.core import (
    audit,
    links,
    signals,
    tasks,
)
from expertnet.core import (
    outbox as mail,
)
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.directory import validation, writes
from expertnet.directory.models import Expert
from expertnet.taxonomy import store as catalog

SALT = "expertnet.registration.confirm"
# What an owner's visibility choice may be while a curator has not approved the profile.
HELD = ("pending", "rejected")


def hours():
    return int(current_app.config["REGISTRATION_HOURS"])


def available():
    return mail.enabled() and links.base_url(anonymous=True) is not None


def check(email, password, full_name, kind, country, visibility, consents):
    """``(values, errors)``: the profile values (normalised like any profile's) and
    ``(field, message)`` problems: the password rules of every account, the profile
    rules of ``validation``, a country, and no visibility beyond curators without the
    consent to publish."""
    raw = {"email": email, "full_name": full_name, "kind": kind, "country": country,
           "visibility": visibility}
    values, errors = validation.normalize(raw, catalog.load())
    errors += [("password", message) for message in passwords.policy_problems(password, email)]
    if not values.get("country") and not any(name == "country" for name, _m in errors):
        errors.append(("country", _("is required")))
    if values.get("visibility") in ("public", "officials") and not consents.get("publish"):
        errors.append(("visibility", _("To be seen by more than the curators, tick the consent "
                                       "to publishing your profile, or choose “Curators only”.")))
    return values, errors


def purge_expired():
    """Unconfirmed registrations whose link expired: what they hold goes."""
    Registration.delete().where((Registration.status == "unverified")
                                & (Registration.expires_at < utcnow())).execute()


def start(values, password, consents, language):
    """Keep a registration checked by :func:`check` (its ``values``) and queue its
    e-mail. The password is hashed here whatever the address, so that an address with
    an account costs the same time."""
    purge_expired()
    with database.atomic():
        row = Registration.create(
            email=accounts.normalize_email(values["email"]),
            password_hash=passwords.hash_password(password), full_name=values["full_name"],
            kind=values["kind"], country=values["country"],
            wanted_visibility=values["visibility"],
            consents=json.dumps({purpose: bool(consents.get(purpose)) for purpose in consent.PURPOSES}),
            notice_version=consent.NOTICE_VERSION, language=language, nonce=secrets.token_hex(16),
            expires_at=utcnow() + datetime.timedelta(hours=hours()))
    send_link(row.id, links.base_url(anonymous=True))
    return row


@tasks.task("expertnet.registrations.send_link")
def send_link(registration_id, base):
    row = Registration.get_or_none((Registration.id == registration_id)
                                   & (Registration.status == "unverified"))
    if row is None:
        return
    if accounts.find_by_email(row.email) is not None:
        # Nothing to keep: the person has an account and is told so, privately.
        row.delete_instance()
        emails.already_registered(row.email, links.external_url(base, "auth.login"),
                                  links.external_url(base, "auth.reset_request"), row.language)
        return
    token = links.sign(SALT, {"r": row.id, "n": row.nonce})
    emails.registration_link(row.email, links.external_url(base, "auth.confirm_registration",
                                                           token=token), hours(), row.language)


def find(token):
    """The unconfirmed, unexpired registration a link names, else None."""
    data = links.unsign(SALT, token, hours() * 3600)
    if data is None:
        return None
    row = Registration.get_or_none((Registration.id == data.get("r"))
                                   & (Registration.nonce == str(data.get("n"))))
    if row is None or row.status != "unverified" or row.expires_at < utcnow():
        return None
    return row


def _profile_values(row, consents):
    # Contact details go no further than curators until the person consented to share them.
    shared = "officials" if consents.get("contact") else "curators"
    return {"kind": row.kind, "full_name": row.full_name, "country": row.country,
            "email": row.email, "visibility": "curators",
            "email_visibility": shared, "phone_visibility": shared}


def complete(row):
    """Create the account and its profile (visible to curators only) for a confirmed
    registration. Raises ``LookupError`` when the link was used meanwhile, or
    ``accounts.AccountError`` when the address got an account since (nothing is
    written then)."""
    consents = row.consent_choices
    with database.atomic():
        claimed = (Registration.update(status="pending", verified_at=utcnow())
                   .where((Registration.id == row.id) & (Registration.status == "unverified"))
                   .execute())
        if not claimed:
            raise LookupError("registration already confirmed")
        user = accounts.create_user(row.email, "expert", password_hash=row.password_hash,
                                    source="screen")
        # Last of the writes that can fail: the profile is indexed as soon as it is saved.
        expert = writes.save_profile(_profile_values(row, consents), source="registration",
                                       actor=user.id, via="screen").expert
        accounts.assign_profile(user, expert.id)
        for purpose, granted in consents.items():
            if granted:
                consent.decide(expert, user, purpose, True, row.notice_version)
        writes.record_owner_confirmation(expert, actor=user.id, audited=False)
        # The account and the profile hold it all now: the row keeps no copy.
        (Registration.update(user_id=user.id, expert=expert.id, email="", password_hash="",
                             full_name="", country="", kind="")
         .where(Registration.id == row.id).execute())
        audit.record("registration.confirm", actor_id=user.id, expert_id=expert.id,
                     changes={"registration": row.id})
    return User.get_by_id(user.id)


# -- while a curator has not approved ------------------------------------------------------
def held(expert_id):
    """The registration that keeps this profile from being shown (pending or
    rejected), else None."""
    return Registration.get_or_none((Registration.expert == expert_id)
                                    & Registration.status.in_(HELD))


def latest_of(user):
    return (Registration.select().where(Registration.user_id == user.id)
            .order_by(Registration.id.desc()).first())


def recently_approved(row, days=30):
    """Whether the person's dashboard still announces the approval of ``row``."""
    return bool(row and row.status == "approved" and row.decided_at
                and row.decided_at > utcnow() - datetime.timedelta(days=days))


def set_wanted_visibility(row, visibility, actor):
    if row.wanted_visibility == visibility:
        return
    with database.atomic():
        Registration.update(wanted_visibility=visibility).where(Registration.id == row.id).execute()
        audit.record("registration.visibility", actor_id=actor, expert_id=row.expert_id,
                     changes={"registration": row.id,
                              "wanted_visibility": [row.wanted_visibility, visibility]})
    row.wanted_visibility = visibility


def pending_registration(registration_id):
    """The registration ``registration_id`` if it waits for a curator, else None."""
    return Registration.get_or_none((Registration.id == registration_id)
                                    & (Registration.status == "pending"))


def waiting_count():
    return Registration.select().where(Registration.status == "pending").count()


def queue():
    """``[(registration, expert, account e-mail)]`` waiting for a curator, oldest first."""
    rows = list(Registration.select().where((Registration.status == "pending")
                                            & Registration.expert.is_null(False))
                .order_by(Registration.verified_at, Registration.id))
    experts = {expert.id: expert for expert in
               Expert.select().where(Expert.id.in_([row.expert_id for row in rows]))}
    emails_of = accounts.emails_by_id(row.user_id for row in rows)
    return [(row, experts[row.expert_id], emails_of.get(row.user_id, ""))
            for row in rows if row.expert_id in experts]


def effective_visibility(row):
    """What approving publishes: the person's choice if they consent to publishing now."""
    if row.wanted_visibility != "curators" and consent.is_granted(row.expert_id, "publish"):
        return row.wanted_visibility
    return "curators"


def _decide(row, status, actor, reason=""):
    """Claim the pending row for this decision (a second curator's click changes
    nothing: ``LookupError``)."""
    claimed = (Registration.update(status=status, decided_by=actor, decided_at=utcnow(),
                                   reason=reason)
               .where((Registration.id == row.id) & (Registration.status == "pending"))
               .execute())
    if not claimed:
        raise LookupError("registration decided already")
    row.status, row.decided_by, row.reason = status, actor, reason


def approve(row, actor):
    visibility = effective_visibility(row)
    with database.atomic():
        _decide(row, "approved", actor)
        audit.record("registration.approve", actor_id=actor, expert_id=row.expert_id,
                     changes={"registration": row.id, "visibility": visibility})
    # Published only after the decision is committed: the index never shows a profile
    # whose approval could still roll back.
    if visibility != "curators":
        writes.save_profile({"visibility": visibility}, expert=Expert.get_by_id(row.expert_id),
                              actor=actor, via="screen")


def reject(row, actor, reason):
    with database.atomic():
        _decide(row, "rejected", actor, reason)
        audit.record("registration.reject", actor_id=actor, expert_id=row.expert_id,
                     changes={"registration": row.id, "reason": reason})


def tell_outcome(row, base):
    """E-mail the person the curator's decision (when mail is configured)."""
    user = accounts.get_user(row.user_id) if row.user_id else None
    if user is None or not user.active:
        return None
    endpoint = "profiles.my_profile" if row.status == "approved" else "account.home"
    signals.tell(user, f"registration_{row.status}", link=links.site_path(endpoint),
                 reason=row.reason or "")
    return emails.registration_decision(user.email, row.status == "approved", row.reason,
                                        links.external_url(base, endpoint),
                                        user.language or row.language)
