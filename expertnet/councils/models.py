"""The records of advisory and review councils: the council, its members (each with
their role, invitation, signed declaration, fee and the review engagement the council
wrote for them), its meetings and each member's opinion at a meeting."""
from peewee import (
    AutoField,
    BooleanField,
    CharField,
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


class Council(BaseModel):
    """A council (``kind``: advisory or review) asked by a department about a subject
    (the question, project or dossier under review, and the organisation behind it, for
    conflicts of interest), possibly for a need; ``size`` members are wanted; the fields
    it must cover; ``status``: composing → invited → concluded."""

    id = AutoField()
    kind = CharField(max_length=16)
    title = CharField(max_length=200)
    subject = TextField(default="")
    subject_organisation = CharField(max_length=300, default="")
    department = CharField(max_length=300)
    need = ForeignKeyField(Need, null=True, backref="councils", on_delete="SET NULL")
    fields = JSONListField(default=list)
    size = IntegerField(default=5)
    status = CharField(max_length=16, default="composing", index=True)
    conclusion = TextField(default="")
    concluded_on = DateField(null=True, index=True)
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)


class CouncilMember(BaseModel):
    """An expert on a council, once: ``role`` (chair, secretary, member), whether they
    come from outside the requesting department (``independent``, proposed from their
    organisation and confirmed by the official), the invitation (``status``: proposed →
    invited → accepted / declined), the declaration they signed online (its version and
    text as shown, when and by which account), an optional fee (VND) and the review
    engagement written when the council concluded."""

    id = AutoField()
    council = ForeignKeyField(Council, backref="members", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, backref="council_seats", on_delete="CASCADE")
    role = CharField(max_length=16, default="member")
    independent = BooleanField(default=False)
    status = CharField(max_length=16, default="proposed", index=True)
    added_by = IntegerField(null=True)
    added_at = DateTimeField(default=utcnow)
    invited_at = DateTimeField(null=True, index=True)
    mail_message_id = IntegerField(null=True)
    answered_at = DateTimeField(null=True)
    declaration_version = CharField(max_length=16, default="")
    declaration_text = TextField(default="")
    declared_at = DateTimeField(null=True)
    declared_by = IntegerField(null=True)
    fee = IntegerField(null=True)
    engagement_id = IntegerField(null=True)

    class Meta:
        table_name = "council_member"
        indexes = ((("council", "expert"), True),)


class CouncilMeeting(BaseModel):
    """A meeting of a council: when, where, and what it concluded."""

    id = AutoField()
    council = ForeignKeyField(Council, backref="meetings", on_delete="CASCADE")
    held_on = DateField()
    location = CharField(max_length=200, default="")
    conclusion = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "council_meeting"


class CouncilOpinion(BaseModel):
    """What one member said at one meeting: a vote (``councils.VOTES``) and the opinion."""

    id = AutoField()
    meeting = ForeignKeyField(CouncilMeeting, backref="opinions", on_delete="CASCADE")
    member = ForeignKeyField(CouncilMember, backref="opinions", on_delete="CASCADE")
    vote = CharField(max_length=16, default="")
    opinion = TextField(default="")

    class Meta:
        table_name = "council_opinion"
        indexes = ((("meeting", "member"), True),)


class CouncilPaperDeclaration(BaseModel):
    """The declaration of a member without an account (an unclaimed profile, a foreign
    member), signed on paper or sent by e-mail and recorded by the council's secretary:
    the day it was received, the version of the declaration it was signed against, the
    signed document (checked like every attachment, kept under ``stored_name``) and who
    recorded it, when. The member's ``declared_at`` is then the moment it was recorded
    and ``declared_by`` stays empty: no account signed."""

    id = AutoField()
    member = ForeignKeyField(CouncilMember, backref="paper_declarations", on_delete="CASCADE",
                             unique=True)
    received_on = DateField()
    version = CharField(max_length=16)
    filename = CharField(max_length=200)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    recorded_by = IntegerField(null=True)
    recorded_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "council_paper_declaration"


COUNCIL_MODELS = (Council, CouncilMember, CouncilMeeting, CouncilOpinion, CouncilPaperDeclaration)
