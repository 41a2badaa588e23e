"""Migrations 0040–0043 on a database created before them: the accounts get
a department, and the tables of needs, shortlists, contact requests and engagements
are created."""
from playhouse.migrate import SchemaMigrator, migrate

from expertnet.accounts.models import User
from expertnet.cooperation.models import ENGAGEMENT_MODELS
from expertnet.core import migrations
from expertnet.core.db import database, is_postgres
from expertnet.outreach.models import CONTACT_REQUEST_MODELS, NEED_MODELS, SHORTLIST_MODELS

NAMES = ["0040_needs", "0041_shortlists", "0042_contact_requests", "0043_engagements"]
TABLES = [*ENGAGEMENT_MODELS[::-1], *CONTACT_REQUEST_MODELS, *SHORTLIST_MODELS, *NEED_MODELS]


def test_the_needs_migrations_upgrade_an_older_database(app, make_user):
    user = make_user("official")
    with database.atomic():
        # Tables created later point at these (a council at its need): on PostgreSQL the
        # older database is made by dropping their constraints with the tables.
        database.drop_tables(TABLES, cascade=is_postgres())
        migrate(SchemaMigrator.from_database(database).drop_column("user", "department"))
        migrations.SchemaMigration.delete().where(
            migrations.SchemaMigration.name.in_(NAMES)).execute()
    assert "department" not in {column.name for column in database.get_columns("user")}
    assert migrations.upgrade(database) == NAMES
    assert User.get_by_id(user.id).department == ""
    for model in TABLES:
        assert model.table_exists()
    assert migrations.upgrade(database) == []
