"""The demo's organisation register: the organisations the demo profiles work for
(Hai Phong's universities, institutes, port and shipbuilding enterprises, and the
foreign universities, institutes and firms of Japan, Korea and the US, from the
generator's own tables), with diaspora associations, a science and technology
representative office abroad, the city's Innovation Centre and a faculty under its
university; then the demo profiles' free-text organisations reconciled with them
(affiliations) and a public contact person. Written through ``organisations.writes``
(audited like a curator's work), loaded by ``cli.load_demo`` right after the
profiles; idempotent: records carry ``DEMO-ORG-…`` import ids."""
from expertnet.demo import generator
from expertnet.organisations import reconcile, writes
from expertnet.organisations.models import Organisation, OrganisationContact

TYPES = {"academia": "university", "research": "research_institute", "industry": "enterprise",
         "government": "state_body", "international": "international_organisation",
         "other": "state_body"}
ACRONYMS = {
    "Trường Đại học Hàng hải Việt Nam": "VMU", "Trường Đại học Hải Phòng": "DHHP",
    "Trường Đại học Y Dược Hải Phòng": "HPMU", "Trường Đại học Quản lý và Công nghệ Hải Phòng": "HPU",
    "Tổng công ty Hàng hải Việt Nam (VIMC)": "VIMC", "Công ty Cổ phần FPT": "FPT",
    "Tokyo University of Marine Science and Technology": "TUMSAT",
    "Korea Maritime & Ocean University": "KMOU", "Mitsubishi Heavy Industries": "MHI",
    "Massachusetts Institute of Technology": "MIT",
    "Korea Institute of Ocean Science and Technology (KIOST)": "KIOST",
    "Viện Hàn lâm Khoa học và Công nghệ Việt Nam": "VAST",
}
# The programme's strategic partners in Japan, Korea and the US.
STRATEGIC = {"Tokyo University of Marine Science and Technology", "Korea Maritime & Ocean University",
             "Busan Port Authority", "Massachusetts Institute of Technology",
             "Japan International Cooperation Agency (JICA)", "Trường Đại học Hàng hải Việt Nam"}
DESCRIPTIONS = {
    "Trường Đại học Hàng hải Việt Nam": (
        "Trường đại học đầu ngành về hàng hải, đóng tàu, cảng biển và logistics, đặt tại Hải Phòng.",
        "The leading university for maritime studies, shipbuilding, seaports and logistics, in Hai Phong."),
    "Viện Tài nguyên và Môi trường biển": (
        "Viện nghiên cứu thuộc Viện Hàn lâm Khoa học và Công nghệ Việt Nam về tài nguyên "
        "và môi trường biển.",
        "A research institute of the Vietnam Academy of Science and Technology on marine resources "
        "and the marine environment."),
}
# Organisations no demo profile names, which the programme counts all the same.
EXTRA = (
    {"name_vi": "Trung tâm Đổi mới sáng tạo Hải Phòng", "name_en": "Hai Phong Innovation Centre",
     "type": "innovation_centre", "country": "VN", "city": "Hải Phòng",
     "fields": "innovation;startups;digital_transformation", "acronym": "HPIC",
     "description_vi": "Trung tâm hỗ trợ khởi nghiệp và đổi mới sáng tạo của thành phố.",
     "description_en": "The city's centre for start-ups and innovation."},
    {"name_vi": "Công ty TNHH MTV Đóng tàu Phà Rừng", "name_en": "Pha Rung Shipyard",
     "type": "enterprise", "country": "VN", "city": "Hải Phòng", "fields": "shipbuilding"},
    {"name_vi": "Hội Trí thức Việt Nam tại Nhật Bản",
     "name_en": "Vietnamese Intellectuals' Association in Japan",
     "type": "diaspora_association", "country": "JP", "city": "Tokyo", "acronym": "VIJ",
     "fields": "ai;marine;education", "strategic_partner": "có"},
    {"name_vi": "Hội Người Việt Nam tại Hàn Quốc", "name_en": "Association of Vietnamese in Korea",
     "type": "diaspora_association", "country": "KR", "city": "Seoul"},
    {"name_vi": "Hội Trí thức và Chuyên gia Việt Nam tại Hoa Kỳ",
     "name_en": "Association of Vietnamese Scientists and Experts in the United States",
     "type": "diaspora_association", "country": "US", "city": "San Jose", "acronym": "AVSE-US"},
    {"name_vi": "Cơ quan đại diện Khoa học và Công nghệ Việt Nam tại Nhật Bản",
     "name_en": "Office of Science and Technology, Embassy of Viet Nam in Japan",
     "type": "representative_office", "country": "JP", "city": "Tokyo",
     "description_vi": "Cơ quan đại diện khoa học và công nghệ ở nước ngoài, kết nối chuyên gia "
                       "và đối tác.",
     "description_en": "Vietnam's science and technology representative office, connecting experts "
                       "and partners."},
)


def _rows():
    """``[(import id, raw values)]`` of the register, in a stable order."""
    rows = []
    for name, sector, city, fields in generator._VN_ORGS:
        rows.append((name, {"name_vi": name, "name_en": generator._VN_ORGS_EN.get(name, ""),
                            "country": "VN", "city": city, "type": TYPES[sector],
                            "fields": ";".join(sorted(fields or ()))}))
    for country in ("JP", "KR", "US"):
        for name, sector, city, fields in generator._ABROAD_ORGS[country]:
            rows.append((name, {"name_en": name, "country": country, "city": city,
                                "type": TYPES[sector], "fields": ";".join(sorted(fields or ()))}))
    rows += [(extra["name_vi"], dict(extra)) for extra in EXTRA]
    numbered = []
    for number, (name, raw) in enumerate(rows, start=1):
        raw.setdefault("acronym", ACRONYMS.get(name, ""))
        raw["strategic_partner"] = raw.get("strategic_partner") or ("có" if name in STRATEGIC else "")
        description = DESCRIPTIONS.get(name)
        if description:
            raw["description_vi"], raw["description_en"] = description
        raw["visibility"] = "public"
        raw["external_id"] = f"DEMO-ORG-{number:03d}"
        numbered.append(raw)
    return numbered


def seed(actor=None):
    """Write the register (new records only), a faculty, a contact person, and link the
    demo profiles' organisations; returns how many records the register holds."""
    created = []
    for raw in _rows():
        if not Organisation.select().where(Organisation.external_id == raw["external_id"]).exists():
            created.append(writes.save(raw, actor, source="import", index=False).organisation.id)
    vmu = Organisation.get_or_none(Organisation.name_key == "dai hoc hang hai viet nam")
    if vmu is not None:
        if not Organisation.select().where(Organisation.external_id == "DEMO-ORG-FACULTY").exists():
            created.append(writes.save({
                "external_id": "DEMO-ORG-FACULTY", "name_vi": "Khoa Máy tàu biển",
                "name_en": "Faculty of Marine Engineering", "type": "university", "country": "VN",
                "city": "Hải Phòng", "parent": str(vmu.id), "fields": "shipbuilding;marine",
                "visibility": "public"}, actor, source="import", index=False).organisation.id)
        if not OrganisationContact.select().where(OrganisationContact.organisation == vmu.id).exists():
            writes.add_contact(vmu, {
                "name": "Phòng Hợp tác quốc tế", "role": "Đầu mối hợp tác / International office",
                "email": "htqt@demo.example.org", "phone": "+84 225 3735 931", "visibility": "public",
                "email_visibility": "public", "phone_visibility": "public", "consented": True},
                actor, source="import")
    writes.indexing.index_after_commit(created)
    # The demo profiles' organisations, as curators would link them in bulk.
    reconcile.bulk_accept(threshold=reconcile.BULK_THRESHOLD, actor=actor)
    return Organisation.select().count()

