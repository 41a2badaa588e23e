"""Who sees what, as a condition the database evaluates: the profiles a viewer may open
(``core.access.can_view`` answers the same for one profile in hand)."""
from expertnet.core.access import visible_levels
from expertnet.directory.models import Expert


def visible_condition(viewer):
    """The ``WHERE`` on ``Expert`` of the profiles ``viewer`` may open, for counts made
    by the database."""
    condition = Expert.visibility.in_(visible_levels(viewer))
    if viewer.always_visible_ids:
        condition |= Expert.id.in_(list(viewer.always_visible_ids))
    return condition
