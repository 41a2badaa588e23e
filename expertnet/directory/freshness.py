"""Keeping profiles fresh.

A profile is *stale* when its owner has not confirmed it for ``STALE_MONTHS`` months:
the time of their last "still correct" or save (``owner_confirmed_at``), or, for a
profile never confirmed by an owner, its last change (``updated_at``, then
``created_at``). The owner sees a banner on their pages and, by e-mail, a signed link
to a page with a "still correct" button (a GET never changes anything); the command
``remind-stale`` queues one reminder per stale owned profile, at most once every
``STALE_REMIND_DAYS`` days (``stale_reminded_at``). Curators list stale profiles.

Here: when a profile is stale. The reminders, the signed link and the curators' list,
which name the owning account, are accounts' (``accounts.stale_reminders``).
"""
import calendar

from flask import current_app
from peewee import fn

from expertnet.core.db import utcnow
from expertnet.directory.models import Expert


def months_before(moment, months):
    """``moment`` minus whole calendar months (31 March - 1 month = 28/29 February)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def cutoff(now=None):
    """Profiles last confirmed before this moment are stale."""
    return months_before(now or utcnow(), int(current_app.config["STALE_MONTHS"]))


def last_confirmed_column():
    return fn.COALESCE(Expert.owner_confirmed_at, Expert.updated_at, Expert.created_at)


def last_confirmed(expert):
    return expert.owner_confirmed_at or expert.updated_at or expert.created_at


def is_stale(expert, now=None):
    return last_confirmed(expert) < cutoff(now)


def stale_since(expert):
    """When a stale profile was last confirmed (for its owner's banner); None when
    there is no profile or it is not stale."""
    if expert is None or not is_stale(expert):
        return None
    return last_confirmed(expert)
