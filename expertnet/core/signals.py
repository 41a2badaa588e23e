"""The named events a lower module announces so that higher ones act on their own tables
(blinker, as Flask and Indico use it). A module never calls up the floors: it sends one
of these, inside its transaction, and each module that keeps rows about the sender
connects a receiver in its own code. A receiver that raises rolls the whole change back.

Senders are profile ids; keyword arguments carry the rest. Receivers are module-level
functions connected where the module is defined (``create_app`` imports every module).
"""
from blinker import Namespace

_signals = Namespace()

consent_withdrawn = _signals.signal("consent-withdrawn", doc="""
A person withdrew a consent (sender: the profile's id; ``purpose``, ``actor``). Sent inside
the transaction that records the withdrawal: contact requests and event invitations that
depended on it are closed in the same transaction.""")

profile_deleted = _signals.signal("profile-deleted", doc="""
A profile is being erased (sender: its id). Sent inside the erasure's transaction, before
the profile's row goes: each module deletes its rows about the person. A receiver may
return a function to call once the erasure is committed (removing stored files).""")

profiles_merged = _signals.signal("profiles-merged", doc="""
A profile is being merged into another (sender: the merged-away id; ``keep``: the kept
id). Sent inside the merge's transaction: each module repoints its rows to ``keep``
(where a row would then be there twice, the kept profile's stays).""")

personal_data_requested = _signals.signal("personal-data-requested", doc="""
A person downloads everything held about them (sender: their profile's id). Each module
that keeps rows about the person returns a dict of sections for the download (e.g.
``{"events": [...]}``), read in the download's transaction.""")

profile_page = _signals.signal("profile-page", doc="""
A profile's page is being shown (sender: the profile, an ``Expert``; ``viewer``). Each
module that keeps something about the profile returns the page's sections it fills, as a
dict (e.g. ``{"engagements": [...]}``; ``None`` for a section this viewer may not see).
Reads only.""")

profile_actions = _signals.signal("profile-actions", doc="""
The action bar of a profile's page (sender: the profile; ``viewer``; ``user``: the
viewer's account, or None). Each module returns the tools it offers there for this
viewer, as ``{group: [web.actions.Action, ...]}``: "curator" (after the directory's own
curation tools), "needs" (one row per need), "events"; "new_need" is one Action or None.
Reads only.""")

account_page = _signals.signal("account-page", doc="""
The signed-in person's account page is being shown (sender: their ``User``; ``viewer``).
Each module that keeps something waiting for them returns the page's sections it fills,
as a dict (e.g. ``{"waiting_invitations": 2}``). Reads only.""")

consent_page = _signals.signal("consent-page", doc="""
A profile's consent page is being shown (sender: the profile's id; ``viewer``). Each module
that recorded a consent of the person in its own rows (outreach: the agreements to be
contacted that curators recorded for the Department) returns the page's sections it
fills, as a dict (e.g. ``{"through_department": [...]}``). Reads only.""")

notice_requested = _signals.signal("notice-requested", doc="""
A module below notifications (accounts, the directory's freshness reminders) has
something to tell a person on their notifications page (sender: the account, a ``User``
or its id; ``kind``: one of the notifications' kinds, e.g. ``"review_accepted"``;
``link``: a path on this site from ``links.site_path``, or ""; ``params``: the values
the kind's text needs). Sent inside the sender's transaction: the notifications module
writes the notice in it, so that the notice and the change it tells of are kept or
rolled back together. The answer is the notice's row; send it through :func:`tell`.""")

profiles_claimed = _signals.signal("profiles-claimed", doc="""
Which of some profiles an account owns (sender: None; ``ids``: profile ids), for their
search documents (a claim is a trust signal in the index). The accounts module answers
with the set of those ids that an account owns, read in the caller's transaction; read
it through :func:`claimed_ids`.""")

consents_given = _signals.signal("consents-given", doc="""
A profile is being written with the consents read alongside it (an import's consent
column; sender: the profile's id; ``given``: a list of ``{"purpose", "notice_version",
"created_at"}``, the date None for now; ``actor``; ``via``). Sent inside the write's
transaction: the accounts module stores each consent there and answers with their audit
entries (``audit.entry``), which the write records with its own, so that the profile,
its consents and the trail are kept or rolled back together. Send it through
:func:`record_consents`.""")

need_page = _signals.signal("need-page", doc="""
A need's page is being shown (sender: the ``Need``; ``viewer``; ``shortlisted``: whether
its shortlist holds a profile the viewer may see). Each module that keeps rows about the
need returns the page's sections it fills, as a dict (e.g. ``{"engagements": [...]}``).
Reads only.""")

need_progress = _signals.signal("need-progress", doc="""
How far the work on a need has gone beyond outreach's own steps (sender: the need's id).
A module that records work done for needs returns the step its rows show ("engaged"),
or None. Read inside the transaction that recomputes the need's status.""")

conflicts_of_interest = _signals.signal("conflicts-of-interest", doc="""
Conflicts of interest of profiles proposed for a need that other modules' rows show
(sender: the ``Need``; ``expert_ids``; ``since``: the earliest date that still counts).
Each module returns ``{expert id: [(reason, detail), ...]}``.""")


record_deleted = _signals.signal("record-deleted", doc="""
Records of the programme are being deleted (sender: their kind, "event", "delegation",
"council", "training" or "engagement"; ``ids``: their ids; ``actor``: the account deleting
them, or None for a profile's erasure). Sent inside the deletion's transaction: each module
keeping rows about such records deletes them there (the programme: their budget lines), so
that a receiver that raises leaves the records as they were.""")


def answers_of(results):
    """The receivers' answers to a signal, in a stable order (their modules' names):
    blinker keeps its receivers in a set."""
    return [answer for receiver, answer in sorted(results, key=lambda pair: _name(pair[0]))
            if answer]


def _name(receiver):
    return f"{receiver.__module__}.{receiver.__qualname__}"


def sections_from(results):
    """The sections receivers of :data:`personal_data_requested` returned, as one dict."""
    found = {}
    for _receiver, sections in results:
        found.update(sections or {})
    return found


def tell(user, kind, link="", **params):
    """Send :data:`notice_requested`; the notice's row. A notice nobody writes would be
    lost without a word: that is an error (``create_app`` connects the receiver)."""
    answers = [row for _receiver, row in notice_requested.send(user, kind=kind, link=link,
                                                                  params=params) if row is not None]
    if not answers:
        raise RuntimeError(f"no receiver wrote the notice {kind!r}")
    return answers[0]


def claimed_ids(ids):
    """:data:`profiles_claimed`'s answer: the ids among ``ids`` an account owns."""
    ids = list(ids)
    answers = [owned for _receiver, owned in profiles_claimed.send(None, ids=ids)
               if owned is not None]
    if not answers:
        raise RuntimeError("no receiver answered which profiles are claimed")
    return set().union(*answers)


def record_consents(expert_id, given, actor, via):
    """Send :data:`consents_given` (nothing to send without consents); the audit entries
    of the consents stored."""
    if not given:
        return []
    answers = [entries for _receiver, entries in consents_given.send(
        expert_id, given=list(given), actor=actor, via=via) if entries is not None]
    if not answers:
        raise RuntimeError("no receiver stored the consents read with a profile")
    return [entry for entries in answers for entry in entries]


def run_after_commit(results):
    """Call what receivers returned to be done once the transaction is committed."""
    for _receiver, after in results:
        if after is not None:
            after()


def repoint(model, field, drop_id, keep_id, unique_with=None):
    """Move ``model``'s rows from ``drop_id`` to ``keep_id``; with ``unique_with``, a row
    the kept profile already has for the same value wins and the other goes."""
    if unique_with is not None:
        kept = model.select(unique_with).where(field == keep_id)
        model.delete().where((field == drop_id) & unique_with.in_(kept)).execute()
    model.update({field: keep_id}).where(field == drop_id).execute()


# -- organisations (a floor above curation, below outreach, cooperation and technology) --
organisation_sections = _signals.signal("organisation-sections", doc="""
An organisation's page is shown (sender: the organisation's id; ``viewer``: the reader's
``access.Viewer``; ``language``). Each module holding records about the organisation
(agreements, delegations, events, engagements, needs, technology offers and demands)
returns a list of sections the reader may see, each
``{"key": str, "title": str, "items": [{"text": str, "url": str, "meta": str}]}``, with
``"empty": str`` (what the page says when there is no item) for a section shown even
empty; an empty list (or None) when the reader may see nothing of its records.""")

profile_sections = _signals.signal("profile-sections", doc="""
A profile's page is shown (sender: the profile's id; ``viewer``; ``language``): modules
above the directory return sections to show on it, in the shape of
:data:`organisation_sections` (the organisations module: the person's affiliations).""")

organisation_texts = _signals.signal("organisation-texts", doc="""
Reconciliation asks for the free-text organisations of higher modules' records (sender:
None). Each module returns a list of ``{"source": str, "record_id": int, "text": str,
"organisation_id": int | None, "title": str, "url": str}``: one per text (a delegation
gives one per organisation it met), with the organisation record it is linked to.""")

organisation_link = _signals.signal("organisation-link", doc="""
A curator linked a free text to an organisation record (sender: the ``source`` named in
:data:`organisation_texts`; ``record_id``, ``text``, ``organisation_id`` (None unlinks)).
The module owning ``source`` applies it in its own table, in the caller's transaction,
and returns True. The text stays as written.""")

organisations_merged = _signals.signal("organisations-merged", doc="""
An organisation is being merged into another (sender: the merged-away id; ``keep``: the
kept id), inside the merge's transaction: each module repoints its links to ``keep``.""")

organisations_changed = _signals.signal("organisations-changed", doc="""
Organisations were written, merged or deleted and their writes committed (sender: None;
``ids``: the organisations' ids, some maybe gone): modules whose search documents name
organisations index those records again.""")

organisation_deleted = _signals.signal("organisation-deleted", doc="""
An organisation is being deleted (sender: its id), inside the deletion's transaction:
each module drops its links to it (the free texts stay as written).""")


def sections_list(results):
    """The sections receivers of :data:`organisation_sections` or :data:`profile_sections`
    returned, in one list (receivers in the order they were connected)."""
    found = []
    for _receiver, sections in results:
        found.extend(section for section in (sections or ())
                     if section and (section.get("items") or section.get("empty")))
    return found
