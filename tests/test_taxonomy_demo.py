"""The field taxonomy seed, the demo generator and the import template: pure data, so
these tests need no application, database or index."""
import csv
import random
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from babel import Locale

from expertnet.demo.generator import COLUMNS, demo_rows, write_csv
from expertnet.taxonomy import fields as taxonomy

TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "import-template.csv"
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
LIST_COLUMNS = ("other_names", "fields", "keywords", "languages", "available_for")
AVAILABILITY = {"consulting", "lecturing", "reviewing", "technology_transfer",
                "research_collaboration", "mentoring"}
# What DESIGN.md's import contract accepts for ``kind``: the codes and the labels.
KIND_SPELLINGS = {"domestic": "domestic", "foreign": "foreign", "diaspora": "diaspora",
                  "chuyên gia trong nước": "domestic", "chuyên gia nước ngoài": "foreign",
                  "trí thức người hải phòng ở nước ngoài": "diaspora"}


def fold(text):
    """Lower case without diacritics, đ → d: how the importer and the search compare."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text)
                       if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def is_nfc(text):
    return unicodedata.is_normalized("NFC", text)


def orcid_is_valid(orcid):
    """ISO 7064 MOD 11-2, written out here rather than imported from the generator."""
    digits = orcid.replace("-", "")
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def split(value):
    return value.split(";") if value else []


@pytest.fixture(scope="module")
def rows():
    return demo_rows()


@pytest.fixture(scope="module")
def template_rows():
    with TEMPLATE.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


# ----------------------------------------------------------------- taxonomy

def test_codes_are_unique_stable_identifiers():
    codes = [field["code"] for field in taxonomy.FIELDS]
    assert len(codes) == len(set(codes))
    assert 25 <= len(codes) <= 35
    assert all(SNAKE_CASE.match(code) and code.isascii() for code in codes)
    assert tuple(codes) == taxonomy.CODES


def test_every_field_has_the_same_shape():
    keys = {"code", "parent", "name_vi", "name_en", "synonyms_vi", "synonyms_en"}
    for field in taxonomy.FIELDS:
        assert set(field) == keys
        assert isinstance(field["synonyms_vi"], list) and field["synonyms_vi"]
        assert isinstance(field["synonyms_en"], list) and field["synonyms_en"]


def test_parents_exist_come_first_and_the_tree_has_two_levels():
    seen = set()
    for field in taxonomy.FIELDS:
        parent = field["parent"]
        if parent is not None:
            assert parent in seen, f"{field['code']} is listed before its parent {parent}"
            assert taxonomy.by_code()[parent]["parent"] is None, "more than two levels"
        seen.add(field["code"])


def test_names_and_synonyms_are_clean_nfc_text():
    for field in taxonomy.FIELDS:
        texts = [field["name_vi"], field["name_en"], *field["synonyms_vi"],
                 *field["synonyms_en"]]
        for text in texts:
            assert text and text == " ".join(text.split()), repr(text)
            assert is_nfc(text), f"{field['code']}: {text!r} is not NFC"
            # Import cells separate list items with ";", so a name must not contain one.
            assert ";" not in text
        assert field["name_en"].isascii()
        assert len(set(map(fold, field["synonyms_vi"] + field["synonyms_en"]))) >= 3


def test_a_name_or_synonym_resolves_to_one_field_only():
    owner = {}
    for field in taxonomy.FIELDS:
        terms = [field["code"], field["name_vi"], field["name_en"], *field["synonyms_vi"],
                 *field["synonyms_en"]]
        for term in {fold(term) for term in terms}:
            assert owner.setdefault(term, field["code"]) == field["code"], (
                f"{term!r} belongs to both {owner[term]} and {field['code']}")


def test_the_programme_priorities_are_all_there():
    codes = set(taxonomy.CODES)
    assert {"marine", "shipbuilding", "oceanography", "aquaculture", "offshore_energy",
            "marine_environment", "seaports", "logistics", "manufacturing", "automation",
            "high_tech", "strategic_tech", "semiconductors", "ai", "data_science",
            "digital_transformation", "cybersecurity", "innovation", "economics_policy",
            "energy", "environment", "biotechnology", "materials", "health",
            "education"} <= codes
    assert set(taxonomy.children("marine")) >= {"shipbuilding", "oceanography", "aquaculture",
                                                "offshore_energy", "marine_environment"}
    fields = taxonomy.by_code()
    assert fields["ai"]["name_vi"] == "Trí tuệ nhân tạo"
    assert "dịch vụ hậu cần" in fields["logistics"]["synonyms_vi"]
    assert {"AI", "machine learning"} <= set(fields["ai"]["synonyms_en"])


def test_helpers():
    fields = taxonomy.by_code()
    assert list(fields) == list(taxonomy.CODES)
    fields.pop("ai")  # a copy: the module's table is untouched
    assert "ai" in taxonomy.by_code()
    assert taxonomy.ancestors("shipbuilding") == ["marine"]
    assert taxonomy.ancestors("marine") == []
    assert taxonomy.children(None) == [f["code"] for f in taxonomy.FIELDS if f["parent"] is None]
    assert taxonomy.children("ai") == []
    with pytest.raises(KeyError):
        taxonomy.ancestors("nope")
    with pytest.raises(KeyError):
        taxonomy.children("nope")


def test_priority_codes_are_top_level_fields():
    assert len(set(taxonomy.PRIORITY_CODES)) == len(taxonomy.PRIORITY_CODES)
    top = set(taxonomy.children(None))
    assert set(taxonomy.PRIORITY_CODES) <= top
    assert taxonomy.PRIORITY_CODES[0] == "marine"


# --------------------------------------------------------------------- demo

def test_rows_follow_the_import_contract(rows):
    assert len(rows) == 320
    for row in rows:
        assert tuple(row) == COLUMNS
        assert all(isinstance(value, str) for value in row.values())
        assert row["full_name"] and row["kind"]
        for column in LIST_COLUMNS:
            assert all(item and item == item.strip() for item in split(row[column])), column


def test_rows_are_deterministic(rows):
    random.seed(1)
    first = demo_rows()
    random.seed(99)  # the global random state plays no part
    random.random()
    assert first == rows == demo_rows(320, 2026)
    assert demo_rows(320, 7) != rows
    assert demo_rows(40, 7) == demo_rows(40, 7)


def test_small_and_invalid_counts():
    assert demo_rows(0) == []
    few = demo_rows(5)
    assert [row["external_id"] for row in few] == [f"DEMO-000{i}" for i in range(1, 6)]
    with pytest.raises(ValueError):
        demo_rows(-1)


def test_external_ids_are_unique_and_numbered(rows):
    assert [row["external_id"] for row in rows] == [f"DEMO-{i:04d}" for i in range(1, 321)]


def test_kinds_are_mixed_as_in_the_city_records(rows):
    kinds = Counter(row["kind"] for row in rows)
    assert set(kinds) == {"domestic", "foreign", "diaspora"}
    assert 0.35 <= kinds["domestic"] / len(rows) <= 0.55
    assert 0.12 <= kinds["foreign"] / len(rows) <= 0.28
    assert 0.25 <= kinds["diaspora"] / len(rows) <= 0.45


def test_countries_and_cities(rows):
    known = set(Locale.parse("en").territories)
    for row in rows:
        assert row["country"] in known
        assert (row["country"] == "VN") == (row["kind"] == "domestic")
        assert row["city"]
    abroad = Counter(row["country"] for row in rows if row["kind"] != "domestic")
    assert len(abroad) >= 30
    assert {"JP", "KR", "US", "FR", "DE", "AU"} <= set(abroad)


def test_every_field_is_used_at_least_three_times(rows):
    used = Counter()
    for row in rows:
        codes = split(row["fields"])
        assert 1 <= len(codes) <= 3 and len(set(codes)) == len(codes)
        assert set(codes) <= set(taxonomy.CODES)
        used.update(codes)
        assert 2 <= len(split(row["keywords"])) <= 4
    assert all(used[code] >= 3 for code in taxonomy.CODES), used


def test_vocabulary_values(rows):
    languages = {code for code in Locale.parse("en").languages if len(code) == 2}
    for row in rows:
        assert row["title"] in {"", "GS", "PGS"}
        assert row["degree"] in {"TS", "ThS", "KS", "CN"}
        if row["title"]:
            assert row["degree"] == "TS"
        assert row["gender"] in {"male", "female"}
        assert 1950 <= int(row["birth_year"]) <= 1995
        assert row["sector"] in {"academia", "industry", "government", "international", "other"}
        assert row["visibility"] in {"public", "officials", "curators"}
        assert 1 <= len(split(row["available_for"])) <= 3
        assert set(split(row["available_for"])) <= AVAILABILITY
        codes = split(row["languages"])
        assert codes and set(codes) <= languages and len(set(codes)) == len(codes)
        if row["kind"] != "foreign":
            assert "vi" in codes
        if row["kind"] == "diaspora":
            assert row["hometown"]


def test_visibility_mix(rows):
    share = Counter(row["visibility"] for row in rows)
    assert 0.7 <= share["public"] / len(rows) <= 0.9
    assert share["officials"] and share["curators"]


def test_contacts_are_fictitious_and_well_formed(rows):
    emails = [row["email"] for row in rows if row["email"]]
    assert len(emails) > len(rows) * 0.8
    assert len(emails) == len(set(emails))
    for email in emails:
        assert email.isascii() and re.fullmatch(r"[a-z0-9.]+@example\.(org|com|vn)", email)
    for row in rows:
        if row["phone"]:
            assert E164.match(row["phone"]), row["phone"]
            assert row["phone"].startswith("+84") == (row["country"] == "VN")
        if row["website"]:
            assert re.match(r"https://([a-z0-9-]+\.)?example\.(org|com)/", row["website"])


def test_orcids_have_valid_checksums(rows):
    orcids = [row["orcid"] for row in rows if row["orcid"]]
    assert len(orcids) >= 30
    for orcid in orcids:
        assert ORCID.match(orcid) and orcid_is_valid(orcid), orcid
    assert orcid_is_valid("0000-0002-1825-0097")  # ORCID's own example
    assert not orcid_is_valid("0000-0002-1825-0098")


def test_bios(rows):
    for row in rows:
        assert row["bio_vi"] or row["bio_en"]
        for column in ("bio_vi", "bio_en"):
            if row[column]:
                assert 40 <= len(row[column].split()) <= 90, (row["external_id"], column)
    # The cross-language search demo: AI profiles described only in English, and
    # logistics profiles described only in Vietnamese, as "dịch vụ hậu cần".
    assert any("ai" in split(row["fields"]) and row["bio_en"] and not row["bio_vi"]
               for row in rows)
    assert any("logistics" in split(row["fields"]) and not row["bio_en"]
               and "dịch vụ hậu cần" in row["bio_vi"] for row in rows)
    assert any(row["kind"] == "foreign" and not row["bio_vi"] for row in rows)
    assert any(row["kind"] == "domestic" and not row["bio_en"] for row in rows)


def test_names_show_off_diacritics(rows):
    given = Counter(row["full_name"].split()[-1] for row in rows if row["kind"] != "foreign")
    # Đức must come first for "Đức", then the near-collisions Dục and Đúc.
    assert given["Đức"] >= 2 and given["Dục"] >= 2 and given["Đúc"] >= 2
    assert sum(n for name, n in given.items() if name.startswith("Đ")) >= 8
    aliases = [alias for row in rows if row["kind"] == "diaspora"
               for alias in split(row["other_names"])]
    # Western order, family name without diacritics ("Duc Nguyen", "Jörg Tran").
    assert aliases and all(alias.split()[-1].isascii() for alias in aliases)
    assert any(" " in alias and fold(alias) == alias.lower() for alias in aliases)


def test_all_text_is_nfc_and_people_are_distinct(rows):
    assert all(is_nfc(value) for row in rows for value in row.values())
    people = Counter((fold(row["full_name"]), row["birth_year"]) for row in rows)
    assert max(people.values()) == 1


def test_write_csv_round_trips(tmp_path, rows):
    path = tmp_path / "demo.csv"
    write_csv(path, rows[:20])
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == COLUMNS
        assert list(reader) == rows[:20]
    write_csv(path, rows[:1], bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


# ----------------------------------------------------------------- template

def test_import_template(template_rows):
    header, examples = template_rows
    assert tuple(header) == COLUMNS
    assert len(examples) == 6
    kinds = Counter(KIND_SPELLINGS[row["kind"].lower()] for row in examples)
    assert kinds == {"domestic": 2, "foreign": 2, "diaspora": 2}
    assert any(row["kind"] == "trí thức người Hải Phòng ở nước ngoài" for row in examples)
    assert any(len(row["country"]) > 2 for row in examples)  # a name, not a code
    terms = {}
    for field in taxonomy.FIELDS:
        for term in (field["code"], field["name_vi"], field["name_en"], *field["synonyms_vi"],
                     *field["synonyms_en"]):
            terms[fold(term)] = field["code"]
    for row in examples:
        assert all(fold(item) in terms for item in split(row["fields"])), row["fields"]
        assert all(is_nfc(value) for value in row.values())
        if row["email"]:
            assert re.fullmatch(r"[a-z0-9.]+@example\.(org|com|vn)", row["email"])
        if row["website"]:
            assert re.match(r"https://([a-z0-9-]+\.)?example\.(org|com)/", row["website"])
        if row["orcid"]:
            assert orcid_is_valid(row["orcid"])
    assert any(item not in taxonomy.CODES for row in examples for item in split(row["fields"]))
