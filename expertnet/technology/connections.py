"""Connections: a broker's case between a demand and an offer and/or experts, and the
steps it takes with their dates (introduced → meeting held → proposal → contract signed,
or closed without agreement with a reason). Steps go forward only; a contract's value
is optional. The parties (the demand's and the offer's submitters and representatives,
the experts' own accounts) see where their connection stands."""
from expertnet.accounts.models import User
from expertnet.cooperation.models import Event
from expertnet.core import audit
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import clean_multiline
from expertnet.directory.models import Expert
from expertnet.notifications import inbox
from expertnet.organisations import representatives
from expertnet.technology import common, rules, vocab
from expertnet.technology.common import Problems, Refused
from expertnet.technology.models import (
    Connection,
    ConnectionExpert,
    ConnectionStep,
    SessionItem,
    TechnologyDemand,
    TechnologyOffer,
    TechnologyOfferExpert,
)
from expertnet.web.forms import form_date

ORDER = tuple(vocab.CONNECTION_STEPS)
MAX_NOTE = 2000
MAX_EXPERTS = 20


def open_connection(demand, actor, offer=None, experts=(), event=None, note="", opened_on=None):
    """Open a connection (as a broker: the caller checks) between a published demand and
    a published offer and/or experts; ``event``: the supply–demand session where it
    started. Raises :class:`Refused`."""
    experts = list(dict.fromkeys(experts))
    if offer is None and not experts:
        raise Refused(_("Choose an offer or at least one expert to connect."), status=400)
    if len(experts) > MAX_EXPERTS:
        raise Refused(_("At most %(count)s experts.", count=MAX_EXPERTS), status=400)
    if demand.status != "published" or (offer is not None and offer.status != "published"):
        raise Refused(_("Only published demands and offers can be connected."))
    note = clean_multiline(note)
    if len(note) > MAX_NOTE:
        raise Refused(_("is too long (%(length)s characters; at most %(limit)s)",
                        length=len(note), limit=MAX_NOTE), status=400)
    if event is not None and event.kind != "supply_demand_session":
        raise Refused(_("Only a supply–demand session can be where a connection started."), status=400)
    opened_on = opened_on or utcnow().date()
    with database.atomic():
        row = Connection.create(demand=demand.id, offer=offer.id if offer is not None else None,
                                event=event.id if event is not None else None, status="introduced",
                                department=common.department_of(actor), note=note, opened_by=actor,
                                opened_on=opened_on)
        if experts:
            ConnectionExpert.insert_many([{"connection": row.id, "expert": expert.id}
                                          for expert in experts]).execute()
        ConnectionStep.create(connection=row.id, step="introduced", happened_on=opened_on,
                              recorded_by=actor)
        audit.record("connection.open", actor_id=actor, changes={
            "connection": row.id, "technology_demand": demand.id,
            "technology_offer": offer.id if offer is not None else None,
            "experts": [expert.id for expert in experts],
            "event": event.id if event is not None else None})
        _tell_parties(row, actor)
    return row


def record_step(connection, raw, actor):
    """Log the next step (forward only) with its date; ``closed`` needs a reason, a
    contract may carry its value. Raises :class:`Problems` or :class:`Refused`."""
    step = (raw.get("step") or "").strip()
    errors = []
    if step not in ORDER or step == "introduced":
        raise Refused(_("Choose the step."), status=400)
    if connection.status in vocab.ENDING_STEPS:
        raise Refused(_("This connection is over: no step can follow."))
    if step not in vocab.ENDING_STEPS and ORDER.index(step) <= ORDER.index(connection.status):
        raise Refused(_("This step is already behind the connection."))
    happened_on = form_date(raw.get("happened_on"), "happened_on", errors, required=True)
    if happened_on and happened_on < connection.opened_on:
        errors.append(("happened_on", _("is before the connection was opened")))
    if happened_on and happened_on > utcnow().date():
        errors.append(("happened_on", _("is in the future")))
    note = clean_multiline(raw.get("note"))
    reason = clean_multiline(raw.get("reason"))
    for name, value in (("note", note), ("reason", reason)):
        if len(value) > MAX_NOTE:
            errors.append((name, _("is too long (%(length)s characters; at most %(limit)s)",
                                   length=len(value), limit=MAX_NOTE)))
    if step == "closed" and not reason:
        errors.append(("reason", _("Say why the connection closed without agreement.")))
    value = common.amount(raw.get("contract_value"), "contract_value", errors) \
        if step == "contract_signed" else None
    if errors:
        raise Problems(errors)
    with database.atomic():
        changed = (Connection.update(
            status=step, updated_at=utcnow(),
            **({"closed_on": happened_on} if step in vocab.ENDING_STEPS else {}),
            **({"closed_reason": reason} if step == "closed" else {}),
            **({"contract_value": value} if step == "contract_signed" else {}))
            .where((Connection.id == connection.id) & (Connection.status == connection.status))
            .execute())
        if not changed:
            raise Refused(_("Someone else recorded a step meanwhile."))
        ConnectionStep.create(connection=connection.id, step=step, happened_on=happened_on, note=note,
                              reason=reason, contract_value=value, recorded_by=actor)
        audit.record("connection.step", actor_id=actor, changes={
            "connection": connection.id, "status": step, "happened_on": happened_on,
            **({"contract_value": value} if value is not None else {})})
        connection.status = step
        _tell_parties(connection, actor)
    return connection


def steps(connection):
    return list(ConnectionStep.select().where(ConnectionStep.connection == connection.id)
                .order_by(ConnectionStep.happened_on, ConnectionStep.id))


def expert_ids(connection):
    return [row.expert_id for row in ConnectionExpert.select(ConnectionExpert.expert)
            .where(ConnectionExpert.connection == connection.id).order_by(ConnectionExpert.id)]


def party_user_ids(connection):
    """The accounts that take part: who submitted the demand and the offer, the
    representatives of their organisations, the owners of the experts' profiles."""
    demand = TechnologyDemand.get_by_id(connection.demand_id)
    ids = {demand.submitted_by}
    organisations = {demand.organisation_id}
    expert_ids_ = set(expert_ids(connection))
    if connection.offer_id:
        offer = TechnologyOffer.get_or_none(TechnologyOffer.id == connection.offer_id)
        if offer is not None:
            ids.add(offer.submitted_by)
            organisations.add(offer.organisation_id)
            expert_ids_ |= {row.expert_id for row in
                            TechnologyOfferExpert.select(TechnologyOfferExpert.expert)
                            .where(TechnologyOfferExpert.offer == offer.id)}
    for organisation_id in organisations - {None}:
        ids |= set(representatives.of_organisation(organisation_id))
    if expert_ids_:
        ids |= {user.id for user in User.select(User.id).where(User.expert.in_(list(expert_ids_)))}
    return ids - {None}


def is_party(viewer, connection):
    return viewer.user_id is not None and viewer.user_id in party_user_ids(connection)


def may_see(viewer, connection):
    return rules.is_broker(viewer) or is_party(viewer, connection)


def _tell_parties(connection, actor):
    demand_title = TechnologyDemand.select(TechnologyDemand.title) \
        .where(TechnologyDemand.id == connection.demand_id).scalar()
    link = inbox.path_for("technology.connection", connection_id=connection.id)
    for user_id in sorted(party_user_ids(connection) - {actor}):
        inbox.notify(user_id, "connection_step", link=link, title=demand_title,
                     step=connection.status)


def for_user(viewer):
    """The connections ``viewer`` takes part in (or all, for a broker), newest first."""
    rows = list(Connection.select().order_by(Connection.opened_on.desc(), Connection.id.desc()))
    if rules.is_broker(viewer):
        return rows
    return [row for row in rows if is_party(viewer, row)]


def for_demand(demand):
    return list(Connection.select().where(Connection.demand == demand.id).order_by(Connection.id))


def for_event(event_id):
    return list(Connection.select().where(Connection.event == event_id).order_by(Connection.id))


def experts_of(connection):
    ids = expert_ids(connection)
    found = {expert.id: expert for expert in Expert.select().where(Expert.id.in_(ids))} if ids else {}
    return [found[expert_id] for expert_id in ids if expert_id in found]


# -- supply–demand sessions ---------------------------------------------------------------
def session_items(event_id):
    """``(demands, offers)`` presented at the session, in the order they were added."""
    rows = list(SessionItem.select().where(SessionItem.event == event_id).order_by(SessionItem.id))
    demands = {row.id: row for row in TechnologyDemand.select().where(
        TechnologyDemand.id.in_([row.demand_id for row in rows if row.demand_id]))}
    offers = {row.id: row for row in TechnologyOffer.select().where(
        TechnologyOffer.id.in_([row.offer_id for row in rows if row.offer_id]))}
    return ([(row, demands[row.demand_id]) for row in rows if row.demand_id in demands],
            [(row, offers[row.offer_id]) for row in rows if row.offer_id in offers])


def present(event, actor, demand=None, offer=None):
    """Record that a published demand or offer was presented at the session (once)."""
    if event.kind != "supply_demand_session":
        raise Refused(_("Only a supply–demand session lists the demands and offers presented."), status=400)
    if (demand is None) == (offer is None):
        raise Refused(_("Choose a demand or an offer."), status=400)
    record = demand if demand is not None else offer
    if record.status != "published":
        raise Refused(_("Only published demands and offers can be presented."))
    query = SessionItem.select().where(SessionItem.event == event.id)
    query = query.where(SessionItem.demand == demand.id) if demand is not None \
        else query.where(SessionItem.offer == offer.id)
    with database.atomic():
        if query.exists():
            raise Refused(_("This is already on the session's list."))
        row = SessionItem.create(event=event.id, demand=demand.id if demand is not None else None,
                                 offer=offer.id if offer is not None else None, added_by=actor)
        audit.record("technology_session.present", actor_id=actor, changes={
            "event": event.id, "technology_demand": demand.id if demand is not None else None,
            "technology_offer": offer.id if offer is not None else None})
    return row


def withdraw_item(row, actor):
    with database.atomic():
        row.delete_instance()
        audit.record("technology_session.withdraw", actor_id=actor, changes={
            "event": row.event_id, "technology_demand": row.demand_id,
            "technology_offer": row.offer_id})


def sessions():
    return list(Event.select().where(Event.kind == "supply_demand_session")
                .order_by(Event.starts_on.desc(), Event.id.desc()))
