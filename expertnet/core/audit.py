"""The audit trail: every profile write, every view of contact details by a signed-in
account other than the person's own, every account change. Written inside the
transaction of the change it records, so a change and its entry commit or fail
together. Read-only for everyone; the one exception is erasure (``scrub``), which
removes a deleted profile's personal values."""
import json

from expertnet.core.db import utcnow
from expertnet.core.models import Audit

SOURCES = ("screen", "api", "import", "cli")


def entry(action, actor_id=None, expert_id=None, changes=None, source="screen"):
    """An audit row as a dict (for ``write_many``)."""
    if source not in SOURCES:
        raise ValueError(f"unknown audit source {source!r}")
    return {"actor_id": actor_id, "action": action, "expert_id": expert_id,
            "changes": json.dumps(changes or {}, ensure_ascii=False, default=str),
            "source": source, "created_at": utcnow()}


def record(action, actor_id=None, expert_id=None, changes=None, source="screen"):
    Audit.insert(**entry(action, actor_id, expert_id, changes, source)).execute()


def write_many(entries):
    entries = list(entries)
    for start in range(0, len(entries), 500):
        Audit.insert_many(entries[start:start + 500]).execute()


def entries(expert_id=None, page=1, per_page=50):
    query = Audit.select().order_by(Audit.created_at.desc(), Audit.id.desc())
    if expert_id is not None:
        query = query.where(Audit.expert_id == expert_id)
    return list(query.paginate(page, per_page)), query.count()


def diff(old, new):
    """``{field: [old, new]}`` for the fields that differ."""
    return {name: [old.get(name), value] for name, value in new.items() if old.get(name) != value}


def contact_view(viewer, expert, fields, source):
    """Log a view of contact details (SECURITY.md: every view is logged; Law 91/2025:
    the person may ask who saw them): by officials, curators, admins, delegates and
    other experts alike, on pages and through the API. Not logged: the owner looking
    at their own profile (no processing by anyone else) and anonymous readers, who see
    only details the person chose to make public and have no identity to record."""
    shown = [name for name in fields if getattr(expert, name, "")]
    if not shown or viewer.user_id is None or expert.id in viewer.own_expert_ids:
        return
    record("contact.view", actor_id=viewer.user_id, expert_id=expert.id,
           changes={"fields": shown}, source=source)


# Keys of ``changes`` that hold no personal data (ids, codes, consent purposes).
NON_PERSONAL_KEYS = frozenset({"purpose", "notice_version", "user", "role", "active", "request",
                               "review", "restored", "registration", "visibility",
                               "wanted_visibility", "batch", "bulk", "merged_from",
                               "merged_into", "other", "need", "contact_request", "engagement",
                               "status", "scope", "on_behalf_of", "tokens_revoked",
                               "event", "delegation", "agreement", "follow_up",
                               "fields"})


def scrub(expert_id):
    """Erase the personal values that earlier entries of a deleted profile hold (old →
    new of each change, an account's e-mail): what was done, by whom, when and to which
    fields stays; the values go. Runs in the deletion's transaction."""
    for row in Audit.select().where(Audit.expert_id == expert_id):
        changed = row.changed
        if row.action == "contact.view":
            continue  # {"fields": ["email"]}: names of fields, no values
        kept = {key: value for key, value in changed.items() if key in NON_PERSONAL_KEYS}
        names = sorted(key for key in changed if key not in NON_PERSONAL_KEYS)
        if names:
            kept["erased"] = names
        Audit.update(changes=json.dumps(kept)).where(Audit.id == row.id).execute()
