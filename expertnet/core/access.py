"""Who sees what. One place answers it for pages, the API, search, facets and exports.

The model follows ORCID's: every profile has a visibility (``public``, ``officials``,
``curators``) and contact details are shown to officials only for profiles that share
them with officials. A web request's viewer is its logged-in account (a session, a
remember-me cookie or an API token); the CLI and tests may act as any :class:`Viewer`.
"""
from dataclasses import dataclass

from flask import current_app, g, has_request_context

CONTACT_FIELDS = ("email", "phone")

ROLES = ("anonymous", "expert", "official", "curator", "admin")
LEVELS = ("public", "officials", "curators")
_LEVELS = {
    "anonymous": ("public",),
    "expert": ("public",),
    "official": ("public", "officials"),
    "curator": ("public", "officials", "curators"),
    "admin": ("public", "officials", "curators"),
}


@dataclass(frozen=True)
class Viewer:
    role: str = "anonymous"
    user_id: int | None = None
    # Profiles the viewer owns: always visible to them, whatever their visibility.
    own_expert_ids: tuple = ()
    # Profiles the viewer may edit as a delegate (accounts' ProfileDelegate): visible and
    # editable like their own, but the consents stay the person's.
    delegated_expert_ids: tuple = ()

    @property
    def is_curator(self):
        return self.role in ("curator", "admin")

    @property
    def always_visible_ids(self):
        """Profiles shown to this viewer whatever their visibility."""
        return (*self.own_expert_ids, *self.delegated_expert_ids)

    def acts_for(self, expert_id):
        """Whether the viewer is the person or edits for them (owner or delegate)."""
        return expert_id in self.own_expert_ids or expert_id in self.delegated_expert_ids


ANONYMOUS = Viewer()
CURATOR = Viewer(role="curator")


def viewer_for(user):
    """The viewer of an account (an ``accounts.models.User``). Its delegations are read
    afresh (once per request): removing one takes effect on the delegate's next request."""
    delegated = tuple(user.delegated_expert_ids())
    return Viewer(role=user.role, user_id=user.id,
                  own_expert_ids=(user.expert_id,) if user.expert_id else (),
                  delegated_expert_ids=delegated)


def current_viewer():
    viewer = getattr(g, "viewer", None)
    if viewer is not None:
        return viewer
    if not has_request_context() or not hasattr(current_app, "login_manager"):
        return ANONYMOUS
    from flask_login import current_user
    viewer = viewer_for(current_user) if current_user.is_authenticated else ANONYMOUS
    g.viewer = viewer
    return viewer


def visible_levels(viewer):
    return _LEVELS.get(viewer.role, ("public",))


def can_view(viewer, expert):
    return expert.visibility in visible_levels(viewer) or expert.id in viewer.always_visible_ids


def visible_contact_fields(viewer, expert, granted=()):
    """The contact fields of ``expert`` that ``viewer`` may read. Each field has its own
    visibility (``email_visibility``, ``phone_visibility``), and a field is never shown
    more widely than the profile itself:

    - curators, admins, the owner and their delegates: every field;
    - ``granted`` (field names): those fields too. Only a need's pages pass them, for the
      official whose contact request for that need was accepted and not revoked: every
      field when the expert accepted, those the person agreed to share when the
      Department recorded the consent (``contact_requests.granted_fields``); the profile
      page and the API never do;
    - officials: a field shared with officials (public or officials) of a profile shared
      with officials (public or officials);
    - anyone else (anonymous, other experts): a public field of a public profile.
    """
    if viewer.is_curator or viewer.acts_for(expert.id):
        return CONTACT_FIELDS
    if viewer.role == "official":
        shared = ("public", "officials")
    else:
        shared = ("public",)
    general = () if expert.visibility not in shared else tuple(
        name for name in CONTACT_FIELDS if contact_visibility(expert, name) in shared)
    return tuple(name for name in CONTACT_FIELDS if name in general or name in granted)


def contact_visibility(expert, name):
    # An unknown or empty value is read as the narrowest level.
    value = getattr(expert, f"{name}_visibility", "") or "curators"
    return value if value in LEVELS else "curators"


def is_wider(level, than):
    """Whether visibility ``level`` shows more than ``than`` (public > officials >
    curators; an unknown value counts as curators)."""
    def rank(value):
        return LEVELS.index(value) if value in LEVELS else len(LEVELS) - 1
    return rank(level) < rank(than)


def may_search_contacts(viewer):
    """Searching by e-mail or phone would reveal hidden details: curators only."""
    return viewer.is_curator
