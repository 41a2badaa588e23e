"""What curation shows and offers on a profile's page (the directory's): among its
verification signals, whether its ORCID record was imported (from an uploaded file or from
ORCID's API, and when); in the curators' bar, the profile's possible duplicates to
compare, or the list of them.

An ORCID record read from an uploaded file shows what the public record says; it does
not prove that the person controls the iD (anyone can save anyone's public record), so
it is shown as "imported from a file", never as "verified"."""
from flask import url_for

from expertnet.core import signals
from expertnet.core.i18n import _
from expertnet.curation import duplicates, orcid
from expertnet.web.actions import Action

CURATORS = ("curator", "admin")
MAX_DUPLICATES = 3


@signals.profile_page.connect
def _sections(expert, **_kwargs):
    imported = orcid.latest_applied(expert)
    return {"orcid_record": {"source": imported.source, "at": imported.applied_at}
            if imported is not None else None}


@signals.profile_actions.connect
def _actions(expert, viewer, **_kwargs):
    if viewer.role not in CURATORS:
        return {}
    pairs = duplicates.candidates_for(expert.id, MAX_DUPLICATES)
    actions = []
    for a_id, b_id in pairs:
        other = b_id if a_id == expert.id else a_id
        actions.append(Action(_("Compare with possible duplicate no. %(number)s", number=other),
                              url_for("curate.compare", a_id=a_id, b_id=b_id)))
    if not pairs:
        actions.append(Action(_("Possible duplicates"), url_for("curate.duplicates_list")))
    return {"curator": actions}
