"""The data subject's rights (Law 91/2025): to see and download everything held about
them, to know who saw their contact details, and to ask for deletion (confirmed by a
curator, then carried out by :func:`delete_profile`)."""

from expertnet.accounts import (
    consent,
    delegates,
    registrations,
)
from expertnet.accounts.models import (
    Consent,
    DeletionRequest,
    Invitation,
    PendingChange,
    ProfileDelegate,
    User,
)
from expertnet.core import audit, signals
from expertnet.core.db import database, utc_text, utcnow
from expertnet.core.models import Audit
from expertnet.directory import indexing, validation, writes
from expertnet.directory.models import Expert


def contact_views(expert_id):
    """Who, when, which fields, from where: newest first. ``role`` is the viewer's
    role; ``who`` their e-mail address, except for curators and admins, who act for
    the controller (their addresses are staff data, as on the profile page)."""
    rows = list(Audit.select().where((Audit.expert_id == expert_id)
                                     & (Audit.action == "contact.view"))
                .order_by(Audit.created_at.desc(), Audit.id.desc()))
    actors = {user.id: user for user in User.select(User.id, User.email, User.role)
              .where(User.id.in_([row.actor_id for row in rows if row.actor_id]))}
    views = []
    for row in rows:
        actor = actors.get(row.actor_id)
        role = actor.role if actor else ""
        staff = role in ("curator", "admin")
        views.append({"when": row.created_at, "role": role,
                      "who": "" if staff or actor is None else actor.email,
                      "fields": row.changed.get("fields", []), "source": row.source})
    return views


def export(user):
    """Everything held about ``user`` and their profile, as JSON-ready data: the
    account, the profile with its source, the consents with their history, every audit
    entry about the profile (edits, imports, views of contact details) and deletion
    requests."""
    data = {
        "generated_at": utc_text(utcnow()),
        "account": {"email": user.email, "role": user.role, "language": user.language,
                    "created_at": utc_text(user.created_at),
                    "last_login_at": utc_text(user.last_login_at)},
        "profile": None, "consents": [], "audit": [], "contact_views": [], "review_proposals": [],
        "contact_requests": [], "engagements": [], "events": [], "delegations": [],
        "agreements": [], "orcid_records": [],
        "delegates": [],
        # Profiles this account edits on their experts' behalf (ids only: they are
        # other people's data).
        "delegated_profiles": [row.expert_id for row in ProfileDelegate.select(ProfileDelegate.expert)
                               .where(ProfileDelegate.user == user.id).order_by(ProfileDelegate.id)],
        "deletion_requests": [
            {"created_at": utc_text(row.created_at), "status": row.status,
             "handled_at": utc_text(row.handled_at)}
            for row in DeletionRequest.select().where(DeletionRequest.requested_by == user.id)
            .order_by(DeletionRequest.id)],
    }
    registration = registrations.latest_of(user)
    data["registration"] = registration and {
        "confirmed_at": utc_text(registration.verified_at), "status": registration.status,
        "wanted_visibility": registration.wanted_visibility,
        "decided_at": utc_text(registration.decided_at), "reason": registration.reason}
    expert = Expert.get_or_none(Expert.id == user.expert_id) if user.expert_id else None
    if expert is None:
        return data
    profile = {"id": expert.id}
    for name in validation.COLUMNS:
        profile[name] = expert.field_codes if name == "fields" else getattr(expert, name)
    profile.update(source=expert.source, created_at=utc_text(expert.created_at),
                   updated_at=utc_text(expert.updated_at), version=expert.version,
                   owner_confirmed_at=utc_text(expert.owner_confirmed_at))
    data["profile"] = profile
    data["consents"] = consent.export(expert.id)
    # Entries about profiles merged into this one are about the same person.
    ids = [expert.id, *writes.merged_ids(expert.id)]
    rows = list(Audit.select().where(Audit.expert_id.in_(ids)).order_by(Audit.id))
    roles = dict(User.select(User.id, User.role)
                 .where(User.id.in_([row.actor_id for row in rows if row.actor_id])).tuples())
    data["audit"] = [{"when": utc_text(row.created_at), "action": row.action,
                      "by_role": roles.get(row.actor_id), "source": row.source,
                      "changes": row.changed} for row in rows]
    data["contact_views"] = [{**view, "when": utc_text(view["when"])}
                             for view in contact_views(expert.id)]
    data["delegates"] = [{"email": delegate.email, "since": utc_text(row.created_at)}
                         for row, delegate in delegates.of_profile(expert.id)]
    # Changes proposed to vouched fields and what became of them (reviews.py).
    data["review_proposals"] = [
        {"created_at": utc_text(row.created_at), "status": row.status,
         "proposed": row.proposed_values, "decided_at": utc_text(row.decided_at),
         "reason": row.reason}
        for row in PendingChange.select().where(PendingChange.expert == expert.id)
        .order_by(PendingChange.id)]
    # What the modules above keep about the person (ORCID records, contact requests,
    # engagements, events, delegations, agreements): each module answers for its own tables.
    data.update(signals.sections_from(signals.personal_data_requested.send(expert.id)))
    return data


def request_deletion(user):
    """The pending request of ``user``'s profile (an existing one is reused)."""
    with database.atomic():
        existing = DeletionRequest.get_or_none((DeletionRequest.expert_id == user.expert_id)
                                               & (DeletionRequest.status == "pending"))
        if existing is not None:
            return existing
        row = DeletionRequest.create(expert_id=user.expert_id, requested_by=user.id)
        audit.record("deletion.request", actor_id=user.id, expert_id=user.expert_id,
                     changes={"request": row.id})
    return row


def requests_of(user):
    return list(DeletionRequest.select().where(DeletionRequest.requested_by == user.id)
                .order_by(DeletionRequest.id.desc()))


def pending_request(request_id):
    """The deletion request ``request_id`` if it waits for a curator, else None."""
    return DeletionRequest.get_or_none((DeletionRequest.id == request_id)
                                       & (DeletionRequest.status == "pending"))


def has_pending_request(expert_id):
    return DeletionRequest.select().where((DeletionRequest.expert_id == expert_id)
                                          & (DeletionRequest.status == "pending")).exists()


def pending():
    """``[(request, expert)]``, oldest first."""
    rows = list(DeletionRequest.select().where(DeletionRequest.status == "pending")
                .order_by(DeletionRequest.created_at))
    experts = {expert.id: expert for expert in
               Expert.select().where(Expert.id.in_([row.expert_id for row in rows]))}
    return [(row, experts.get(row.expert_id)) for row in rows]


def _handled(request, status, actor):
    DeletionRequest.update(status=status, handled_by=actor, handled_at=utcnow()).where(
        DeletionRequest.id == request.id).execute()


def confirm(request, actor):
    """Delete the profile (database, index, consents, audit values) and date the
    request as done."""
    expert = Expert.get_or_none(Expert.id == request.expert_id)
    if expert is not None:
        delete_profile(expert, actor=actor, via="screen",
                                changes={"request": request.id})
    _handled(request, "done", actor)


def refuse(request, actor):
    with database.atomic():
        _handled(request, "refused", actor)
        audit.record("deletion.refuse", actor_id=actor, expert_id=request.expert_id,
                     changes={"request": request.id})


def delete_profile(expert, actor=None, via="cli", changes=None):
    """Erase a profile: its row, field links, consents, invitations and delegations, its
    account's link, the personal values in its earlier audit entries, and (after the
    commit) its index document. Every module that keeps rows about the person deletes
    them on :data:`signals.profile_deleted` (contact requests, blocks, places on
    shortlists, engagements with their files, invitations to events, places in
    delegations and agreements), in this transaction. ``changes`` (no personal data:
    e.g. a deletion request's id) go into the audit stub."""
    with database.atomic():
        audit.scrub(expert.id)
        for old_id in writes.merged_ids(expert.id):
            audit.scrub(old_id)  # the entries of the profiles merged into this one
        # The stub keeps no personal data: who deleted which id, when, from where.
        audit.record("profile.delete", actor_id=actor, expert_id=expert.id, source=via,
                     changes=changes)
        Consent.delete().where(Consent.expert == expert.id).execute()
        Invitation.delete().where(Invitation.expert == expert.id).execute()  # holds an e-mail
        ProfileDelegate.delete().where(ProfileDelegate.expert == expert.id).execute()
        PendingChange.delete().where(PendingChange.expert == expert.id).execute()
        after_commit = signals.profile_deleted.send(expert.id)
        User.update(expert=None).where(User.expert == expert.id).execute()
        writes.remove_profile(expert)
    signals.run_after_commit(after_commit)
    indexing.index_after_commit([expert.id])
