"""Import modes: ``update`` keeps what an empty cell does not
say and adds list items, ``fill`` only fills what is empty, ``replace`` is explicit; a
name differing only in diacritics never loses them; consenting rows are published with
the import's visibility for consenting rows; the preview, the command line's summary
and the audit entries tell the same changes."""
import csv
import io

import pytest
from conftest import csrf_token
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_import_browser import commit, csv_bytes, decide, post, row, uploaded_batch

from expertnet.core.models import Audit
from expertnet.core.text import fold
from expertnet.curation import import_modes
from expertnet.curation.import_modes import ADDED, ERASED, KEPT, Change, resolve
from expertnet.curation.models import ImportBatch
from expertnet.directory import writes
from expertnet.directory.models import Expert

SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

RICH = dict(external_id="HP-77", kind="diaspora", full_name="Hoàng Minh Huy",
            birth_year="1979", organization="Đại học Tokyo", email="huy.hoang@example.jp",
            phone="+81 90 1234 5678", languages="vi;ja;en", fields="ai;logistics",
            keywords="cảng biển;robot", bio_vi="Nghiên cứu cảng thông minh.",
            bio_en="Works on smart ports.", hometown="phường Lê Chân", country="Nhật Bản",
            city="Tokyo", visibility="public")
# The ward office's thin row: no diacritics, most cells empty, one language.
THIN = {"external_id": "HP-77", "kind": "diaspora", "full_name": "Hoang Minh Huy",
        "languages": "ja", "phone": "", "organization": "", "email": "", "bio_vi": "",
        "bio_en": "", "hometown": "", "country": "", "city": "", "fields": "",
        "keywords": "", "visibility": ""}
# The sheet has no visibility column: consent decides.
WARD_COLUMNS = ["external_id", "kind", "full_name", "languages", "phone", "organization",
                "email", "bio_vi", "bio_en", "hometown", "country", "city", "fields",
                "keywords", "consent"]
WARD = [
    {k: v for k, v in THIN.items() if k != "visibility"},
    {"kind": "diaspora", "full_name": "Vũ Thị Lan", "country": "Hàn Quốc",
     "consent": "công bố; liên hệ"},
    {"kind": "diaspora", "full_name": "Đỗ Văn Nam", "country": "Đức", "consent": ""},
    {"kind": "domestic", "full_name": "Ngô Thị Mai", "consent": "công bố"},
]


def write_csv(path, rows, columns):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def run(runner, path, *options):
    return runner.invoke(args=["import-profiles", path, "--lang", "en", *options])


# -- the pure function -----------------------------------------------------------------
STORED = {"full_name": "Hoàng Minh Huy", "other_names": [], "organization": "Viện A",
          "city": "", "phone": "+84 912 000 111", "languages": ["vi", "ja", "en"],
          "keywords": ["cảng"], "visibility": "public", "email_visibility": "officials",
          "phone_visibility": "officials"}


def test_update_keeps_empty_cells_adds_list_items_and_keeps_the_diacritics():
    values = {"full_name": "Hoang Minh Huy", "organization": "", "city": "Hải Phòng",
              "phone": "", "languages": ["ja", "ko"], "keywords": [],
              "visibility": "curators"}
    result = resolve(STORED, values, {"full_name", "city", "languages"}, "update")
    written = {**STORED, **result.values}
    assert written["full_name"] == "Hoàng Minh Huy"
    assert written["other_names"] == ["Hoang Minh Huy"]
    assert (written["organization"], written["phone"], written["city"]) == \
        ("Viện A", "+84 912 000 111", "Hải Phòng")
    assert written["languages"] == ["vi", "ja", "en", "ko"]
    assert written["visibility"] == "public"  # an empty cell keeps it
    assert Change("languages", ADDED, ["vi", "ja", "en"], ["ko"]) in result.changes
    assert Change("full_name", KEPT, "Hoàng Minh Huy", "Hoang Minh Huy") in result.changes
    assert not result.narrows_published and result.reason == "kept"


def test_a_name_with_more_diacritics_wins_and_one_differing_in_case_only_is_not_kept():
    stored = {**STORED, "full_name": "Hoang Minh Huy"}
    result = resolve(stored, {"full_name": "Hoàng Minh Huy"}, {"full_name"}, "fill")
    assert result.values["full_name"] == "Hoàng Minh Huy"
    assert result.values["other_names"] == ["Hoang Minh Huy"]
    same = resolve(STORED, {"full_name": "HOÀNG MINH HUY"}, {"full_name"}, "update")
    assert "other_names" not in same.values and same.values["full_name"] == "Hoàng Minh Huy"
    # A different name is a different value: update replaces it, fill keeps it.
    renamed = resolve(STORED, {"full_name": "Hoàng Minh Hùng"}, {"full_name"}, "update")
    assert renamed.values["full_name"] == "Hoàng Minh Hùng"
    kept = resolve(STORED, {"full_name": "Hoàng Minh Hùng"}, {"full_name"}, "fill")
    assert {**STORED, **kept.values}["full_name"] == "Hoàng Minh Huy"


def test_fill_only_fills_what_is_empty():
    values = {"organization": "Viện B", "city": "Hải Phòng", "languages": ["ko"],
              "visibility": "curators"}
    result = resolve(STORED, values, {"organization", "city", "languages", "visibility"},
                     "fill", allowed={"publish"})
    assert {**STORED, **result.values}["organization"] == "Viện A"
    assert result.values["city"] == "Hải Phòng"
    assert result.values["languages"] == ["vi", "ja", "en", "ko"]
    assert "visibility" not in result.values and not result.narrows_published
    assert {change.kind for change in result.changes if change.column == "organization"} == {KEPT}


def test_replace_erases_and_says_so():
    values = {"organization": "", "phone": "", "languages": ["ja"], "visibility": "curators"}
    result = resolve(STORED, values, {"languages"}, "replace")
    assert result.values["organization"] == "" and result.values["languages"] == ["ja"]
    assert Change("organization", ERASED, "Viện A", "") in result.changes
    assert Change("languages", ERASED, ["vi", "ja", "en"], ["vi", "en"]) in result.changes
    # No consent on record and no visibility cell: curators only, and that narrows.
    assert result.visibility == "curators" and result.narrows_published


def test_visibility_of_new_rows_follows_consent_and_the_batch_choice():
    base = {"kind": "domestic", "full_name": "Vũ Thị Lan"}
    consenting = resolve(None, base, set(), allowed={"publish", "contact"},
                         consented_visibility="officials")
    assert (consenting.visibility, consenting.reason) == ("officials", "consented")
    assert consenting.values["email_visibility"] == "officials"
    silent = resolve(None, base, set())
    assert (silent.visibility, silent.reason) == ("curators", "no_consent")
    assert silent.values["phone_visibility"] == "curators"
    asked = resolve(None, {**base, "visibility": "public"}, {"visibility"})
    assert asked.visibility == "curators" and asked.narrowed == [("visibility", "no_consent")]
    withdrawn = resolve(STORED, {"visibility": "public"}, {"visibility"}, allowed=set(),
                        withdrawn={"publish"})
    assert withdrawn.visibility == "curators" and withdrawn.reason == "withdrawn"


NAMES = ["Hoàng Minh Huy", "Hoang Minh Huy", "HOANG MINH HUY", "Hoàng Minh Hùng", "Lê Thị Hà"]
LANGUAGES = ["vi", "ja", "en", "ko", "fr", "de"]
WORDS = st.sampled_from(["", "Viện A", "Hải Phòng", "Đại học Tokyo", "x", "Nguyễn"])
lists = st.lists(st.sampled_from(LANGUAGES), unique=True, max_size=4)
visibilities = st.sampled_from(import_modes.VISIBILITIES)


@st.composite
def profiles(draw):
    return {"full_name": draw(st.sampled_from(NAMES)),
            "other_names": draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=2)),
            "organization": draw(WORDS), "city": draw(WORDS), "phone": draw(WORDS),
            "languages": draw(lists), "keywords": draw(st.lists(WORDS.filter(bool),
                                                                 unique=True, max_size=3)),
            "visibility": draw(visibilities), "email_visibility": draw(visibilities),
            "phone_visibility": draw(visibilities)}


@settings(max_examples=400, **SETTINGS)
@given(stored=profiles(), row=profiles(), mode=st.sampled_from(["update", "fill"]),
       columns=st.sets(st.sampled_from(sorted(STORED))),
       purposes=st.sets(st.sampled_from(["publish", "contact"])))
def test_update_and_fill_never_lose_a_stored_value_or_a_list_item(stored, row, mode, columns,
                                                                 purposes):
    values = {column: row[column] for column in columns}
    explicit = {column for column, value in values.items() if value not in ("", [])}
    result = resolve(stored, values, explicit, mode, allowed=frozenset(purposes))
    written = {**stored, **result.values}
    for column, value in stored.items():
        if isinstance(value, list):
            assert set(value) <= set(written[column]), column
        elif value:
            assert written[column], column
            if mode == "fill" or column not in explicit:
                if column == "full_name":
                    assert fold(written[column]) == fold(value)
                else:
                    assert written[column] == value, column
    # A stored name that gave way to a spelling with more diacritics stays findable.
    if written["full_name"] != stored["full_name"] and \
            fold(written["full_name"]) == fold(stored["full_name"]):
        assert stored["full_name"] in written["other_names"]


# -- the command line ------------------------------------------------------------------
@pytest.fixture
def rich(add):
    return add(**RICH)


def test_the_ward_sheet_loses_nothing_and_publishes_the_consenting_rows(app, runner, rich,
                                                                        tmp_path):
    path = write_csv(tmp_path / "phuong.csv", WARD, WARD_COLUMNS)
    result = run(runner, path, "--verbose")
    assert result.exit_code == 0, result.output
    huy = Expert.get_by_id(rich.id)
    assert huy.full_name == "Hoàng Minh Huy" and huy.other_names == ["Hoang Minh Huy"]
    assert (huy.phone, huy.organization, huy.email, huy.city, huy.country, huy.hometown) == \
        ("+81 90 1234 5678", "Đại học Tokyo", "huy.hoang@example.jp", "Tokyo", "JP",
         "phường Lê Chân")
    assert (huy.bio_vi, huy.bio_en) == ("Nghiên cứu cảng thông minh.", "Works on smart ports.")
    assert huy.languages == ["vi", "ja", "en"]
    assert huy.field_codes == ["ai", "logistics"] and huy.keywords == ["cảng biển", "robot"]
    assert huy.visibility == "public"
    visible = {expert.full_name: (expert.visibility, expert.email_visibility)
               for expert in Expert.select()}
    assert visible["Vũ Thị Lan"] == ("public", "officials")
    assert visible["Đỗ Văn Nam"] == ("curators", "curators")
    assert visible["Ngô Thị Mai"] == ("public", "curators")
    output = result.output
    assert "3 created, 1 updated, 0 unchanged, 0 rejected" in output
    assert "Mode: update. Fields changed: 1." in output
    assert "Visible to everyone: 2 (consent to publish, no visibility cell" in output
    assert "Visible to everyone: 1 (existing profile, visibility kept)" in output
    assert "Visible to curators: 1 (no consent to publish)" in output
    assert "Row 2 (Hoàng Minh Huy):" in output
    assert "other_names: added Hoang Minh Huy" in output
    assert "full_name: kept Hoàng Minh Huy (the file's Hoang Minh Huy not applied)" in output
    entry = Audit.select().where((Audit.expert_id == huy.id) & (Audit.action == "profile.update")) \
        .order_by(Audit.id.desc()).get()
    assert entry.changed["other_names"] == [[], ["Hoang Minh Huy"]]
    assert entry.changed["import"] == {"mode": "update", "row": 2, "visibility": "kept",
                                       "kept": {"full_name": "Hoang Minh Huy"}}
    # The thin row again changes nothing.
    again = run(runner, write_csv(tmp_path / "again.csv", WARD[:1], WARD_COLUMNS))
    assert "0 created, 0 updated, 1 unchanged, 0 rejected" in again.output
    assert Expert.get_by_id(huy.id).version == huy.version


def test_the_visibility_for_consenting_rows_can_be_narrower(app, runner, tmp_path):
    path = write_csv(tmp_path / "a.csv", WARD[1:], WARD_COLUMNS)
    result = run(runner, path, "--consented-visibility", "officials", "--dry-run")
    assert "Visible to officials: 2" in result.output and Expert.select().count() == 0
    result = runner.invoke(args=["import-profiles", path, "--lang", "vi",
                                 "--consented-visibility", "officials"])
    assert "Chế độ: cập nhật. Số trường thay đổi: 0." in result.output
    assert "Hiển thị cho cán bộ, công chức: 2 (đồng ý công bố thông tin" in result.output
    assert "Hiển thị cho cán bộ quản lý dữ liệu: 1 (chưa đồng ý công bố thông tin)" in \
        result.output
    assert Expert.get(Expert.full_name == "Vũ Thị Lan").visibility == "officials"


def test_fill_mode_on_the_command_line(app, runner, add, tmp_path):
    stored = add(external_id="F-1", full_name="Trần Văn Bảo", organization="Viện Cũ",
                 languages="vi")
    row_ = {"external_id": "F-1", "kind": "domestic", "full_name": "Tran Van Bao",
            "organization": "Viện Mới", "city": "Hải Phòng", "languages": "en"}
    path = write_csv(tmp_path / "f.csv", [row_], list(row_))
    result = run(runner, path, "--mode", "fill", "--verbose")
    assert result.exit_code == 0, result.output
    bao = Expert.get_by_id(stored.id)
    assert (bao.full_name, bao.organization, bao.city, bao.languages) == \
        ("Trần Văn Bảo", "Viện Cũ", "Hải Phòng", ["vi", "en"])
    assert "organization: kept Viện Cũ (the file's Viện Mới not applied)" in result.output
    assert "Mode: fill." in result.output


def test_replace_mode_on_the_command_line_erases_and_says_so(app, runner, rich, tmp_path):
    path = write_csv(tmp_path / "r.csv", [THIN], list(THIN))
    result = run(runner, path, "--mode", "replace", "--verbose")
    assert result.exit_code == 0, result.output
    huy = Expert.get_by_id(rich.id)
    assert (huy.phone, huy.organization, huy.languages) == ("", "", ["ja"])
    assert huy.full_name == "Hoàng Minh Huy"  # in every mode
    assert huy.visibility == "curators"
    assert "phone: erased +81 90 1234 5678" in result.output
    assert "the published profile becomes visible to curators only" in result.output
    assert "Published profiles made less visible: 1" in result.output


def test_an_update_without_consent_never_narrows_a_public_profile_silently(app, runner, rich,
                                                                          tmp_path):
    # A filled cell asks for public without any consent on record: narrowed, and said.
    row_ = {"external_id": "HP-77", "kind": "diaspora", "full_name": "Hoàng Minh Huy",
            "visibility": "public"}
    path = write_csv(tmp_path / "v.csv", [row_], list(row_))
    result = run(runner, path)
    assert Expert.get_by_id(rich.id).visibility == "curators"
    assert "Row 2, column visibility: kept for curators only: no consent" in result.output
    assert "Row 2, column visibility: the published profile becomes visible to curators " \
           "only" in result.output


# -- the browser -----------------------------------------------------------------------
@pytest.fixture
def curator(make_user, login):
    user = make_user("curator")
    login(user)
    return user


def upload_with(client, data, **options):
    token = csrf_token(client, "/curate/imports")
    response = client.post("/curate/imports", data={"csrf_token": token, **options,
                                                    "file": (io.BytesIO(data), "phuong.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    return ImportBatch.get_by_id(int(response.location.rstrip("/").split("/")[-1]))


def page(client, batch):
    return client.get(f"/curate/imports/{batch.id}", headers={"Accept-Language": "en"}) \
        .get_data(as_text=True)


def test_the_upload_form_offers_the_modes_with_update_preselected(app, client, curator):
    html = client.get("/curate/imports", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<input checked id="mode-0" name="mode" type="radio" value="update">' in html
    for sentence in ("an empty cell keeps it", "only values that are empty today",
                     "empty cells erase stored values", "Everyone (public)"):
        assert sentence in html


def test_the_ward_sheet_in_the_browser_previews_counts_and_loses_nothing(app, client, curator,
                                                                        add):
    # No import key: the thin row is a possible duplicate (same folded name and birth
    # year) that the curator decides to merge into the rich profile.
    rich = add(**{**RICH, "external_id": ""})
    rows = [{**WARD[0], "external_id": "", "birth_year": "1979"}, *WARD[1:]]
    batch = uploaded_batch(client, csv_bytes(rows, [*WARD_COLUMNS, "birth_year"]))
    assert batch.mode == "update" and batch.consented_visibility == "public"
    thin = row(batch, 2)
    assert thin.outcome == "duplicate" and thin.match_id == rich.id
    decide(client, batch, {thin.id: "update"})
    html = page(client, batch)
    assert "To create: 3" in html and "To update: 1" in html and "fields changed: 1" in html
    assert "Rejected (invalid, not excluded yet): 0" in html
    assert "<strong>Public</strong>: 3" not in html  # the kept one has its own reason
    assert "<strong>Public</strong>: 2 (consent to publish, no visibility cell" in html
    assert "<strong>Public</strong>: 1 (existing profile, visibility kept)" in html
    assert "<strong>Curators only</strong>: 1 (no consent to publish)" in html
    assert "Full name: kept Hoàng Minh Huy (the file&#39;s Hoang Minh Huy not applied)" in html
    assert "added Hoang Minh Huy" in html
    assert commit(client, batch).status_code == 302
    huy = Expert.get_by_id(rich.id)
    assert (huy.full_name, huy.phone, huy.languages, huy.visibility) == \
        ("Hoàng Minh Huy", "+81 90 1234 5678", ["vi", "ja", "en"], "public")
    assert huy.other_names == ["Hoang Minh Huy"] and huy.field_codes == ["ai", "logistics"]
    assert Expert.get(Expert.full_name == "Vũ Thị Lan").visibility == "public"
    assert Expert.get(Expert.full_name == "Đỗ Văn Nam").visibility == "curators"
    done = page(client, batch)
    assert "What the import wrote" in done and "Created: 3" in done and "Updated: 1" in done
    assert "<strong>Public</strong>: 2 (consent to publish" in done
    entry = Audit.select().where((Audit.expert_id == huy.id) & (Audit.action == "profile.update")) \
        .order_by(Audit.id.desc()).get()
    assert entry.changed["import"]["mode"] == "update" and entry.changed["batch"] == batch.id


def test_fill_chosen_on_upload_and_the_visibility_for_consenting_rows(app, client, curator, add):
    stored = add(external_id="F-1", full_name="Trần Văn Bảo", organization="Viện Cũ")
    rows = [{"external_id": "F-1", "kind": "domestic", "full_name": "Trần Văn Bảo",
             "organization": "Viện Mới", "city": "Hải Phòng"},
            {"kind": "domestic", "full_name": "Lý Thị Thu", "consent": "publish"}]
    batch = upload_with(client, csv_bytes(rows, ["external_id", "kind", "full_name",
                                                  "organization", "city", "consent"]),
                        mode="fill", consented_visibility="officials")
    assert (batch.mode, batch.consented_visibility) == ("fill", "officials")
    html = page(client, batch)
    assert "Mode: Fill in" in html
    assert "kept Viện Cũ (the file&#39;s Viện Mới not applied)" in html
    assert "<strong>Officials only</strong>: 1 (consent to publish" in html
    commit(client, batch)
    bao = Expert.get_by_id(stored.id)
    assert (bao.organization, bao.city) == ("Viện Cũ", "Hải Phòng")
    assert Expert.get(Expert.full_name == "Lý Thị Thu").visibility == "officials"


def test_replace_shows_what_is_erased_and_needs_a_confirmation(app, client, curator, rich):
    batch = uploaded_batch(client, csv_bytes([THIN], list(THIN)))
    assert row(batch, 2).outcome == "update"
    # The curator switches the preview to "replace": the rows are planned again.
    response = post(client, f"/curate/imports/{batch.id}/options",
                    {"mode": "replace", "consented_visibility": "public"},
                    f"/curate/imports/{batch.id}")
    assert response.status_code == 302
    html = page(client, batch)
    assert "Phone: erased +81 90 1234 5678" in html
    assert "1 row erases stored values" in html and 'name="erase"' in html
    assert "1 published profile becomes less visible" in html
    refused = commit(client, batch)
    # Said in the curator's language (Vietnamese by default).
    assert refused.status_code == 409 and "hãy xác nhận đồng ý xóa các giá trị" in \
        refused.get_data(as_text=True)
    assert Expert.get_by_id(rich.id).phone == "+81 90 1234 5678"  # nothing written
    response = post(client, f"/curate/imports/{batch.id}/commit", {"confirm": "1", "erase": "1"},
                    f"/curate/imports/{batch.id}")
    assert response.status_code == 302
    huy = Expert.get_by_id(rich.id)
    assert (huy.phone, huy.languages, huy.full_name) == ("", ["ja"], "Hoàng Minh Huy")
    assert Audit.select().where(Audit.action == "import.options").count() == 1


def test_update_and_fill_in_the_browser_make_an_identical_row_unchanged(app, client, curator,
                                                                       rich):
    batch = uploaded_batch(client, csv_bytes([{**THIN, "full_name": "Hoàng Minh Huy"}],
                                             list(THIN)))
    assert row(batch, 2).outcome == "unchanged"  # every cell empty or already stored
    post(client, f"/curate/imports/{batch.id}/options", {"mode": "replace"},
         f"/curate/imports/{batch.id}")
    assert row(batch, 2).outcome == "update"
    post(client, f"/curate/imports/{batch.id}/options", {"mode": "fill"},
         f"/curate/imports/{batch.id}")
    assert row(batch, 2).outcome == "unchanged"


def test_an_interrupted_update_commit_leaves_every_profile_whole(app, client, curator, rich,
                                                                 monkeypatch):
    app.config["IMPORT_CHUNK_ROWS"] = 1
    rows = [{**THIN, "languages": "ko", "city": "Osaka"},
            {"kind": "domestic", "full_name": "Người Sau", "external_id": "N-1"}]
    batch = uploaded_batch(client, csv_bytes(rows, [*THIN, "consent"]))
    real = writes.upsert_profiles
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(writes, "upsert_profiles", failing)
    commit(client, batch)
    monkeypatch.setattr(writes, "upsert_profiles", real)
    assert ImportBatch.get_by_id(batch.id).status == "failed"
    huy = Expert.get_by_id(rich.id)
    assert (huy.city, huy.languages, huy.other_names, huy.phone) == \
        ("Tokyo", ["vi", "ja", "en"], [], "+81 90 1234 5678")
    assert Expert.get_or_none(Expert.external_id == "N-1") is None
