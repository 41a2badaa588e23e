"""Who sees and changes organisations: the profiles' visibility levels
(``core.access.visible_levels``) decide who sees a record; curators and admins write.
The search over the records index returns only what the reader may see."""
from expertnet.core import access
from expertnet.core.text import clean
from expertnet.organisations.indexing import get_index
from expertnet.organisations.models import Organisation
from expertnet.organisations.vocab import FACETS

PER_PAGE_MAX = 100


def can_view(viewer, organisation):
    return organisation.visibility in access.visible_levels(viewer)


def may_edit(viewer):
    return viewer.is_curator


def get_visible(organisation_id, viewer):
    """The organisation, or None when it does not exist or the reader may not see it."""
    if organisation_id is None:
        return None
    organisation = Organisation.get_or_none(Organisation.id == organisation_id)
    return organisation if organisation is not None and can_view(viewer, organisation) else None


def load_in_order(ids):
    found = {row.id: row for row in Organisation.select().where(Organisation.id.in_(list(ids)))}
    return [found[record_id] for record_id in ids if record_id in found]


def search(viewer, q="", filters=None, page=1, per_page=20, facets=FACETS):
    """``(organisations, total, facet_counts)`` the reader may see."""
    filters = {name: [clean(value) for value in values if clean(value)]
               for name, values in (filters or {}).items() if name in FACETS}
    found = get_index().search(clean(q)[:300], levels=access.visible_levels(viewer),
                               statuses=("published",), filters=filters, facets=facets,
                               page=page, per_page=min(per_page, PER_PAGE_MAX))
    rows = [row for row in load_in_order(found.ids) if can_view(viewer, row)]
    return rows, found.total, found.facet_counts
