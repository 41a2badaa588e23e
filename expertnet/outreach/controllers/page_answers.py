"""What outreach shows and offers on lower modules' pages. On a profile's page (the
directory's), to an official: per active need, add the profile to its shortlist and ask
for contact; without one, create a need. On the account page (accounts'): the contact
requests waiting for the person's answer and their saved searches. On the consent page
(accounts'): the agreements to be contacted recorded for the Department.

Each item passes the same check as the form it leads to (``contact_requests.check`` for
a contact request), so nothing the official cannot use is shown."""
from dataclasses import dataclass

from flask import url_for

from expertnet.core import signals
from expertnet.core.i18n import _
from expertnet.outreach import contact_requests, saved_searches, shortlists
from expertnet.outreach import needs as records
from expertnet.web.actions import Action

# The officials' tools: curators and admins may use them too, but their bar is the
# curators' one (they work on the record, not on a need).
OFFICIAL = "official"
# The officials' tools list only their most recent active needs: a bar, not a register.
MAX_NEEDS = 5


@dataclass(frozen=True)
class NeedTools:
    """What an official may do with the profile for one of their needs."""
    need: object
    shortlist: Action | None
    contact: Action | None


@signals.account_page.connect
def _account_sections(user, viewer, **_kwargs):
    return {"pending_requests": contact_requests.pending_count(user.expert_id),
            "saved_searches": saved_searches.summary(user)
            if viewer.role in saved_searches.ROLES else None}


@signals.profile_actions.connect
def _actions(expert, viewer, user, **_kwargs):
    if viewer.role != OFFICIAL:
        return {}
    # An official without an active need starts one (the shortlist belongs to it).
    return {"needs": need_tools(viewer, user, expert),
            "new_need": Action(_("Create a need"), url_for("needs.new"))
            if not _active_needs(viewer) else None}


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


@signals.consent_page.connect
def _consent_sections(expert_id, **_kwargs):
    return {"through_department": contact_requests.department_consents(expert_id),
            "shared_fields": contact_requests.shared}
