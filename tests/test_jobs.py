"""Background jobs: large exports and many invitations run as Huey
tasks with a job record the person watches; small ones stay immediate; the result is
downloadable by the person who asked only, audited, and deleted after N days."""
import csv
import datetime
import io
import re

import pytest
from conftest import client_as, csrf_token, log_in
from werkzeug.datastructures import MultiDict

from expertnet.accounts import consent
from expertnet.accounts.models import Invitation, User
from expertnet.core import access, tasks
from expertnet.core import outbox as mail
from expertnet.core.db import utcnow
from expertnet.core.models import Audit
from expertnet.curation import exports, jobs
from expertnet.curation.models import Job
from expertnet.directory import finder, writes


@pytest.fixture
def many(app):
    """Eight public profiles with consent, one for curators only, one with a formula."""
    experts = [writes.save_profile({"kind": "domestic", "full_name": f"Chuyên Gia {n}",
                                      "visibility": "public", "email": f"cg{n}@example.org",
                                      "fields": "ai"}).expert for n in range(8)]
    experts.append(writes.save_profile({"kind": "domestic", "full_name": "Nội Bộ",
                                          "visibility": "curators", "fields": "ai"}).expert)
    experts.append(writes.save_profile({"kind": "domestic", "visibility": "public",
                                          "full_name": "Công Thức",
                                          "organization": '=HYPERLINK("http://x","y")'}).expert)
    for expert in experts:
        for purpose in consent.PURPOSES:
            consent.decide(expert, None, purpose, True, consent.NOTICE_VERSION)
    return experts


def download(client, job):
    """``(status, body)`` of the job's download, the response closed (it streams a file)."""
    with client.get(f"/jobs/{job.id}/download") as response:
        return response.status_code, response.get_data()


def rows_of(data):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def export_as(app, user, threshold=3, query="/search/export.csv"):
    app.config["EXPORT_BACKGROUND_ROWS"] = threshold
    client = client_as(app, user)
    return client, client.get(query)


def test_a_small_export_stays_immediate(app, many, make_user):
    _client, response = export_as(app, make_user("official"), threshold=1000)
    assert response.status_code == 200 and Job.select().count() == 0


def test_a_large_export_runs_as_a_job_with_the_askers_rights(app, many, make_user):
    official = make_user("official")
    client, response = export_as(app, official, query="/search/export.csv?layout=import")
    job = Job.get()
    assert response.status_code == 302 and response.location == f"/jobs/{job.id}"
    # Tasks run at once in tests: the job is done, with its progress.
    assert (job.kind, job.status, job.done, job.total) == ("export", "done", 9, 9)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f"/jobs/{job.id}/download" in page and "http-equiv=\"refresh\"" not in page
    with client.get(f"/jobs/{job.id}/download") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["Cache-Control"] == "no-store"
        rows = rows_of(response.get_data())
    names = {row["full_name"] for row in rows}
    # An official's rights: no curators-only profile; formula cells neutralised.
    assert "Nội Bộ" not in names and len(rows) == 9
    assert next(row for row in rows if row["full_name"] == "Công Thức")["organization"] \
        .startswith("'=")
    assert Audit.select().where(Audit.action == "export.search").get().changed["job"] == job.id
    assert Audit.select().where((Audit.action == "job.download")
                                & (Audit.actor_id == official.id)).count() == 1
    # The official saw e-mail addresses: each view is logged per profile, as in an export.
    assert Audit.select().where((Audit.action == "contact.view")
                                & (Audit.actor_id == official.id)).count() == 8


def test_a_curators_export_holds_what_curators_see(app, many, make_user):
    client, _response = export_as(app, make_user("curator"), query="/search/export.xlsx?field=ai")
    job = Job.get()
    today = exports.local_today().isoformat()
    # Every profile in the field, the curators-only one too; the name says what it holds.
    assert job.total == 9 and job.result_name == f"chuyên-gia_{today}_lĩnh-vực-ai.xlsx"
    assert download(client, job)[0] == 200


def test_only_the_owner_sees_and_downloads_the_job(app, many, make_user):
    export_as(app, make_user("official"))
    job = Job.get()
    for role in ("official", "curator", "admin"):
        other = client_as(app, make_user(role))
        for path in (f"/jobs/{job.id}", f"/jobs/{job.id}/status", f"/jobs/{job.id}/download"):
            with other.get(path) as response:
                assert response.status_code == 404, (role, path)
    assert app.test_client().get(f"/jobs/{job.id}/download").status_code == 302  # log in


def test_rights_lost_before_the_job_runs_export_nothing(app, many, make_user):
    official = make_user("official")
    # Asked for as an official; the account is demoted before the job runs.
    criteria = finder.parse_criteria(MultiDict())
    viewer = access.viewer_for(official)
    User.update(role="expert").where(User.id == official.id).execute()
    job = jobs.start_export(criteria, "csv", viewer, 9)
    assert job.status == "failed" and job.error == "rights_changed"
    assert not list(jobs.folder().iterdir())
    User.update(role="official").where(User.id == official.id).execute()
    client = client_as(app, official)
    client.get("/lang/en")
    assert "Your account or its role changed" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    client.get("/lang/vi")
    assert "Tài khoản" in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_an_unexpected_failure_is_shown_in_both_languages(app, many, make_user, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr("expertnet.curation.exports.write", broken)
    official = make_user("official")
    client, _response = export_as(app, official)
    job = Job.get()
    assert (job.status, job.error, job.detail) == ("failed", "unexpected", "OSError")
    client.get("/lang/en")
    assert "unexpected error" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    client.get("/lang/vi")
    assert "lỗi không lường trước" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert download(client, job)[0] == 404


def test_results_expire_and_are_deleted(app, many, make_user, runner):
    client, _response = export_as(app, make_user("official"))
    job = Job.get()
    path = jobs.result_path(job)
    assert path.exists()
    Job.update(expires_at=utcnow() - datetime.timedelta(minutes=1)).where(Job.id == job.id).execute()
    result = runner.invoke(args=["jobs-cleanup"])
    assert "1 files deleted" in result.output and not path.exists()
    assert download(client, job)[0] == 410  # gone
    assert "deleted" in client.get(f"/jobs/{job.id}", headers={"Accept-Language": "en"}).text \
        or "đã bị xóa" in client.get(f"/jobs/{job.id}").text


def test_the_job_list_shows_the_owners_jobs_only(app, many, make_user):
    client, _response = export_as(app, make_user("official"))
    other = client_as(app, make_user("official"))
    assert f"/jobs/{Job.get().id}" in client.get("/jobs").text
    assert f"/jobs/{Job.get().id}" not in other.get("/jobs").text


# -- invitations ----------------------------------------------------------------------------------
def _invite(client, ids):
    token = csrf_token(client, "/curate/quality")
    return client.post("/curate/quality/bulk", data={"action": "invite", "ids": ids,
                                                     "confirm": "1", "csrf_token": token})


def test_many_invitations_run_as_a_job_and_the_links_are_its_result(app, many, make_user):
    app.config["INVITE_BACKGROUND_COUNT"] = 3
    curator = make_user("curator")
    client = client_as(app, curator)
    token = csrf_token(client, "/curate/quality")
    confirm = client.post("/curate/quality/bulk", headers={"Accept-Language": "en"}, data={
        "action": "invite", "ids": [expert.id for expert in many], "csrf_token": token})
    assert "sent in the background" in confirm.text and Invitation.select().count() == 0
    response = _invite(client, [expert.id for expert in many])
    job = Job.get()
    assert response.status_code == 302 and response.location == f"/jobs/{job.id}"
    assert (job.kind, job.status, job.done, job.total) == ("invitations", "done", 8, 8)
    assert Invitation.select().count() == 8
    rows = list(csv.reader(io.StringIO(download(client, job)[1].decode("utf-8-sig"))))
    links = [row[3] for row in rows[1:9]]
    assert all(re.match(r"http://localhost/invitations/[\w.-]+$", link) for link in links)
    # Those left alone say why (no e-mail address).
    assert len(rows) == 11
    assert sorted(tuple(row[1:]) for row in rows[9:]) == [
        ("Công Thức", "", "hồ sơ không có địa chỉ thư điện tử"),
        ("Nội Bộ", "", "hồ sơ không có địa chỉ thư điện tử")]  # in the curator's language
    assert client.get(links[0].replace("http://localhost", "")).status_code == 200
    assert Audit.select().where(Audit.action == "quality.bulk").get().changed["job"] == job.id


def test_few_invitations_stay_immediate(app, many, make_user):
    client = client_as(app, make_user("curator"))
    response = _invite(client, [many[0].id])
    assert response.status_code == 200 and Job.select().count() == 0


def test_invitations_of_a_job_are_mailed_when_mail_is_on(app, many, make_user):
    app.config.update(INVITE_BACKGROUND_COUNT=3, MAIL_BACKEND="memory")
    client = client_as(app, make_user("curator"))
    _invite(client, [expert.id for expert in many[:5]])
    assert len(mail.outbox()) == 5
    assert "http://localhost/invitations/" in mail.outbox()[0].get_content()


# -- the queued path ---------------------------------------------------------------------------------
def test_a_queued_export_records_its_progress_as_it_runs(app_factory, many, make_user,
                                                         monkeypatch):
    queued = app_factory(TASKS_IMMEDIATE=False, EXPORT_BACKGROUND_ROWS=3)
    official = make_user("official")
    with queued.app_context():
        client = queued.test_client()
        assert log_in(client, official.email).status_code == 302
        response = client.get("/search/export.csv")
        job = Job.get()
        assert response.status_code == 302
        assert (job.status, job.done, job.total) == ("queued", 0, 9)
        status = client.get(f"/jobs/{job.id}/status").get_json()
        assert status["busy"] and status["percent"] == 0
        page = client.get(f"/jobs/{job.id}").text
        assert 'http-equiv="refresh"' in page and "progress.js" in page  # works without JS
        seen = []
        monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
        original = jobs._Reporter.__call__

        def spy(self, done, total=None, force=False):
            original(self, done, total, force)
            stored = Job.get_by_id(self.job_id)
            seen.append((stored.status, stored.done, stored.total))
        monkeypatch.setattr(jobs._Reporter, "__call__", spy)
        monkeypatch.setattr("expertnet.curation.exports.Logged.__init__.__defaults__", (None, 2, "screen"))
        task = tasks.huey.dequeue()
        tasks.huey.execute(task)
        job = Job.get_by_id(job.id)
        assert job.status == "done" and (job.done, job.total) == (9, 9)
        assert seen[0] == ("running", 0, 9)
        assert ("running", 4, 9) in seen and seen[-1] == ("running", 9, 9)
        assert client.get(f"/jobs/{job.id}/status").get_json()["busy"] is False
        assert len(rows_of(download(client, job)[1])) == 9
