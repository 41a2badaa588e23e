"""``writes.upsert_profiles`` re-reads the rows inside its transaction: a write based on
a copy read earlier merges what it changes onto the current row instead of saving the
stale copy whole over someone else's edit. Editors holding a version still get a
conflict."""
import pytest
from test_import import write_csv

from expertnet.accounts import data_rights
from expertnet.core.models import Audit
from expertnet.curation import importer
from expertnet.directory import writes
from expertnet.directory.models import Expert

COLUMNS = ["external_id", "kind", "full_name", "organization", "city", "fields", "phone"]


@pytest.fixture
def imported(app, tmp_path):
    row = {"external_id": "ST-1", "kind": "domestic", "full_name": "Đặng Văn Cũ",
           "organization": "Viện Cũ", "city": "Hải Phòng", "fields": "ai", "phone": ""}
    assert importer.import_file(write_csv(tmp_path / "a.csv", [row], columns=COLUMNS)).created == 1
    return row


def _meanwhile(monkeypatch, edit):
    """Run ``edit`` after the importer has read its rows and before it writes them, as
    a curator saving from another process would."""
    original = importer.apply_consent

    def interleaved(to_write, report, notice_version):
        original(to_write, report, notice_version)
        current = Expert.get(Expert.external_id == "ST-1")
        writes.save_profile(edit, expert=current, expected_version=current.version,
                              via="screen")
    monkeypatch.setattr(importer, "apply_consent", interleaved)


def test_an_import_keeps_an_edit_made_between_its_read_and_its_write(
        app, tmp_path, imported, monkeypatch):
    _meanwhile(monkeypatch, {"city": "Đà Nẵng", "phone": "+84 912 000 111", "fields": ["logistics"]})
    changed = {**imported, "organization": "Viện Mới"}  # the file changes the organisation only
    report = importer.import_file(write_csv(tmp_path / "b.csv", [changed], columns=COLUMNS))
    assert (report.updated, report.exit_code) == (1, 0)
    stored = Expert.get(Expert.external_id == "ST-1")
    # The file's change applied; the concurrent edit of other columns (and of the
    # fields, which the file repeats as it was) was not undone.
    assert (stored.organization, stored.city, stored.phone, stored.field_codes) == \
        ("Viện Mới", "Đà Nẵng", "+84 912 000 111", ["logistics"])
    assert stored.version == 3
    last = Audit.select().where(Audit.expert_id == stored.id).order_by(Audit.id.desc()).get()
    assert (last.action, last.source, set(last.changed)) == \
        ("profile.update", "import", {"organization", "import"})
    assert last.changed["import"] == {"mode": "update", "row": 2, "visibility": "kept"}


def test_a_field_both_changed_takes_the_later_writers_value(app, tmp_path, imported,
                                                            monkeypatch):
    _meanwhile(monkeypatch, {"organization": "Viện Của Người Sửa"})
    changed = {**imported, "organization": "Viện Trong Tệp", "fields": "ai;logistics"}
    importer.import_file(write_csv(tmp_path / "b.csv", [changed], columns=COLUMNS))
    stored = Expert.get(Expert.external_id == "ST-1")
    assert (stored.organization, stored.field_codes) == ("Viện Trong Tệp", ["ai", "logistics"])


def test_a_reimport_of_the_same_file_changes_nothing_edited_meanwhile(
        app, tmp_path, imported, monkeypatch):
    _meanwhile(monkeypatch, {"organization": "Viện Đã Sửa"})
    report = importer.import_file(write_csv(tmp_path / "a.csv", [imported], columns=COLUMNS))
    assert report.unchanged == 1
    assert Expert.get(Expert.external_id == "ST-1").organization == "Viện Đã Sửa"


def test_a_profile_deleted_meanwhile_is_reported_not_recreated(app, tmp_path, imported,
                                                               monkeypatch):
    original = importer.apply_consent

    def interleaved(to_write, report, notice_version):
        original(to_write, report, notice_version)
        data_rights.delete_profile(Expert.get(Expert.external_id == "ST-1"))
    monkeypatch.setattr(importer, "apply_consent", interleaved)
    changed = {**imported, "organization": "Viện Mới"}
    report = importer.import_file(write_csv(tmp_path / "b.csv", [changed], columns=COLUMNS))
    assert report.exit_code == 1 and report.problems[2][0][0] == "external_id"
    assert Expert.select().count() == 0


def test_a_stale_copy_saved_without_a_version_is_merged(app, add):
    expert = add(full_name="Cao Thị Hai Bản", organization="Viện A", city="Huế")
    stale = Expert.get_by_id(expert.id)
    writes.save_profile({"city": "Vinh"}, expert=Expert.get_by_id(expert.id),
                          expected_version=1)
    outcome = writes.save_profile({"organization": "Viện B", "city": "Huế"}, expert=stale)
    stored = Expert.get_by_id(expert.id)
    assert (stored.organization, stored.city, stored.version) == ("Viện B", "Vinh", 3)
    # The caller's copy and the outcome now hold what is stored.
    assert (stale.city, stale.version) == ("Vinh", 3) and outcome.expert.city == "Vinh"


def test_an_editor_with_an_old_version_still_gets_a_conflict(app, add):
    expert = add(full_name="Cao Thị Hai Bản", organization="Viện A")
    writes.save_profile({"city": "Vinh"}, expert=Expert.get_by_id(expert.id))
    stale = Expert.get_by_id(expert.id)
    stale.version = 1  # what the editor's form says
    with pytest.raises(writes.VersionConflict):
        writes.upsert_profiles([({"organization": "Viện B"}, stale)],
                                 expected_versions={expert.id: 1})
    assert Expert.get_by_id(expert.id).organization == "Viện A"


def test_a_second_app_sees_the_merged_row(app, app_factory, add):
    """Two app instances on one database: the write of the first, based on a copy the
    second app's edit made stale, keeps that edit."""
    expert = add(full_name="Cao Thị Hai Bản", organization="Viện A", city="Huế")
    stale = Expert.get_by_id(expert.id)
    other = app_factory()
    with other.app_context():
        writes.save_profile({"city": "Vinh"}, expert=Expert.get_by_id(expert.id),
                              expected_version=1)
    with app.app_context():
        writes.upsert_profiles([({"organization": "Viện B", "city": "Huế"}, stale)])
    with other.app_context():
        stored = Expert.get_by_id(expert.id)
        assert (stored.organization, stored.city) == ("Viện B", "Vinh")
