"""Brokers: officials an administrator allows to broker technology (the Department of
Science and Technology's officials, typically). Granting and withdrawing are audited."""
from expertnet.accounts.models import User
from expertnet.core import audit
from expertnet.core.db import database
from expertnet.core.i18n import _
from expertnet.technology.common import Refused
from expertnet.technology.models import TechnologyBroker


def listing():
    """``[(broker, user)]``, in the order they were allowed."""
    rows = list(TechnologyBroker.select().order_by(TechnologyBroker.granted_at, TechnologyBroker.id))
    users = {user.id: user for user in User.select().where(User.id.in_([row.user for row in rows]))}
    return [(row, users.get(row.user)) for row in rows]


def grant(user, actor):
    if user.role != "official" or not user.active:
        raise Refused(_("Only an active official's account can be allowed to broker."))
    with database.atomic():
        if TechnologyBroker.select().where(TechnologyBroker.user == user.id).exists():
            raise Refused(_("This official already brokers."))
        row = TechnologyBroker.create(user=user.id, granted_by=actor)
        audit.record("technology_broker.grant", actor_id=actor, changes={"user": user.id})
    return row


def withdraw(user_id, actor):
    with database.atomic():
        removed = TechnologyBroker.delete().where(TechnologyBroker.user == user_id).execute()
        if removed:
            audit.record("technology_broker.withdraw", actor_id=actor, changes={"user": user_id})
    return bool(removed)
