"""Engagements: recorded by officials, shown to officials and curators on the profile
and the need, with attachments checked by content and served as downloads only; a
recent review for the need's organisation is a conflict of interest."""
import datetime
import io
import zipfile
from pathlib import Path

import pytest
from conftest import client_as, post_form

from expertnet.accounts import data_rights as subject
from expertnet.accounts.models import DeletionRequest
from expertnet.cooperation.models import Attachment, Engagement
from expertnet.core import access
from expertnet.core.db import utcnow
from expertnet.core.models import Audit
from expertnet.outreach import matching, shortlists
from expertnet.outreach import needs as records
from expertnet.outreach.models import Need

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def expert(add):
    return add(full_name="Trần Văn Cảng", organization="Công ty Cảng", fields="seaports",
               visibility="officials", bio_vi="Tự động hóa cảng biển")


def _record(client, expert, need=None, **values):
    data = {"expert_id": str(expert.id), "kind": "consultation", "title": "Tư vấn bến container",
            "starts_on": "2026-03-02", "ends_on": "2026-03-20",
            "department": "Sở Khoa học và Công nghệ", "outcome": "Báo cáo tư vấn đã nộp."}
    if need is not None:
        data["need_id"] = str(need.id)
    data.update(values)
    return post_form(client, "/engagements/new", data)


def test_an_engagement_for_a_need_shows_on_the_need_and_the_profile(app, official, expert,
                                                                    make_user):
    need = records.save({"title": "Tự động hóa cảng", "organization": "Sở Khoa học và Công nghệ"},
                        owner=official)
    shortlists.add(need, expert, official.id)
    client = client_as(app, official)
    form = client.get(f"/engagements/new?expert={expert.id}&need={need.id}").get_data(as_text=True)
    assert f'value="{expert.id}"' in form
    response = _record(client, expert, need)
    assert response.status_code == 302
    engagement = Engagement.get()
    assert (engagement.expert_id, engagement.need_id, engagement.kind) == \
        (expert.id, need.id, "consultation")
    assert Need.get_by_id(need.id).status == "engaged"
    assert "Tư vấn bến container" in client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "Tư vấn bến container" in client.get(f"/experts/{expert.id}").get_data(as_text=True)
    curator = client_as(app, make_user("curator"))
    assert "Tư vấn bến container" in curator.get(f"/experts/{expert.id}").get_data(as_text=True)
    # The owner of the profile and the public do not see the history.
    expert.visibility = "public"
    expert.save()
    owner_user = make_user("expert", expert=expert)
    owner = client_as(app, owner_user)
    assert "Tư vấn bến container" not in owner.get(f"/experts/{expert.id}").get_data(as_text=True)
    assert "Tư vấn bến container" not in app.test_client().get(f"/experts/{expert.id}").text
    assert owner.get(f"/engagements/{engagement.id}").status_code == 403
    assert Audit.select().where(Audit.action == "engagement.create").count() == 1
    # The person's data download lists it.
    [exported] = subject.export(owner_user)["engagements"]
    assert (exported["kind"], exported["title"]) == ("consultation", "Tư vấn bến container")


def test_bad_values_come_back_with_their_errors(app, official, expert):
    client = client_as(app, official)
    response = _record(client, expert, kind="", title="", starts_on="2026-02-30",
                       ends_on="2026-01-01", outcome="Giữ lại")
    assert response.status_code == 200 and Engagement.select().count() == 0
    assert "Giữ lại" in response.get_data(as_text=True)
    unknown = _record(client, expert, expert_id="999999")
    assert unknown.status_code == 200 and Engagement.select().count() == 0


def test_only_its_author_and_curators_change_an_engagement(app, official, expert, make_user):
    _record(client_as(app, official), expert)
    engagement = Engagement.get()
    other = client_as(app, make_user("official"))
    assert other.get(f"/engagements/{engagement.id}").status_code == 200
    assert other.get(f"/engagements/{engagement.id}/edit").status_code == 403
    curator = client_as(app, make_user("curator"))
    response = post_form(curator, f"/engagements/{engagement.id}/edit",
                         {"kind": "review", "title": "Phản biện", "starts_on": "2026-03-02",
                          "department": "Sở Khoa học và Công nghệ"})
    assert response.status_code == 302 and Engagement.get().kind == "review"


def test_attachments_are_checked_by_content_and_served_as_downloads(app, official, expert,
                                                                    make_user):
    client = client_as(app, official)
    _record(client, expert)
    engagement = Engagement.get()
    path = f"/engagements/{engagement.id}"

    def upload(data, name):
        return post_form(client, f"{path}/attachments", {"file": (io.BytesIO(data), name)},
                         form_path=path, content_type="multipart/form-data")

    assert upload(PDF, "Báo cáo tư vấn.pdf").status_code == 302
    assert upload(_docx(), "../../biên bản.docx").status_code == 302
    # Named .pdf, but HTML inside: refused, nothing kept.
    refused = upload(b"<html><script>alert(1)</script></html>", "report.pdf")
    assert refused.status_code == 303 and "rejected=type" in refused.location
    assert upload(b"MZ\x90\x00" + b"\x00" * 100, "setup.exe").status_code == 303
    rows = list(Attachment.select().order_by(Attachment.id))
    assert [(row.filename, row.content_type) for row in rows] == [
        ("Báo cáo tư vấn.pdf", "application/pdf"),
        ("biên bản.docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    stored = Path(app.instance_path) / "attachments" / rows[0].stored_name
    assert stored.read_bytes() == PDF
    assert len(list((Path(app.instance_path) / "attachments").iterdir())) == 2
    download = client.get(f"{path}/attachments/{rows[0].id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    # Served only to those allowed.
    assert app.test_client().get(f"{path}/attachments/{rows[0].id}").status_code == 302
    stranger = client_as(app, make_user("expert"))
    assert stranger.get(f"{path}/attachments/{rows[0].id}").status_code == 403
    assert client.get(f"{path}/attachments/{rows[0].id + 100}").status_code == 404
    # Too large: 413, nothing kept.
    app.config["ATTACHMENT_MAX_BYTES"] = 100
    assert upload(PDF + b"x" * 200, "big.pdf").status_code == 413
    assert Attachment.select().count() == 2
    post_form(client, f"{path}/attachments/{rows[1].id}/delete", {}, form_path=path)
    assert Attachment.select().count() == 1
    assert len(list((Path(app.instance_path) / "attachments").iterdir())) == 1


def test_an_engagement_of_a_hidden_profile_is_hidden_too(app, official, expert, add):
    _record(client_as(app, official), expert)
    engagement = Engagement.get()
    from expertnet.directory import writes
    writes.save_profile({"visibility": "curators"}, expert=expert)
    client = client_as(app, official)
    assert client.get(f"/engagements/{engagement.id}").status_code == 404
    assert "Tư vấn bến container" not in client.get("/engagements").get_data(as_text=True)


def test_deleting_a_profile_deletes_its_engagements_and_files(app, official, expert, make_user):
    client = client_as(app, official)
    _record(client, expert)
    engagement = Engagement.get()
    post_form(client, f"/engagements/{engagement.id}/attachments",
              {"file": (io.BytesIO(PDF), "a.pdf")}, form_path=f"/engagements/{engagement.id}",
              content_type="multipart/form-data")
    folder = Path(app.instance_path) / "attachments"
    assert len(list(folder.iterdir())) == 1
    subject.confirm(DeletionRequest.create(expert_id=expert.id), actor=None)
    assert Engagement.select().count() == 0 and Attachment.select().count() == 0
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("days_ago, flagged", [(30, True), (400, False)])
def test_a_recent_review_for_the_same_organisation_is_a_conflict(app, official, expert,
                                                                 days_ago, flagged):
    when = (utcnow() - datetime.timedelta(days=days_ago)).date().isoformat()
    _record(client_as(app, official), expert, kind="review", title="Phản biện đề tài",
            starts_on=when, ends_on="", department="SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    # A consultation for the same organisation is no conflict.
    _record(client_as(app, official), expert, starts_on=when, ends_on="")
    need = records.save({"title": "Tự động hóa cảng biển", "organization": "Sở Khoa học và Công nghệ"},
                        owner=official)
    found = matching.propose(need, access.viewer_for(official))
    conflicts = found.reasons[expert.id].conflicts
    assert conflicts == ([("reviewed", datetime.date.fromisoformat(when))] if flagged else [])
    page = client_as(app, official).get(f"/needs/{need.id}/proposal").get_data(as_text=True)
    assert ("đã phản biện cho cơ quan, đơn vị này" in page) is flagged
