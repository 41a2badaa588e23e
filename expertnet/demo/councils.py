"""Demo records of councils, training courses, officials sent abroad and budgets, written through
the modules that own them, for the demo instance the phone-layout walk opens
(``scripts/demo_records.py`` calls :func:`seed`)."""
from expertnet.cooperation import common, trainings
from expertnet.cooperation import officials_abroad as abroad
from expertnet.cooperation.models import Mission
from expertnet.core import access
from expertnet.councils import operations
from expertnet.directory.models import Expert
from expertnet.programme import budget


def seed(official, owned, other):
    """A course taught by ``owned``, an official abroad in the latest delegation abroad,
    a review council with ``owned`` (invited, to sign the declaration) and ``other``, and
    the budgets of the course and the council."""
    viewer = access.viewer_for(official)
    course = trainings.save({"topic": "Bồi dưỡng kỹ năng chuyển đổi số cho cán bộ phường, xã",
                             "starts_on": "2027-03-15", "ends_on": "2027-03-17",
                             "organiser_name": "Trường Chính trị thành phố Hải Phòng",
                             "department": "Sở Khoa học và Công nghệ", "location": "Hải Phòng",
                             "trainees_officials": "45", "trainees_enterprises": "12",
                             "trainees_community": "30", "trainees_students": "0",
                             "description": "Khóa bồi dưỡng ba ngày về dịch vụ công trực tuyến."},
                            official.id, viewer)
    trainings.add_lecturer(course, official.id, expert=owned)
    trainings.add_lecturer(course, official.id, name="ThS. Nguyễn Thị Lan")
    mission = Mission.select().where(Mission.direction == "outgoing").order_by(Mission.id.desc()).first()
    abroad.save({"name": "Trần Văn Bình", "department": "Sở Khoa học và Công nghệ",
                 "host_name": "Đại học Hàng hải Kobe", "country": "JP", "purpose": "training",
                 "starts_on": "2027-04-06", "ends_on": "2027-06-30",
                 "mission": str(mission.id) if mission else "",
                 "note": "Khóa đào tạo ngắn hạn về quản lý cảng thông minh."}, official.id, viewer)
    council = operations.save({"kind": "review", "title": "Hội đồng phản biện đề án cảng xanh Lạch Huyện",
                               "department": "Sở Xây dựng", "size": "3", "fields": ["seaports"],
                               "subject": "Phản biện đề án chuyển đổi cảng xanh giai đoạn 2027–2030.",
                               "subject_organisation": "Công ty Cổ phần Cảng Xanh"}, official.id)
    operations.add_member(council, owned, "chair", "3000000", official.id)
    operations.add_member(council, other, "secretary", "", official.id)
    third = (Expert.select().where(Expert.id.not_in([owned.id, other.id])
                                   & (Expert.visibility == "public") & (Expert.organization != ""))
             .order_by(Expert.id).first())
    if third is not None:
        operations.add_member(council, third, "member", "", official.id)
    try:
        operations.invite(council, official)
    except common.Refused:
        pass  # the council stays proposed: its page shows why
    budget.add("training", course, {"category": "venue", "planned": "25000000", "actual": "23500000",
                                    "note": "Hội trường và máy chiếu"}, official.id)
    budget.add("training", course, {"category": "fees", "planned": "18000000"}, official.id)
    budget.add("council", council, {"category": "fees", "planned": "9000000"}, official.id)
    return council
