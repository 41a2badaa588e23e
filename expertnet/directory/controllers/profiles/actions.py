"""The action bar of a profile page: each role's tools where the role stands.

Every item is offered only when the viewer passes the same check as the page or form it
leads to (``may_edit`` for the edit and consent pages, the curators' roles for history,
invitations and duplicates, ``contact_requests.check`` for a contact request,
``events.check`` for an event invitation), so nothing a role cannot use is shown."""
from dataclasses import dataclass

from flask import url_for

from expertnet.accounts import data_rights
from expertnet.cooperation import events
from expertnet.core.i18n import _
from expertnet.curation import duplicates
from expertnet.directory.editing import may_edit
from expertnet.outreach import contact_requests, shortlists
from expertnet.outreach import needs as records

CURATORS = ("curator", "admin")
# The officials' tools: curators and admins may use them too, but their bar is the
# curators' one (they work on the record, not on a need).
OFFICIAL = "official"
# The officials' tools list only their most recent active needs: a bar, not a register.
MAX_NEEDS = 5
MAX_DUPLICATES = 3


@dataclass(frozen=True)
class Action:
    """A link (``post`` False) or a button posting to ``url`` (the form carries
    ``expert_id`` and ``next``: the profile page)."""
    label: str
    url: str
    post: bool = False


@dataclass(frozen=True)
class NeedTools:
    """What an official may do with the profile for one of their needs."""
    need: object
    shortlist: Action | None
    contact: Action | None


def for_profile(viewer, user, expert):
    """``{"owner": [...], "curator": [...], "needs": [NeedTools], "events": [...],
    "new_need": Action | None}`` for ``viewer`` (``user`` their account, or None)."""
    return {
        "owner": owner_actions(viewer, user, expert),
        "curator": curator_actions(viewer, expert),
        "needs": need_tools(viewer, user, expert),
        "events": event_actions(viewer, user, expert),
        # An official without an active need starts one (the shortlist belongs to it).
        "new_need": Action(_("Create a need"), url_for("needs.new"))
        if viewer.role == OFFICIAL and not _active_needs(viewer) else None,
    }


def owner_actions(viewer, user, expert):
    """The person's own profile (and a delegate's, who may only edit it)."""
    if viewer.is_curator or not may_edit(viewer, expert):
        return []
    actions = [Action(_("Edit the profile"), url_for("profiles.edit", expert_id=expert.id))]
    if expert.id not in viewer.own_expert_ids:
        return actions
    actions.append(Action(_("Consent"), url_for("profiles.consent_page", expert_id=expert.id)))
    actions.append(Action(_("Who saw my contact details"), url_for("profiles.privacy")))
    if user is not None and user.expert_id == expert.id:
        # The download holds the signed-in person's data: their own profile only.
        actions.append(Action(_("My data (readable page)"), url_for("profiles.my_data_page")))
        actions.append(Action(_("Download my data (JSON)"), url_for("profiles.my_data")))
    return actions


def curator_actions(viewer, expert):
    if viewer.role not in CURATORS:
        return []
    actions = [
        Action(_("Edit the profile"), url_for("profiles.edit", expert_id=expert.id)),
        Action(_("Visibility and consent"),
               url_for("profiles.consent_page", expert_id=expert.id)),
        Action(_("History"), url_for("profiles.history", expert_id=expert.id)),
    ]
    if not expert.owners.exists():
        actions.append(Action(_("Invite to claim"),
                              url_for("profiles.invite", expert_id=expert.id)))
    actions.append(Action(_("Import from ORCID"),
                          url_for("profiles.orcid_import", expert_id=expert.id)))
    pairs = duplicates.candidates_for(expert.id, MAX_DUPLICATES)
    for a_id, b_id in pairs:
        other = b_id if a_id == expert.id else a_id
        actions.append(Action(_("Compare with possible duplicate no. %(number)s", number=other),
                              url_for("curate.compare", a_id=a_id, b_id=b_id)))
    if not pairs:
        actions.append(Action(_("Possible duplicates"), url_for("curate.duplicates_list")))
    if data_rights.has_pending_request(expert.id):
        actions.append(Action(_("Deletion request waiting"), url_for("profiles.deletions")))
    return actions


def _active_needs(viewer):
    return [need for need in records.visible(viewer) if need.status != "closed"][:MAX_NEEDS]


def need_tools(viewer, user, expert):
    """Per active need: add to its shortlist (once), and ask for contact through the
    channel the profile allows (the expert, or the Department for an unclaimed one)."""
    if user is None or viewer.role != OFFICIAL:
        return []
    channel = "expert" if contact_requests.owner_of(expert.id) is not None else "department"
    rows = []
    for need in _active_needs(viewer):
        shortlist = None
        if shortlists.get(need, expert.id) is None:
            shortlist = Action(_("Add to the shortlist"),
                               url_for("needs.shortlist_add", need_id=need.id), post=True)
        rows.append(NeedTools(need, shortlist, _contact_action(need, expert, user, channel)))
    return [row for row in rows if row.shortlist or row.contact]


def _contact_action(need, expert, user, channel):
    try:
        contact_requests.check(need, expert, user, channel)
    except contact_requests.Refused:
        return None
    if channel == "department":
        return Action(_("Ask the Department to contact them"),
                      url_for("contacts.ask_department", need_id=need.id, expert_id=expert.id))
    return Action(_("Request contact"),
                  url_for("contacts.ask", need_id=need.id, expert_id=expert.id))


def event_actions(viewer, user, expert):
    """Upcoming events the viewer may invite to, where this expert may be invited."""
    if user is None or viewer.role != OFFICIAL:
        return []
    actions = []
    for event in events.open_to_invite(viewer):
        try:
            events.check(event, expert, user)
        except events.Refused:
            continue
        actions.append(Action(_("Invite to “%(event)s”", event=event.title),
                              url_for("programme.event_invite_post", event_id=event.id),
                              post=True))
    return actions
