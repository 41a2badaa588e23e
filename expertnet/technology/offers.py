"""Technology offers: their checks, the one write path (create, change, moderate,
delete), their experts and files. A change by anyone but a moderator sends a published
or returned offer back to moderation: what readers see was always checked."""
from expertnet.cooperation import attachments
from expertnet.cooperation.common import field_problems, visible_experts
from expertnet.core import access, audit, signals
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import clean, clean_multiline, parse_id
from expertnet.directory.models import Expert
from expertnet.notifications import inbox
from expertnet.technology import common, indexing, rules, vocab
from expertnet.technology.common import Problems, Refused
from expertnet.technology.models import (
    ConnectionExpert,
    SessionItem,
    TechnologyOffer,
    TechnologyOfferExpert,
    TechnologyOfferFile,
)
from expertnet.web.forms import text_problems

MAX_LENGTHS = {"title_vi": 300, "title_en": 300, "description_vi": 10_000, "description_en": 10_000}
MAX_EXPERTS = 20
COLUMNS = ("title_vi", "title_en", "description_vi", "description_en", "fields", "trl", "ip_status",
           "transfer_models", "price", "negotiable", "organisation", "experts", "contact_name",
           "contact_email", "contact_phone", "visibility")


def normalize(raw, viewer):
    errors = []
    values = {name: clean(raw.get(name)) for name in ("title_vi", "title_en")}
    values.update({name: clean_multiline(raw.get(name)) for name in ("description_vi", "description_en")})
    errors += text_problems(values, (), MAX_LENGTHS)
    if not values["title_vi"] and not values["title_en"]:
        errors.append(("title_vi", _("Give the title in Vietnamese or in English.")))
    if not values["description_vi"] and not values["description_en"]:
        errors.append(("description_vi", _("Describe the technology in Vietnamese or in English.")))
    values["fields"] = field_problems(raw.get("fields"), errors)
    if not values["fields"]:
        errors.append(("fields", _("Choose at least one field.")))
    trl = parse_id(raw.get("trl"))
    if trl not in vocab.TRL_LEVELS:
        errors.append(("trl", _("Choose the technology readiness level (1 to 9).")))
    values["trl"] = trl
    values["ip_status"] = clean(raw.get("ip_status"))
    if values["ip_status"] not in vocab.IP_STATUSES:
        errors.append(("ip_status", _("Choose the intellectual property status.")))
    models = raw.get("transfer_models") or []
    models = [models] if isinstance(models, str) else list(models)
    values["transfer_models"] = [code for code in vocab.TRANSFER_MODELS if code in models]
    if not values["transfer_models"] or len(values["transfer_models"]) != len(set(models)):
        errors.append(("transfer_models", _("Choose how the technology can be transferred.")))
    values["negotiable"] = bool(raw.get("negotiable"))
    values["price"] = common.amount(raw.get("price"), "price", errors)
    if values["price"] is None and not values["negotiable"] and not errors_for(errors, "price"):
        errors.append(("price", _("Give an indicative price or tick “negotiable”.")))
    values["organisation"] = common.organisation_for(raw.get("organisation"), viewer, errors)
    values.update(common.contact_values(raw, errors))
    values["visibility"] = common.visibility_value(raw.get("visibility"), "visibility", errors)
    values["experts"] = _expert_ids(raw.get("experts"), viewer, errors)
    return values, errors


def errors_for(errors, name):
    return any(field == name for field, _message in errors)


def _expert_ids(raw, viewer, errors):
    """The profiles named (numbers, one per line or separated by commas or spaces) that
    ``viewer`` may see; an expert's own profile is always among those of their offer."""
    if isinstance(raw, str):
        raw = raw.replace(",", " ").replace(";", " ").split()
    ids = []
    for item in list(raw or [])[:MAX_EXPERTS + 1]:
        expert_id = parse_id(item)
        expert = Expert.get_or_none(Expert.id == expert_id) if expert_id else None
        if expert is None or not access.can_view(viewer, expert):
            errors.append(("experts", _("No expert has the number %(number)s.", number=str(item)[:20])))
            continue
        ids.append(expert.id)
    if len(ids) > MAX_EXPERTS:
        errors.append(("experts", _("At most %(count)s experts.", count=MAX_EXPERTS)))
    own = [expert_id for expert_id in viewer.own_expert_ids if expert_id not in ids]
    return list(dict.fromkeys([*own, *ids]))[:MAX_EXPERTS]


def save(raw, viewer, offer=None):
    """Create or change an offer as ``viewer``; raises :class:`Problems`."""
    if offer is None and not rules.may_offer(viewer):
        raise Refused(_("Log in to offer a technology."), status=403)
    if offer is not None and not rules.may_edit(viewer, offer):
        raise Refused(_("You may not change this offer."), status=403)
    values, errors = normalize(raw, viewer)
    if errors:
        raise Problems(errors)
    experts = values.pop("experts")
    with database.atomic():
        if offer is None:
            offer = TechnologyOffer(submitted_by=viewer.user_id, created_at=utcnow(), status="submitted")
            action = "technology_offer.create"
        else:
            action = "technology_offer.update"
            offer.version += 1
            if not rules.may_moderate(viewer) and offer.status != "submitted":
                offer.status = "submitted"
        for name, value in values.items():
            setattr(offer, name, value)
        offer.updated_at = utcnow()
        offer.save()
        kept = {row.expert_id for row in TechnologyOfferExpert.select()
                .where(TechnologyOfferExpert.offer == offer.id)}
        TechnologyOfferExpert.delete().where((TechnologyOfferExpert.offer == offer.id)
                                             & TechnologyOfferExpert.expert.not_in(experts)).execute()
        added = [{"offer": offer.id, "expert": expert_id} for expert_id in experts if expert_id not in kept]
        if added:
            TechnologyOfferExpert.insert_many(added).execute()
        audit.record(action, actor_id=viewer.user_id,
                     changes={"technology_offer": offer.id, "status": offer.status,
                              "organisation": offer.organisation_id, "experts": experts})
    indexing.index_after_commit("offers", [offer.id])
    return offer


def moderate(offer, decision, reason, actor):
    decided = common.moderate(offer, "technology_offer", decision, reason, actor,
                              inbox.path_for("technology.offer", offer_id=offer.id))
    indexing.index_after_commit("offers", [offer.id])
    return decided


def delete(offer, actor):
    with database.atomic():
        names = [row.stored_name for row in files(offer)]
        for model in (TechnologyOfferFile, TechnologyOfferExpert, SessionItem):
            model.delete().where(model.offer == offer.id).execute()
        offer.delete_instance()
        audit.record("technology_offer.delete", actor_id=actor, changes={"technology_offer": offer.id})
    attachments.remove(names)
    indexing.index_after_commit("offers", [offer.id])


def expert_ids(offer):
    return [row.expert_id for row in TechnologyOfferExpert.select(TechnologyOfferExpert.expert)
            .where(TechnologyOfferExpert.offer == offer.id).order_by(TechnologyOfferExpert.id)]


def experts(offer, viewer):
    ids = expert_ids(offer)
    found = visible_experts(viewer, ids)
    return [found[expert_id] for expert_id in ids if expert_id in found]


# -- files ----------------------------------------------------------------------------
def files(offer):
    return list(TechnologyOfferFile.select().where(TechnologyOfferFile.offer == offer.id)
                .order_by(TechnologyOfferFile.id))


def attach(offer, stream, filename, actor):
    """Store an uploaded file (the attachments' checks); raises ``attachments.Rejected``."""
    stored = attachments.store(stream, filename)
    try:
        with database.atomic():
            row = TechnologyOfferFile.create(offer=offer.id, uploaded_by=actor, **stored)
            audit.record("technology_offer.attach", actor_id=actor, changes={"technology_offer": offer.id})
    except Exception:
        attachments.remove([stored["stored_name"]])
        raise
    return row


def detach(offer, row, actor):
    with database.atomic():
        row.delete_instance()
        audit.record("technology_offer.detach", actor_id=actor, changes={"technology_offer": offer.id})
    attachments.remove([row.stored_name])


# -- the profiles an offer names --------------------------------------------------------
@signals.profile_deleted.connect
def erase_for_expert(expert_id, **_):
    TechnologyOfferExpert.delete().where(TechnologyOfferExpert.expert == expert_id).execute()
    ConnectionExpert.delete().where(ConnectionExpert.expert == expert_id).execute()


@signals.profiles_merged.connect
def repoint_for_merge(drop_id, keep, **_):
    signals.repoint(TechnologyOfferExpert, TechnologyOfferExpert.expert, drop_id, keep,
                    TechnologyOfferExpert.offer)
    signals.repoint(ConnectionExpert, ConnectionExpert.expert, drop_id, keep, ConnectionExpert.connection)


@signals.personal_data_requested.connect
def export_for_person(expert_id, **_):
    rows = (TechnologyOffer.select(TechnologyOffer).join(TechnologyOfferExpert)
            .where(TechnologyOfferExpert.expert == expert_id).order_by(TechnologyOffer.id))
    return {"technology_offers": [{"offer": row.title_vi or row.title_en, "status": row.status}
                                  for row in rows]}
