"""Step 46 of the migrations, recorded as ``0094_organisation_duplicates``.

The organisations' duplicates page reads its pairs from a table instead of judging the
register on each load: the pairs (ids, first < second, and why they look alike) and one
row saying which version of the register they were found in. Declared here as frozen
copies (see step 37); the tables start empty and are filled on first use."""
from peewee import AutoField, CharField, DateTimeField, IntegerField

from expertnet.core.migrations.helpers import FrozenModel

NAME = "0094_organisation_duplicates"


class OrganisationDuplicate(FrozenModel):
    id = AutoField()
    first = IntegerField(index=True)
    second = IntegerField(index=True)
    reason = CharField(max_length=16)

    class Meta:
        table_name = "organisation_duplicate"
        indexes = ((("first", "second"), True),)


class OrganisationDuplicateState(FrozenModel):
    id = AutoField()
    register_version = CharField(max_length=200, default="")
    computed_at = DateTimeField(null=True)

    class Meta:
        table_name = "organisation_duplicate_state"


TABLES = (OrganisationDuplicate, OrganisationDuplicateState)


def apply(migrator, db):
    db.create_tables(TABLES, safe=True)
