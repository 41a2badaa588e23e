"""Step 44 of the migrations, recorded as ``0092_organisation_proposals``.

The reconciliation page reads its proposals from a table instead of computing every
suggestion on each load: the proposals (one per free text, folded) with their suggested
records, and one row saying which versions of the register and of the free texts they
were computed from and how far a computation under way has gone. Declared here as
frozen copies (see step 37); the tables start empty and are filled on first use."""
from peewee import AutoField, BooleanField, CharField, DateTimeField, IntegerField

from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.models import JSONListField

NAME = "0092_organisation_proposals"


class OrganisationProposal(FrozenModel):
    id = AutoField()
    text_key = CharField(max_length=300, unique=True)
    text = CharField(max_length=300)
    sources = CharField(max_length=100, default="")
    counts = JSONListField(default=list)
    samples = JSONListField(default=list)
    records = IntegerField(default=0)
    matches = JSONListField(default=list)
    bulk_organisation = IntegerField(null=True)
    bulk_score = IntegerField(default=0, index=True)
    rank = IntegerField(default=0, index=True)

    class Meta:
        table_name = "organisation_proposal"


class OrganisationProposalState(FrozenModel):
    id = AutoField()
    register_version = CharField(max_length=200, default="")
    texts_version = CharField(max_length=200, default="")
    computing = BooleanField(default=False)
    done = IntegerField(default=0)
    total = IntegerField(default=0)
    linked = IntegerField(default=0)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)

    class Meta:
        table_name = "organisation_proposal_state"


TABLES = (OrganisationProposal, OrganisationProposalState)


def apply(migrator, db):
    db.create_tables(TABLES, safe=True)
