"""Migration 0005 on a database created before it (the columns missing) and on a new
one (0001 already created them from the current models)."""
from playhouse.migrate import SchemaMigrator, migrate

from expertnet.core import migrations
from expertnet.core.db import database
from expertnet.directory.models import Expert


def _columns():
    return {column.name for column in database.get_columns("expert")}


def test_0005_adds_the_contact_visibility_columns_to_an_older_database(app, add):
    expert = add(full_name="Cũ Trước Đây", email="cu@example.org")
    migrator = SchemaMigrator.from_database(database)
    with database.atomic():
        migrate(migrator.drop_column("expert", "email_visibility"),
                migrator.drop_column("expert", "phone_visibility"))
        migrations.SchemaMigration.delete().where(
            migrations.SchemaMigration.name == "0005_contact_visibility").execute()
    assert "email_visibility" not in _columns()
    assert migrations.upgrade(database) == ["0005_contact_visibility"]
    stored = Expert.get_by_id(expert.id)
    assert (stored.email_visibility, stored.phone_visibility) == ("officials", "officials")


def test_0005_is_a_no_op_when_the_columns_exist(app):
    with database.atomic():
        migrations.SchemaMigration.delete().where(
            migrations.SchemaMigration.name == "0005_contact_visibility").execute()
    assert migrations.upgrade(database) == ["0005_contact_visibility"]
    assert {"email_visibility", "phone_visibility"} <= _columns()
