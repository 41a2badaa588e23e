"""ORCID: an iD attached with its check digit tested, the public record
(recorded v3.0 JSON under tests/fixtures/orcid/) read from an uploaded file, a preview
of every change, and only the ticked changes applied through the service layer."""
import io
import json
import re
from pathlib import Path

import pytest
from conftest import client_as, post_form

from expertnet.accounts import data_rights
from expertnet.accounts.models import PendingChange, User
from expertnet.core.models import Audit
from expertnet.curation import merging, orcid
from expertnet.curation.models import OrcidImport
from expertnet.directory import writes
from expertnet.directory.models import Expert

FIXTURES = Path(__file__).parent / "fixtures" / "orcid"
FULL = "0000-0002-1825-0097"
VIETNAMESE = "0000-0003-1234-5674"
EMPTY = "0000-0001-7689-1231"


def fixture(orcid_id):
    return (FIXTURES / f"{orcid_id}.json").read_bytes()


@pytest.fixture
def expert(add):
    return add(full_name="Trần Quang Minh", kind="diaspora", organization="Đại học Hàng hải",
               keywords="logistics", bio_en="Works on seaports.", visibility="public")


@pytest.fixture
def curator_client(client, make_user, login):
    login(make_user("curator"))
    return client


def upload(client, expert, orcid_id, data, name="record.json"):
    path = f"/experts/{expert.id}/orcid"
    return post_form(client, path, {"orcid": orcid_id, "file": (io.BytesIO(data), name)},
                     content_type="multipart/form-data")


# -- the iD ---------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, expected", [
    ("0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("0000-0002-1694-233x ", "0000-0002-1694-233X"),
    ("0000-0002-1825-0098", None),  # wrong check digit
    ("0000-0002-1825", None),
    ("", None),
])
def test_an_orcid_id_is_checked_with_iso_7064_mod_11_2(typed, expected):
    assert orcid.normalize_id(typed) == expected


# -- reading the recorded records -------------------------------------------------------------
def test_a_full_record_is_read_field_by_field(app):
    record = orcid.read_record(fixture(FULL), FULL)
    assert record.name == "Minh Tran"
    assert record.other_names == ["Tran Quang Minh", "Trần Quang Minh", "M. Q. Tran"]
    assert record.biography.startswith("Port logistics researcher")
    # A keyword box holding several keywords separated by commas gives each.
    assert record.keywords == ["port logistics", "digital twin", "container terminals"]
    assert record.urls[0] == ["Lab page", "https://www.example.ac.jp/~tran"]
    job = record.current_employment()
    assert (job.organization, job.role, job.department, job.start, job.country) == (
        "Tokyo University of Marine Science and Technology", "Associate Professor",
        "Department of Logistics and Information Engineering", "2018-04-01", "JP")
    past = record.employments[1]
    assert (past.organization, past.start, past.end, past.current) == (
        "Vietnam Maritime University", "2008-09", "2013-08", False)
    assert [(item.organization, item.role, item.period()) for item in record.educations] == [
        ("Kobe University", "PhD", "2013–2017"), ("Vietnam Maritime University", "BEng", "2003–2008")]
    assert [(work.title, work.year, work.doi) for work in record.works] == [
        ("Digital twins for automated container terminals: a review", "2023",
         "10.1016/j.tre.2023.103210"),
        ("Berth allocation under uncertainty at Hai Phong port", "2020",
         "10.1080/03088839.2020.1790054"),
        ("Yard crane scheduling with reinforcement learning", "2019", "")]


def test_a_vietnamese_record_with_missing_parts_keeps_its_diacritics(app):
    record = orcid.read_record(fixture(VIETNAMESE), VIETNAMESE)
    assert record.name == "Thị Hồng Nhung Nguyễn"
    assert record.biography == "" and record.works == [] and record.urls == []
    assert record.keywords == ["kỹ thuật biển", "tự động hóa", "Điều khiển tàu thủy"]
    job = record.current_employment()
    assert (job.organization, job.role, job.department) == (
        "Viện Khoa học và Công nghệ Hàng hải", "Nghiên cứu viên chính", "")
    assert record.educations[0].period() == ""


@pytest.mark.parametrize("data, language, message", [
    (b"\x89PNG\r\n\x1a\n not json", "en", "The file is not JSON"),
    (b"{\"orcid-identifier\": ", "vi", "Tệp không phải là JSON"),
    (json.dumps({"name": "not a record"}).encode(), "en", "not an ORCID record"),
    (json.dumps([1, 2, 3]).encode(), "vi", "không phải là hồ sơ ORCID"),
    (json.dumps({"orcid-identifier": {"path": "0000-0002-1825-0098"}, "person": {}}).encode(),
     "en", "not an ORCID record"),
    (b"[" * 100_000 + b"]" * 100_000, "en", "not JSON"),
])
def test_files_that_are_not_records_are_refused_with_a_clear_message(
        app, expert, curator_client, data, language, message):
    curator_client.get(f"/lang/{language}")
    response = upload(curator_client, expert, FULL, data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert OrcidImport.select().count() == 0


def test_a_record_of_another_id_is_refused(app, expert, curator_client):
    response = upload(curator_client, expert, VIETNAMESE, fixture(FULL))
    page = response.get_data(as_text=True)
    assert f"ORCID record of {FULL}" in page or f"hồ sơ ORCID của {FULL}" in page
    assert OrcidImport.select().count() == 0


@pytest.mark.parametrize("language, message", [
    ("en", "holds nothing to import"), ("vi", "không có gì để nhập")])
def test_an_empty_record_is_refused(app, expert, curator_client, language, message):
    curator_client.get(f"/lang/{language}")
    response = upload(curator_client, expert, EMPTY, fixture(EMPTY))
    assert message in response.get_data(as_text=True)


def test_a_bad_id_and_an_oversize_file_are_refused(app, expert, curator_client):
    page = upload(curator_client, expert, "0000-0002-1825-0098", fixture(FULL)).get_data(as_text=True)
    assert "check digit" in page or "chữ số kiểm tra" in page
    app.config["ORCID_MAX_BYTES"] = 1000
    page = upload(curator_client, expert, FULL, fixture(FULL)).get_data(as_text=True)
    assert "larger than" in page or "lớn hơn" in page
    assert OrcidImport.select().count() == 0


def test_without_a_file_and_without_fetching_the_form_asks_for_the_file(
        app, expert, curator_client, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the network must not be used")
    monkeypatch.setattr("urllib.request.urlopen", no_network)
    page = post_form(curator_client, f"/experts/{expert.id}/orcid",
                     {"orcid": FULL, "fetch": "1"}).get_data(as_text=True)
    assert "Fetch the record from ORCID" not in page and "Lấy hồ sơ từ ORCID" not in page
    assert OrcidImport.select().count() == 0


def test_fetching_when_enabled_reads_the_same_record(app, expert, curator_client, monkeypatch):
    app.config["ORCID_FETCH"] = True
    asked = []

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    class Opener:
        def open(self, request, timeout):
            asked.append((request.full_url, request.get_header("Accept")))
            return Response(fixture(FULL))
    monkeypatch.setattr(orcid, "https_opener", Opener)
    response = post_form(curator_client, f"/experts/{expert.id}/orcid", {"orcid": FULL, "fetch": "1"})
    assert response.status_code == 302
    assert asked == [(f"https://pub.orcid.org/v3.0/{FULL}/record", "application/json")]
    assert OrcidImport.get().source == "api"


@pytest.mark.parametrize("url", ["http://pub.orcid.org/v3.0", "file:///etc", "ftp://pub.orcid.org/v3.0",
                                 "pub.orcid.org/v3.0"])
def test_the_fetch_goes_to_an_https_url_only(app, expert, curator_client, monkeypatch, url):
    """A configured URL of another scheme is refused before any connection: the person
    is asked to upload the file, and nothing is staged."""
    app.config.update(ORCID_FETCH=True, ORCID_API_URL=url)
    opened = []
    monkeypatch.setattr(orcid, "https_opener", lambda: opened.append(url))
    page = post_form(curator_client, f"/experts/{expert.id}/orcid", {"orcid": FULL, "fetch": "1"},
                     headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "could not be fetched from ORCID" in page
    assert opened == [] and OrcidImport.select().count() == 0


def test_the_opener_speaks_https_and_follows_redirects_to_https_only():
    """Even with a URL of another scheme in hand, the opener has no way to open it, and
    a redirect of an https answer to http is not followed (no network needed: both are
    refused before any connection)."""
    import urllib.error
    import urllib.request

    opener = orcid.https_opener()
    for url in ("file:///etc/hostname", "http://pub.orcid.org/v3.0", "ftp://example.org/x",
                "data:text/plain,x"):
        with pytest.raises(urllib.error.URLError, match="unknown url type"):
            opener.open(url, timeout=1)
    redirects = next(handler for handler in opener.handlers
                     if isinstance(handler, urllib.request.HTTPRedirectHandler))
    request = urllib.request.Request("https://pub.orcid.org/v3.0/x/record")
    with pytest.raises(urllib.error.URLError, match="not https"):
        redirects.redirect_request(request, None, 302, "Found", {}, "http://evil.example/x")
    followed = redirects.redirect_request(request, None, 302, "Found", {}, "https://orcid.org/x")
    assert followed.full_url == "https://orcid.org/x"


# -- preview and apply ------------------------------------------------------------------------
def _preview(client, expert, orcid_id=FULL):
    response = upload(client, expert, orcid_id, fixture(orcid_id))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.location


def test_the_preview_shows_each_change_and_writes_nothing(app, expert, curator_client):
    before = Expert.get_by_id(expert.id)
    location = _preview(curator_client, expert)
    page = curator_client.get(location).get_data(as_text=True)
    for text in ("Đại học Hàng hải", "Tokyo University of Marine Science and Technology",
                 "Associate Professor, Department of Logistics and Information Engineering",
                 "port logistics", "https://www.example.ac.jp/~tran", FULL,
                 "Digital twins for automated container terminals"):
        assert text in page
    assert re.search(r'name="apply" value="organization"[^>]*checked', page)
    after = Expert.get_by_id(expert.id)
    assert after.version == before.version and after.orcid == ""
    assert OrcidImport.get().status == "previewed"


def test_only_the_ticked_changes_are_applied_audited_and_searchable(
        app, expert, curator_client, store):
    location = _preview(curator_client, expert)
    version = Expert.get_by_id(expert.id).version
    response = post_form(curator_client, location, {
        "version": str(version), "apply": ["orcid", "organization", "position", "keywords",
                                           "bio_en"]})
    assert response.status_code == 302
    saved = Expert.get_by_id(expert.id)
    assert saved.orcid == FULL
    assert saved.organization == "Tokyo University of Marine Science and Technology"
    assert saved.position == "Associate Professor, Department of Logistics and Information Engineering"
    assert saved.keywords == ["logistics", "port logistics", "digital twin", "container terminals"]
    # Not ticked: unchanged.
    assert saved.website == "" and saved.other_names == []
    # Names the profile's own name already covers (without accents) are not proposed.
    proposed = dict((name, new) for name, _old, new in orcid.proposal(
        orcid.read_record(fixture(FULL), FULL), saved))
    assert proposed["other_names"] == ["Minh Tran", "M. Q. Tran"]
    # The English biography keeps what it had, then the record's education and works.
    assert saved.bio_en.startswith("Works on seaports.\n\n— ORCID 0000-0002-1825-0097 —")
    assert "- PhD, Graduate School of Maritime Sciences, Kobe University (2013–2017)" in saved.bio_en
    assert "https://doi.org/10.1016/j.tre.2023.103210" in saved.bio_en
    assert saved.version == version + 1
    entry = Audit.select().where((Audit.expert_id == expert.id)
                                 & (Audit.action == "profile.update")).order_by(Audit.id.desc()).get()
    assert entry.changed["orcid_import"] == OrcidImport.get().id
    assert entry.changed["organization"][1].startswith("Tokyo")
    imported = Audit.get(Audit.action == "orcid.import")
    assert imported.changed["from"] == "upload" and imported.changed["orcid"] == FULL
    assert OrcidImport.get().status == "applied"
    # The index follows: the organisation from ORCID is found.
    from expertnet.directory import finder
    found = finder.find(finder.parse_criteria(
        __import__("werkzeug").datastructures.MultiDict({"q": "Tokyo Marine"})))
    assert [e.id for e in found.experts] == [expert.id]
    # A second import of the same record replaces the ORCID part rather than adding it twice.
    location = _preview(curator_client, expert)
    post_form(curator_client, location, {"version": str(saved.version), "apply": ["bio_en"]})
    again = Expert.get_by_id(expert.id).bio_en
    assert again.count("— ORCID ") == 1 and again == saved.bio_en


def test_the_profile_says_the_record_came_from_a_file_not_that_it_is_verified(
        app, expert, curator_client):
    location = _preview(curator_client, expert)
    post_form(curator_client, location, {"version": str(expert.version), "apply": ["orcid"]})
    curator_client.get("/lang/en")
    page = curator_client.get(f"/experts/{expert.id}").get_data(as_text=True)
    assert "ORCID record imported from an uploaded file" in page
    assert "not checked with ORCID" in page


def test_a_profile_changed_since_the_preview_is_not_overwritten(app, expert, curator_client):
    location = _preview(curator_client, expert)
    version = expert.version
    writes.save_profile({"organization": "Viện Khác"}, expert=Expert.get_by_id(expert.id))
    response = post_form(curator_client, location, {"version": str(version),
                                                    "apply": ["organization"]})
    assert response.status_code == 200
    assert Expert.get_by_id(expert.id).organization == "Viện Khác"
    assert OrcidImport.get().status == "previewed"


def test_the_owner_imports_and_vouched_fields_wait_for_a_curator(app, add, make_user, login, client):
    own = add(full_name="Nguyễn Thị Hồng Nhung", visibility="curators")
    login(make_user("expert", expert=own))
    location = _preview(client, own, VIETNAMESE)
    version = Expert.get_by_id(own.id).version
    response = post_form(client, location, {"version": str(version),
                                            "apply": ["orcid", "organization", "keywords"]})
    assert response.status_code == 302 and "review=1" in response.location
    saved = Expert.get_by_id(own.id)
    assert saved.orcid == VIETNAMESE
    assert saved.keywords == ["kỹ thuật biển", "tự động hóa", "Điều khiển tàu thủy"]
    assert saved.organization == ""  # a curator checks it first
    waiting = PendingChange.get(PendingChange.expert == own.id)
    assert waiting.proposed_values == {"organization": "Viện Khoa học và Công nghệ Hàng hải"}


def test_others_cannot_import_into_a_profile(app, expert, make_user):
    for role in ("official", "expert"):
        client = client_as(app, make_user(role))
        assert client.get(f"/experts/{expert.id}/orcid").status_code == 403
        assert client.post(f"/experts/{expert.id}/orcid").status_code in (400, 403)


def test_a_merge_keeps_the_record_with_the_kept_profile(app, add, curator_client):
    keep = add(full_name="Trần Quang Minh", visibility="public")
    drop = add(full_name="Tran Quang Minh", visibility="public")
    location = _preview(curator_client, drop)
    post_form(curator_client, location, {"version": str(drop.version), "apply": ["orcid"]})
    values = writes.stored_values(Expert.get_by_id(keep.id))
    values["orcid"] = FULL
    merging.merge_profiles(Expert.get_by_id(keep.id), Expert.get_by_id(drop.id), values,
                            Expert.get_by_id(keep.id).version, Expert.get_by_id(drop.id).version)
    assert OrcidImport.get().expert_id == keep.id
    assert orcid.latest_applied(Expert.get_by_id(keep.id)) is not None


def test_the_person_downloads_the_record_kept_and_deletion_removes_it(app, add, make_user, login,
                                                                      client):
    from expertnet.accounts import data_rights as subject

    own = add(full_name="Nguyễn Thị Hồng Nhung", visibility="curators")
    user = make_user("expert", expert=own)
    login(user)
    location = _preview(client, own, VIETNAMESE)
    post_form(client, location, {"version": str(Expert.get_by_id(own.id).version),
                                 "apply": ["keywords"]})
    held, = subject.export(User.get_by_id(user.id))["orcid_records"]
    assert (held["orcid"], held["source"], held["status"], held["applied_fields"]) == (
        VIETNAMESE, "upload", "applied", ["keywords"])
    assert held["record"]["employments"][0]["organization"] == "Viện Khoa học và Công nghệ Hàng hải"
    data_rights.delete_profile(Expert.get_by_id(own.id))
    assert OrcidImport.select().count() == 0


def test_values_a_profile_may_not_hold_are_not_proposed_and_markup_stays_inert(
        app, expert, curator_client):
    document = json.loads(fixture(FULL))
    person = document["person"]
    person["researcher-urls"]["researcher-url"][0]["url"]["value"] = "https://exa mple.org/~x"
    person["other-names"]["other-name"][0]["content"] = "<script>alert(1)</script>"
    location = upload(curator_client, expert, FULL, json.dumps(document).encode()).location
    page = curator_client.get(location).get_data(as_text=True)
    # The address with a space is not proposed; the next one is.
    assert "https://exa mple.org" not in page
    assert "https://scholar.google.com/citations?user=abc" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)" in page
    response = post_form(curator_client, location, {"version": str(expert.version),
                                                    "apply": list(orcid.FIELDS)})
    assert response.status_code == 302
    saved = Expert.get_by_id(expert.id)
    assert saved.website == "https://scholar.google.com/citations?user=abc"
    assert "<script>alert(1)</script>" in saved.other_names  # data, shown escaped
