"""Step 42 of the migrations, recorded as ``0086_indicator_computations``: the seeded
indicators that the records now tell (trainings, officials abroad, organisations, the
technology marketplace) are computed from them instead of entered, and two indicators the
new records tell are added (councils concluded, value of the contracts signed).

An indicator changes only where an admin has not changed its computation since step 38
seeded it (still empty: entered); its description of how it is counted changes only where
it is still the seeded text. Values entered before stay in their table: the board shows
them on the indicator's page, no longer counted."""
import json

from expertnet.core.db import utcnow
from expertnet.core.migrations.m38_0083_indicators import DST, SEED, Indicator

NAME = "0086_indicator_computations"

# code → (computation, method vi, method en)
COMPUTED = {
    "central_st_orgs": (
        "central_st_orgs",
        "Số tổ chức khác nhau là cơ quan nhà nước, viện nghiên cứu hoặc trường đại học của Việt Nam, "
        "không ở Hải Phòng (theo thành phố ghi trong hồ sơ tổ chức), là đối tác của thỏa thuận ký "
        "trong kỳ hoặc là tổ chức mà đoàn công tác khởi hành trong kỳ làm việc cùng.",
        "Distinct Vietnamese state bodies, research institutes and universities outside Hai Phong "
        "(by the city in the organisation's record) that are the partner of an agreement signed in "
        "the period or an organisation met by a delegation starting in the period."),
    "transfer_partners": (
        "transfer_partners",
        "Số tổ chức khác nhau là cơ quan nhà nước (kể cả của địa phương khác), viện nghiên cứu hoặc "
        "trường đại học của Việt Nam, không ở Hải Phòng, chào bán hoặc đặt hàng công nghệ trong một "
        "kết nối của sàn mở trong kỳ.",
        "Distinct Vietnamese state bodies (those of other localities included), research "
        "institutes and universities outside Hai Phong offering or asking for the technology of a "
        "marketplace connection opened in the period."),
    "trainees": (
        "trainees",
        "Tổng số học viên mọi nhóm (cán bộ, doanh nghiệp, tổ công nghệ số cộng đồng, sinh viên) của "
        "các khóa đào tạo bắt đầu trong kỳ.",
        "The trainees of every group (officials, enterprises, community digital teams, students) "
        "of the training courses starting in the period."),
    "officials_abroad": (
        "officials_abroad",
        "Số lượt cán bộ đi nước ngoài (đào tạo, làm việc, trao đổi) có ngày đi trong kỳ.",
        "Stays abroad of officials (training, work, exchange) starting in the period."),
    "partner_organisations": (
        "partner_organisations",
        "Số tổ chức khác nhau là đối tác của thỏa thuận ký trong kỳ hoặc là tổ chức mà đoàn công "
        "tác khởi hành trong kỳ làm việc cùng.",
        "Distinct organisations that are the partner of an agreement signed in the period or an "
        "organisation met by a delegation starting in the period."),
    "market_connections": (
        "market_connections",
        "Số kết nối cung – cầu của sàn công nghệ mở trong kỳ.",
        "Connections of the technology marketplace opened in the period."),
    "market_contracts": (
        "market_contracts",
        "Số kết nối của sàn đã thành hợp đồng, có ngày ký trong kỳ.",
        "Marketplace connections that became a contract signed in the period."),
}
# (code, name vi, name en, unit vi, unit en, computation, department, method vi, method en)
ADDED = (
    ("councils_concluded", "Hội đồng tư vấn, phản biện đã kết luận",
     "Councils of advice and review concluded", "hội đồng", "councils", "councils_concluded", DST,
     "Số hội đồng tư vấn và hội đồng phản biện có kết luận trong kỳ.",
     "Advisory and review councils whose conclusion falls in the period."),
    ("market_contract_value", "Giá trị hợp đồng chuyển giao công nghệ qua sàn",
     "Value of the technology transfer contracts through the marketplace", "đồng", "VND",
     "market_contract_value", DST,
     "Tổng giá trị các hợp đồng ký trong kỳ qua sàn công nghệ (hợp đồng không ghi giá trị không "
     "được cộng).",
     "The value of the contracts signed in the period through the marketplace (contracts "
     "without a value add nothing)."),
)
SEEDED_METHODS = {row[0]: (row[10], row[11]) for row in SEED}


def apply(migrator, db):
    now = utcnow()
    for code, (computation, method_vi, method_en) in COMPUTED.items():
        found = Indicator.get_or_none(Indicator.code == code)
        if found is None or found.computation:
            continue
        found.computation = computation
        if (found.method_vi, found.method_en) == SEEDED_METHODS.get(code):
            found.method_vi, found.method_en = method_vi, method_en
        found.updated_at, found.version = now, found.version + 1
        found.save()
    last = max((row.position for row in Indicator.select(Indicator.position)), default=0)
    for code, name_vi, name_en, unit_vi, unit_en, computation, department, method_vi, \
            method_en in ADDED:
        if Indicator.select().where(Indicator.code == code).exists():
            continue
        last += 1
        Indicator.create(code=code, position=last, name_vi=name_vi, name_en=name_en,
                         unit_vi=unit_vi, unit_en=unit_en, computation=computation,
                         targets=json.dumps({}), period_low=None, period_high=None,
                         department=department, method_vi=method_vi, method_en=method_en)
