"""A need's shortlist: experts kept in the order the officials chose, with notes.

Everyone who may see the need works on its shortlist (its owner, the colleagues it is
shared with, curators). Keeping an expert on a list and writing about them is a
processing of their personal data: each change is audited (the note's text is not
copied into the audit trail)."""
from peewee import fn

from expertnet.core import access, audit, signals
from expertnet.core.db import database
from expertnet.directory import finder
from expertnet.outreach import needs as records
from expertnet.outreach.models import ShortlistEntry

MAX_NOTE = 2000


def entries(need, viewer):
    """``[(entry, expert)]`` in order, only the profiles ``viewer`` may see (a profile
    hidden since it was shortlisted drops out of the list, not out of the table)."""
    rows = list(ShortlistEntry.select().where(ShortlistEntry.need == need.id)
                .order_by(ShortlistEntry.position, ShortlistEntry.id))
    experts = {expert.id: expert for expert in
               finder.load_in_order([row.expert_id for row in rows])}
    return [(row, experts[row.expert_id]) for row in rows
            if row.expert_id in experts and access.can_view(viewer, experts[row.expert_id])]


def shortlisted_ids(need):
    return {row.expert_id for row in
            ShortlistEntry.select(ShortlistEntry.expert).where(ShortlistEntry.need == need.id)}


def get(need, expert_id):
    return ShortlistEntry.get_or_none((ShortlistEntry.need == need.id)
                                      & (ShortlistEntry.expert == expert_id))


def add(need, expert, actor):
    """Put ``expert`` at the end of the list (once); returns the entry."""
    with database.atomic():
        entry = get(need, expert.id)
        if entry is not None:
            return entry
        last = (ShortlistEntry.select(fn.MAX(ShortlistEntry.position))
                .where(ShortlistEntry.need == need.id).scalar())
        entry = ShortlistEntry.create(need=need.id, expert=expert.id, added_by=actor,
                                      position=(last if last is not None else -1) + 1)
        audit.record("shortlist.add", actor_id=actor, expert_id=expert.id,
                     changes={"need": need.id})
    records.refresh_status(need.id)
    return entry


def move(need, entry, direction):
    """Swap ``entry`` with its neighbour above (``up``) or below (``down``)."""
    order = list(ShortlistEntry.select().where(ShortlistEntry.need == need.id)
                 .order_by(ShortlistEntry.position, ShortlistEntry.id))
    index = next(i for i, row in enumerate(order) if row.id == entry.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(order):
        return
    order[index], order[other] = order[other], order[index]
    with database.atomic():
        for position, row in enumerate(order):
            if row.position != position:
                ShortlistEntry.update(position=position).where(ShortlistEntry.id == row.id).execute()


def annotate(need, entry, note, actor):
    with database.atomic():
        ShortlistEntry.update(note=note[:MAX_NOTE]).where(ShortlistEntry.id == entry.id).execute()
        audit.record("shortlist.note", actor_id=actor, expert_id=entry.expert_id,
                     changes={"need": need.id})


def remove(need, entry, actor):
    with database.atomic():
        entry.delete_instance()
        audit.record("shortlist.remove", actor_id=actor, expert_id=entry.expert_id,
                     changes={"need": need.id})
    records.refresh_status(need.id)


@signals.profile_deleted.connect
def erase_for_expert(expert_id, **_):
    """A profile's erasure: its places on shortlists go."""
    ShortlistEntry.delete().where(ShortlistEntry.expert == expert_id).execute()


@signals.profiles_merged.connect
def repoint_for_merge(drop_id, keep, **_):
    # Unique per (need, expert): where both profiles are on a need's shortlist, the kept
    # profile's entry stays.
    signals.repoint(ShortlistEntry, ShortlistEntry.expert, drop_id, keep, ShortlistEntry.need)
