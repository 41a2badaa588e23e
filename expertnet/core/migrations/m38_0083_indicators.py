"""Step 38 of the migrations, recorded as ``0083_indicators``: the programme's
indicators, the values entered for them and the yearly reports.

The tables are declared here as they stand at this step (frozen copies, not imports of
``expertnet.programme.models``): the migrations sit on the ground floor, and a later
change to the models must not change what this step created. The step seeds the
programme's targets (``SEED``): admins change them afterwards on the indicators' pages."""
import json

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel

NAME = "0083_indicators"


class Indicator(FrozenModel):
    id = AutoField()
    code = CharField(max_length=40, unique=True)
    position = IntegerField(default=0)
    name_vi = CharField(max_length=300)
    name_en = CharField(max_length=300)
    unit_vi = CharField(max_length=60, default="")
    unit_en = CharField(max_length=60, default="")
    method_vi = TextField(default="")
    method_en = TextField(default="")
    computation = CharField(max_length=60, default="")
    targets = TextField(default="{}")
    period_low = IntegerField(null=True)
    period_high = IntegerField(null=True)
    department = CharField(max_length=300, default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "indicator"


class IndicatorValue(FrozenModel):
    id = AutoField()
    indicator = ForeignKeyField(Indicator, backref="values", on_delete="CASCADE")
    year = IntegerField()
    value = IntegerField()
    note = TextField(default="")
    filename = CharField(max_length=200, default="")
    stored_name = CharField(max_length=64, null=True, unique=True)
    content_type = CharField(max_length=100, default="")
    size = IntegerField(default=0)
    sha256 = CharField(max_length=64, default="")
    entered_by = IntegerField(null=True)
    entered_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "indicator_value"
        indexes = ((("indicator", "year"), True),)


class ProgrammeReport(FrozenModel):
    id = AutoField()
    year = IntegerField(index=True)
    kind = CharField(max_length=16)
    department = CharField(max_length=300)
    department_key = CharField(max_length=300)
    status = CharField(max_length=16, default="draft", index=True)
    corrections = TextField(default="{}")
    narrative = TextField(default="{}")
    snapshot = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    submitted_by = IntegerField(null=True)
    submitted_at = DateTimeField(null=True)
    version = IntegerField(default=1)

    class Meta:
        table_name = "programme_report"
        indexes = ((("year", "kind", "department_key"), True),)


DST = "Sở Khoa học và Công nghệ"
EVERY_YEAR = range(2026, 2031)
ENTERED_VI = ("Chưa tính được từ dữ liệu của trang: nhập giá trị mỗi năm (số mới trong năm) kèm minh "
              "chứng (văn bản, biên bản, danh sách). ")
ENTERED_EN = ("Not yet computed from the site's records: enter the value of each year (the new ones "
              "of the year) with its evidence (a document, minutes, a list). ")
# (code, name vi, name en, unit vi, unit en, computation, yearly target, period low, high,
#  department, method vi, method en)
SEED = (
    ("central_st_orgs", "Tổ chức khoa học và công nghệ trung ương hợp tác với thành phố",
     "Central science and technology organisations cooperating with the city", "tổ chức",
     "organisations", "", 1, 3, 5, DST,
     ENTERED_VI + "Sẽ được tính từ hồ sơ tổ chức khi thỏa thuận và đoàn công tác gắn với tổ chức.",
     ENTERED_EN + "Will be counted from the organisation records once agreements and delegations "
                  "point at them."),
    ("transfer_partners", "Tổ chức trung ương, địa phương tham gia chuyển giao công nghệ",
     "Central organisations and localities in technology transfer", "tổ chức", "organisations",
     "", 1, 3, 5, DST,
     ENTERED_VI + "Sẽ được tính từ các kết nối chuyển giao công nghệ của sàn.",
     ENTERED_EN + "Will be counted from the marketplace's technology-transfer connections."),
    ("trainees", "Người được đào tạo, bồi dưỡng (kỹ năng số, cán bộ, doanh nghiệp, tổ công nghệ số "
     "cộng đồng)", "People trained (digital skills, officials, enterprises, community digital "
     "teams)", "người", "people", "", 80, 400, 500, "Sở Nội vụ",
     ENTERED_VI + "Sẽ được tính từ số học viên của các khóa đào tạo.",
     ENTERED_EN + "Will be counted from the trainees of the training courses."),
    ("outgoing_delegations", "Đoàn đi học tập kinh nghiệm ở nước ngoài",
     "Outgoing study delegations abroad", "đoàn", "delegations", "outgoing_delegations", 2, 8, 10,
     "Sở Ngoại vụ",
     "Số đoàn công tác đi nước ngoài có ngày khởi hành trong kỳ.",
     "Outgoing delegations whose trip starts in the period."),
    ("officials_abroad", "Cán bộ được cử đi đào tạo, làm việc ở nước ngoài",
     "Officials sent abroad for training or work", "người", "people", "", 2, 8, 10, "Sở Nội vụ",
     ENTERED_VI + "Sẽ được tính từ hồ sơ cán bộ đi nước ngoài.",
     ENTERED_EN + "Will be counted from the records of officials abroad."),
    ("review_advice", "Tư vấn, phản biện độc lập các vấn đề quan trọng của thành phố",
     "Independent advice and review on the city's important questions", "lượt", "engagements",
     "review_advice", None, None, None, DST,
     "Số lượt tư vấn và phản biện của chuyên gia bắt đầu trong kỳ. Chương trình không đặt con số; "
     "Sở Khoa học và Công nghệ có thể đặt chỉ tiêu năm.",
     "Consultation and review engagements of experts starting in the period. The programme sets "
     "no number; the Department of Science and Technology may set yearly targets."),
    ("engagements", "Lượt chuyên gia tham gia hoạt động của thành phố", "Expert engagements",
     "lượt", "engagements", "engagements", None, None, None, DST,
     "Mọi lượt tham gia của chuyên gia (mọi loại) bắt đầu trong kỳ.",
     "Every engagement of an expert (every kind) starting in the period."),
    ("experts_engaged", "Chuyên gia tham gia (mỗi người tính một lần)", "Distinct experts engaged",
     "người", "experts", "experts_engaged", None, None, None, DST,
     "Số chuyên gia khác nhau có ít nhất một lượt tham gia bắt đầu trong kỳ.",
     "Distinct experts with at least one engagement starting in the period."),
    ("diaspora_engaged", "Trí thức người Hải Phòng ở nước ngoài tham gia",
     "Overseas Hai Phong intellectuals engaged", "người", "people", "diaspora_engaged", None, None,
     None, "Sở Ngoại vụ",
     "Số trí thức người Hải Phòng ở nước ngoài khác nhau có ít nhất một lượt tham gia bắt đầu "
     "trong kỳ.",
     "Distinct overseas Hai Phong intellectuals with at least one engagement starting in the "
     "period."),
    ("agreements_signed", "Thỏa thuận hợp tác được ký kết", "Cooperation agreements signed",
     "thỏa thuận", "agreements", "agreements_signed", None, None, None, DST,
     "Số thỏa thuận (không tính bản dự thảo) có ngày ký trong kỳ.",
     "Agreements (not drafts) signed in the period."),
    ("agreements_in_force", "Thỏa thuận hợp tác còn hiệu lực", "Cooperation agreements in force",
     "thỏa thuận", "agreements", "agreements_in_force", None, None, None, DST,
     "Số thỏa thuận đã ký, chưa chấm dứt và chưa hết hạn vào ngày cuối của kỳ.",
     "Agreements signed, neither ended nor past their end date on the last day of the period."),
    ("partner_organisations", "Tổ chức đối tác hợp tác", "Partner organisations cooperating",
     "tổ chức", "organisations", "", None, None, None, DST,
     ENTERED_VI + "Sẽ được tính từ hồ sơ tổ chức khi thỏa thuận và đoàn công tác gắn với tổ chức.",
     ENTERED_EN + "Will be counted from the organisation records once agreements and delegations "
                  "point at them."),
    ("market_connections", "Kết nối cung – cầu công nghệ", "Technology supply–demand connections",
     "kết nối", "connections", "", None, None, None, DST,
     ENTERED_VI + "Sẽ được tính từ các kết nối của sàn công nghệ.",
     ENTERED_EN + "Will be counted from the technology marketplace's connections."),
    ("market_contracts", "Hợp đồng chuyển giao công nghệ qua sàn",
     "Technology transfer contracts through the marketplace", "hợp đồng", "contracts", "", None,
     None, None, DST,
     ENTERED_VI + "Sẽ được tính từ các kết nối của sàn công nghệ đã thành hợp đồng.",
     ENTERED_EN + "Will be counted from the marketplace's connections that became contracts."),
)


def apply(migrator, db):
    db.create_tables([Indicator, IndicatorValue, ProgrammeReport], safe=True)
    if Indicator.select().exists():
        return
    for position, (code, name_vi, name_en, unit_vi, unit_en, computation, yearly, low, high,
                   department, method_vi, method_en) in enumerate(SEED, start=1):
        targets = {str(year): yearly for year in EVERY_YEAR} if yearly is not None else {}
        Indicator.create(code=code, position=position, name_vi=name_vi, name_en=name_en,
                         unit_vi=unit_vi, unit_en=unit_en, computation=computation,
                         targets=json.dumps(targets), period_low=low, period_high=high,
                         department=department, method_vi=method_vi, method_en=method_en)
