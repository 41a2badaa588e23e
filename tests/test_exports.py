"""Exports: the search as CSV/XLSX in the import contract (``layout=import``, re-imported
losslessly), a profile as vCard 4.0, visibility rights, audit, a recent password, formula
cells. The readable layout (the default) is tested in test_exports_readable."""
import csv
import io
import re

import pytest
from conftest import PASSWORD, csrf_token

from expertnet.accounts import consent, data_rights
from expertnet.core.models import Audit
from expertnet.curation import importer
from expertnet.directory import writes
from expertnet.directory.models import Expert
from expertnet.directory.validation import COLUMNS

RICH = [
    {"external_id": "DA-1", "kind": "diaspora", "full_name": "Nguyễn Văn Đức",
     "other_names": "Duc Nguyen; Duke", "title": "PGS", "degree": "TS", "gender": "male",
     "birth_year": "1975", "hometown": "xã An Lão", "country": "JP", "city": "Tokyo",
     "organization": '=HYPERLINK("http://evil.example","x")', "position": "+ Giáo sư",
     "sector": "academia", "fields": "ai; logistics", "keywords": "-cảng biển; @port; 'quote",
     "languages": "vi; ja", "available_for": "consulting; reviewing",
     "bio_vi": "Dòng một, có dấu phẩy; chấm phẩy.\n\nĐoạn hai.", "bio_en": "Works on AI.",
     "email": "duc@example.org", "phone": "+81 3 1234 5678", "website": "https://example.org/duc",
     "orcid": "0000-0002-1825-0097", "visibility": "public", "email_visibility": "officials",
     "phone_visibility": "curators"},
    {"kind": "foreign", "full_name": "Anna Schmidt", "country": "DE", "visibility": "officials",
     "email": "anna@example.org", "email_visibility": "public", "bio_en": "@anna on the fediverse"},
    {"kind": "domestic", "full_name": "Trần Thị Nội Bộ", "visibility": "curators",
     "email": "noibo@example.org"},
]


@pytest.fixture
def people(app):
    """The profiles, with the consents their visibility needs (as the screens ask)."""
    experts = [writes.save_profile(dict(values)).expert for values in RICH]
    for expert in experts:
        for purpose in consent.PURPOSES:
            consent.decide(expert, None, purpose, True, consent.NOTICE_VERSION)
    return experts


def as_role(make_user, login, role):
    user = make_user(role)
    login(user)
    return user


def read_csv(response):
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def read_xlsx(response):
    import openpyxl
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return [dict(zip(rows[0], ["" if cell is None else cell for cell in row], strict=True))
            for row in rows[1:]]


def snapshot():
    state = {}
    for expert in Expert.select():
        state[expert.full_name] = {column: expert.field_codes if column == "fields"
                                   else getattr(expert, column) for column in COLUMNS}
    return state


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_reimports_into_an_empty_directory_field_by_field(
        app, client, make_user, login, people, tmp_path, kind):
    as_role(make_user, login, "curator")
    response = client.get(f"/search/export.{kind}?layout=import")
    assert response.status_code == 200
    before = snapshot()
    path = tmp_path / f"export.{kind}"
    path.write_bytes(response.get_data())
    for expert in list(Expert.select()):
        data_rights.delete_profile(expert)
    assert Expert.select().count() == 0
    report = importer.import_file(path)
    assert report.exit_code == 0, report.problems
    assert report.created == len(RICH)
    assert snapshot() == before


def test_exported_formula_cells_are_neutralised(app, client, make_user, login, people):
    as_role(make_user, login, "curator")
    for rows in (read_csv(client.get("/search/export.csv?layout=import")),
                 read_xlsx(client.get("/search/export.xlsx?layout=import"))):
        duc = next(row for row in rows if row["external_id"] == "DA-1")
        assert duc["organization"] == '\'=HYPERLINK("http://evil.example","x")'
        assert duc["position"] == "'+ Giáo sư" and duc["phone"] == "'+81 3 1234 5678"
        assert duc["keywords"] == "'-cảng biển; @port; 'quote"
        anna = next(row for row in rows if row["full_name"] == "Anna Schmidt")
        assert anna["bio_en"] == "'@anna on the fediverse"
        dangerous = [value for row in rows for value in row.values()
                     if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert dangerous == []


def test_an_official_exports_only_what_an_official_may_see(
        app, client, make_user, login, people):
    official = as_role(make_user, login, "official")
    rows = read_csv(client.get("/search/export.csv?layout=import"))
    assert sorted(row["full_name"] for row in rows) == ["Anna Schmidt", "Nguyễn Văn Đức"]
    duc = next(row for row in rows if row["external_id"] == "DA-1")
    anna = next(row for row in rows if row["full_name"] == "Anna Schmidt")
    assert duc["email"] == "duc@example.org" and duc["phone"] == ""  # phone: curators only
    assert anna["email"] == "anna@example.org"
    assert (duc["birth_year"], duc["gender"], duc["email_visibility"]) == ("", "", "")
    export = Audit.get(Audit.action == "export.search")
    assert export.actor_id == official.id and export.changed["count"] == 2
    assert export.changed["format"] == "csv"
    views = {row.expert_id: row.changed["fields"] for row in
             Audit.select().where((Audit.action == "contact.view") & (Audit.actor_id == official.id))}
    assert views == {people[0].id: ["email"], people[1].id: ["email"]}


def test_the_export_is_exactly_the_search_with_its_filters(app, client, make_user, login, people):
    as_role(make_user, login, "curator")
    rows = read_csv(client.get("/search/export.csv?country=JP&field=ai&layout=import"))
    assert [row["external_id"] for row in rows] == ["DA-1"]
    rows = read_csv(client.get("/search/export.csv?q=schmidt&layout=import"))
    assert [row["full_name"] for row in rows] == ["Anna Schmidt"]
    entry = Audit.select().where(Audit.action == "export.search").order_by(Audit.id.desc()).get()
    assert entry.changed["criteria"]["q"] == "schmidt" and entry.changed["count"] == 1
    assert client.get("/search/export.csv?country=XX").status_code == 400
    assert client.get("/search/export.pdf").status_code == 404
    assert client.get("/search/export.csv?layout=pdf").status_code == 400


def test_the_search_page_offers_exports_only_to_those_allowed(app, client, make_user, login,
                                                              people):
    assert "/search/export.csv" not in client.get("/search?q=").text
    as_role(make_user, login, "official")
    page = client.get("/search?q=duc&country=JP").text
    form = page[page.index('<form class="export-form"'):]
    form = form[:form.index("</form>")]
    assert 'action="/search/export.xlsx"' in form and 'formaction="/search/export.csv"' in form
    assert '<input type="hidden" name="q" value="duc">' in form
    assert '<input type="hidden" name="country" value="JP">' in form
    assert 'name="layout" value="readable" checked' in form  # the default
    assert 'name="layout" value="import"' in form


@pytest.mark.parametrize("role, status", [("anonymous", 302), ("expert", 403)])
def test_anonymous_readers_and_experts_cannot_export_a_search(app, client, make_user, login,
                                                              people, role, status):
    if role != "anonymous":
        as_role(make_user, login, role)
    response = client.get("/search/export.csv")
    assert response.status_code == status
    assert Audit.select().where(Audit.action == "export.search").count() == 0


def test_an_export_needs_a_recently_typed_password(app, client, make_user, login, people):
    user = as_role(make_user, login, "curator")
    with client.session_transaction() as session:
        session["_password_at"] -= 31 * 60
    response = client.get("/search/export.csv?country=JP")
    assert response.status_code == 302
    assert response.location.startswith("/auth/confirm?next=")
    wrong = client.post(response.location, data={
        "csrf_token": csrf_token(client, response.location), "password": "not it"})
    assert wrong.status_code == 200 and "notice error" in wrong.text
    right = client.post(response.location, data={
        "csrf_token": csrf_token(client, response.location), "password": PASSWORD})
    assert right.status_code == 302 and right.location == "/search/export.csv?country=JP"
    assert client.get(right.location).status_code == 200
    assert user.id == Audit.get(Audit.action == "export.search").actor_id


def test_a_remembered_session_is_not_enough_to_export(app, make_user, people):
    from conftest import log_in
    user = make_user("curator")
    first = app.test_client()
    assert log_in(first, user.email, remember=True).status_code == 302
    remembered = first.get_cookie("remember_token")
    second = app.test_client()
    second.set_cookie("remember_token", remembered.value)
    assert second.get("/account").status_code == 200
    response = second.get("/search/export.csv")
    assert response.status_code == 302 and response.location.startswith("/auth/confirm")


def test_a_profile_downloads_as_a_vcard_with_what_the_reader_may_see(
        app, client, make_user, login, people):
    official = as_role(make_user, login, "official")
    duc = people[0]
    page = client.get(f"/experts/{duc.id}").text
    assert f"/experts/{duc.id}/vcard" in page
    views = Audit.select().where((Audit.action == "contact.view") & (Audit.expert_id == duc.id))
    assert views.count() == 1  # the page's own view
    response = client.get(f"/experts/{duc.id}/vcard")
    assert response.status_code == 200
    assert response.mimetype == "text/vcard"
    assert response.headers["Content-Disposition"] == 'attachment; filename="nguyen-van-duc.vcf"'
    card = response.get_data(as_text=True)
    assert card.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n") and card.endswith("END:VCARD\r\n")
    assert "FN:Nguyễn Văn Đức\r\n" in card and "N:Nguyễn;Đức;Văn;;\r\n" in card
    assert "EMAIL;TYPE=work:duc@example.org" in card
    assert "TEL" not in card  # the phone is for curators only
    assert "BDAY" not in card and "GENDER" not in card
    assert all(len(line.encode()) <= 75 for line in card.split("\r\n"))
    assert "NOTE:Dòng một\\, có dấu phẩy\\; chấm phẩy.\\n\\nĐoạn hai." in card.replace("\r\n ", "")
    entry = Audit.get(Audit.action == "export.vcard")
    assert (entry.actor_id, entry.expert_id, entry.changed["fields"]) == \
        (official.id, duc.id, ["email"])
    assert views.count() == 2


def test_a_curator_vcard_holds_everything_and_a_foreign_name_in_western_order(
        app, client, make_user, login, people):
    as_role(make_user, login, "curator")
    card = client.get(f"/experts/{people[0].id}/vcard").get_data(as_text=True)
    assert "TEL;VALUE=uri;TYPE=work:tel:+81312345678" in card
    assert "BDAY:1975" in card and "GENDER:M" in card
    anna = client.get(f"/experts/{people[1].id}/vcard").get_data(as_text=True)
    assert "N:Schmidt;Anna;;;\r\n" in anna


def test_a_vcard_of_a_hidden_profile_is_a_404_and_anonymous_must_log_in(
        app, client, make_user, login, people):
    assert client.get(f"/experts/{people[0].id}/vcard").status_code == 302
    as_role(make_user, login, "official")
    assert client.get(f"/experts/{people[2].id}/vcard").status_code == 404


def test_a_withdrawn_consent_takes_the_profile_out_of_officials_exports(
        app, client, make_user, login, people):
    from expertnet.accounts import consent
    owner = make_user("expert", expert=people[1])
    consent.decide(people[1], owner, "publish", False, consent.NOTICE_VERSION)
    as_role(make_user, login, "official")
    rows = read_csv(client.get("/search/export.csv?layout=import"))
    assert [row["full_name"] for row in rows] == ["Nguyễn Văn Đức"]
    assert re.search("anna", client.get("/search/export.csv").get_data(as_text=True)) is None
