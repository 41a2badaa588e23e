"""Engagements and their files, events and invitations, missions (delegation trips),
agreements."""
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
from expertnet.core.models import BaseModel, JSONListField
from expertnet.directory.models import Expert
from expertnet.outreach.models import Need


class Engagement(BaseModel):
    """What happened with an expert (``vocab.ENGAGEMENT_KINDS``): a consultation, a
    lecture, a review…, when, for which department or organisation, with what outcome,
    possibly for a need. These are the records the city reports against its programme.
    Deleted with the profile (they describe a person)."""

    id = AutoField()
    expert = ForeignKeyField(Expert, backref="engagements", on_delete="CASCADE")
    need = ForeignKeyField(Need, null=True, backref="engagements", on_delete="SET NULL")
    kind = CharField(max_length=32, index=True)
    title = CharField(max_length=200)
    starts_on = DateField(index=True)
    ends_on = DateField(null=True)
    department = CharField(max_length=300)
    outcome = TextField(default="")
    created_by = IntegerField(null=True)  # a user id
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    # The organisation record served (organisations), chosen in the form, taken from the
    # need's organisation, or reconciled from ``department``; the text stays as written.
    organisation_id = IntegerField(null=True, index=True)


class Attachment(BaseModel):
    """A file of an engagement (a report, minutes, a certificate), kept in the instance
    folder under ``stored_name``, never under the name it was uploaded with."""

    id = AutoField()
    engagement = ForeignKeyField(Engagement, backref="attachments", on_delete="CASCADE")
    filename = CharField(max_length=200)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)


ENGAGEMENT_MODELS = (Engagement, Attachment)


class Event(BaseModel):
    """A conference, workshop or technology fair the city organises
    (``vocab.EVENT_KINDS``): when, where (or online), which department organises it, in
    which fields. Experts are invited to it (``EventInvitation``)."""

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
    created_by = IntegerField(null=True)  # a user id
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class EventOrganisation(BaseModel):
    """An organisation record that organises an event (``organiser``: chosen in the form
    or reconciled from the event's ``department``, whose text stays as written) or is
    its partner (``partner``). Once per event and organisation."""

    id = AutoField()
    event = ForeignKeyField(Event, backref="organisation_links", on_delete="CASCADE")
    organisation_id = IntegerField(index=True)
    role = CharField(max_length=16, default="organiser")

    class Meta:
        table_name = "event_organisation"
        indexes = ((("event", "organisation_id"), True),)


class EventInvitation(BaseModel):
    """An expert invited to an event, once (a unique key): in which role, their reply
    (``invited`` until they or an official record one: ``accepted``, ``declined``,
    ``no_reply``; ``cancelled`` when their consent is withdrawn) and, once it is over,
    whether they came (``attended`` / ``absent``; empty until recorded)."""

    id = AutoField()
    event = ForeignKeyField(Event, backref="invitations", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="event_invitations", on_delete="CASCADE")
    role = CharField(max_length=16, default="participant")
    status = CharField(max_length=16, default="invited", index=True)
    attendance = CharField(max_length=16, default="")
    invited_by = IntegerField(null=True)
    invited_at = DateTimeField(default=utcnow)
    answered_at = DateTimeField(null=True)
    # Who recorded the reply: "expert" (their dashboard) or "official" (received offline).
    answered_via = CharField(max_length=16, default="")
    mail_message_id = IntegerField(null=True)

    class Meta:
        table_name = "event_invitation"
        indexes = ((("event", "expert"), True),)


class Mission(BaseModel):
    """A delegation ("đoàn công tác"): ``outgoing`` (officials abroad) or ``incoming``
    (a visiting delegation); the country and city it went to or came from, when, which
    department, its members (officials by name, one per line; experts of the directory
    in ``MissionExpert``), the organisations it met (one per line) and its follow-ups.
    Named Mission in the code: ``ProfileDelegate`` is a profile's editing delegate."""

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


class MissionExpert(BaseModel):
    """An expert of the directory in a delegation: a ``member`` of it, or someone it
    ``met``."""

    id = AutoField()
    mission = ForeignKeyField(Mission, backref="experts", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="missions", on_delete="CASCADE")
    role = CharField(max_length=16)
    added_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "mission_expert"
        indexes = ((("mission", "expert", "role"), True),)


class MissionOrganisation(BaseModel):
    """One line of a delegation's ``organisations`` (by its folded text) reconciled with
    an organisation record: the text stays as written in the delegation."""

    id = AutoField()
    mission = ForeignKeyField(Mission, backref="organisation_links", on_delete="CASCADE")
    text_key = CharField(max_length=300)
    organisation_id = IntegerField(index=True)

    class Meta:
        table_name = "mission_organisation"
        indexes = ((("mission", "text_key"), True),)


class MissionFollowUp(BaseModel):
    """What a delegation left to do: text, due date, done (and when)."""

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


class Agreement(BaseModel):
    """A cooperation agreement (MOU) with a partner organisation at home or abroad
    (``partner_scope``: ``domestic`` / ``foreign``): signed when, until when, where it
    stands (``vocab.AGREEMENT_STATUSES``), in which fields, for which department."""

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
    # The organisation record ``partner`` was reconciled with (organisations), if any.
    partner_organisation_id = IntegerField(null=True, index=True)


class AgreementExpert(BaseModel):
    agreement = ForeignKeyField(Agreement, backref="experts", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="agreements", on_delete="CASCADE")
    added_by = IntegerField(null=True)

    class Meta:
        table_name = "agreement_expert"
        primary_key = CompositeKey("agreement", "expert")


class AgreementLink(BaseModel):
    """An event or a delegation an agreement came from or belongs with (one of the two)."""

    id = AutoField()
    agreement = ForeignKeyField(Agreement, backref="links", on_delete="CASCADE")
    event = ForeignKeyField(Event, null=True, backref="agreement_links", on_delete="CASCADE")
    mission = ForeignKeyField(Mission, null=True, backref="agreement_links", on_delete="CASCADE")

    class Meta:
        table_name = "agreement_link"


class AgreementFile(BaseModel):
    """The signed file of an agreement (attachments.py's checks and limits)."""

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


COOPERATION_MODELS = (Event, EventInvitation, Mission, MissionExpert, MissionFollowUp, Agreement,
                      AgreementExpert, AgreementLink, AgreementFile, MissionOrganisation,
                      EventOrganisation)
