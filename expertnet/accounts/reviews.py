"""The review queue: an owner's changes to the fields a curator vouches
for wait for a curator; the owner's other changes publish at once.

A proposal is a ``PendingChange``: field → proposed value (already normalised), the
published values when it was made and the profile's version then. A curator accepts
it (written through ``writes.save_profile`` with the version the curator saw, so a
profile changed meanwhile is refused and shown again) or rejects it with a reason.
Every step is audited, and the proposer is told the outcome by e-mail (when mail is
configured) besides their edit page.

A decision is taken once: it claims the proposal with a conditional update (``WHERE
status = 'pending'``) in the transaction that applies it, so two curators deciding the
same proposal at once cannot both succeed; the second gets :class:`AlreadyDecided` and
nothing of theirs is written."""
import json

from expertnet.accounts import emails
from expertnet.accounts import users as accounts
from expertnet.accounts.models import PendingChange
from expertnet.core import audit, links, signals
from expertnet.core.db import database, utcnow
from expertnet.directory import indexing, writes

# What a curator vouches for: who the person is and where they work.
VOUCHED = ("full_name", "title", "degree", "organization", "kind")
STATUSES = ("pending", "accepted", "rejected")


def split(values, stored):
    """``(published, proposed)``: the changed vouched fields of ``values`` (normalised
    form values) go to ``proposed``; the rest stays in ``published``."""
    proposed = {name: values[name] for name in VOUCHED
                if name in values and values[name] != stored.get(name)}
    published = {name: value for name, value in values.items() if name not in VOUCHED}
    return published, proposed


def pending_for(expert_id):
    return PendingChange.get_or_none((PendingChange.expert == expert_id)
                                     & (PendingChange.status == "pending"))


def propose(expert, user_id, proposed, note=None):
    """Record (or merge into the profile's pending proposal) ``proposed`` changes;
    ``note`` (no personal data, e.g. a delegate's ``on_behalf_of``) goes into the audit."""
    if not proposed:
        return None
    with database.atomic():
        row = pending_for(expert.id)
        if row is None:
            row = PendingChange(expert=expert.id, user_id=user_id, base_version=expert.version,
                                created_at=utcnow())
        merged = {**row.proposed_values, **proposed}
        original = row.original_values
        for name in proposed:
            original.setdefault(name, getattr(expert, name))
        row.proposed = json.dumps(merged, ensure_ascii=False)
        row.original = json.dumps(original, ensure_ascii=False)
        row.user_id = user_id
        row.save()
        audit.record("review.propose", actor_id=user_id, expert_id=expert.id,
                     changes={"review": row.id, **(note or {}),
                              **{name: [getattr(expert, name), value]
                                 for name, value in proposed.items()}})
    return row


def changed_meanwhile(row, expert):
    """The proposal's fields whose published value changed since it was proposed."""
    original = row.original_values
    return [name for name in row.proposed_values
            if name in original and getattr(expert, name) != original[name]]


class AlreadyDecided(Exception):
    """Another curator decided the proposal first."""


def accept(row, expert, expected_version, actor):
    """Publish the proposal. Raises ``writes.VersionConflict`` when the profile
    changed since the curator read ``expected_version`` and :class:`AlreadyDecided`
    when the proposal was decided meanwhile; either way nothing is written."""
    raw = dict(row.proposed_values)
    with database.atomic():
        # Claimed first: a curator deciding at the same moment waits for this
        # transaction and then finds nothing pending.
        _claim(row, "accepted", actor)
        writes.save_profile(raw, expert=expert, expected_version=expected_version,
                              actor=actor, via="screen")
        _audit_decision(row, "accepted", actor)
    row.status, row.reviewer_id = "accepted", actor
    # Indexed once the claim and the profile committed together.
    indexing.flush_pending()


def reject(row, actor, reason=""):
    """Raises :class:`AlreadyDecided` when the proposal was decided meanwhile."""
    with database.atomic():
        _claim(row, "rejected", actor, reason)
        _audit_decision(row, "rejected", actor, reason)
    row.status, row.reviewer_id, row.reason = "rejected", actor, reason


def _claim(row, status, actor, reason=""):
    """Decide the proposal if it is still pending, in the caller's transaction."""
    claimed = (PendingChange.update(status=status, reviewer_id=actor, decided_at=utcnow(),
                                    reason=reason)
               .where((PendingChange.id == row.id) & (PendingChange.status == "pending"))
               .execute())
    if claimed != 1:
        raise AlreadyDecided(row.id)


def _audit_decision(row, status, actor, reason=""):
    audit.record(f"review.{'accept' if status == 'accepted' else 'reject'}",
                 actor_id=actor, expert_id=row.expert_id,
                 changes={"review": row.id, **({"reason": reason} if reason else {})})


def change(change_id):
    """The proposed change ``change_id`` (whatever became of it), or None."""
    return PendingChange.get_or_none(PendingChange.id == change_id)


def queue():
    return list(PendingChange.select().where(PendingChange.status == "pending")
                .order_by(PendingChange.created_at, PendingChange.id))


def recent_decisions(expert_id, limit=5):
    return list(PendingChange.select()
                .where((PendingChange.expert == expert_id) & (PendingChange.status != "pending"))
                .order_by(PendingChange.decided_at.desc(), PendingChange.id.desc()).limit(limit))


def tell_outcome(row, base):
    """E-mail the proposer the curator's decision on ``row`` (``base``: links.base_url)."""
    user = accounts.get_user(row.user_id) if row.user_id else None
    if user is None or not user.active:
        return None
    signals.tell(user, f"review_{row.status}",
                 link=links.site_path("profiles.edit", expert_id=row.expert_id),
                 date=row.created_at, reason=row.reason or "")
    return emails.review_outcome(user.email, row.status == "accepted", row.created_at, row.reason,
                                 links.external_url(base, "profiles.edit", expert_id=row.expert_id),
                                 user.language)
