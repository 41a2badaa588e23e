"""Step 28 of the migrations, recorded as ``0044_cooperation``."""
from peewee import (
    AutoField,
    BooleanField,
    CharField,
    CompositeKey,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m01_0001_initial import Expert
from expertnet.core.models import JSONListField

NAME = "0044_cooperation"


class Event(FrozenModel):
    id = AutoField()
    kind = CharField(max_length=32, index=True)
    title = CharField(max_length=200)
    starts_on = DateField(index=True)
    ends_on = DateField(null=True)
    location = CharField(max_length=200, default="")
    online = BooleanField(default=False)
    department = CharField(max_length=300)
    description = TextField(default="")
    fields = JSONListField(default=list)
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class EventInvitation(FrozenModel):
    id = AutoField()
    event = ForeignKeyField(Event, backref="invitations", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="event_invitations", on_delete="CASCADE")
    role = CharField(max_length=16, default="participant")
    status = CharField(max_length=16, default="invited", index=True)
    attendance = CharField(max_length=16, default="")
    invited_by = IntegerField(null=True)
    invited_at = DateTimeField(default=utcnow)
    answered_at = DateTimeField(null=True)
    answered_via = CharField(max_length=16, default="")
    mail_message_id = IntegerField(null=True)

    class Meta:
        table_name = "event_invitation"
        indexes = ((("event", "expert"), True),)


class Mission(FrozenModel):
    id = AutoField()
    direction = CharField(max_length=16, index=True)
    title = CharField(max_length=200)
    country = CharField(max_length=2, default="", index=True)
    city = CharField(max_length=120, default="")
    starts_on = DateField(index=True)
    ends_on = DateField(null=True)
    department = CharField(max_length=300)
    purpose = TextField(default="")
    officials = TextField(default="")
    organisations = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class MissionExpert(FrozenModel):
    id = AutoField()
    mission = ForeignKeyField(Mission, backref="experts", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="missions", on_delete="CASCADE")
    role = CharField(max_length=16)
    added_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "mission_expert"
        indexes = ((("mission", "expert", "role"), True),)


class MissionFollowUp(FrozenModel):
    id = AutoField()
    mission = ForeignKeyField(Mission, backref="follow_ups", on_delete="CASCADE")
    text = CharField(max_length=1000)
    due_on = DateField(null=True)
    done = BooleanField(default=False)
    done_at = DateTimeField(null=True)
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "mission_follow_up"


class Agreement(FrozenModel):
    id = AutoField()
    title = CharField(max_length=200)
    partner = CharField(max_length=300)
    partner_country = CharField(max_length=2, default="")
    partner_scope = CharField(max_length=16, index=True)
    status = CharField(max_length=16, default="draft", index=True)
    signed_on = DateField(null=True, index=True)
    ends_on = DateField(null=True)
    fields = JSONListField(default=list)
    department = CharField(max_length=300)
    description = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class AgreementExpert(FrozenModel):
    agreement = ForeignKeyField(Agreement, backref="experts", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="agreements", on_delete="CASCADE")
    added_by = IntegerField(null=True)

    class Meta:
        table_name = "agreement_expert"
        primary_key = CompositeKey("agreement", "expert")


class AgreementLink(FrozenModel):
    id = AutoField()
    agreement = ForeignKeyField(Agreement, backref="links", on_delete="CASCADE")
    event = ForeignKeyField(Event, null=True, backref="agreement_links", on_delete="CASCADE")
    mission = ForeignKeyField(Mission, null=True, backref="agreement_links", on_delete="CASCADE")

    class Meta:
        table_name = "agreement_link"


class AgreementFile(FrozenModel):
    id = AutoField()
    agreement = ForeignKeyField(Agreement, backref="files", on_delete="CASCADE")
    filename = CharField(max_length=200)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "agreement_file"


def apply(migrator, db):
    # Events, delegations and agreements.
    db.create_tables([Event, EventInvitation, Mission, MissionExpert, MissionFollowUp, Agreement,
                      AgreementExpert, AgreementLink, AgreementFile], safe=True)
