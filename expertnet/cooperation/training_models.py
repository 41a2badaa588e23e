"""The records of training courses and of officials sent abroad: what the programme
counts toward its trainees and officials-abroad targets. Organisers and host
institutions point at organisation records when there is one, with the name as typed
otherwise."""
from peewee import AutoField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.accounts.models import User
from expertnet.cooperation.models import Mission
from expertnet.core.db import utcnow
from expertnet.core.models import BaseModel
from expertnet.directory.models import Expert
from expertnet.organisations.models import Organisation

# The groups of trainees the programme counts (cooperation/trainings.py names them).
TRAINEE_GROUPS = ("officials", "enterprises", "community", "students")


class Training(BaseModel):
    """A training course: its topic, dates, organiser, the department recording it and
    how many trainees of each group it had (counts; the list itself may be uploaded as a
    ``TrainingFile``)."""

    id = AutoField()
    topic = CharField(max_length=200)
    starts_on = DateField(index=True)
    ends_on = DateField(null=True)
    organiser = ForeignKeyField(Organisation, null=True, backref="trainings", on_delete="SET NULL")
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


class TrainingLecturer(BaseModel):
    """A lecturer of a course: an expert of the directory or someone named in plain text."""

    id = AutoField()
    training = ForeignKeyField(Training, backref="lecturers", on_delete="CASCADE")
    expert = ForeignKeyField(Expert, null=True, backref="trainings_taught", on_delete="CASCADE")
    name = CharField(max_length=200, default="")

    class Meta:
        table_name = "training_lecturer"


class TrainingFile(BaseModel):
    """The list of trainees as uploaded (checked like every attachment), kept under
    ``stored_name`` in the attachments folder."""

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


class OfficialAbroad(BaseModel):
    """An official sent abroad: who (an account, or a name), the host institution, the
    country, why (``officials_abroad.PURPOSES``), from–to, and the delegation it was part
    of, if any."""

    id = AutoField()
    user = ForeignKeyField(User, null=True, backref="postings_abroad", on_delete="SET NULL")
    name = CharField(max_length=200, default="")
    department = CharField(max_length=300)
    host = ForeignKeyField(Organisation, null=True, backref="officials_hosted", on_delete="SET NULL")
    host_name = CharField(max_length=300, default="")
    country = CharField(max_length=2, index=True)
    purpose = CharField(max_length=16, index=True)
    starts_on = DateField(index=True)
    ends_on = DateField(null=True)
    mission = ForeignKeyField(Mission, null=True, backref="officials_abroad", on_delete="SET NULL")
    note = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "official_abroad"


TRAINING_MODELS = (Training, TrainingLecturer, TrainingFile, OfficialAbroad)
