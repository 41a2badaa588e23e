"""Organisation representatives: an account that speaks for one organisation (an
enterprise posting its technology demands, an institute its offers).

The person registers an account as anyone does; a curator or a technology broker then
vouches for it, naming the organisation (the caller checks that the actor may vouch:
the marketplace knows who brokers). An account represents one organisation at a time;
vouching it for another moves it, and revoking ends it. Every change is audited. A
representative may touch only the records of their own organisation
(``organisation_of``)."""
from expertnet.accounts.models import User
from expertnet.core import audit
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _
from expertnet.organisations.models import Organisation, OrganisationRepresentative

# Accounts that may represent an organisation: officials, curators and admins work for
# the city and post on an organisation's behalf instead.
REPRESENTABLE_ROLES = ("expert",)


class Refused(ValueError):
    def __init__(self, message, status=409):
        super().__init__(str(message))
        self.message = message
        self.status = status


def organisation_of(user_id):
    """The id of the organisation the account represents now, or None."""
    if user_id is None:
        return None
    return (OrganisationRepresentative.select(OrganisationRepresentative.organisation)
            .where((OrganisationRepresentative.user == user_id)
                   & OrganisationRepresentative.revoked_at.is_null()).scalar())


def current():
    """``[(representative, user, organisation)]`` of the representatives in office,
    newest first."""
    rows = list(OrganisationRepresentative.select()
                .where(OrganisationRepresentative.revoked_at.is_null())
                .order_by(OrganisationRepresentative.vouched_at.desc(),
                          OrganisationRepresentative.id.desc()))
    users = {user.id: user for user in User.select().where(User.id.in_([row.user for row in rows]))}
    organisations = {row.id: row for row in Organisation.select().where(
        Organisation.id.in_([row.organisation_id for row in rows]))}
    return [(row, users.get(row.user), organisations.get(row.organisation_id)) for row in rows]


def of_organisation(organisation_id):
    """The ids of the accounts representing ``organisation_id`` now."""
    return [row.user for row in OrganisationRepresentative.select(OrganisationRepresentative.user)
            .where((OrganisationRepresentative.organisation == organisation_id)
                   & OrganisationRepresentative.revoked_at.is_null())]


def vouch(user, organisation, actor):
    """Make ``user`` (an active account of a representable role) the representative of
    ``organisation``; raises :class:`Refused`."""
    if not user.active or user.role not in REPRESENTABLE_ROLES:
        raise Refused(_("Only an active account registered by the person can represent an "
                        "organisation."))
    with database.atomic():
        row = OrganisationRepresentative.get_or_none(OrganisationRepresentative.user == user.id)
        if row is not None and row.revoked_at is None and row.organisation_id == organisation.id:
            raise Refused(_("This account already represents this organisation."))
        if row is None:
            row = OrganisationRepresentative(user=user.id)
        row.organisation = organisation.id
        row.vouched_by, row.vouched_at = actor, utcnow()
        row.revoked_by = row.revoked_at = None
        row.save()
        audit.record("representative.vouch", actor_id=actor,
                     changes={"user": user.id, "organisation": organisation.id})
    return row


def revoke(row, actor):
    with database.atomic():
        changed = (OrganisationRepresentative.update(revoked_by=actor, revoked_at=utcnow())
                   .where((OrganisationRepresentative.id == row.id)
                          & OrganisationRepresentative.revoked_at.is_null()).execute())
        if changed:
            audit.record("representative.revoke", actor_id=actor,
                         changes={"user": row.user, "organisation": row.organisation_id})
    return bool(changed)
