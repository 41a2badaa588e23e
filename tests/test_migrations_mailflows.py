"""Migrations 0016-0018 on a database made before them (tables and columns missing)
and on a new one (0001 created the columns from the current models already)."""
from playhouse.migrate import SchemaMigrator, migrate

from expertnet.accounts.models import Invitation, Registration
from expertnet.core import migrations
from expertnet.core.db import database
from expertnet.directory.models import Expert

NAMES = ["0016_registrations", "0017_profile_freshness", "0018_invitation_mail"]


def _columns(table):
    return {column.name for column in database.get_columns(table)}


def _forget():
    migrations.SchemaMigration.delete().where(migrations.SchemaMigration.name.in_(NAMES)).execute()


def test_they_add_the_table_and_columns_to_an_older_database(app, add):
    expert = add(full_name="Cũ Trước Đây")
    migrator = SchemaMigrator.from_database(database)
    with database.atomic():
        database.drop_tables([Registration])
        migrate(migrator.drop_column("expert", "owner_confirmed_at"),
                migrator.drop_column("expert", "stale_reminded_at"),
                migrator.drop_column("invitation", "mail_message_id"))
        _forget()
    assert "owner_confirmed_at" not in _columns("expert")
    assert migrations.upgrade(database) == NAMES
    assert {"owner_confirmed_at", "stale_reminded_at"} <= _columns("expert")
    assert "mail_message_id" in _columns("invitation")
    stored = Expert.get_by_id(expert.id)
    assert (stored.owner_confirmed_at, stored.stale_reminded_at) == (None, None)
    assert Registration.select().count() == 0 and Invitation.select().count() == 0


def test_they_are_no_ops_on_a_new_database(app):
    with database.atomic():
        _forget()
    assert migrations.upgrade(database) == NAMES
