"""What offers and demands share: their checks (amounts, contacts, visibility, the
organisation named), moderation and its notices, deletion of what they own."""
import re

from expertnet.accounts.models import User
from expertnet.cooperation.common import Problems, Refused
from expertnet.core import access, audit
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import clean, parse_id
from expertnet.directory.validation import _EMAIL
from expertnet.notifications import inbox as notifications
from expertnet.organisations.models import Organisation
from expertnet.technology import rules

__all__ = ["Problems", "Refused", "amount", "contact_values", "moderate", "organisation_for",
           "visibility_value"]

# Amounts are in VND; a larger figure is a typing mistake.
MAX_AMOUNT = 10**15
MAX_REASON = 2000
_GROUPING = re.compile(r"[\s.,_’']")


def amount(raw, name, errors):
    """A sum of money typed as digits (grouped with spaces, dots or commas), or None."""
    text = _GROUPING.sub("", clean(raw))
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or int(text) > MAX_AMOUNT:
        errors.append((name, _("“%(value)s” is not an amount in VND", value=clean(raw)[:30])))
        return None
    return int(text)


def visibility_value(raw, name, errors):
    value = clean(raw)
    if value not in access.LEVELS:
        errors.append((name, _("Choose who may see it.")))
        return "curators"
    return value


def contact_values(raw, errors):
    values = {"contact_name": clean(raw.get("contact_name"))[:201],
              "contact_email": clean(raw.get("contact_email")).lower(),
              "contact_phone": clean(raw.get("contact_phone"))}
    for name, limit in (("contact_name", 200), ("contact_email", 254), ("contact_phone", 40)):
        if len(values[name]) > limit:
            errors.append((name, _("is too long (%(length)s characters; at most %(limit)s)",
                                   length=len(values[name]), limit=limit)))
    if values["contact_email"] and not _EMAIL.match(values["contact_email"]):
        errors.append(("contact_email", _("“%(value)s” is not a valid e-mail address",
                                          value=values["contact_email"][:60])))
    return values


def organisation_for(raw_id, viewer, errors, required=False):
    """The organisation a record names: a representative's own whatever was posted
    (extra posted values are ignored), else the one chosen, if it exists."""
    own = rules.represented(viewer)
    if own:
        return own
    organisation_id = parse_id(raw_id)
    if organisation_id is None:
        if clean(raw_id):
            errors.append(("organisation", _("Choose an organisation from the list.")))
        elif required:
            errors.append(("organisation", _("Choose the organisation that asks.")))
        return None
    if not Organisation.select().where(Organisation.id == organisation_id).exists():
        errors.append(("organisation", _("Choose an organisation from the list.")))
        return None
    return organisation_id


def department_of(user_id):
    if user_id is None:
        return ""
    return User.select(User.department).where(User.id == user_id).scalar() or ""


def moderate(record, noun, decision, reason, actor, link):
    """Publish a submitted record, or return it (submitted or published) with a reason;
    the submitter is told on their notifications page. Raises :class:`Refused`."""
    reason = clean(reason)
    if decision == "publish":
        if record.status != "submitted":
            raise Refused(_("Only a record awaiting moderation can be published."))
        changes = {"status": "published", "published_at": utcnow(), "return_reason": "",
                   "department": department_of(actor)}
    elif decision == "return":
        if record.status not in ("submitted", "published"):
            raise Refused(_("This record is already returned."))
        if not reason:
            raise Refused(_("Say why the record is returned."), status=400)
        if len(reason) > MAX_REASON:
            raise Refused(_("is too long (%(length)s characters; at most %(limit)s)",
                            length=len(reason), limit=MAX_REASON), status=400)
        changes = {"status": "returned", "return_reason": reason}
    else:
        raise Refused(_("Choose to publish or to return."), status=400)
    model = type(record)
    with database.atomic():
        # A new version: the record's search document changes (its status), and a failed
        # index update is then seen as stale by the health check and reconcile.
        changed = (model.update(moderated_by=actor, moderated_at=utcnow(), version=model.version + 1,
                                **changes)
                   .where((model.id == record.id) & (model.status == record.status)).execute())
        if not changed:
            raise Refused(_("Someone else moderated this record meanwhile."))
        audit.record(f"{noun}.{decision}", actor_id=actor,
                     changes={noun: record.id, "status": changes["status"],
                              **({"reason": reason} if decision == "return" else {})})
        if record.submitted_by and record.submitted_by != actor:
            kind = "technology_published" if decision == "publish" else "technology_returned"
            notifications.notify(record.submitted_by, kind, link=link,
                                 title=_title(record), reason=reason)
    for name, value in changes.items():
        setattr(record, name, value)
    record.version += 1
    return record


def _title(record):
    if hasattr(record, "title_vi"):
        return record.title_vi or record.title_en
    return record.title
