"""What events, delegations and agreements share: who may read and change them, the
errors their checks raise, and the profiles they name as a viewer may see them."""
from expertnet.accounts.models import User
from expertnet.core import access, audit
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _, current_language
from expertnet.core.text import clean, fold, parse_id, sort_key
from expertnet.directory import finder
from expertnet.organisations.models import Organisation
from expertnet.taxonomy import store as catalog

ROLES = ("official", "curator", "admin")


class Problems(ValueError):
    """Values that do not pass the checks: ``errors`` is ``[(field, message)]``."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors))
        self.errors = errors


class Refused(ValueError):
    """An action that cannot be done; ``message`` says why, in the reader's language."""

    def __init__(self, message, status=409):
        super().__init__(str(message))
        self.message = message
        self.status = status


def may_read(viewer):
    return viewer.role in ROLES


def _departments(user_ids):
    """``{user id: folded department}`` of the accounts among ``user_ids``, in one query."""
    ids = list({user_id for user_id in user_ids if user_id is not None})
    if not ids:
        return {}
    return {user_id: fold(clean(department)) for user_id, department in
            User.select(User.id, User.department).where(User.id.in_(ids)).tuples()}


def may_edit(viewer, record):
    """Curators, the record's author, and colleagues of the author's department."""
    return bool(editable(viewer, [record]))


def editable(viewer, records):
    """The records among ``records`` that ``viewer`` may change (``may_edit``), reading
    the departments of all their authors in one query."""
    if viewer.role not in ROLES:
        return []
    records = list(records)
    if viewer.is_curator:
        return records

    def own(record):
        return record.created_by is not None and record.created_by == viewer.user_id

    others = [record.created_by for record in records if not own(record)]
    departments = _departments([viewer.user_id, *others]) if others else {}
    mine = departments.get(viewer.user_id, "")
    return [record for record in records
            if own(record) or (mine and departments.get(record.created_by, "") == mine)]


def visible_experts(viewer, expert_ids):
    """``{id: Expert}`` of the profiles among ``expert_ids`` that ``viewer`` may see."""
    return {expert.id: expert for expert in finder.load_in_order(list(dict.fromkeys(expert_ids)))
            if access.can_view(viewer, expert)}


def field_problems(raw_codes, errors):
    """The known field codes of ``raw_codes`` (in order, once); an unknown one is an error."""

    taxonomy = catalog.load()
    if isinstance(raw_codes, str):  # "ai; seaports", as typed or imported
        raw_codes = [code.strip() for code in raw_codes.split(";") if code.strip()]
    codes = list(dict.fromkeys(raw_codes or []))
    unknown = [code for code in codes if code not in taxonomy.fields]
    if unknown:
        errors.append(("fields", _("“%(value)s” is not a field code", value=str(unknown[0])[:50])))
    return [code for code in codes if code in taxonomy.fields]


def write(model, noun, values, actor, record=None, audited_fields=()):
    """Create (``record`` None) or update an event, delegation or agreement from its
    checked ``values``, audited as ``<noun>.create`` / ``<noun>.update`` with the
    record's id under ``noun`` and the values of ``audited_fields``."""
    with database.atomic():
        if record is None:
            record = model(created_by=actor, created_at=utcnow())
            action = f"{noun}.create"
        else:
            action = f"{noun}.update"
        for name, value in values.items():
            setattr(record, name, value)
        record.updated_at = utcnow()
        record.save()
        audit.record(action, actor_id=actor,
                     changes={noun: record.id,
                              **{name: getattr(record, name) for name in audited_fields}})
    return record


# -- organisations named by a record (an organiser, a host institution) ------------------
MAX_ORGANISATION_CHOICES = 500


def organisations_for(viewer):
    """The organisation records ``viewer`` may name, by name: ``[(id, name)]``."""

    rows = (Organisation.select(Organisation.id, Organisation.name_vi, Organisation.name_en,
                                Organisation.visibility)
            .where(Organisation.visibility.in_(access.visible_levels(viewer)))
            .limit(MAX_ORGANISATION_CHOICES))
    language = current_language()
    return sorted(((row.id, row.name(language)) for row in rows), key=lambda pair: sort_key(pair[1]))


def organisation_problems(raw_id, name, viewer, field, errors):
    """The organisation record chosen in ``raw_id`` (one ``viewer`` may see) or None; a
    record or a name (the fallback typed when there is no record) is required."""

    raw = clean(str(raw_id or ""))
    organisation = None
    if raw:
        organisation_id = parse_id(raw)
        organisation = Organisation.get_or_none(Organisation.id == organisation_id) \
            if organisation_id else None
        if organisation is None or organisation.visibility not in access.visible_levels(viewer):
            errors.append((field, _("Choose an organisation from the list.")))
            organisation = None
    elif not name:
        errors.append((field, _("Choose the organisation or type its name.")))
    return organisation
