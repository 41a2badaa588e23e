"""Cooperation agreements: partners at home and abroad, statuses (a signed agreement past
its end reads as expired), linked experts, events and delegations, the signed file
checked and limited like engagements' attachments."""
import datetime
import io
from pathlib import Path

import pytest
from conftest import client_as, post_form

from expertnet.cooperation import agreements, events
from expertnet.cooperation import missions as delegations
from expertnet.cooperation.models import Agreement, AgreementExpert, AgreementFile, AgreementLink
from expertnet.core.db import utcnow
from expertnet.core.models import Audit

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
MOU = {"title": "Biên bản ghi nhớ hợp tác cảng biển", "partner": "Đại học Hàng hải Kobe",
       "partner_country": "JP", "partner_scope": "", "status": "signed",
       "signed_on": "2026-03-15", "ends_on": "2031-03-15", "department": "Sở Ngoại vụ",
       "fields": "seaports"}


@pytest.fixture
def expert(add):
    return add(full_name="Đỗ Văn Hợp Tác", kind="foreign", visibility="officials")


def test_an_official_records_an_agreement_and_links_what_it_involves(app, official, expert):
    client = client_as(app, official)
    empty = client.get("/agreements", headers={"Accept-Language": "en"}).text
    assert "No agreement yet." in empty
    assert post_form(client, "/agreements/new", MOU).status_code == 302
    agreement = Agreement.get()
    # The scope follows the country when none is chosen.
    assert (agreement.partner_scope, agreement.status, agreement.fields) == \
        ("foreign", "signed", ["seaports"])
    path = f"/agreements/{agreement.id}"
    assert post_form(client, f"{path}/experts", {"expert_id": str(expert.id)},
                     form_path=path).status_code == 302
    assert post_form(client, f"{path}/experts", {"expert_id": str(expert.id)},
                     form_path=path).status_code == 409
    event = events.save({"kind": "conference", "title": "Hội nghị ký kết",
                         "starts_on": "2026-03-15", "department": "Sở Ngoại vụ"}, official.id)
    mission = delegations.save({"direction": "outgoing", "title": "Đoàn đi Kobe", "country": "JP",
                                "starts_on": "2026-03-14", "department": "Sở Ngoại vụ"},
                               official.id)
    for data in ({"event_id": str(event.id)}, {"mission_id": str(mission.id)}):
        assert post_form(client, f"{path}/links", data, form_path=path).status_code == 302
    assert post_form(client, f"{path}/links", {"event_id": str(event.id)},
                     form_path=path).status_code == 409
    assert post_form(client, f"{path}/links", {"event_id": "999999"},
                     form_path=path).status_code == 404
    assert AgreementLink.select().count() == 2
    page = client.get(path, headers={"Accept-Language": "vi"}).get_data(as_text=True)
    for text in ("Đại học Hàng hải Kobe", "Đối tác nước ngoài", "Đã ký", "Đỗ Văn Hợp Tác",
                 "Hội nghị ký kết", "Đoàn đi Kobe"):
        assert text in page, text
    assert MOU["title"] in client.get(f"/events/{event.id}").text
    assert MOU["title"] in client.get(f"/delegations/{mission.id}").text
    profile = client.get(f"/experts/{expert.id}").get_data(as_text=True)
    assert MOU["title"] in profile
    actions = {row.action for row in Audit.select()}
    assert {"agreement.create", "agreement.link_expert", "agreement.link"} <= actions
    # Deleting the event takes its link away, not the agreement.
    events.delete(event, official.id)
    assert AgreementLink.select().count() == 1 and Agreement.select().count() == 1


def test_statuses_checks_and_filters(app, official):
    client = client_as(app, official)
    bad = post_form(client, "/agreements/new", {**MOU, "partner": "", "status": "lost",
                                                "partner_country": "", "partner_scope": ""},
                    headers={"Accept-Language": "vi"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and Agreement.select().count() == 0
    assert "Hãy chọn tình trạng của thỏa thuận." in text
    assert "Hãy chọn đối tác trong nước hay nước ngoài." in text
    # A signed agreement needs its signing date; a draft does not.
    unsigned = post_form(client, "/agreements/new", {**MOU, "signed_on": ""},
                         headers={"Accept-Language": "en"})
    assert unsigned.status_code == 200 and "is required" in unsigned.text
    yesterday = (utcnow() - datetime.timedelta(days=1)).date().isoformat()
    old = agreements.save({**MOU, "title": "Hết hạn", "signed_on": "2020-01-01",
                           "ends_on": yesterday}, official.id)
    agreements.save({**MOU, "title": "Trong nước", "partner": "Đại học Hàng hải Việt Nam",
                     "partner_country": "VN", "status": "draft", "signed_on": ""}, official.id)
    assert agreements.status_of(old) == "expired"
    assert "Hết hạn" in client.get("/agreements?status=expired").text
    assert "Hết hạn" not in client.get("/agreements?status=signed").text
    domestic = client.get("/agreements?scope=domestic").text
    assert "Trong nước" in domestic and "Hết hạn" not in domestic
    assert "Trong nước" not in client.get("/agreements?q=kobe").text


def test_the_signed_file_is_checked_limited_and_served_to_officials(app, official, make_user):
    agreement = agreements.save(MOU, official.id)
    client = client_as(app, official)
    path = f"/agreements/{agreement.id}"

    def upload(data, name):
        return post_form(client, f"{path}/files", {"file": (io.BytesIO(data), name)},
                         form_path=path, content_type="multipart/form-data")

    assert upload(PDF, "MOU đã ký.pdf").status_code == 302
    refused = upload(b"<html><script>alert(1)</script></html>", "mou.pdf")
    assert refused.status_code == 303 and "rejected=type" in refused.location
    app.config["ATTACHMENT_MAX_BYTES"] = 100
    assert upload(PDF + b"x" * 200, "big.pdf").status_code == 413
    [row] = AgreementFile.select()
    assert (row.filename, row.content_type) == ("MOU đã ký.pdf", "application/pdf")
    download = client.get(f"{path}/files/{row.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store"
    assert client_as(app, make_user("expert")).get(f"{path}/files/{row.id}").status_code == 403
    stranger = client_as(app, make_user("official"))
    assert post_form(stranger, f"{path}/files/{row.id}/delete", {},
                     form_path=path).status_code == 403
    folder = Path(app.instance_path) / "attachments"
    assert len(list(folder.iterdir())) == 1
    # Deleting the agreement deletes its file.
    assert post_form(client, f"{path}/delete", {}, form_path=path).status_code == 302
    assert AgreementFile.select().count() == 0 and list(folder.iterdir()) == []


def test_a_hidden_expert_is_not_shown_nor_linkable(app, official, add):
    hidden = add(full_name="Bí Mật", visibility="curators")
    agreement = agreements.save(MOU, official.id)
    client = client_as(app, official)
    path = f"/agreements/{agreement.id}"
    assert post_form(client, f"{path}/experts", {"expert_id": str(hidden.id)},
                     form_path=path).status_code == 404
    agreements.link_expert(agreement, hidden, None)  # a curator's link
    assert "Bí Mật" not in client.get(path).text
    assert AgreementExpert.select().count() == 1


def test_the_page_lists_the_files_with_actions_for_editors_only(app, official, make_user):
    """The file list is the macro shared with engagements (_attachments.html)."""
    agreement = agreements.save(MOU, official.id)
    path = f"/agreements/{agreement.id}"
    client = client_as(app, official)
    assert "Chưa có tệp nào." in client.get(path, headers={"Accept-Language": "vi"}).text
    post_form(client, f"{path}/files", {"file": (io.BytesIO(PDF), "mou.pdf")}, form_path=path,
              content_type="multipart/form-data")
    [row] = AgreementFile.select()
    page = client.get(path, headers={"Accept-Language": "en"}).text
    assert f'href="{path}/files/{row.id}">mou.pdf</a>' in page
    assert f'action="{path}/files/{row.id}/delete"' in page
    assert f'action="{path}/files" enctype="multipart/form-data"' in page
    assert "No file yet." not in page
    rejected = client.get(f"{path}?rejected=type", headers={"Accept-Language": "en"}).text
    assert "This file was not kept" in rejected
    other = client_as(app, make_user("official")).get(path).text
    assert f'href="{path}/files/{row.id}">mou.pdf</a>' in other
    assert "/delete" not in other and 'enctype="multipart/form-data"' not in other
