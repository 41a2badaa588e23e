"""The action bar of a profile page: each role's tools where the role stands.

Every item is offered only when the viewer passes the same check as the page or form it
leads to (``may_edit`` for the edit and consent pages, the curators' roles for history
and invitations), so nothing a role cannot use is shown. The tools of other modules (a
need's shortlist and contact request, an event invitation, the profile's duplicates, a
waiting deletion request) are theirs to offer, with the same care: they answer the
``profile_actions`` signal."""
from flask import url_for

from expertnet.core import signals
from expertnet.core.i18n import _
from expertnet.directory.editing import may_edit
from expertnet.web.actions import Action

CURATORS = ("curator", "admin")


def for_profile(viewer, user, expert):
    """``{"owner": [...], "curator": [...], "needs": [...], "events": [...],
    "new_need": Action | None}`` for ``viewer`` (``user`` their account, or None)."""
    actions = {"owner": owner_actions(viewer, user, expert),
               "curator": curator_actions(viewer, expert), "needs": [], "events": [],
               "new_need": None}
    for answer in signals.answers_of(signals.profile_actions.send(expert, viewer=viewer,
                                                                  user=user)):
        for group, items in answer.items():
            if group == "new_need":
                actions[group] = actions[group] or items
            else:
                actions[group] = [*actions[group], *items]
    return actions


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
    return actions
