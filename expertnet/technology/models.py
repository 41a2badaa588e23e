"""The technology marketplace's records: offers (what experts, institutes, enterprises and
foreign partners can transfer), demands (what an enterprise, a department or a ward
needs), the brokers who connect them, the connections they open and the steps those
take, and the supply–demand sessions' lists of what was presented."""
from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from expertnet.cooperation.models import Event
from expertnet.core.db import utcnow
from expertnet.core.models import BaseModel, JSONListField
from expertnet.directory.models import Expert
from expertnet.organisations.models import Organisation


class TechnologyOffer(BaseModel):
    """A technology on offer, described in Vietnamese and English (either may be empty,
    not both). ``status`` follows moderation (``submitted`` → ``published`` or
    ``returned`` with ``return_reason``); only a published offer is shown beyond its
    submitter, its organisation's representatives and the moderators, and then to the
    readers its ``visibility`` allows. ``price`` is indicative, in VND; ``negotiable``
    says the price is to be agreed."""

    id = AutoField()
    title_vi = CharField(max_length=300, default="")
    title_en = CharField(max_length=300, default="")
    description_vi = TextField(default="")
    description_en = TextField(default="")
    fields = JSONListField(default=list)
    trl = IntegerField()
    ip_status = CharField(max_length=24)
    transfer_models = JSONListField(default=list)
    price = BigIntegerField(null=True)
    negotiable = BooleanField(default=False)
    organisation = ForeignKeyField(Organisation, null=True, on_delete="SET NULL",
                                   backref="technology_offers")
    contact_name = CharField(max_length=200, default="")
    contact_email = CharField(max_length=254, default="")
    contact_phone = CharField(max_length=40, default="")
    visibility = CharField(max_length=16, default="public", index=True)
    status = CharField(max_length=16, default="submitted", index=True)
    return_reason = TextField(default="")
    department = CharField(max_length=300, default="")
    submitted_by = IntegerField(null=True, index=True)  # a user id
    moderated_by = IntegerField(null=True)
    moderated_at = DateTimeField(null=True)
    published_at = DateTimeField(null=True, index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)
    # The version last written to the offers' index (None: never, or a failed update):
    # a record whose version differs waits for the next reconcile.
    indexed_version = IntegerField(null=True)

    class Meta:
        table_name = "technology_offer"

    def title(self, language):
        first, second = (self.title_vi, self.title_en) if language == "vi" else (self.title_en, self.title_vi)
        return first or second

    def description(self, language):
        first, second = ((self.description_vi, self.description_en) if language == "vi"
                         else (self.description_en, self.description_vi))
        return first or second


class TechnologyOfferExpert(BaseModel):
    """An expert who owns or carries an offer (once per offer)."""

    id = AutoField()
    offer = ForeignKeyField(TechnologyOffer, on_delete="CASCADE", backref="expert_links")
    expert = ForeignKeyField(Expert, on_delete="CASCADE")

    class Meta:
        table_name = "technology_offer_expert"
        indexes = ((("offer", "expert"), True),)


class TechnologyOfferFile(BaseModel):
    """A file describing an offer (the attachments' checks and limits)."""

    id = AutoField()
    offer = ForeignKeyField(TechnologyOffer, on_delete="CASCADE", backref="files")
    filename = CharField(max_length=200)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "technology_offer_file"


class TechnologyDemand(BaseModel):
    """A technology demand: the problem in the requester's plain words, the outcome
    wanted, a budget range (VND), a deadline and a place. ``organisation`` asks;
    ``identity_visibility`` says who may see which organisation asks (and its contact);
    ``visibility`` who may see the demand at all. ``on_behalf`` marks a demand an
    official posted for the organisation. Moderated like offers."""

    id = AutoField()
    title = CharField(max_length=300)
    problem = TextField()
    desired_outcome = TextField(default="")
    language = CharField(max_length=8, default="vi")
    fields = JSONListField(default=list)
    budget_min = BigIntegerField(null=True)
    budget_max = BigIntegerField(null=True)
    deadline = DateField(null=True)
    location = CharField(max_length=200, default="")
    organisation = ForeignKeyField(Organisation, null=True, on_delete="SET NULL",
                                   backref="technology_demands")
    identity_visibility = CharField(max_length=16, default="officials")
    contact_name = CharField(max_length=200, default="")
    contact_email = CharField(max_length=254, default="")
    contact_phone = CharField(max_length=40, default="")
    visibility = CharField(max_length=16, default="public", index=True)
    on_behalf = BooleanField(default=False)
    status = CharField(max_length=16, default="submitted", index=True)
    return_reason = TextField(default="")
    department = CharField(max_length=300, default="")
    submitted_by = IntegerField(null=True, index=True)
    moderated_by = IntegerField(null=True)
    moderated_at = DateTimeField(null=True)
    published_at = DateTimeField(null=True, index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)
    indexed_version = IntegerField(null=True)  # as the offer's

    class Meta:
        table_name = "technology_demand"


class TechnologyBroker(BaseModel):
    """An official an administrator allowed to broker: moderate offers and demands,
    vouch for organisation representatives, open and follow connections."""

    id = AutoField()
    user = IntegerField(unique=True)  # a user id
    granted_by = IntegerField(null=True)
    granted_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "technology_broker"


class Connection(BaseModel):
    """A broker's case between a demand and an offer and/or experts. ``status`` is its
    last step (``introduced`` → ``meeting_held`` → ``proposal`` → ``contract_signed``
    or ``closed`` without agreement); ``event`` is the supply–demand session where it
    started, if any; ``department`` is the broker's, for the programme's counts."""

    id = AutoField()
    demand = ForeignKeyField(TechnologyDemand, on_delete="CASCADE", backref="connections")
    offer = ForeignKeyField(TechnologyOffer, null=True, on_delete="SET NULL", backref="connections")
    event = ForeignKeyField(Event, null=True, on_delete="SET NULL")
    status = CharField(max_length=16, default="introduced", index=True)
    department = CharField(max_length=300, default="")
    note = TextField(default="")
    contract_value = BigIntegerField(null=True)
    closed_reason = TextField(default="")
    opened_by = IntegerField(null=True)
    opened_on = DateField(index=True)
    closed_on = DateField(null=True, index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "technology_connection"


class ConnectionExpert(BaseModel):
    id = AutoField()
    connection = ForeignKeyField(Connection, on_delete="CASCADE", backref="expert_links")
    expert = ForeignKeyField(Expert, on_delete="CASCADE")

    class Meta:
        table_name = "technology_connection_expert"
        indexes = ((("connection", "expert"), True),)


class ConnectionStep(BaseModel):
    """A step of a connection, on the day it happened (``happened_on``), as recorded."""

    id = AutoField()
    connection = ForeignKeyField(Connection, on_delete="CASCADE", backref="steps")
    step = CharField(max_length=16)
    happened_on = DateField()
    note = TextField(default="")
    reason = TextField(default="")
    contract_value = BigIntegerField(null=True)
    recorded_by = IntegerField(null=True)
    recorded_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "technology_connection_step"


class SessionItem(BaseModel):
    """A demand or an offer presented at a supply–demand session (an event of that
    kind), once each."""

    id = AutoField()
    event = ForeignKeyField(Event, on_delete="CASCADE", backref="technology_items")
    demand = ForeignKeyField(TechnologyDemand, null=True, on_delete="CASCADE")
    offer = ForeignKeyField(TechnologyOffer, null=True, on_delete="CASCADE")
    added_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "technology_session_item"


TECHNOLOGY_MODELS = (TechnologyOffer, TechnologyOfferExpert, TechnologyOfferFile, TechnologyDemand,
                     TechnologyBroker, Connection, ConnectionExpert, ConnectionStep, SessionItem)
