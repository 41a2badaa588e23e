"""Optimistic locking in the write path: a second save based on an old version is
refused, even when both editors loaded the profile before either saved."""
import pytest

from expertnet.core.models import Audit
from expertnet.directory import writes
from expertnet.directory.models import Expert


def test_a_save_based_on_an_old_version_is_refused(app, add):
    expert = add(full_name="Vũ Thị Lan")
    first = Expert.get_by_id(expert.id)
    second = Expert.get_by_id(expert.id)  # both editors read version 1
    writes.save_profile({"organization": "Cảng Hải Phòng"}, expert=first, expected_version=1)
    # The second editor's object still says version 1: only the database knows better.
    second.version = 1
    with pytest.raises(writes.VersionConflict):
        writes.save_profile({"organization": "Viettel"}, expert=second, expected_version=1)
    stored = Expert.get_by_id(expert.id)
    assert (stored.organization, stored.version) == ("Cảng Hải Phòng", 2)
    assert Audit.select().where(Audit.expert_id == expert.id).count() == 2  # create + first save
    # With the current version the save goes through.
    writes.save_profile({"organization": "Viettel"}, expert=stored, expected_version=2)
    assert Expert.get_by_id(expert.id).version == 3
