"""Dates, times and numbers in the reader's language and the city's zone:
one set of helpers (expertnet.core.i18n) behind the ``date``, ``datetime`` and ``ago`` filters,
the e-mails and the exports. Vietnamese 06/12/2026 and 15:50, 06/12/2026; English
6 Dec 2026 and 15:50, 6 Dec 2026; stored moments are UTC and shown in EXPERTNET_TIMEZONE."""
import datetime
import io
import re
from pathlib import Path

import openpyxl
import pytest
from conftest import client_as, make_app
from flask_babel import force_locale

from expertnet import create_app
from expertnet.accounts import emails, stale_reminders
from expertnet.core.db import utcnow
from expertnet.core.i18n import format_ago, format_day, format_moment
from expertnet.core.models import Audit
from expertnet.notifications import inbox as notifications

# 08:50 UTC is 15:50 in Hai Phong (UTC+7, no summer time).
MOMENT = datetime.datetime(2026, 12, 6, 8, 50, 4)
VI, EN = {"Accept-Language": "vi"}, {"Accept-Language": "en"}


@pytest.mark.parametrize("language, day, moment, zoned", [
    ("vi", "06/12/2026", "15:50, 06/12/2026", "15:50, 06/12/2026 (Giờ Việt Nam)"),
    ("en", "6 Dec 2026", "15:50, 6 Dec 2026", "15:50, 6 Dec 2026 (Vietnam Time)"),
])
def test_days_and_moments_in_each_language(app, language, day, moment, zoned):
    with force_locale(language):
        assert format_day(datetime.date(2026, 12, 6)) == day
        assert format_day(MOMENT) == day
        assert format_moment(MOMENT) == moment
        assert format_moment(MOMENT, zone=True) == zoned
        assert format_moment(MOMENT, seconds=True) == moment.replace("15:50", "15:50:04")
        # As SQLite gives an aggregate back: text, read as the moment it is.
        assert format_moment("2026-12-06 08:50:04") == moment
        assert format_day(None) == format_moment(None) == ""


def test_a_moment_late_in_the_utc_evening_is_the_next_day_in_hai_phong(app):
    late = datetime.datetime(2026, 12, 31, 20, 30)
    with force_locale("vi"):
        assert format_day(late) == "01/01/2027"
        assert format_moment(late) == "03:30, 01/01/2027"


@pytest.mark.parametrize("language, expected", [
    ("vi", ["3 ngày trước", "2 giờ trước", "40 giây trước"]),
    ("en", ["3 days ago", "2 hours ago", "40 seconds ago"]),
])
def test_relative_times(app, language, expected):
    now = datetime.datetime(2026, 12, 6, 12, 0)
    with force_locale(language):
        assert [format_ago(now - gap, now=now) for gap in (
            datetime.timedelta(days=3), datetime.timedelta(hours=2),
            datetime.timedelta(seconds=40))] == expected


def test_another_city_zone(tmp_path, database_url):
    berlin = make_app(tmp_path, database_url, TIMEZONE="Europe/Berlin")
    try:
        with berlin.app_context(), force_locale("en"):
            assert format_moment(MOMENT, zone=True) == "09:50, 6 Dec 2026 (Central European Time)"
            summer = datetime.datetime(2026, 7, 1, 8, 50)
            assert format_moment(summer) == "10:50, 1 Jul 2026"
    finally:
        berlin.extensions["expertnet.search"].close()


def test_the_zone_comes_from_the_environment_and_a_wrong_one_stops_the_start(
        tmp_path, monkeypatch):
    monkeypatch.setenv("EXPERTNET_TIMEZONE", "Asia/Tokyo")
    settings = {"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True,
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "INDEX_DIR": str(tmp_path / "index"), "SECRET_KEY": "test"}
    tokyo = create_app(settings)
    try:
        assert tokyo.config["TIMEZONE"] == "Asia/Tokyo"
        with tokyo.app_context(), force_locale("vi"):
            assert format_moment(MOMENT) == "17:50, 06/12/2026"
    finally:
        tokyo.extensions["expertnet.search"].close()
    monkeypatch.setenv("EXPERTNET_TIMEZONE", "Asia/Hai_Phong")
    with pytest.raises(LookupError):
        create_app({**settings, "INSTANCE_PATH": str(tmp_path / "other")})


def test_notifications_say_how_long_ago_and_name_the_moment(app, make_user, login, client):
    user = make_user("expert")
    note = notifications.notify(user, "stale_reminder", expert_id=None, date="2025-01-31")
    note.created_at = utcnow() - datetime.timedelta(days=3, minutes=5)
    note.save()
    login(user)
    page = client.get("/notifications", headers=VI).text
    assert ">3 ngày trước</time>" in page
    assert "31/01/2025" in page
    assert re.search(r'title="\d\d:\d\d, \d\d/\d\d/20\d\d \(Giờ Việt Nam\)"', page)
    page = client.get("/notifications", headers=EN).text
    assert ">3 days ago</time>" in page and "31 Jan 2025" in page


def test_a_notification_dates_a_late_evening_moment_by_the_citys_day(app, make_user, login,
                                                                     client):
    user = make_user("expert")
    # Proposed at 20:30 UTC on 31 December: 03:30 on 1 January in Hai Phong.
    notifications.notify(user, "review_accepted", date=datetime.datetime(2026, 12, 31, 20, 30))
    login(user)
    assert "01/01/2027" in client.get("/notifications", headers=VI).text
    assert "1 Jan 2027" in client.get("/notifications", headers=EN).text


def test_the_audit_log_shows_city_time_and_names_the_zone(app, make_user, login, client):
    admin = make_user("admin")
    Audit.create(action="user.create", actor=admin.id, source="cli", created_at=MOMENT,
                 changes="{}")
    login(admin)
    page = client.get("/admin/audit", headers=VI).text
    assert "Thời điểm (Giờ Việt Nam)" in page and "15:50:04, 06/12/2026" in page
    assert "(UTC)" not in page
    page = client.get("/admin/audit", headers=EN).text
    assert "Time (Vietnam Time)" in page and "15:50:04, 6 Dec 2026" in page


@pytest.mark.parametrize("language, day", [("vi", "20/04/2027"), ("en", "20 Apr 2027")])
def test_e_mails_write_dates_in_the_recipients_language(app, mailbox, language, day):
    stale_reminders.reminder_mail("an@example.org", "Nguyễn Văn An", datetime.date(2027, 4, 20),
                            "https://example.org/ok", "https://example.org/edit", language)
    emails.review_outcome("an@example.org", True, datetime.date(2027, 4, 20), "",
                          "https://example.org/p", language)
    assert len(mailbox) == 2
    for message in mailbox:
        body = message.get_body(("plain",)).get_content()
        assert day in body and "tháng" not in body and "April" not in body


def test_the_programme_report_workbook_writes_its_period_in_the_readers_language(
        app, official):
    client = client_as(app, official)
    for headers, period in ((VI, "01/01/2026"), (EN, "1 Jan 2026")):
        download = client.get("/engagements/report.xlsx?from=2026-01-01&to=2026-12-31",
                              headers=headers)
        assert download.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
        cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row
                 if isinstance(cell, str)]
        assert any(period in cell for cell in cells), cells[:5]


# Where a date may still be written by other means, and why: machine formats (vCard's
# REV, file and folder names), and a month's label on the statistics charts (Babel).
MACHINE_FORMATS = {"expertnet/curation/exports.py", "expertnet/search/index.py", "expertnet/cli/backup.py",
                   "expertnet/programme/statistics.py", "expertnet/core/i18n.py"}


def test_no_date_is_formatted_by_hand():
    root = Path(__file__).resolve().parent.parent
    by_hand = re.compile(r"strftime|format_date\(|format_datetime\(|\|datetimeformat|\|dateformat")
    found = [str(path.relative_to(root)) for path in (root / "expertnet").rglob("*")
             if path.suffix in (".py", ".html", ".txt")
             and str(path.relative_to(root)) not in MACHINE_FORMATS
             and by_hand.search(path.read_text(encoding="utf-8"))]
    assert found == []
