"""The marketplace's demo: Hai Phong's port, shipbuilding, cold-chain and aquaculture
demands, offers from the city's university and institutes and from partners in Japan and
Korea, in both languages, and a few connections at their various steps, one started at a
supply–demand session. Written through the marketplace's own write functions, as the
Department of Science and Technology's broker (an account without a password: nobody
logs in to it until one is set). Idempotent: nothing is added once offers exist."""
import datetime

from expertnet.accounts import users as accounts
from expertnet.cooperation import events
from expertnet.core.access import viewer_for
from expertnet.core.db import utcnow
from expertnet.organisations import writes as organisation_writes
from expertnet.organisations.models import Organisation
from expertnet.organisations.names import name_key
from expertnet.technology import brokers, connections, demands, offers
from expertnet.technology.models import TechnologyOffer

BROKER_EMAIL = "moi.gioi.khcn@demo.example.org"
DEPARTMENT = "Sở Khoa học và Công nghệ"

# (key, name_vi, name_en, acronym, type, country, city)
ORGANISATIONS = (
    ("vmu", "Trường Đại học Hàng hải Việt Nam", "Vietnam Maritime University", "VMU", "university", "VN",
     "Hải Phòng"),
    ("rimf", "Viện Nghiên cứu Hải sản", "Research Institute for Marine Fisheries", "RIMF",
     "research_institute", "VN", "Hải Phòng"),
    ("port", "Công ty Cổ phần Cảng Hải Phòng", "Port of Hai Phong JSC", "", "enterprise", "VN", "Hải Phòng"),
    ("shipyard", "Công ty TNHH MTV Đóng tàu Phà Rừng", "Pha Rung Shipyard", "", "enterprise", "VN",
     "Thủy Nguyên"),
    ("coldchain", "Công ty Cổ phần Logistics Lạnh Đình Vũ", "Dinh Vu Cold Chain Logistics JSC", "",
     "enterprise", "VN", "Hải Phòng"),
    ("cathai", "Hợp tác xã Nuôi biển Cát Hải", "Cat Hai Mariculture Cooperative", "", "enterprise", "VN",
     "Cát Hải"),
    ("kobe", "Đại học Kobe, Khoa Khoa học Hàng hải",
     "Kobe University, Graduate School of Maritime Sciences", "", "foreign_partner", "JP", "Kobe"),
    ("kiost", "Viện Khoa học và Công nghệ Đại dương Hàn Quốc",
     "Korea Institute of Ocean Science and Technology", "KIOST", "foreign_partner", "KR", "Busan"),
)

OFFERS = (
    {"key": "welding", "owner": "vmu", "fields": ["shipbuilding", "robotics"], "trl": "7",
     "ip_status": "patent",
     "transfer_models": ["licence", "joint_development", "training"], "price": "3500000000",
     "title_vi": "Robot hàn tự động cho phân đoạn vỏ tàu",
     "title_en": "Automatic welding robot for ship hull blocks",
     "description_vi": "Robot hàn sáu trục có camera dò đường hàn, hàn các phân đoạn đáy đôi và mạn "
                       "tàu hàng đến 20.000 tấn. Đã chạy thử tại xưởng vỏ của một nhà máy đóng tàu ở "
                       "Hải Phòng, giảm 35 % thời gian hàn và tỷ lệ mối hàn phải sửa.",
     "description_en": "A six-axis welding robot with a seam-tracking camera, for double-bottom and side "
                       "blocks of cargo ships up to 20,000 tonnes. Trialled in the hull shop of a Hai Phong "
                       "shipyard: 35 % less welding time and fewer welds to repair."},
    {"key": "yard", "owner": "vmu", "fields": ["seaports", "ai"], "trl": "6", "ip_status": "know_how",
     "transfer_models": ["licence", "consulting"], "negotiable": True,
     "title_vi": "Phần mềm điều độ bãi container bằng trí tuệ nhân tạo",
     "title_en": "AI software for container yard planning",
     "description_vi": "Phần mềm sắp xếp vị trí container trên bãi và điều độ xe nâng, dự báo giờ xe "
                       "đến lấy hàng, giảm số lần đảo container và thời gian chờ của xe tải tại cổng cảng.",
     "description_en": "Software that places containers in the yard and dispatches straddle carriers, "
                       "forecasting when trucks will come, to cut reshuffles and truck waiting time at the "
                       "port gate."},
    {"key": "oxygen", "owner": "rimf", "fields": ["aquaculture"], "trl": "8", "ip_status": "utility_solution",
     "transfer_models": ["sale", "training"], "price": "45000000",
     "title_vi": "Cảm biến IoT đo oxy hòa tan cho lồng nuôi biển",
     "title_en": "IoT dissolved-oxygen sensors for sea cages",
     "description_vi": "Bộ cảm biến oxy hòa tan, nhiệt độ và độ mặn gắn phao, gửi số liệu qua mạng di "
                       "động và cảnh báo qua điện thoại khi oxy xuống thấp. Giá cho một bộ năm lồng.",
     "description_en": "Floating sensors for dissolved oxygen, temperature and salinity that report over "
                       "the mobile network and warn by phone when oxygen runs low. Price for a set of five "
                       "cages."},
    {"key": "coldchain", "owner": "kobe", "fields": ["logistics"], "trl": "7", "ip_status": "patent",
     "transfer_models": ["licence", "consulting"], "negotiable": True,
     "title_vi": "Giám sát chuỗi lạnh bằng thẻ RFID có cảm biến nhiệt",
     "title_en": "Cold-chain monitoring with temperature-sensing RFID tags",
     "description_vi": "Thẻ RFID có cảm biến nhiệt độ gắn trên kiện hàng, đọc tại cửa kho và trên xe "
                       "lạnh, cho biết từng kiện đã ở ngoài dải nhiệt độ cho phép bao lâu.",
     "description_en": "Temperature-sensing RFID tags on each pallet, read at warehouse doors and in "
                       "reefer trucks, tell how long each pallet spent outside its temperature range."},
    {"key": "antifouling", "owner": "kiost", "fields": ["shipbuilding", "materials"], "trl": "5",
     "ip_status": "patent", "transfer_models": ["joint_development"], "negotiable": True,
     "title_vi": "Sơn chống hà sinh học cho vỏ tàu", "title_en": "Bio-based antifouling hull coating",
     "description_vi": "Lớp phủ chống hà không chứa đồng và thiếc, chiết xuất từ rong biển, đang thử "
                       "nghiệm trên tàu cá ven biển.",
     "description_en": "A copper- and tin-free antifouling coating made from seaweed extracts, under trial "
                       "on coastal fishing boats."},
)

DEMANDS = (
    {"key": "yard", "owner": "port", "fields": ["seaports", "ai"], "language": "vi",
     "identity_visibility": "public", "budget_min": "2000000000", "budget_max": "5000000000",
     "deadline": 180, "location": "Bến container Tân Vũ, Hải Phòng",
     "title": "Tự động hóa điều độ bãi container",
     "problem": "Bãi container thường xuyên phải đảo container vì xếp theo kinh nghiệm, xe tải chờ ở "
                "cổng cảng có lúc quá hai giờ. Cần phần mềm điều độ bãi và xe nâng kết nối với hệ thống "
                "quản lý khai thác cảng hiện có.",
     "desired_outcome": "Giảm một phần ba số lần đảo container và thời gian chờ của xe tải."},
    {"key": "welding", "owner": "shipyard", "fields": ["shipbuilding", "automation"], "language": "vi",
     "identity_visibility": "officials", "budget_max": "4000000000", "deadline": 240,
     "location": "Thủy Nguyên, Hải Phòng", "title": "Robot hàn cho phân đoạn đáy đôi",
     "problem": "Nhà máy thiếu thợ hàn bậc cao cho các phân đoạn đáy đôi; tỷ lệ mối hàn phải sửa còn "
                "cao. Cần robot hàn có thể lập trình nhanh cho từng phân đoạn.",
     "desired_outcome": "Một trạm robot hàn chạy ổn định trong xưởng vỏ và đào tạo tổ vận hành."},
    {"key": "coldchain", "owner": "coldchain", "fields": ["logistics"], "language": "en",
     "identity_visibility": "public", "budget_min": "500000000", "budget_max": "1500000000", "deadline": 120,
     "location": "Dinh Vu Industrial Zone, Hai Phong",
     "title": "Real-time temperature tracking for cold storage and reefer trucks",
     "problem": "Seafood exporters ask for proof that each pallet stayed cold from our warehouse to the "
                "container yard. Today we log temperatures by hand twice a day.",
     "desired_outcome": "Per-pallet temperature records our customers can check online."},
    {"key": "oxygen", "owner": "cathai", "fields": ["aquaculture"], "language": "vi",
     "identity_visibility": "officials", "budget_max": "300000000", "deadline": 90,
     "location": "Đặc khu Cát Hải, Hải Phòng", "title": "Cảnh báo sớm thiếu oxy trong lồng nuôi cá biển",
     "problem": "Mùa nóng cá lồng chết hàng loạt vì thiếu oxy về đêm mà người nuôi không biết kịp. Cần "
                "thiết bị đo và cảnh báo qua điện thoại, dễ lắp, giá phù hợp hợp tác xã.",
     "desired_outcome": "Cảnh báo trước ít nhất một giờ để kịp sục khí."},
)


def _organisations():
    """The marketplace's organisations: those of the demo register when it holds them (same
    name once folded, or same acronym), else created through the register's write path, so
    that they are indexed and audited like any other."""
    found = {}
    for key, name_vi, name_en, acronym, kind, country, city in ORGANISATIONS:
        row = Organisation.get_or_none(Organisation.name_key == name_key(name_vi))
        if row is None and acronym:
            row = Organisation.get_or_none(Organisation.acronym == acronym)
        if row is None:
            row = organisation_writes.save({"name_vi": name_vi, "name_en": name_en, "acronym": acronym,
                                            "type": kind, "country": country, "city": city,
                                            "visibility": "public"}, source="cli").organisation
        found[key] = row
    return found


def _broker():
    user = accounts.find_by_email(BROKER_EMAIL)
    if user is None:
        user = accounts.create_user(BROKER_EMAIL, "official", source="cli")
        accounts.set_department(user, DEPARTMENT)
        brokers.grant(user, None)
    return accounts.get_user(user.id)


def seed(today=None):
    """Add the marketplace's demo records (once); the number of offers added."""
    if TechnologyOffer.select().exists():
        return 0
    today = today or utcnow().date()
    organisations = _organisations()
    broker = _broker()
    viewer = viewer_for(broker)
    made_offers, made_demands = {}, {}
    for values in OFFERS:
        raw = {**{name: value for name, value in values.items() if name not in ("key", "owner")},
               "organisation": str(organisations[values["owner"]].id), "visibility": "public",
               "contact_email": "chuyen.giao@demo.example.org"}
        made_offers[values["key"]] = offers.moderate(offers.save(raw, viewer), "publish", "", broker.id)
    for values in DEMANDS:
        raw = {**{name: value for name, value in values.items() if name not in ("key", "owner", "deadline")},
               "organisation": str(organisations[values["owner"]].id), "visibility": "public",
               "deadline": (today + datetime.timedelta(days=values["deadline"])).isoformat(),
               "contact_phone": "0225 3 842 000"}
        made_demands[values["key"]] = demands.moderate(demands.save(raw, viewer), "publish", "", broker.id)
    sensor = {name: value for name, value in OFFERS[2].items() if name not in ("key", "owner")}
    waiting = offers.save({**sensor,
                           "title_vi": "Phao quan trắc môi trường nước vùng nuôi",
                           "title_en": "Water-quality monitoring buoy for farming areas",
                           "organisation": str(organisations["rimf"].id), "visibility": "public"}, viewer)
    offers.moderate(waiting, "return", "Bổ sung kết quả thử nghiệm tại vùng nuôi và giá bán dự kiến.",
                    broker.id)
    session = events.save({"kind": "supply_demand_session", "department": DEPARTMENT,
                           "title": "Phiên kết nối cung – cầu công nghệ cảng biển và logistics",
                           "starts_on": (today - datetime.timedelta(days=40)).isoformat(),
                           "location": "Trung tâm Hội nghị thành phố Hải Phòng",
                           "fields": ["seaports", "logistics"]}, broker.id)
    for key in ("yard", "coldchain"):
        connections.present(session, broker.id, demand=made_demands[key])
        connections.present(session, broker.id, offer=made_offers[key])

    def day(days_ago):
        return (today - datetime.timedelta(days=days_ago)).isoformat()

    yard = connections.open_connection(made_demands["yard"], broker.id, offer=made_offers["yard"],
                                       event=session, opened_on=today - datetime.timedelta(days=40))
    connections.record_step(yard, {"step": "meeting_held", "happened_on": day(30)}, broker.id)
    connections.record_step(yard, {"step": "proposal", "happened_on": day(12),
                                   "note": "Đề xuất thử nghiệm ba tháng tại bến Tân Vũ."}, broker.id)
    welding = connections.open_connection(made_demands["welding"], broker.id, offer=made_offers["welding"],
                                          opened_on=today - datetime.timedelta(days=75))
    connections.record_step(welding, {"step": "meeting_held", "happened_on": day(60)}, broker.id)
    connections.record_step(welding, {"step": "proposal", "happened_on": day(45)}, broker.id)
    connections.record_step(welding, {"step": "contract_signed", "happened_on": day(20),
                                      "contract_value": "3200000000"}, broker.id)
    cold = connections.open_connection(made_demands["coldchain"], broker.id, offer=made_offers["coldchain"],
                                       event=session, opened_on=today - datetime.timedelta(days=40))
    connections.record_step(cold, {"step": "closed", "happened_on": day(10),
                                   "reason": "Chi phí thẻ RFID vượt ngân sách; doanh nghiệp chọn giải "
                                             "pháp ghi nhiệt độ theo container."}, broker.id)
    connections.open_connection(made_demands["oxygen"], broker.id, offer=made_offers["oxygen"],
                                opened_on=today - datetime.timedelta(days=5))
    return len(made_offers)
