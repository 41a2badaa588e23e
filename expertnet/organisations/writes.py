"""The one way organisations, their contact persons and profiles' affiliations are
written: checked, written in one transaction with its audit entry, then indexed after
the commit (``indexing``). Nothing here knows the request."""
from dataclasses import dataclass

from peewee import IntegrityError

from expertnet.core import access, audit, signals
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import clean, parse_id
from expertnet.directory import finder
from expertnet.directory import validation as profile_rules
from expertnet.directory.models import Expert
from expertnet.organisations import indexing
from expertnet.organisations.models import Affiliation, LinkDecision, Organisation, OrganisationContact
from expertnet.organisations.names import name_key
from expertnet.organisations.validation import OrganisationErrors, normalize
from expertnet.taxonomy import store as catalog


class Refused(ValueError):
    """An action that cannot be done; ``message`` says why, in the reader's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class VersionConflict(Refused):
    """The record changed since the form was read."""


@dataclass
class Outcome:
    organisation: Organisation
    status: str  # created, updated, unchanged
    changes: dict


def parent_lookup(raw):
    """The id of the organisation ``raw`` names: its number, its import id, or a name."""
    if isinstance(raw, int) or (isinstance(raw, str) and clean(raw).isdigit()):
        record_id = parse_id(str(raw))
        found = Organisation.get_or_none(Organisation.id == record_id) if record_id else None
        return found.id if found else None
    text = clean(str(raw))
    found = Organisation.get_or_none(Organisation.external_id == text)
    if found is None:
        found = (Organisation.select().where(Organisation.name_key == name_key(text))
                 .order_by(Organisation.id).first())
    return found.id if found else None


def _audit_value(value):
    return value if not isinstance(value, Organisation) else value.id


def save(raw, actor=None, organisation=None, source="screen", expected_version=None,
         index=True):
    """Create (``organisation`` None) or update an organisation from ``raw`` values;
    raises :class:`OrganisationErrors` (nothing written) or :class:`VersionConflict`."""
    values, errors = normalize(raw, catalog.load(), organisation, parent_lookup)
    if errors:
        raise OrganisationErrors(errors)
    with database.atomic():
        if organisation is None:
            record, status = Organisation(created_at=utcnow()), "created"
            changes = {name: [None, value] for name, value in values.items()
                       if value not in ("", None, [], False)}
        else:
            record = Organisation.get_or_none(Organisation.id == organisation.id)
            if record is None:
                raise Refused(_("This organisation no longer exists."))
            if expected_version is not None and record.version != expected_version:
                raise VersionConflict(_("Someone changed this organisation meanwhile; "
                                        "reload it and make your changes again."))
            status = "updated"
            current = {name: (record.parent_id if name == "parent" else getattr(record, name))
                       for name in values}
            changes = audit.diff(current, values)
            if not changes:
                return Outcome(record, "unchanged", {})
        for name, value in values.items():
            setattr(record, name, value)
        record.updated_at = utcnow()
        if status == "updated":
            record.version += 1
        try:
            with database.atomic():
                record.save()
        except IntegrityError:
            raise OrganisationErrors([("external_id", _("Another organisation has this import id."))]) \
                from None
        audit.record(f"organisation.{'create' if status == 'created' else 'update'}", actor_id=actor,
                     changes={"organisation": record.id, **{k: [_audit_value(v) for v in pair]
                                                            for k, pair in changes.items()}},
                     source=source)
    if index:
        indexing.index_after_commit([record.id])
    return Outcome(record, status, changes)


def delete(organisation, actor=None, source="screen"):
    """Delete an organisation: its affiliations, contacts and decisions go; links in
    other modules' records are dropped (their texts stay); its units lose their parent."""
    with database.atomic():
        signals.organisation_deleted.send(organisation.id)
        Organisation.update(parent=None).where(Organisation.parent == organisation.id).execute()
        for model in (Affiliation, OrganisationContact, LinkDecision):
            model.delete().where(model.organisation == organisation.id).execute()
        Organisation.delete().where(Organisation.id == organisation.id).execute()
        audit.record("organisation.delete", actor_id=actor, source=source,
                     changes={"organisation": organisation.id,
                              "name": organisation.name_vi or organisation.name_en})
    indexing.index_after_commit([organisation.id])


# -- affiliations ---------------------------------------------------------------------
MAX_ROLE = 200
FIRST_YEAR = 1900


def _year(raw, name, errors):
    text = clean(raw)
    if not text:
        return None
    try:
        year = int(text)
    except ValueError:
        errors.append((name, _("“%(value)s” is not a year", value=text[:20])))
        return None
    last = utcnow().year + 1
    if year < FIRST_YEAR or year > last:
        errors.append((name, _("must be between %(first)s and %(last)s", first=FIRST_YEAR, last=last)))
        return None
    return year


def affiliation_values(raw):
    errors = []
    values = {"role": clean(raw.get("role")),
              "start_year": _year(raw.get("start_year"), "start_year", errors),
              "end_year": _year(raw.get("end_year"), "end_year", errors)}
    if len(values["role"]) > MAX_ROLE:
        errors.append(("role", _("is too long (%(length)s characters; at most %(limit)s)",
                                 length=len(values["role"]), limit=MAX_ROLE)))
    if values["start_year"] and values["end_year"] and values["end_year"] < values["start_year"]:
        errors.append(("end_year", _("ends before it starts")))
    return values, errors


def add_affiliation(expert_id, organisation, raw, actor=None, source="screen", source_text=""):
    """A profile's affiliation with ``organisation``; raises :class:`OrganisationErrors`."""
    values, errors = affiliation_values(raw)
    if errors:
        raise OrganisationErrors(errors)
    with database.atomic():
        if Expert.get_or_none(Expert.id == expert_id) is None:
            raise Refused(_("This profile no longer exists."))
        row = Affiliation.create(expert_id=expert_id, organisation=organisation.id,
                                 source_text=clean(source_text)[:300], created_by=actor, **values)
        audit.record("affiliation.add", actor_id=actor, expert_id=expert_id, source=source,
                     changes={"organisation": organisation.id, **values})
    return row


def remove_affiliation(row, actor=None):
    with database.atomic():
        Affiliation.delete().where(Affiliation.id == row.id).execute()
        audit.record("affiliation.remove", actor_id=actor, expert_id=row.expert_id,
                     changes={"organisation": row.organisation_id})


def affiliations_of(expert_id):
    """A profile's affiliations, the current ones first, then the latest."""
    rows = list(Affiliation.select(Affiliation, Organisation).join(Organisation)
                .where(Affiliation.expert_id == expert_id))
    rows.sort(key=lambda row: (not row.current, -(row.end_year or 9999), -(row.start_year or 0), row.id))
    return rows


# -- contact persons ------------------------------------------------------------------
CONTACT_COLUMNS = ("name", "role", "email", "phone", "visibility", "email_visibility",
                   "phone_visibility", "consented")


def contact_values(raw):
    """Checked values of a contact person; e-mail, phone and the visibility levels by
    the profile's rules. Wider than curators only with the person's consent."""
    errors = []
    expert_id = parse_id(str(raw.get("expert_id") or "")) if raw.get("expert_id") else None
    values = {"name": clean(raw.get("name")), "role": clean(raw.get("role"))}
    shared = {column: raw.get(column, "") for column in ("email", "phone", "visibility",
                                                         "email_visibility", "phone_visibility")}
    checked, problems = profile_rules.normalize(shared, catalog.load())
    errors += problems
    values.update(checked)
    values["consented"] = bool(raw.get("consented"))
    for column, limit in (("name", 200), ("role", 200)):
        if len(values[column]) > limit:
            errors.append((column, _("is too long (%(length)s characters; at most %(limit)s)",
                                     length=len(values[column]), limit=limit)))
    if raw.get("expert_id") and expert_id is None:
        errors.append(("expert_id", _("Give the number of a profile of the directory.")))
    if expert_id is not None and Expert.get_or_none(Expert.id == expert_id) is None:
        errors.append(("expert_id", _("No profile has this number.")))
    if expert_id is None and not values["name"]:
        errors.append(("name", _("Give the contact person's name or the number of their profile.")))
    if values["visibility"] != "curators" and not values["consented"]:
        errors.append(("visibility", _("Only with the person's consent may the contact be shown "
                                       "beyond curators.")))
    values["expert_id"] = expert_id
    return values, errors


def add_contact(organisation, raw, actor=None, source="screen"):
    values, errors = contact_values(raw)
    if errors:
        raise OrganisationErrors(errors)
    with database.atomic():
        row = OrganisationContact.create(organisation=organisation.id, created_by=actor, **values)
        audit.record("organisation.add_contact", actor_id=actor, expert_id=values["expert_id"],
                     source=source, changes={"organisation": organisation.id, "contact": row.id,
                                             "visibility": values["visibility"]})
    return row


def remove_contact(row, actor=None):
    with database.atomic():
        OrganisationContact.delete().where(OrganisationContact.id == row.id).execute()
        audit.record("organisation.remove_contact", actor_id=actor, expert_id=row.expert_id,
                     changes={"organisation": row.organisation_id, "contact": row.id})


def visible_contacts(organisation, viewer, source="screen"):
    """``[(contact, profile or None, {field: value})]`` of the contact persons ``viewer``
    may see, with the contact details the profile rules allow them (a linked profile's
    own details and levels; a named contact's by its own levels). Views of a profile's
    details are audited as on the profile page."""
    levels = access.visible_levels(viewer)
    shown = []
    for row in OrganisationContact.select().where(OrganisationContact.organisation == organisation.id) \
            .order_by(OrganisationContact.id):
        named = _ContactAsProfile(row)
        if named.visibility not in levels:
            continue
        profile = finder.get_visible(row.expert_id, viewer) if row.expert_id else None
        if profile is None and not row.name:
            continue
        if profile is not None:
            fields = access.visible_contact_fields(viewer, profile)
            audit.contact_view(viewer, profile, fields, source=source)
            details = {name: getattr(profile, name) for name in fields if getattr(profile, name)}
        else:
            fields = access.visible_contact_fields(viewer, named)
            details = {name: getattr(row, name) for name in fields if getattr(row, name)}
        shown.append((row, profile, details))
    return shown


class _ContactAsProfile:
    """A named contact read by the profiles' contact rules (no one owns it)."""

    def __init__(self, row):
        self.id = None
        self.visibility = row.visibility if row.consented else "curators"
        self.email_visibility = row.email_visibility
        self.phone_visibility = row.phone_visibility


# -- erasure and merges of profiles ---------------------------------------------------
@signals.profile_deleted.connect
def erase_for_expert(expert_id, **_kwargs):
    Affiliation.delete().where(Affiliation.expert_id == expert_id).execute()
    OrganisationContact.delete().where((OrganisationContact.expert_id == expert_id)
                                       & (OrganisationContact.name == "")).execute()
    OrganisationContact.update(expert_id=None).where(OrganisationContact.expert_id == expert_id).execute()
    LinkDecision.delete().where((LinkDecision.source == "profile")
                                & (LinkDecision.record_id == expert_id)).execute()


@signals.profiles_merged.connect
def repoint_for_merge(drop_id, keep, **_kwargs):
    Affiliation.update(expert_id=keep).where(Affiliation.expert_id == drop_id).execute()
    OrganisationContact.update(expert_id=keep).where(OrganisationContact.expert_id == drop_id).execute()


@signals.personal_data_requested.connect
def export_for_person(expert_id, **_kwargs):
    return {"affiliations": [
        {"organisation": row.organisation.name_vi or row.organisation.name_en, "role": row.role,
         "from": row.start_year, "until": row.end_year} for row in affiliations_of(expert_id)]}
