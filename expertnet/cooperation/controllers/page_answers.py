"""What cooperation shows and offers on the pages of lower modules: on a profile's page
(the directory's), what the expert did for the city (engagements; events, delegations and
agreements that name them) for the readers who may see it, and the officials' event
invitations; on a need's page (outreach's), the engagements recorded for the need and the
events its shortlist may be invited to; on the account page (accounts'), the event
invitations waiting for the person's answer."""
from flask import url_for

from expertnet.cooperation import agreements, events
from expertnet.cooperation import engagements as engagement_records
from expertnet.cooperation import missions as delegations
from expertnet.core import access, signals
from expertnet.core.i18n import _
from expertnet.directory import finder
from expertnet.web.actions import Action

OFFICIAL = "official"


@signals.profile_page.connect
def _sections(expert, viewer, **_kwargs):
    # Officials and curators see what the expert did for the city.
    if not engagement_records.may_see(viewer, expert):
        return {"engagements": None, "cooperation": None}
    return {"engagements": [(row, expert) for row in engagement_records.for_expert(expert.id)],
            "cooperation": history(expert.id)}


def history(expert_id):
    """Events, delegations and agreements that name the expert."""
    return {"events": events.for_expert(expert_id),
            "delegations": delegations.for_expert(expert_id),
            "agreements": agreements.for_expert(expert_id)}


@signals.profile_actions.connect
def _actions(expert, viewer, user, **_kwargs):
    """Upcoming events the viewer may invite to, where this expert may be invited."""
    if user is None or viewer.role != OFFICIAL:
        return {}
    actions = []
    for event in events.open_to_invite(viewer):
        try:
            events.check(event, expert, user)
        except events.Refused:
            continue
        actions.append(Action(_("Invite to “%(event)s”", event=event.title),
                              url_for("programme.event_invite_post", event_id=event.id),
                              post=True))
    return {"events": actions}


@signals.account_page.connect
def _account_sections(user, **_kwargs):
    return {"waiting_invitations": events.waiting_count(user.expert_id)}


@signals.need_page.connect
def _need_sections(need, viewer, shortlisted, **_kwargs):
    return {"engagements": need_engagements(need, viewer),
            "events": events.open_to_invite(viewer) if shortlisted else []}


def need_engagements(need, viewer):
    """``[(engagement, expert)]`` of the need, for profiles the viewer may see."""
    rows = engagement_records.for_need(need.id)
    experts = {expert.id: expert for expert in
               finder.load_in_order(list({row.expert_id for row in rows}))}
    return [(row, experts[row.expert_id]) for row in rows
            if row.expert_id in experts and access.can_view(viewer, experts[row.expert_id])]
