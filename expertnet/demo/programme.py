"""The programme's indicators in the demo: values entered with their evidence for the
indicators the site cannot compute yet, records that the computed ones count (delegations,
agreements, engagements of 2026), a department's contribution for 2026 submitted (frozen)
and the city report of 2026 in draft. Written through the modules that own the records,
audited like a person's actions."""
import io

from expertnet.cooperation import agreements, missions
from expertnet.cooperation import engagements as engagement_records
from expertnet.core import access
from expertnet.programme import indicators, reports

# A one-page PDF: the evidence file of an entered value.
EVIDENCE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
ENTERED = (
    ("trainees", 2026, 126, "Danh sách học viên 3 lớp kỹ năng số cho cán bộ phường, xã "
                            "(Quyết định mở lớp số 12/QĐ-SNV)."),
    ("officials_abroad", 2026, 3, "Quyết định cử 3 cán bộ đi đào tạo ngắn hạn tại Nhật Bản."),
    ("central_st_orgs", 2026, 2, "Biên bản làm việc với Viện Hàn lâm Khoa học và Công nghệ Việt "
                                 "Nam và Đại học Quốc gia Hà Nội."),
)


def seed(official, owned):
    """``official``: an official of the Department of Science and Technology (the lead
    department); ``owned``: a profile to record engagements of."""

    for month, country, city in (("05", "KR", "Busan"), ("09", "SG", "Singapore")):
        missions.save({"direction": "outgoing", "title": f"Đoàn học tập kinh nghiệm tại {city}",
                       "country": country, "city": city, "starts_on": f"2026-{month}-12",
                       "ends_on": f"2026-{month}-17", "department": "Sở Khoa học và Công nghệ",
                       "purpose": "Học tập mô hình cảng thông minh và trung tâm đổi mới sáng tạo"},
                      official.id)
    agreements.save({"title": "Thỏa thuận hợp tác đào tạo nhân lực số",
                     "partner": "Đại học Bách khoa Hà Nội", "partner_country": "VN",
                     "status": "signed", "signed_on": "2026-06-20",
                     "department": "Sở Khoa học và Công nghệ"}, official.id)
    for kind, title, day in (("review", "Phản biện đề án cảng xanh Lạch Huyện", "2026-04-08"),
                             ("lecture", "Bài giảng về logistics số cho cán bộ", "2026-10-15")):
        engagement_records.save({"kind": kind, "title": title, "starts_on": day,
                                 "department": "Sở Khoa học và Công nghệ"}, owned, None, official.id)
    for code, year, value, note in ENTERED:
        evidence = io.BytesIO(EVIDENCE_PDF) if code == "trainees" else None
        indicators.enter_value(indicators.by_code(code), {"year": str(year), "value": str(value),
                                                          "note": note},
                               official.id, evidence, "danh-sach-hoc-vien-2026.pdf")
    viewer = access.viewer_for(official)
    contribution = reports.start(2026, "department", viewer)
    contribution = reports.save(contribution, {
        "version": str(contribution.version),
        "correction_trainees": "126", "reason_trainees": "Theo danh sách học viên các lớp đã mở",
        "narrative_results": "Sở đã tổ chức 2 đoàn học tập kinh nghiệm, ký 1 thỏa thuận đào tạo "
                             "nhân lực số và mời chuyên gia phản biện đề án cảng xanh.",
        "narrative_difficulties": "Kinh phí cho đoàn đi nước ngoài còn hạn chế.",
        "narrative_proposals": "Đề nghị bố trí kinh phí đào tạo kỹ năng số năm 2027.",
        "narrative_next_year": "Tiếp tục mở rộng mạng lưới chuyên gia phản biện.",
    }, official.id)
    reports.freeze(contribution, official.id)
    reports.start(2026, "city", viewer)
