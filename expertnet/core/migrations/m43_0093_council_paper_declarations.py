"""Step 43 of the migrations, recorded as ``0093_council_paper_declarations``: the
declarations of council members without an account, received on paper or by e-mail and
recorded by the council's secretary with the signed document.

The table is declared here as it stands at this step (a frozen copy, not an import of
``expertnet.councils.models``); the member it belongs to is named by its id column only."""
from peewee import AutoField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel

NAME = "0093_council_paper_declarations"


class _CouncilMember(FrozenModel):
    id = AutoField()

    class Meta:
        table_name = "council_member"


class CouncilPaperDeclaration(FrozenModel):
    id = AutoField()
    member = ForeignKeyField(_CouncilMember, backref="paper_declarations", on_delete="CASCADE",
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


TABLES = (CouncilPaperDeclaration,)


def apply(migrator, db):
    db.create_tables(TABLES, safe=True)
