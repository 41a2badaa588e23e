"""Saved searches and alerts: an official keeps a search of the directory
(its parameters) or a need under a name, sees on the dashboard how many experts match
it that they have not seen yet, and gets an e-mail digest of the new ones.

"New" is worked out from sets, not from dates: each run asks the search (``finder`` for
a search, ``needs.matching`` for a need) *as that official*, so only profiles they may
see count (SECURITY.md, the same rules as their search page), and subtracts the experts
already recorded in ``saved_search_hit`` for that saved search. A profile created after
the search was saved, or one that became visible to the official since (consent given,
visibility widened), is new; an expert is recorded once per saved search, so no digest
names them twice. When a search is saved, everything it finds then (up to
``SAVED_SEARCH_BASELINE``) is recorded as seen.

Each later check looks at the ``SAVED_SEARCH_SCAN`` matches changed most recently (a new
or newly visible profile was just written), ids from the index, and loads only those it
does not know yet (to check them against the database); a need's proposal at its best
matches.
"""
import datetime
import json

from flask import current_app
from huey import crontab
from werkzeug.datastructures import MultiDict

from expertnet.accounts.models import User
from expertnet.core import access, links, tasks
from expertnet.core import outbox as mail
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _, _l, ngettext
from expertnet.directory import finder
from expertnet.directory.models import Expert
from expertnet.notifications import inbox as notifications
from expertnet.outreach import matching
from expertnet.outreach import needs as records
from expertnet.outreach.models import Need, SavedSearch, SavedSearchHit

ROLES = ("official", "curator", "admin")
# The search page's parameters a saved search replays: the words, the filters, and how
# the words were read (``literal``: as typed; ``ignore``: understood meanings removed;
# ``understood``: the meanings understood then, the only ones a replay may apply).
SEARCH_KEYS = ("q", *finder.FILTERS, "literal", "ignore", "understood")
FREQUENCIES = {
    "daily": _l("every day"),
    "weekly": _l("every week"),
    "off": _l("never (no e-mail)"),
}
INTERVALS = {"daily": datetime.timedelta(days=1), "weekly": datetime.timedelta(days=7)}
# A digest run a little earlier than a full interval after the last (cron drift) still counts.
SLACK = datetime.timedelta(hours=1)
LISTED_PER_SEARCH = 20
MAX_NAME = 200


class Refused(ValueError):
    """A saved search that cannot be kept; the message is for the person."""


def may_save(viewer):
    return viewer.role in ROLES


def pairs_from(args):
    """The search parameters of ``args`` (a MultiDict) worth keeping, checked like the
    search page checks them (raises ``finder.BadParameter``)."""
    pairs = [(name, value.strip()) for name in SEARCH_KEYS for value in args.getlist(name)
             if value.strip()]
    pairs = [(name, value[:500]) for name, value in pairs[:60]]
    finder.parse_criteria(MultiDict(pairs))
    return pairs


def for_user(user_id):
    return list(SavedSearch.select().where(SavedSearch.user == user_id)
                .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc()))


def create(user, name, pairs=(), need=None, frequency="daily"):
    """Keep a search (``pairs``) or a ``need`` for ``user`` under ``name``; what it finds
    now counts as seen."""
    viewer = access.viewer_for(user)
    if not may_save(viewer):
        raise Refused(_("Only officials, curators and administrators save searches."))
    name = " ".join((name or "").split())[:MAX_NAME]
    if not name:
        raise Refused(_("Give the saved search a name."))
    if frequency not in FREQUENCIES:
        raise Refused(_("Choose how often to be told."))
    if SavedSearch.select().where(SavedSearch.user == user.id).count() \
            >= int(current_app.config["SAVED_SEARCHES_PER_USER"]):
        raise Refused(_("You have too many saved searches: delete one first."))
    if need is None and not pairs:
        raise Refused(_("Search for something first: an empty search cannot be saved."))
    with database.atomic():
        row = SavedSearch.create(user=user.id, name=name, need_id=need.id if need else None,
                                 query=json.dumps([list(pair) for pair in pairs],
                                                  ensure_ascii=False),
                                 frequency=frequency)
        # Everything it finds now is known, not only the most recent matches: a profile
        # that later moves among them (an edit) is not new.
        _record(row, matching_ids(row, viewer, limit=int(current_app.config["SAVED_SEARCH_BASELINE"])),
                seen=True, alerted=True)
    return row


def update(saved, frequency=None, name=None):
    changes = {}
    if frequency is not None:
        if frequency not in FREQUENCIES:
            raise Refused(_("Choose how often to be told."))
        changes["frequency"] = frequency
    if name is not None:
        name = " ".join(name.split())[:MAX_NAME]
        if not name:
            raise Refused(_("Give the saved search a name."))
        changes["name"] = name
    if changes:
        with database.atomic():
            SavedSearch.update(**changes).where(SavedSearch.id == saved.id).execute()


def delete(saved):
    with database.atomic():
        SavedSearch.delete().where(SavedSearch.id == saved.id).execute()


UNSUBSCRIBE_SALT = "saved-search-unsubscribe"
UNSUBSCRIBE_DAYS = 90


def unsubscribe_token(saved):
    """The signed token of the "stop these e-mails" link of a digest: it names the saved
    search and its owner, and only stops e-mails (it logs nobody in)."""
    return links.sign(UNSUBSCRIBE_SALT, {"s": saved.id, "u": saved.user_id})


def find_by_token(token):
    """The saved search a still-valid unsubscribe token names, else None."""
    data = links.unsign(UNSUBSCRIBE_SALT, token, UNSUBSCRIBE_DAYS * 86400)
    if data is None or not isinstance(data.get("s"), int) or not isinstance(data.get("u"), int):
        return None
    return SavedSearch.get_or_none((SavedSearch.id == data["s"]) & (SavedSearch.user == data["u"]))


def matching_ids(saved, viewer, limit=None):
    """Ids of the experts ``saved`` finds now for ``viewer`` (at most ``limit``, by
    default ``SAVED_SEARCH_SCAN``), most recently changed first for a search, best first
    for a need. A search's ids come from the index, which may lag the database for an
    instant: :func:`_visible` checks those that are shown or sent."""
    limit = limit or int(current_app.config["SAVED_SEARCH_SCAN"])
    if saved.need_id is not None:
        need = Need.get_or_none(Need.id == saved.need_id)
        if need is None or not records.may_see(viewer, need):
            return []
        return [expert.id for expert in matching.propose(need, viewer, limit=limit).experts]
    try:
        criteria = finder.parse_criteria(MultiDict(saved.pairs))
    except finder.BadParameter:  # a field code removed from the taxonomy since
        return []
    criteria.sort = "updated"
    return finder.find_ids(criteria, viewer, limit)


def _visible(ids, viewer):
    """``ids`` that exist and that ``viewer`` may see, in order."""
    return [expert.id for expert in finder.load_in_order(list(ids))
            if access.can_view(viewer, expert)]


def _known(saved_id, ids, column=None):
    if not ids:
        return set()
    known = set()
    for start in range(0, len(ids), 500):
        query = SavedSearchHit.select(SavedSearchHit.expert).where(
            (SavedSearchHit.saved_search == saved_id)
            & SavedSearchHit.expert.in_(ids[start:start + 500]))
        if column is not None:
            query = query.where(column.is_null(False))
        known.update(row.expert_id for row in query)
    return known


def unseen_ids(saved, viewer):
    """Matches the official has not marked seen (a digest may have named them)."""
    ids = matching_ids(saved, viewer)
    seen = _known(saved.id, ids, SavedSearchHit.seen_at)
    return _visible([expert_id for expert_id in ids if expert_id not in seen], viewer)


def _record(saved, ids, seen=False, alerted=False, now=None):
    """Record ``ids`` for ``saved``: new rows, and the seen/alerted time of existing ones."""
    if not ids:
        return
    now = now or utcnow()
    values = {"seen_at": now if seen else None, "alerted_at": now if alerted else None}
    for start in range(0, len(ids), 200):
        # A profile deleted since the index answered is left out (foreign key).
        chunk = [row.id for row in Expert.select(Expert.id)
                 .where(Expert.id.in_(ids[start:start + 200]))]
        if not chunk:
            continue
        (SavedSearchHit.insert_many([{"saved_search": saved.id, "expert": expert_id,
                                      "created_at": now, **values} for expert_id in chunk])
         .on_conflict_ignore().execute())
        for column, flag in ((SavedSearchHit.seen_at, seen), (SavedSearchHit.alerted_at, alerted)):
            if flag:
                (SavedSearchHit.update({column: now})
                 .where((SavedSearchHit.saved_search == saved.id)
                        & SavedSearchHit.expert.in_(chunk) & column.is_null()).execute())


def mark_seen(saved, viewer, ids=None):
    """The official has looked: the current matches (or ``ids``) are no longer new."""
    matches = matching_ids(saved, viewer)
    ids = matches if ids is None else [expert_id for expert_id in ids if expert_id in set(matches)]
    with database.atomic():
        _record(saved, ids, seen=True)


def summary(user):
    """``[(saved search, how many unseen matches)]`` for the dashboard."""
    viewer = access.viewer_for(user)
    return [(saved, len(unseen_ids(saved, viewer))) for saved in for_user(user.id)]


def experts(ids):
    """The profiles of ``ids`` in that order (with their field codes)."""
    return finder.load_in_order(list(ids))


# -- digests -------------------------------------------------------------------------
def send_digests(now=None):
    """One e-mail per official listing the new experts of their saved searches that are
    due (daily or weekly); a notification too. Returns ``{"users": n, "experts": m}``."""
    now = now or utcnow()
    users = (User.select().join(SavedSearch, on=(SavedSearch.user == User.id))
             .where((SavedSearch.frequency != "off") & (User.active == True))  # noqa: E712
             .distinct().order_by(User.id))
    tally = {"users": 0, "experts": 0}
    base = links.base_url(anonymous=False)
    for user in list(users):
        count = send_digest(user, now, base)
        if count:
            tally["users"] += 1
            tally["experts"] += count
    mail.flush()  # the messages were written inside transactions
    return tally


def _due(saved, now):
    interval = INTERVALS.get(saved.frequency)
    if interval is None:
        return None
    return now - interval + SLACK


def send_digest(user, now, base=None):
    """The digest of one official; returns how many experts it named. Each saved search
    is claimed for this run with a conditional UPDATE, so two runs at once never send
    the same search's news twice."""
    viewer = access.viewer_for(user)
    if not may_save(viewer):
        return 0
    # The searches run before the transaction: on SQLite it holds the write lock.
    plans = []
    for saved in for_user(user.id):
        due_before = _due(saved, now)
        if due_before is not None and (saved.last_digest_at is None
                                       or saved.last_digest_at <= due_before):
            plans.append((saved, due_before, matching_ids(saved, viewer)))
    sections = []
    with database.atomic():
        for saved, due_before, ids in plans:
            claimed = (SavedSearch.update(last_digest_at=now)
                       .where((SavedSearch.id == saved.id)
                              & (SavedSearch.last_digest_at.is_null()
                                 | (SavedSearch.last_digest_at <= due_before)))
                       .execute())
            if not claimed:  # another run took this one
                continue
            known = _known(saved.id, ids)
            ids = _visible([expert_id for expert_id in ids if expert_id not in known], viewer)
            if ids:
                _record(saved, ids, alerted=True, now=now)
                sections.append((saved, ids))
        # Experts, not lines: one found by two saved searches counts once.
        total = len({expert_id for _saved, ids in sections for expert_id in ids})
        if not total:
            return 0
        notifications.notify(user, "digest", link=notifications.path_for("alerts.saved_searches_page"),
                             count=total)
        if mail.enabled():
            _mail_digest(user, sections, total, base)
    return total


def _mail_digest(user, sections, total, base):
    language = user.language or current_app.config["BABEL_DEFAULT_LOCALE"]

    def link(endpoint, **values):
        return links.external_url(base, endpoint, **values) if base else ""

    def compose():
        paragraphs = [_("Hello,"), ngettext(
            "%(num)s new expert matches your saved searches in the Hai Phong expert network.",
            "%(num)s new experts match your saved searches in the Hai Phong expert network.",
            total)]
        for saved, ids in sections:
            shown = experts(ids[:LISTED_PER_SEARCH])
            lines = [f"“{saved.name}”"]
            for expert in shown:
                line = f"- {expert.full_name}"
                if expert.organization:
                    line += f" ({expert.organization})"
                address = link("main.profile", expert_id=expert.id)
                lines.append(line + (f"\n  {address}" if address else ""))
            if len(ids) > len(shown):
                lines.append(_("… and %(num)s more.", num=len(ids) - len(shown)))
            stop = link("alerts.unsubscribe", token=unsubscribe_token(saved))
            if stop:
                lines.append(_("No more e-mails for this saved search:") + f"\n  {stop}")
            paragraphs.append("\n".join(lines))
        manage = link("alerts.saved_searches_page")
        paragraphs.append(_("To see them, change how often you are told, or stop these "
                            "e-mails, open your saved searches:") + (f"\n{manage}" if manage else ""))
        closing = _("This message was sent automatically by the Hai Phong expert network; "
                    "replies to it are not read.")
        subject = ngettext("%(num)s new expert for your saved searches",
                           "%(num)s new experts for your saved searches", total)
        return subject, "\n\n".join(paragraphs) + "\n\n-- \n" + closing

    mail.send(user.email, "digest", compose, language)


@tasks.periodic("expertnet.saved_searches.send_digests_task", crontab(minute="0"))
def send_digests_task():
    """Every hour in the worker; digests go out at ``DIGEST_HOUR`` (UTC)."""
    if utcnow().hour == int(current_app.config["DIGEST_HOUR"]):
        send_digests()
