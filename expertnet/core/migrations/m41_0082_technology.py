"""Step 41 of the migrations, recorded as ``0082_technology``: the technology
marketplace (offers and their experts and files, demands, brokers, connections and their
steps, the items of supply–demand sessions) and the organisations' representatives.

The tables are declared here as they stand at this step (frozen copies, not imports of
``expertnet.technology.models``); the tables they point at (organisation, expert, event)
are named by stand-ins holding only their key."""
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

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.models import JSONListField

NAME = "0082_technology"


class Organisation(FrozenModel):
    id = AutoField()

    class Meta:
        table_name = "organisation"


class Expert(FrozenModel):
    id = AutoField()

    class Meta:
        table_name = "expert"


class Event(FrozenModel):
    id = AutoField()

    class Meta:
        table_name = "event"


class TechnologyOffer(FrozenModel):
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

    class Meta:
        table_name = "technology_offer"


class TechnologyOfferExpert(FrozenModel):
    id = AutoField()
    offer = ForeignKeyField(TechnologyOffer, on_delete="CASCADE", backref="expert_links")
    expert = ForeignKeyField(Expert, on_delete="CASCADE")

    class Meta:
        table_name = "technology_offer_expert"
        indexes = ((("offer", "expert"), True),)


class TechnologyOfferFile(FrozenModel):
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


class TechnologyDemand(FrozenModel):
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

    class Meta:
        table_name = "technology_demand"


class TechnologyBroker(FrozenModel):
    id = AutoField()
    user = IntegerField(unique=True)  # a user id
    granted_by = IntegerField(null=True)
    granted_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "technology_broker"


class Connection(FrozenModel):
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


class ConnectionExpert(FrozenModel):
    id = AutoField()
    connection = ForeignKeyField(Connection, on_delete="CASCADE", backref="expert_links")
    expert = ForeignKeyField(Expert, on_delete="CASCADE")

    class Meta:
        table_name = "technology_connection_expert"
        indexes = ((("connection", "expert"), True),)


class ConnectionStep(FrozenModel):
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


class SessionItem(FrozenModel):
    id = AutoField()
    event = ForeignKeyField(Event, on_delete="CASCADE", backref="technology_items")
    demand = ForeignKeyField(TechnologyDemand, null=True, on_delete="CASCADE")
    offer = ForeignKeyField(TechnologyOffer, null=True, on_delete="CASCADE")
    added_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "technology_session_item"


class OrganisationRepresentative(FrozenModel):
    id = AutoField()
    user = IntegerField(unique=True)  # a user id
    organisation = ForeignKeyField(Organisation, on_delete="CASCADE", backref="representatives")
    vouched_by = IntegerField(null=True)
    vouched_at = DateTimeField(default=utcnow)
    revoked_by = IntegerField(null=True)
    revoked_at = DateTimeField(null=True)

    class Meta:
        table_name = "organisation_representative"


TABLES = (TechnologyOffer, TechnologyOfferExpert, TechnologyOfferFile, TechnologyDemand, TechnologyBroker,
          Connection, ConnectionExpert, ConnectionStep, SessionItem, OrganisationRepresentative)


def apply(migrator, db):
    db.create_tables(TABLES, safe=True)
