"""What accounts show and offer on a profile's page (the directory's): the verification
signals, the profile's delegates, and a waiting deletion request in the curators' bar."""
from flask import url_for

from expertnet.accounts import data_rights, delegates, trust
from expertnet.core import signals
from expertnet.core.i18n import _
from expertnet.web.actions import Action

CURATORS = ("curator", "admin")


@signals.profile_page.connect
def _sections(expert, viewer, **_kwargs):
    return {
        "trust": trust.signals(expert, viewer),
        # Who edits on the expert's behalf: for curators, the expert and the delegates.
        "delegates": delegates.of_profile(expert.id)
        if viewer.is_curator or viewer.acts_for(expert.id) else None,
    }


@signals.profile_actions.connect
def _actions(expert, viewer, **_kwargs):
    if viewer.role not in CURATORS or not data_rights.has_pending_request(expert.id):
        return {}
    return {"curator": [Action(_("Deletion request waiting"), url_for("profiles.deletions"))]}
