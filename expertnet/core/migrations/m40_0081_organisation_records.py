"""Step 40 of the migrations, recorded as ``0081_organisation_records``.

Organisations become records that others point at: the index's bookkeeping column on
``organisation``; profiles' affiliations, contact persons and curators' reconciliation
decisions (tables of ``expertnet.organisations``); and the links of agreements' partners,
needs' organisations and the organisations delegations met. Declared here as frozen
copies (see step 37)."""
from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel, _add_missing_columns

NAME = "0081_organisation_records"


class Organisation(FrozenModel):
    id = AutoField()

    class Meta:
        table_name = "organisation"


class Mission(FrozenModel):
    id = AutoField()

    class Meta:
        table_name = "mission"


class Affiliation(FrozenModel):
    id = AutoField()
    expert_id = IntegerField(index=True)
    organisation = ForeignKeyField(Organisation, backref="affiliations", on_delete="CASCADE")
    role = CharField(max_length=200, default="")
    start_year = IntegerField(null=True)
    end_year = IntegerField(null=True)
    source_text = CharField(max_length=300, default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "affiliation"


class OrganisationContact(FrozenModel):
    id = AutoField()
    organisation = ForeignKeyField(Organisation, backref="contacts", on_delete="CASCADE")
    expert_id = IntegerField(null=True, index=True)
    name = CharField(max_length=200, default="")
    role = CharField(max_length=200, default="")
    email = CharField(max_length=254, default="")
    phone = CharField(max_length=40, default="")
    visibility = CharField(max_length=16, default="curators")
    email_visibility = CharField(max_length=16, default="officials")
    phone_visibility = CharField(max_length=16, default="officials")
    consented = BooleanField(default=False)
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "organisation_contact"


class LinkDecision(FrozenModel):
    id = AutoField()
    source = CharField(max_length=16)
    record_id = IntegerField()
    text_key = CharField(max_length=300)
    organisation = ForeignKeyField(Organisation, null=True, backref="link_decisions",
                                   on_delete="CASCADE")
    decided_by = IntegerField(null=True)
    decided_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "organisation_link_decision"
        indexes = ((("source", "record_id", "text_key"), True),)


class MissionOrganisation(FrozenModel):
    id = AutoField()
    mission = ForeignKeyField(Mission, backref="organisation_links", on_delete="CASCADE")
    text_key = CharField(max_length=300)
    organisation_id = IntegerField(index=True)

    class Meta:
        table_name = "mission_organisation"
        indexes = ((("mission", "text_key"), True),)


TABLES = (Affiliation, OrganisationContact, LinkDecision, MissionOrganisation)

def apply(migrator, db):
    _add_missing_columns(migrator, db, "organisation", {"indexed_version": IntegerField(null=True)})
    _add_missing_columns(migrator, db, "agreement", {"partner_organisation_id": IntegerField(null=True)})
    _add_missing_columns(migrator, db, "need", {"organisation_id": IntegerField(null=True)})
    # Written as peewee writes a model's index, so that the migrated schema is the models'.
    db.execute_sql('CREATE INDEX IF NOT EXISTS "agreement_partner_organisation_id" '
                   'ON "agreement" ("partner_organisation_id")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "need_organisation_id" ON "need" ("organisation_id")')
    db.create_tables(TABLES, safe=True)
