"""An item of a page's action bar: a link, or a small button posting to a URL. Modules
offer them to a page that is not theirs through a signal (core.signals.profile_actions),
so the item's shape lives here, below them all."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    """A link (``post`` False) or a button posting to ``url`` (the form carries
    ``expert_id`` and ``next``: the profile page)."""
    label: str
    url: str
    post: bool = False
