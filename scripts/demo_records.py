"""Accounts for every role and one record of each kind on a demo instance, so that a
browser can walk every page a role reaches (the phone-layout test, screenshots).

    EXPERTNET_INSTANCE_PATH=/tmp/x/instance python -m scripts.demo_records

Loads the demo profiles first when the database is empty. Every record is written
through the module that owns it (audited like a person's action would be); background
tasks run at once in this process, so imports and jobs are finished when it returns.
Prints the accounts as JSON: ``{"role": [email, password]}``.
"""
import json
import os
import tempfile
from pathlib import Path

PASSWORD = "demo records password 2026"
ACCOUNTS = {role: f"{role}@demo.example.org" for role in ("expert", "official", "curator", "admin")}
# The marketplace's roles: an official allowed to broker, an organisation's representative.
TECHNOLOGY_ACCOUNTS = {role: f"{role}@demo.example.org" for role in ("broker", "representative")}


def _profile(full_name, email, **values):
    from expertnet.directory import writes
    raw = {"kind": "diaspora", "full_name": full_name, "visibility": "officials",
           "country": "JP", "fields": "seaports", "email": email,
           "organization": "Đại học Hàng hải Kobe"}
    raw.update(values)
    return writes.save_profile(raw).expert


def _accounts(owned):
    from expertnet.accounts import users as accounts
    users = {}
    for role, email in ACCOUNTS.items():
        users[role] = accounts.create_user(email, role, password=PASSWORD,
                                           expert_id=owned.id if role == "expert" else None)
    accounts.set_department(users["official"], "Sở Khoa học và Công nghệ")
    return users


def _need_and_contact(official, owned, other):
    from expertnet.outreach import contact_requests, shortlists
    from expertnet.outreach import needs as records
    need = records.save({"title": "Tư vấn tự động hóa bến container Lạch Huyện",
                         "organization": "Sở Khoa học và Công nghệ",
                         "description": "Cần chuyên gia tư vấn về tự động hóa cảng biển.",
                         "fields": ["seaports"], "available_for": ["consulting"], "shared": True,
                         "starts_on": "2027-04-20", "ends_on": "2027-06-30",
                         "location": "Hải Phòng"}, owner=official)
    shortlists.add(need, other, official.id)
    contact_requests.send(need, owned, official, "consulting",
                          "Xin được trao đổi về dự án cảng Lạch Huyện.")
    return need


def _cooperation(official, owned, need):
    from expertnet.cooperation import agreements, events
    from expertnet.cooperation import engagements as engagement_records
    from expertnet.cooperation import missions as delegations
    event = events.save({"kind": "conference", "title": "Hội thảo Cảng biển thông minh",
                         "starts_on": "2027-06-10", "ends_on": "2027-06-11",
                         "location": "Trung tâm Hội nghị thành phố Hải Phòng",
                         "department": "Sở Khoa học và Công nghệ", "fields": ["seaports"],
                         "description": "Hội thảo quốc tế về tự động hóa cảng."}, official.id)
    events.invite(event, owned, official, role="speaker")
    mission = delegations.save({"direction": "outgoing", "title": "Đoàn công tác tại Nhật Bản",
                                "country": "JP", "city": "Kobe", "starts_on": "2027-04-06",
                                "ends_on": "2027-04-10", "department": "Sở Ngoại vụ",
                                "purpose": "Tìm hiểu cảng thông minh",
                                "officials": "Nguyễn Văn A\nTrần Thị B",
                                "organisations": "Cảng Kobe\nĐại học Kobe"}, official.id)
    delegations.add_expert(mission, owned, "met", official.id)
    delegations.add_follow_up(mission, {"text": "Gửi thư cảm ơn", "due_on": "2027-04-20"},
                              official.id)
    agreement = agreements.save({"title": "Biên bản ghi nhớ hợp tác cảng biển",
                                 "partner": "Đại học Hàng hải Kobe", "partner_country": "JP",
                                 "partner_scope": "", "status": "signed",
                                 "signed_on": "2026-03-15", "ends_on": "2031-03-15",
                                 "department": "Sở Ngoại vụ", "fields": ["seaports"]}, official.id)
    agreements.link_expert(agreement, owned, official.id)
    agreements.link(agreement, official.id, event=event)
    engagement_records.save({"kind": "consultation", "title": "Tư vấn bến container",
                             "starts_on": "2026-03-02", "ends_on": "2026-03-20",
                             "department": "Sở Khoa học và Công nghệ",
                             "outcome": "Báo cáo tư vấn đã nộp."}, owned, need, official.id)


def _curation(curator, official):
    from expertnet.core import access
    from expertnet.curation import batches, duplicates, jobs, term_suggestions
    from expertnet.demo import generator as demo
    from expertnet.directory import finder
    from expertnet.taxonomy import store as catalog
    from expertnet.taxonomy import terms
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chuyen-gia-so-ngoai-vu.csv"
        demo.write_csv(path, demo.demo_rows(count=6, seed=7))
        with open(path, "rb") as stream:
            batches.create(stream, path.name, curator.id, "vi")
    duplicates.refresh()
    # The term list: the fields' names accepted, pairs mined from the bios suggested.
    terms.seed_from_taxonomy(catalog.load())
    term_suggestions.suggest()
    viewer = access.viewer_for(official)
    criteria = finder.Criteria(q="cảng", filters={}, sort="relevance")
    job = jobs.start_export(criteria, "csv", viewer, 100)
    jobs.run(job.id)


def _technology():
    """A broker (an official an admin allowed to broker) and a representative of the
    Port of Hai Phong, over the marketplace's demo (expertnet.demo.technology)."""
    from expertnet.accounts import users as accounts
    from expertnet.demo import technology as market_demo
    from expertnet.organisations import representatives
    from expertnet.organisations.models import Organisation
    from expertnet.organisations.names import name_key
    from expertnet.technology import brokers
    market_demo.seed()
    broker = accounts.create_user(TECHNOLOGY_ACCOUNTS["broker"], "official", password=PASSWORD)
    accounts.set_department(broker, market_demo.DEPARTMENT)
    brokers.grant(broker, None)
    representative = accounts.create_user(TECHNOLOGY_ACCOUNTS["representative"], "expert", password=PASSWORD)
    port = Organisation.get(Organisation.name_key == name_key("Công ty Cổ phần Cảng Hải Phòng"))
    representatives.vouch(representative, port, broker.id)


def seed():
    from expertnet import create_app
    from expertnet.cli import load_demo
    from expertnet.core.db import database
    from expertnet.demo import programme as programme_demo
    from expertnet.directory.models import Expert
    os.environ.setdefault("EXPERTNET_TASKS_IMMEDIATE", "true")
    app = create_app()
    with app.app_context():
        # Not connection_context(): a task run at once closes the connection it used.
        database.connect(reuse_if_open=True)
        if not Expert.select().exists():
            load_demo()
        owned = _profile("Phạm Kiều Bào", "kieu.bao@demo.example.org", phone="+81 90 1234 5678",
                         email_visibility="curators", phone_visibility="curators",
                         bio_vi="Tự động hóa cảng biển, logistics và cảng xanh.")
        other = _profile("Vũ Thị Hải Đăng", "hai.dang@demo.example.org", kind="foreign", visibility="public")
        # The same person entered twice (no diacritics, another address): a pair for
        # the duplicates page.
        _profile("Pham Kieu Bao", "pkbao@demo.example.org", visibility="curators",
                 bio_vi="Tự động hóa cảng biển và logistics.")
        users = _accounts(owned)
        need = _need_and_contact(users["official"], owned, other)
        _cooperation(users["official"], owned, need)
        __import__("expertnet.demo.councils", fromlist=["seed"]).seed(users["official"], owned, other)
        _curation(users["curator"], users["official"])
        programme_demo.seed(users["official"], owned)
        _technology()
        if not database.is_closed():
            database.close()
    return {role: [email, PASSWORD] for role, email in {**ACCOUNTS, **TECHNOLOGY_ACCOUNTS}.items()}


if __name__ == "__main__":
    print(json.dumps(seed()))
