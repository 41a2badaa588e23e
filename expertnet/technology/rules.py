"""Who may see and change the marketplace's records.

- A published offer or demand is seen by the readers its ``visibility`` allows (the
  profiles' levels: public / officials / curators).
- Before it is published (or once returned), a record is seen only by its submitter,
  the representatives of its organisation and the moderators.
- Moderators are curators, admins and brokers (officials an admin allowed to broker).
- A representative may change only their own organisation's records; the submitter and
  the moderators may change theirs. Officials post demands on an organisation's behalf.
- Who asks (a demand's organisation and contact) is shown to the readers its
  ``identity_visibility`` allows, and to the people above who may change the demand.
- Contact details are never shown to anonymous readers or other experts.
"""
from expertnet.core import access
from expertnet.organisations import representatives
from expertnet.technology.models import TechnologyBroker

OFFICIAL_ROLES = ("official", "curator", "admin")


def is_broker(viewer):
    """Curators and admins broker by their role; an official when an admin allowed it."""
    if viewer.is_curator:
        return True
    return (viewer.role == "official" and viewer.user_id is not None
            and TechnologyBroker.select().where(TechnologyBroker.user == viewer.user_id).exists())


def may_moderate(viewer):
    return is_broker(viewer)


def represented(viewer):
    """The organisation ``viewer`` represents, or None."""
    if viewer.user_id is None or viewer.role not in representatives.REPRESENTABLE_ROLES:
        return None
    return representatives.organisation_of(viewer.user_id)


def _speaks_for(viewer, record, organisation_id=None):
    if viewer.user_id is None:
        return False
    if record.submitted_by == viewer.user_id:
        return True
    organisation_id = represented(viewer) if organisation_id is None else organisation_id
    return bool(organisation_id) and record.organisation_id == organisation_id


def may_edit(viewer, record):
    """The submitter, the representatives of its organisation, the moderators."""
    return _speaks_for(viewer, record) or may_moderate(viewer)


def may_see(viewer, record):
    if record.status == "published" and record.visibility in access.visible_levels(viewer):
        return True
    return may_edit(viewer, record)


def may_see_identity(viewer, demand):
    return (demand.identity_visibility in access.visible_levels(viewer)
            or may_edit(viewer, demand))


def may_see_contacts(viewer, record):
    return viewer.role in OFFICIAL_ROLES or _speaks_for(viewer, record)


def may_offer(viewer):
    """Any signed-in account may submit an offer (experts, representatives, officials)."""
    return viewer.user_id is not None


def may_post_demand(viewer):
    """Representatives (for their organisation) and officials (on an organisation's
    behalf)."""
    return viewer.role in OFFICIAL_ROLES or represented(viewer) is not None
