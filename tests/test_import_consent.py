"""Privacy by default for imports (SECURITY.md: a record imported without a consent record
is visible to curators only): the optional ``consent`` column, consents recorded through
the write path, visibility narrowed where consent is missing, the report in both
languages; the demo's consents; curators' edits need consent on record to widen."""
import datetime

import pytest
from conftest import PASSWORD, log_in
from flask_babel import force_locale
from test_import import write_csv
from test_profile_edit import save

from expertnet import search
from expertnet.accounts import consent
from expertnet.accounts.models import Consent
from expertnet.cli import format_report, load_demo
from expertnet.core.models import Audit
from expertnet.curation import importer
from expertnet.directory.models import Expert


def row(**values):
    base = {"external_id": "KS-1", "kind": "diaspora", "full_name": "Hoàng Thị Đồng Ý",
            "email": "dong.y@example.org", "phone": "+81 90 1234 5678", "visibility": "public",
            "email_visibility": "officials", "phone_visibility": "", "consent": ""}
    base.update(values)
    return base


def run(tmp_path, rows, name="survey.csv", **kwargs):
    path = write_csv(tmp_path / name, rows, columns=list(rows[0]))
    return importer.import_file(path, **kwargs)


def anonymous_finds(text):
    return search.search(search.get_store(), search.SearchRequest(text=text)).total


def test_a_new_row_without_consent_is_kept_for_curators_and_the_report_says_why(app, tmp_path):
    with force_locale("en"):
        report = run(tmp_path, [row()])
        english = format_report(report)
    expert = Expert.get(Expert.external_id == "KS-1")
    assert (report.created, report.exit_code) == (1, 0)
    assert (expert.visibility, expert.email_visibility, expert.phone_visibility) == \
        ("curators", "curators", "curators")
    assert Consent.select().count() == 0
    assert anonymous_finds("Đồng Ý") == 0
    # Filled cells asking for more are reported; the empty phone cell is narrowed silently.
    assert [(number, column) for number, column, _m in report.notices] == \
        [(2, "visibility"), (2, "email_visibility")]
    assert "Row 2, column visibility: kept for curators only: no consent to this on record" \
        in english
    with force_locale("vi"):
        vietnamese = format_report(run(tmp_path, [row()], name="lai.csv", dry_run=True))
    assert "Dòng 2, cột visibility: chỉ cán bộ quản lý dữ liệu được xem: chưa có sự đồng ý" \
        in vietnamese


def test_consents_in_the_row_are_recorded_audited_and_allow_the_visibility(app, tmp_path):
    report = run(tmp_path, [row(consent="publish; contact; 2025-11-20")])
    expert = Expert.get(Expert.external_id == "KS-1")
    assert report.notices == [] and report.created == 1
    assert (expert.visibility, expert.email_visibility, expert.phone_visibility) == \
        ("public", "officials", "officials")
    rows = {row.purpose: row for row in Consent.select().where(Consent.expert == expert.id)}
    assert set(rows) == {"publish", "contact"}
    for stored in rows.values():
        assert stored.granted and stored.user_id is None
        assert stored.notice_version == "import:survey.csv"
        assert stored.created_at == datetime.datetime(2025, 11, 20)
    grants = list(Audit.select().where((Audit.expert_id == expert.id)
                                       & (Audit.action == "consent.grant")))
    assert sorted(entry.changed["purpose"] for entry in grants) == ["contact", "publish"]
    assert {entry.source for entry in grants} == {"import"}
    assert anonymous_finds("Đồng Ý") == 1
    # Importing the same file again records nothing new: consent is already on record.
    again = run(tmp_path, [row(consent="publish; contact; 2025-11-20")])
    assert (again.unchanged, again.notices) == (1, [])
    assert Consent.select().count() == 2


@pytest.mark.parametrize("cell", ["công bố; liên hệ", "Cong Bo;LIEN HE;15/10/2025",
                                  "publication;liên lạc"])
def test_vietnamese_and_english_words_and_dates_are_understood(app, tmp_path, cell):
    report = run(tmp_path, [row(consent=cell)])
    assert report.notices == [] and report.problems == {}
    assert {c.purpose for c in Consent.select()} == {"publish", "contact"}


@pytest.mark.parametrize("cell", ["publish;yes", "publish;2999-01-01", "contact;31/02/2025"])
def test_an_unknown_consent_or_a_bad_date_rejects_the_row(app, tmp_path, cell):
    report = run(tmp_path, [row(consent=cell)])
    assert report.exit_code == 1 and report.problems[2][0][0] == "consent"
    assert Expert.select().count() == 0 and Consent.select().count() == 0


def test_consent_to_publish_only_keeps_the_contact_details_for_curators(app, tmp_path):
    report = run(tmp_path, [row(consent="publish", visibility="officials")])
    expert = Expert.get(Expert.external_id == "KS-1")
    assert (expert.visibility, expert.email_visibility, expert.phone_visibility) == \
        ("officials", "curators", "curators")
    assert [column for _n, column, _m in report.notices] == ["email_visibility"]


def test_a_new_row_without_contact_columns_does_not_take_the_wider_default(app, tmp_path):
    rows = [{"external_id": "KS-2", "kind": "domestic", "full_name": "Phan Văn Mặc Định",
             "email": "mac.dinh@example.org", "visibility": "public", "consent": "publish"}]
    report = run(tmp_path, rows)
    expert = Expert.get(Expert.external_id == "KS-2")
    assert (expert.visibility, expert.email_visibility) == ("public", "curators")
    assert report.notices == []


def test_a_consent_on_record_allows_what_the_row_asks(app, tmp_path, make_user):
    run(tmp_path, [row()])
    expert = Expert.get(Expert.external_id == "KS-1")
    user = make_user("expert", expert=expert)
    consent.decide(expert, user, "publish", True, consent.NOTICE_VERSION)
    report = run(tmp_path, [row()], name="again.csv")
    expert = Expert.get_by_id(expert.id)
    assert (expert.visibility, expert.email_visibility) == ("public", "curators")
    assert [column for _n, column, _m in report.notices] == ["email_visibility"]


def test_a_dry_run_reports_the_narrowing_and_writes_nothing(app, tmp_path):
    report = run(tmp_path, [row(), row(external_id="KS-3", full_name="Khác Hẳn",
                                       email="khac@example.org", consent="publish;contact")],
                 dry_run=True)
    assert report.created == 2 and [n for n, _c, _m in report.notices] == [2, 2]
    assert Expert.select().count() == 0 and Consent.select().count() == 0


def test_the_demo_records_consent_for_every_profile_it_shows(app):
    report = load_demo(count=40)
    assert report.created == 40 and report.notices == []
    shown = list(Expert.select().where(Expert.visibility != "curators"))
    assert shown and Expert.select().where(Expert.visibility == "public").count() > 20
    decisions = consent.latest_decisions([expert.id for expert in shown])
    assert all(decisions[expert.id] == {"publish": True, "contact": True} for expert in shown)
    assert {row.notice_version for row in Consent.select()} == {"import:demo"}
    hidden = [expert.id for expert in Expert.select().where(Expert.visibility == "curators")]
    assert hidden and all(decisions == {"contact": True}
                          for decisions in consent.latest_decisions(hidden).values())


# -- editing on screen: nobody widens without consent on record -------------------------
@pytest.fixture
def hidden(app, add):
    return add(full_name="Vương Thị Kín", visibility="curators", email="kin@example.org",
               email_visibility="curators")


def test_a_curator_publishes_only_with_the_persons_consent(app, client, hidden, make_user,
                                                            login):
    login(make_user("curator"))
    response = save(client, hidden, visibility="public", email_visibility="officials")
    assert response.status_code == 200
    assert "Chuyên gia chưa đồng ý cho việc này" in response.get_data(as_text=True)
    assert Expert.get_by_id(hidden.id).visibility == "curators"
    owner = make_user("expert", expert=hidden)
    consent.decide(hidden, owner, "publish", True, consent.NOTICE_VERSION)
    response = save(client, hidden, visibility="public", email_visibility="officials")
    assert response.status_code == 200  # still no consent to share the e-mail address
    consent.decide(hidden, owner, "contact", True, consent.NOTICE_VERSION)
    assert save(client, hidden, visibility="public", email_visibility="officials").status_code \
        == 302
    stored = Expert.get_by_id(hidden.id)
    assert (stored.visibility, stored.email_visibility) == ("public", "officials")


def test_narrowing_needs_no_consent(app, add, make_user):
    expert = add(full_name="Lâm Văn Hẹp", visibility="public")
    owner = make_user("expert", expert=expert)
    client = app.test_client()
    assert log_in(client, owner.email, PASSWORD).status_code == 302
    assert save(client, expert, visibility="officials").status_code == 302
    assert Expert.get_by_id(expert.id).visibility == "officials"


def test_a_long_file_name_is_kept_in_the_notice_version(app, tmp_path):
    """Migration 0011 widened the column (PostgreSQL enforces VARCHAR lengths)."""
    name = "khao-sat-tri-thuc-kieu-bao-hai-phong-nam-2025-dot-hai.csv"
    run(tmp_path, [row(consent="publish")], name=name)
    assert Consent.get().notice_version == f"import:{name}"


def test_0011_widens_the_notice_version_of_an_older_postgresql_database(app):
    from expertnet.core import migrations
    from expertnet.core.db import database, is_postgres
    if not is_postgres():
        pytest.skip("SQLite does not enforce VARCHAR lengths: 0011 has nothing to do there")

    def length():
        return database.execute_sql(
            "SELECT character_maximum_length FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'consent' "
            "AND column_name = 'notice_version'").fetchone()[0]

    with database.atomic():
        database.execute_sql("ALTER TABLE consent ALTER COLUMN notice_version TYPE VARCHAR(32)")
        migrations.SchemaMigration.delete().where(
            migrations.SchemaMigration.name == "0011_consent_notice_length").execute()
    assert length() == 32
    assert migrations.upgrade(database) == ["0011_consent_notice_length"]
    assert length() == 200
