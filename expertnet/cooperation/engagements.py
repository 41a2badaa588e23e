"""Engagements: what happened with an expert, for the city's programme records.

Officials, curators and admins record and read them, for profiles they may see (an
engagement says something about a person: it is shown to nobody who may not see the
profile, and not to the public or other experts). The one who recorded an engagement
and curators change it and its attachments. Each change is audited.
"""
import functools

from expertnet.cooperation import attachments, common
from expertnet.cooperation.models import Attachment, Engagement
from expertnet.core import access, audit, signals, vocab
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import clean, clean_multiline
from expertnet.directory import finder
from expertnet.outreach import needs as records
from expertnet.outreach.matching import same_organization
from expertnet.outreach.models import Need
from expertnet.web.forms import date_range_problems, form_date, text_problems

ROLES = ("official", "curator", "admin")
MAX_LENGTHS = {"title": 200, "department": 300, "outcome": 10_000}


class EngagementErrors(ValueError):
    def __init__(self, errors):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors))
        self.errors = errors


def may_see(viewer, expert):
    return viewer.role in ROLES and access.can_view(viewer, expert)


def may_edit(viewer, engagement):
    return viewer.is_curator or (viewer.role in ROLES and engagement.created_by == viewer.user_id)


def normalize(raw):
    errors = []
    values = {
        "kind": clean(raw.get("kind")),
        "title": clean(raw.get("title")),
        "department": clean(raw.get("department")),
        "outcome": clean_multiline(raw.get("outcome")),
    }
    if values["kind"] not in vocab.ENGAGEMENT_KINDS:
        errors.append(("kind", _("Choose what happened.")))
    errors += text_problems(values, ("title", "department"), MAX_LENGTHS)
    values["starts_on"] = form_date(raw.get("starts_on"), "starts_on", errors, required=True)
    values["ends_on"] = form_date(raw.get("ends_on"), "ends_on", errors)
    date_range_problems(values, errors)
    return values, errors


def _organisation(raw, viewer, need, engagement, errors):
    """The organisation record served: the one chosen on the form (among those ``viewer``
    may see); else the need's organisation; else, when the form did not carry the choice
    (an import, an older caller), the one the engagement had."""
    if "organisation" not in raw or viewer is None:
        if engagement is not None and engagement.organisation_id is not None:
            return engagement.organisation_id
        return need.organisation_id if need is not None else None
    if clean(str(raw.get("organisation") or "")):
        chosen = common.organisation_problems(raw.get("organisation"), "", viewer, "organisation", errors)
        return chosen.id if chosen is not None else None
    if engagement is not None and engagement.organisation_id is not None and not any(
            row_id == engagement.organisation_id for row_id, _name in common.organisations_for(viewer)):
        return engagement.organisation_id  # a record hidden from this reader stays
    return need.organisation_id if need is not None else None


def save(raw, expert, need, actor, engagement=None, viewer=None):
    """Create or update an engagement of ``expert`` (optionally for ``need``); with
    ``viewer`` (the form), the organisation record served is the one chosen there.
    Raises :class:`EngagementErrors`."""
    values, errors = normalize(raw)
    values["organisation_id"] = _organisation(raw, viewer, need, engagement, errors)
    if errors:
        raise EngagementErrors(errors)
    earlier_need = engagement.need_id if engagement is not None else None
    with database.atomic():
        if engagement is None:
            engagement = Engagement(expert=expert.id, created_by=actor, created_at=utcnow())
            action = "engagement.create"
        else:
            action = "engagement.update"
        for name, value in values.items():
            setattr(engagement, name, value)
        engagement.need = need.id if need is not None else None
        engagement.updated_at = utcnow()
        engagement.save()
        audit.record(action, actor_id=actor, expert_id=expert.id,
                     changes={"engagement": engagement.id,
                              "need": need.id if need is not None else None,
                              "organisation": engagement.organisation_id})
    _refresh_needs(earlier_need, engagement.need_id)
    return engagement


def _refresh_needs(*need_ids):
    for need_id in {need_id for need_id in need_ids if need_id}:
        records.refresh_status(need_id)


def delete(engagement, actor):
    with database.atomic():
        names = [row.stored_name for row in
                 Attachment.select().where(Attachment.engagement == engagement.id)]
        Attachment.delete().where(Attachment.engagement == engagement.id).execute()
        signals.record_deleted.send("engagement", ids=[engagement.id], actor=actor)
        engagement.delete_instance()
        audit.record("engagement.delete", actor_id=actor, expert_id=engagement.expert_id,
                     changes={"engagement": engagement.id})
    attachments.remove(names)
    _refresh_needs(engagement.need_id)


def for_expert(expert_id):
    """Newest first, with the need (``row.need``, may be None)."""
    return list(Engagement.select().where(Engagement.expert == expert_id)
                .order_by(Engagement.starts_on.desc(), Engagement.id.desc()))


def for_need(need_id):
    return list(Engagement.select().where(Engagement.need == need_id)
                .order_by(Engagement.starts_on.desc(), Engagement.id.desc()))


def visible(viewer, limit=200):
    """The latest engagements ``viewer`` may read (of profiles they may see)."""
    if viewer.role not in ROLES:
        return []
    rows = list(Engagement.select(Engagement).order_by(Engagement.starts_on.desc(),
                                                       Engagement.id.desc()).limit(limit * 2))
    experts = {expert.id: expert for expert in
               finder.load_in_order(list({row.expert_id for row in rows}))}
    return [(row, experts[row.expert_id]) for row in rows
            if row.expert_id in experts and access.can_view(viewer, experts[row.expert_id])][:limit]


def for_organisation(organisation_id, viewer):
    """``[(engagement, expert)]`` serving ``organisation_id`` that ``viewer`` may read
    (of profiles they may see), newest first."""
    if viewer.role not in ROLES:
        return []
    rows = list(Engagement.select().where(Engagement.organisation_id == organisation_id)
                .order_by(Engagement.starts_on.desc(), Engagement.id.desc()))
    experts = {expert.id: expert for expert in
               finder.load_in_order(list({row.expert_id for row in rows}))}
    return [(row, experts[row.expert_id]) for row in rows
            if row.expert_id in experts and may_see(viewer, experts[row.expert_id])]


def needs_of(need_ids):
    return {need.id: need for need in Need.select().where(Need.id.in_(list(need_ids)))}


# -- attachments -------------------------------------------------------------------------
def files(engagement):
    return list(Attachment.select().where(Attachment.engagement == engagement.id)
                .order_by(Attachment.id))


def attach(engagement, stream, filename, actor):
    """Store an uploaded file; raises :class:`attachments.Rejected`."""
    stored = attachments.store(stream, filename)
    try:
        with database.atomic():
            row = Attachment.create(engagement=engagement.id, uploaded_by=actor, **stored)
            audit.record("engagement.attach", actor_id=actor, expert_id=engagement.expert_id,
                         changes={"engagement": engagement.id})
    except Exception:
        attachments.remove([stored["stored_name"]])
        raise
    return row


def detach(engagement, row, actor):
    with database.atomic():
        row.delete_instance()
        audit.record("engagement.detach", actor_id=actor, expert_id=engagement.expert_id,
                     changes={"engagement": engagement.id})
    attachments.remove([row.stored_name])


@signals.profile_deleted.connect
def erase_for_expert(expert_id, **_):
    """Inside a profile's deletion: its engagements and their attachments' rows go;
    returns what removes their files once the deletion is committed."""
    ids = [row.id for row in Engagement.select(Engagement.id).where(Engagement.expert == expert_id)]
    if not ids:
        return None
    names = [row.stored_name for row in
             Attachment.select(Attachment.stored_name).where(Attachment.engagement.in_(ids))]
    Attachment.delete().where(Attachment.engagement.in_(ids)).execute()
    signals.record_deleted.send("engagement", ids=ids, actor=None)
    Engagement.delete().where(Engagement.id.in_(ids)).execute()
    return functools.partial(attachments.remove, names)


@signals.need_progress.connect
def need_engaged(need_id, **_):
    """A need with an engagement recorded for it is engaged."""
    return "engaged" if Engagement.select().where(Engagement.need == need_id).exists() else None


@signals.conflicts_of_interest.connect
def recent_reviews(need, expert_ids, since, **_):
    """``reviewed`` (with the date of the latest one) for the experts who reviewed for
    the need's organisation since ``since``."""
    reviews = (Engagement.select(Engagement.expert, Engagement.department, Engagement.starts_on)
               .where(Engagement.expert.in_(expert_ids) & (Engagement.kind == "review")
                      & (Engagement.starts_on >= since))
               .order_by(Engagement.starts_on.desc()))
    found = {}
    for review in reviews:
        if review.expert_id not in found and same_organization(need.organization, review.department):
            found[review.expert_id] = [("reviewed", review.starts_on)]
    return found


@signals.profiles_merged.connect
def repoint_for_merge(drop_id, keep, **_):
    signals.repoint(Engagement, Engagement.expert, drop_id, keep)


@signals.personal_data_requested.connect
def export_for_person(expert_id, **_):
    """What officials recorded about the person's work with the city (attachments are
    named, not included: a curator can hand them over)."""
    return {"engagements": [
        {"kind": row.kind, "title": row.title, "starts_on": row.starts_on.isoformat(),
         "ends_on": row.ends_on.isoformat() if row.ends_on else None,
         "department": row.department, "outcome": row.outcome,
         "attachments": [file.filename for file in files(row)]}
        for row in for_expert(expert_id)]}
