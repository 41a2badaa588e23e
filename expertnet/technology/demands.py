"""Technology demands: what an enterprise, a department or a ward needs, in its own
plain words. Posted by a representative of the organisation that asks, or by an
official on its behalf (``on_behalf``); moderated like offers; a change by anyone but a
moderator sends the demand back to moderation."""
from expertnet.cooperation.common import field_problems
from expertnet.core import audit
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import clean, clean_multiline
from expertnet.notifications import inbox
from expertnet.technology import common, indexing, rules, vocab
from expertnet.technology.common import Problems, Refused
from expertnet.technology.models import Connection, SessionItem, TechnologyDemand
from expertnet.web.forms import form_date, text_problems

MAX_LENGTHS = {"title": 300, "problem": 10_000, "desired_outcome": 5_000, "location": 200}
COLUMNS = ("title", "problem", "desired_outcome", "language", "fields", "budget_min", "budget_max",
           "deadline", "location", "organisation", "identity_visibility", "contact_name",
           "contact_email", "contact_phone", "visibility")


def normalize(raw, viewer):
    errors = []
    values = {"title": clean(raw.get("title")), "location": clean(raw.get("location")),
              "problem": clean_multiline(raw.get("problem")),
              "desired_outcome": clean_multiline(raw.get("desired_outcome"))}
    errors += text_problems(values, ("title", "problem"), MAX_LENGTHS)
    values["language"] = clean(raw.get("language")) or "vi"
    if values["language"] not in vocab.DEMAND_LANGUAGES:
        errors.append(("language", _("Choose the language the demand is written in.")))
    values["fields"] = field_problems(raw.get("fields"), errors)
    if not values["fields"]:
        errors.append(("fields", _("Choose at least one field.")))
    values["budget_min"] = common.amount(raw.get("budget_min"), "budget_min", errors)
    values["budget_max"] = common.amount(raw.get("budget_max"), "budget_max", errors)
    if values["budget_min"] is not None and values["budget_max"] is not None \
            and values["budget_max"] < values["budget_min"]:
        errors.append(("budget_max", _("The highest budget is below the lowest.")))
    values["deadline"] = form_date(raw.get("deadline"), "deadline", errors)
    values["organisation"] = common.organisation_for(raw.get("organisation"), viewer, errors,
                                                     required=True)
    values["identity_visibility"] = common.visibility_value(raw.get("identity_visibility"),
                                                            "identity_visibility", errors)
    values["visibility"] = common.visibility_value(raw.get("visibility"), "visibility", errors)
    values.update(common.contact_values(raw, errors))
    return values, errors


def save(raw, viewer, demand=None):
    """Create or change a demand as ``viewer``; raises :class:`Problems` or
    :class:`Refused`."""
    if demand is None and not rules.may_post_demand(viewer):
        raise Refused(_("Only an organisation's representative or an official may post a "
                        "technology demand."), status=403)
    if demand is not None and not rules.may_edit(viewer, demand):
        raise Refused(_("You may not change this demand."), status=403)
    values, errors = normalize(raw, viewer)
    if errors:
        raise Problems(errors)
    with database.atomic():
        if demand is None:
            demand = TechnologyDemand(submitted_by=viewer.user_id, created_at=utcnow(),
                                      status="submitted",
                                      on_behalf=rules.represented(viewer) is None)
            action = "technology_demand.create"
        else:
            action = "technology_demand.update"
            demand.version += 1
            if not rules.may_moderate(viewer) and demand.status != "submitted":
                demand.status = "submitted"
        for name, value in values.items():
            setattr(demand, name, value)
        demand.updated_at = utcnow()
        demand.save()
        audit.record(action, actor_id=viewer.user_id,
                     changes={"technology_demand": demand.id, "status": demand.status,
                              "organisation": demand.organisation_id,
                              "on_behalf": demand.on_behalf})
    indexing.index_after_commit("demands", [demand.id])
    return demand


def moderate(demand, decision, reason, actor):
    decided = common.moderate(demand, "technology_demand", decision, reason, actor,
                              inbox.path_for("technology.demand", demand_id=demand.id))
    indexing.index_after_commit("demands", [demand.id])
    return decided


def delete(demand, actor):
    """Delete a demand no connection was opened for (a connection's history is kept)."""
    with database.atomic():
        if Connection.select().where(Connection.demand == demand.id).exists():
            raise Refused(_("A connection was opened for this demand: return it instead of "
                            "deleting it."))
        SessionItem.delete().where(SessionItem.demand == demand.id).execute()
        demand.delete_instance()
        audit.record("technology_demand.delete", actor_id=actor,
                     changes={"technology_demand": demand.id})
    indexing.index_after_commit("demands", [demand.id])
