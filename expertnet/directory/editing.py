"""What the self-service pages compute: who may edit, the completeness score, and the
values shown side by side when two people edited the same profile at once."""
from flask import abort

from expertnet.core import access, places, vocab
from expertnet.directory.models import Expert
from expertnet.taxonomy import store as catalog
from expertnet.web.guards import get_or_404

# The completeness meter: the share of these key fields that are filled, as a whole
# percentage. Each counts the same; they are what a curator or an official looks for
# first when choosing an expert (who, where, what, in which languages, how to reach).
KEY_FIELDS = ("full_name", "organization", "position", "country", "fields", "keywords",
              "languages", "available_for", "bio_vi", "bio_en", "email")


def completeness(values):
    """``(percent, missing)`` for a mapping of column → value (the form's or the
    stored profile's): ``missing`` lists the key fields still empty."""
    missing = [name for name in KEY_FIELDS if not values.get(name)]
    percent = round(100 * (len(KEY_FIELDS) - len(missing)) / len(KEY_FIELDS))
    return percent, missing


def may_edit(viewer, expert):
    """Curators, the owner and the owner's delegates."""
    return viewer.is_curator or viewer.acts_for(expert.id)


def editable_or_abort(expert_id, viewer):
    """The profile ``viewer`` may edit. A profile they may see but not edit is a 403;
    one they may not even see is a 404, exactly like one that does not exist."""
    expert = get_or_404(Expert, expert_id)
    if may_edit(viewer, expert):
        return expert
    abort(403 if access.can_view(viewer, expert) else 404)


def display(name, value, language):
    """A stored or posted value as a reader would write it (for the conflict table)."""
    if value in (None, "", []):
        return ""
    if isinstance(value, str) and name in ("fields", "languages", "available_for"):
        value = [item.strip() for item in value.split(";") if item.strip()]
    if name == "fields":
        taxonomy = catalog.load()
        return "; ".join(taxonomy.fields[code].name(language) if code in taxonomy.fields else code
                         for code in value)
    if name == "languages":
        return "; ".join(places.language_name(code, language) for code in value)
    if name == "available_for":
        return "; ".join(str(vocab.label("available_for", code)) for code in value)
    if isinstance(value, list):
        return "; ".join(value)
    if name in vocab.VOCABULARIES:
        return str(vocab.label(name, value))
    if name == "country":
        return places.country_name(value, language)
    return str(value)
