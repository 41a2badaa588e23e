"""Step 23 of the migrations, recorded as ``0043_engagements``."""
from peewee import AutoField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.migrations.m01_0001_initial import Expert
from expertnet.core.migrations.m20_0040_needs import Need

NAME = "0043_engagements"


class Engagement(FrozenModel):
    id = AutoField()
    expert = ForeignKeyField(Expert, backref="engagements", on_delete="CASCADE")
    need = ForeignKeyField(Need, null=True, backref="engagements", on_delete="SET NULL")
    kind = CharField(max_length=32, index=True)
    title = CharField(max_length=200)
    starts_on = DateField(index=True)
    ends_on = DateField(null=True)
    department = CharField(max_length=300)
    outcome = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class Attachment(FrozenModel):
    id = AutoField()
    engagement = ForeignKeyField(Engagement, backref="attachments", on_delete="CASCADE")
    filename = CharField(max_length=200)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)


def apply(migrator, db):
    db.create_tables([Engagement, Attachment], safe=True)
