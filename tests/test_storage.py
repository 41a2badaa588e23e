"""Storage: SQLite settings, idempotent migrations, index versions, first run."""
import shutil

import pytest
from peewee import CharField
from playhouse.migrate import migrate

from expertnet.core import migrations
from expertnet.core.db import database, is_sqlite
from expertnet.directory import indexing
from expertnet.directory.models import Expert
from expertnet.organisations import indexing as organisation_indexing
from expertnet.organisations import writes as organisation_writes
from expertnet.search import index as search_index
from expertnet.search import records as search_records


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(app):
    if not is_sqlite():
        pytest.skip("SQLite only")
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_schema_creation_is_idempotent(app, add, app_factory):
    add(full_name="Còn Nguyên")
    assert migrations.upgrade(database) == []
    with app_factory().app_context():
        assert [e.full_name for e in Expert.select()] == ["Còn Nguyên"]


def test_a_later_migration_adds_a_column_without_losing_data(app, add, monkeypatch):
    add(full_name="Dữ Liệu Cũ")

    def add_photo(migrator, db):
        migrate(migrator.add_column("expert", "photo", CharField(default="")))

    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, ("9999_photo", add_photo)))
    assert migrations.upgrade(database) == ["9999_photo"]
    row = database.execute_sql("SELECT full_name, photo FROM expert").fetchone()
    assert row == ("Dữ Liệu Cũ", "")
    assert migrations.upgrade(database) == []


def test_an_index_of_another_schema_version_is_rebuilt_on_start(app, add, app_factory, store,
                                                               monkeypatch):
    expert = add(full_name="Phiên Bản Mới")
    store.close()
    monkeypatch.setattr(search_index, "SCHEMA_VERSION", search_index.SCHEMA_VERSION + 1)
    assert store.status() == "outdated"
    again = app_factory()
    with again.app_context():
        again_store = again.extensions["expertnet.search"]
        assert again_store.status() == "ok"
        assert again_store.stored_versions() == {expert.id: expert.version}


def test_an_unreadable_index_is_rebuilt(app, add, store):
    expert = add(full_name="Hỏng Chỉ Mục")
    store.close()
    live = store.live_path.resolve()
    for toc in live.glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    assert store.status() == "unreadable"
    indexing.reconcile()
    assert store.stored_versions() == {expert.id: expert.version}


def test_first_run_loads_the_demo_once(tmp_path, database_url, monkeypatch):
    import run
    monkeypatch.setenv("EXPERTNET_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("EXPERTNET_DATABASE_URL", database_url)
    monkeypatch.setattr("expertnet.Flask.run", lambda self, **kwargs: None)
    run.main().extensions["expertnet.search"].close()
    count = Expert.select().count()
    assert count >= 300
    kinds = {kind for (kind,) in Expert.select(Expert.kind).distinct().tuples()}
    assert kinds == {"domestic", "foreign", "diaspora"}
    assert Expert.select(Expert.country).distinct().count() >= 25
    run.main().extensions["expertnet.search"].close()
    assert Expert.select().count() == count


def test_the_start_up_reconciles_the_records_indexes_only_when_asked(app, app_factory):
    """EXPERTNET_RECONCILE_ON_START covers every index: off, a start leaves the
    organisations' index as it finds it, as it leaves the profiles' one; on (the
    default), the start brings it in step."""
    organisation = organisation_writes.save({"name_vi": "Viện Khởi Động", "type": "research_institute",
                                             "visibility": "public"}).organisation
    organisation_indexing.get_index().delete(organisation.id)  # an update lost
    assert not organisation_indexing.health()["in_step"]
    with app_factory(RECONCILE_ON_START=False).app_context():
        assert not organisation_indexing.health()["in_step"]
    with app_factory().app_context():
        assert organisation_indexing.health()["in_step"]


def test_without_reconcile_a_missing_records_index_is_made_empty_when_first_used(app, app_factory):
    organisation_writes.save({"name_vi": "Viện Chỉ Mục Mới", "type": "research_institute",
                              "visibility": "public"})
    index = organisation_indexing.get_index()
    folder = index.path
    index.close()
    search_records.forget()
    shutil.rmtree(folder)
    with app_factory(RECONCILE_ON_START=False).app_context():
        found = organisation_indexing.health()  # the first use makes it, empty
        assert folder.is_dir()
        assert found["documents"] == 0 and found["records"] == 1 and not found["in_step"]
