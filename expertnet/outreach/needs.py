"""Needs: who may create, see and change them, their checks, and their progress.

A need belongs to the official who wrote it. Curators and admins see every need; the
owner's colleagues (accounts of the same department, ``User.department``) see it when
the owner shares it; nobody else does, and for them it does not exist (404).
"""
from expertnet.accounts.models import User
from expertnet.core import places, signals, vocab
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import clean, clean_multiline, fold
from expertnet.outreach.models import ContactRequest, Need, ShortlistEntry
from expertnet.taxonomy import store as catalog
from expertnet.web.forms import date_range_problems, form_date, text_problems

# Roles that work with needs: officials find experts, curators help them.
ROLES = ("official", "curator", "admin")
MAX_LENGTHS = {"title": 200, "description": 10_000, "organization": 300, "location": 200}
STATUSES = tuple(vocab.NEED_STATUSES)
COLUMNS = ("title", "description", "organization", "fields", "available_for", "language",
           "starts_on", "ends_on", "location", "online", "shared")


class NeedErrors(ValueError):
    def __init__(self, errors):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors))
        self.errors = errors


def may_create(viewer):
    return viewer.role in ROLES


def department_of(user_id):
    """The folded department of an account ("" when none is set)."""
    if user_id is None:
        return ""
    row = User.select(User.department).where(User.id == user_id).first()
    return fold(clean(row.department)) if row is not None else ""


def colleagues(need, viewer):
    """Whether ``viewer`` works in the department of the need's owner."""
    if need.owner_id is None or viewer.user_id is None:
        return False
    mine = department_of(viewer.user_id)
    return bool(mine) and mine == department_of(need.owner_id)


def may_see(viewer, need):
    if viewer.role not in ROLES:
        return False
    if viewer.is_curator or need.owner_id == viewer.user_id:
        return True
    return bool(need.shared) and colleagues(need, viewer)


def may_edit(viewer, need):
    """The owner and curators change a need; colleagues work on its shortlist."""
    return viewer.is_curator or (viewer.role in ROLES and need.owner_id == viewer.user_id)


def visible(viewer, status=None):
    """The needs ``viewer`` may see, newest first."""
    if viewer.role not in ROLES:
        return []
    query = Need.select().order_by(Need.created_at.desc(), Need.id.desc())
    if status:
        query = query.where(Need.status == status)
    if viewer.is_curator:
        return list(query)
    department = department_of(viewer.user_id)
    if not department:
        return list(query.where(Need.owner == viewer.user_id))
    same = [user.id for user in User.select(User.id, User.department)
            if fold(clean(user.department)) == department]
    return list(query.where((Need.owner == viewer.user_id)
                            | (Need.shared & Need.owner.in_(same))))


# -- checks ----------------------------------------------------------------------------
def normalize(raw):
    """``(values, errors)`` for the raw values of the need form (text, lists, booleans)."""
    errors = []
    values = {
        "title": clean(raw.get("title")),
        "description": clean_multiline(raw.get("description")),
        "organization": clean(raw.get("organization")),
        "location": clean(raw.get("location")),
        "online": bool(raw.get("online")),
        "shared": bool(raw.get("shared")),
    }
    errors += text_problems(values, ("title", "organization"), MAX_LENGTHS)
    taxonomy = catalog.load()
    fields = list(dict.fromkeys(raw.get("fields") or []))
    unknown = [code for code in fields if code not in taxonomy.fields]
    if unknown:
        errors.append(("fields", _("“%(value)s” is not a field code", value=unknown[0][:50])))
    values["fields"] = [code for code in fields if code in taxonomy.fields]
    kinds = list(dict.fromkeys(raw.get("available_for") or []))
    wrong = [code for code in kinds if code not in vocab.AVAILABILITY]
    if wrong:
        errors.append(("available_for", _("“%(value)s” is not a kind of help", value=wrong[0][:50])))
    values["available_for"] = [code for code in kinds if code in vocab.AVAILABILITY]
    language = clean(raw.get("language")).lower()
    if language and language not in places.language_codes():
        errors.append(("language", _("“%(value)s” is not a language code", value=language[:20])))
        language = ""
    values["language"] = language
    values["starts_on"] = form_date(raw.get("starts_on"), "starts_on", errors)
    values["ends_on"] = form_date(raw.get("ends_on"), "ends_on", errors)
    date_range_problems(values, errors)
    return values, errors


def save(raw, owner=None, need=None):
    """Create (with ``owner``, a ``User``) or update a need. Raises :class:`NeedErrors`."""
    values, errors = normalize(raw)
    if errors:
        raise NeedErrors(errors)
    with database.atomic():
        if need is None:
            need = Need(owner=owner.id, created_at=utcnow())
        for name, value in values.items():
            setattr(need, name, value)
        need.updated_at = utcnow()
        need.save()
    return need


def form_values(need):
    return {name: getattr(need, name) for name in COLUMNS}


# -- progress --------------------------------------------------------------------------
def _reached(need_id):
    """The furthest step the work on a need has reached, from its rows (an engagement
    recorded for it is cooperation's to tell)."""
    if "engaged" in signals.answers_of(signals.need_progress.send(need_id)):
        return "engaged"
    if ContactRequest.select().where(ContactRequest.need == need_id).exists():
        return "contacted"
    if ShortlistEntry.select().where(ShortlistEntry.need == need_id).exists():
        return "shortlisting"
    return "open"


def refresh_status(need_id):
    """Recompute the stored status of an open need from its shortlist, contact
    requests and engagements; a closed need stays closed."""
    need = Need.get_or_none(Need.id == need_id)
    if need is None or need.status == "closed":
        return need
    status = _reached(need.id)
    if status != need.status:
        Need.update(status=status, updated_at=utcnow()).where(Need.id == need.id).execute()
        need.status = status
    return need


def close(need):
    Need.update(status="closed", updated_at=utcnow()).where(Need.id == need.id).execute()


def reopen(need):
    Need.update(status="open", updated_at=utcnow()).where(Need.id == need.id).execute()
    return refresh_status(need.id)
