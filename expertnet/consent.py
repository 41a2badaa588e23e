"""Consent per purpose (Law 91/2025/QH15, Decree 356/2025; see shared SECURITY.md).

A person gives consent with an unticked box, per purpose; each decision is stored with
its time and the version of the notice shown. Withdrawing takes effect at once, through
the write path (database and index in the same request):

- ``publish`` withdrawn: the profile becomes visible to curators only;
- ``contact`` withdrawn: both contact details become visible to curators only.

Either withdrawal also cancels the profile's pending contact requests and revokes the
accepted ones (``contact_requests.close_for_expert``): the details an expert let one
official see stop showing at once.

Giving consent changes no visibility by itself: the person then chooses who sees what
on the edit page (which asks for the consent before widening anything).
"""
from peewee import JOIN

from expertnet import audit, contact_requests, services
from expertnet.db import database
from expertnet.i18n import _l
from expertnet.models import Consent, Expert, User

# Bump when the notice's text changes: each consent keeps the version that was shown.
NOTICE_VERSION = "2026-01"

PURPOSES = {
    "publish": _l("Publishing my profile in the directory"),
    "contact": _l("Sharing my e-mail address and phone number"),
}
# What withdrawing a purpose restricts at once.
RESTRICTIONS = {
    "publish": {"visibility": "curators"},
    "contact": {"email_visibility": "curators", "phone_visibility": "curators"},
}


def in_force(expert_id):
    """``{purpose: Consent or None}``: the latest decision per purpose."""
    latest = dict.fromkeys(PURPOSES)
    for row in (Consent.select().where(Consent.expert == expert_id)
                .order_by(Consent.created_at, Consent.id)):
        latest[row.purpose] = row
    return latest


def withdrawn(expert_ids):
    """``{expert id: {purposes whose latest decision is a withdrawal}}`` in one query."""
    latest = {}
    for row in (Consent.select(Consent.expert, Consent.purpose, Consent.granted)
                .where(Consent.expert.in_(list(expert_ids)))
                .order_by(Consent.created_at, Consent.id)):
        latest[(row.expert_id, row.purpose)] = row.granted
    found = {}
    for (expert_id, purpose), granted in latest.items():
        if not granted:
            found.setdefault(expert_id, set()).add(purpose)
    return found


def granted(expert_ids, purpose):
    """The ids among ``expert_ids`` whose latest decision about ``purpose`` is a grant."""
    latest = {}
    for row in (Consent.select(Consent.expert, Consent.granted)
                .where(Consent.expert.in_(list(expert_ids)) & (Consent.purpose == purpose))
                .order_by(Consent.created_at, Consent.id)):
        latest[row.expert_id] = row.granted
    return {expert_id for expert_id, given in latest.items() if given}


def is_granted(expert_id, purpose):
    row = in_force(expert_id).get(purpose)
    return bool(row and row.granted)


def history(expert_id):
    """Every decision, newest first, with the account that made it (``row.user``)."""
    return list(Consent.select(Consent, User).join(User, on=(Consent.user == User.id),
                                                   join_type=JOIN.LEFT_OUTER)
                .where(Consent.expert == expert_id)
                .order_by(Consent.created_at.desc(), Consent.id.desc()))


def decide(expert, user, purpose, granted, notice_version, via="screen"):
    """Record a decision. A withdrawal first restricts the profile through the
    services (so that it is hidden, index included, before anything else can fail),
    then stores the decision and its audit entry together."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    if not granted:
        # Read afresh: the caller's copy may be older than the stored version.
        expert = Expert.get_by_id(expert.id)
        services.save_profile(dict(RESTRICTIONS[purpose]), expert=expert,
                              actor=user.id if user else None, via=via)
        contact_requests.close_for_expert(expert.id, actor=user.id if user else None,
                                          reason=purpose)
    with database.atomic():
        row = Consent.create(expert=expert.id, user=user.id if user else None, purpose=purpose,
                             granted=bool(granted), notice_version=notice_version)
        audit.record("consent.grant" if granted else "consent.withdraw",
                     actor_id=user.id if user else None, expert_id=expert.id, source=via,
                     changes={"purpose": purpose, "notice_version": notice_version})
    return row


def export(expert_id):
    return [{"purpose": row.purpose, "granted": row.granted,
             "notice_version": row.notice_version,
             "created_at": row.created_at.isoformat() + "Z"}
            for row in history(expert_id)]
