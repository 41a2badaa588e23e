"""Step 39 of the migrations, recorded as ``0084_councils_trainings``: training courses,
officials sent abroad, advisory and review councils, and the budget lines of the
programme's records.

The tables are declared here as they stand at this step (frozen copies, not imports of
``expertnet.cooperation.training_models``, ``expertnet.councils.models`` or
``expertnet.programme.budget_models``): the
migrations sit on the ground floor, and a later change to a model must not change what
this step created. The tables they point at are named by their id column only."""
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

NAME = "0084_councils_trainings"


def _reference(table):
    """A table created by an earlier step, as the target of a foreign key (its id only)."""
    meta = type("Meta", (), {"table_name": table})
    return type(f"_{table.title()}", (FrozenModel,), {"id": AutoField(), "Meta": meta,
                                                     "__module__": __name__})


_Organisation = _reference("organisation")
_Expert = _reference("expert")
_User = _reference("user")
_Mission = _reference("mission")
_Need = _reference("need")


class Training(FrozenModel):
    id = AutoField()
    topic = CharField(max_length=200)
    starts_on = DateField(index=True)
    ends_on = DateField(null=True)
    organiser = ForeignKeyField(_Organisation, null=True, backref="trainings", on_delete="SET NULL")
    organiser_name = CharField(max_length=300, default="")
    department = CharField(max_length=300)
    location = CharField(max_length=200, default="")
    description = TextField(default="")
    trainees_officials = IntegerField(default=0)
    trainees_enterprises = IntegerField(default=0)
    trainees_community = IntegerField(default=0)
    trainees_students = IntegerField(default=0)
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)



class TrainingLecturer(FrozenModel):
    id = AutoField()
    training = ForeignKeyField(Training, backref="lecturers", on_delete="CASCADE")
    expert = ForeignKeyField(_Expert, null=True, backref="trainings_taught", on_delete="CASCADE")
    name = CharField(max_length=200, default="")

    class Meta:
        table_name = "training_lecturer"



class TrainingFile(FrozenModel):
    id = AutoField()
    training = ForeignKeyField(Training, backref="files", on_delete="CASCADE")
    filename = CharField(max_length=200)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "training_file"



class OfficialAbroad(FrozenModel):
    id = AutoField()
    user = ForeignKeyField(_User, null=True, backref="postings_abroad", on_delete="SET NULL")
    name = CharField(max_length=200, default="")
    department = CharField(max_length=300)
    host = ForeignKeyField(_Organisation, null=True, backref="officials_hosted", on_delete="SET NULL")
    host_name = CharField(max_length=300, default="")
    country = CharField(max_length=2, index=True)
    purpose = CharField(max_length=16, index=True)
    starts_on = DateField(index=True)
    ends_on = DateField(null=True)
    mission = ForeignKeyField(_Mission, null=True, backref="officials_abroad", on_delete="SET NULL")
    note = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "official_abroad"



class Council(FrozenModel):
    id = AutoField()
    kind = CharField(max_length=16)
    title = CharField(max_length=200)
    subject = TextField(default="")
    subject_organisation = CharField(max_length=300, default="")
    department = CharField(max_length=300)
    need = ForeignKeyField(_Need, null=True, backref="councils", on_delete="SET NULL")
    fields = JSONListField(default=list)
    size = IntegerField(default=5)
    status = CharField(max_length=16, default="composing", index=True)
    conclusion = TextField(default="")
    concluded_on = DateField(null=True, index=True)
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)



class CouncilMember(FrozenModel):
    id = AutoField()
    council = ForeignKeyField(Council, backref="members", on_delete="CASCADE")
    expert = ForeignKeyField(_Expert, backref="council_seats", on_delete="CASCADE")
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



class CouncilMeeting(FrozenModel):
    id = AutoField()
    council = ForeignKeyField(Council, backref="meetings", on_delete="CASCADE")
    held_on = DateField()
    location = CharField(max_length=200, default="")
    conclusion = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "council_meeting"



class CouncilOpinion(FrozenModel):
    id = AutoField()
    meeting = ForeignKeyField(CouncilMeeting, backref="opinions", on_delete="CASCADE")
    member = ForeignKeyField(CouncilMember, backref="opinions", on_delete="CASCADE")
    vote = CharField(max_length=16, default="")
    opinion = TextField(default="")

    class Meta:
        table_name = "council_opinion"
        indexes = ((("meeting", "member"), True),)


class BudgetLine(FrozenModel):
    id = AutoField()
    record_kind = CharField(max_length=16)
    record_id = IntegerField()
    category = CharField(max_length=16)
    planned = BigIntegerField(default=0)
    actual = BigIntegerField(null=True)
    note = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "budget_line"
        indexes = ((("record_kind", "record_id"), False),)


TABLES = (Training, TrainingLecturer, TrainingFile, OfficialAbroad,
          Council, CouncilMember, CouncilMeeting, CouncilOpinion, BudgetLine)


def apply(migrator, db):
    db.create_tables(TABLES, safe=True)
