"""Deterministic, bilingual demo profiles in the import contract (see DESIGN.md).

``demo_rows(count, seed)`` returns rows exactly as a curator's CSV would hold them, so
the demo goes through the real importer and exercises it: Vietnamese names with full
diacritics (and near-collisions such as Đức / Dục / Đúc for the tone-mark search), the
diaspora's Western-order aliases, country and language codes, field codes from
:mod:`expertnet.taxonomy.fields`, bios in one or both languages.

Every value is drawn from one ``random.Random(seed)`` and from Faker instances seeded
from the same seed, so the same ``(count, seed)`` always gives the same rows whatever
the global random state. Rows do depend on ``count`` (coverage guarantees are spread
over the whole set), so ``DEMO-0001`` of 320 rows is not ``DEMO-0001`` of 1000 rows.

Contact details are fictitious by construction: e-mail and web addresses only use the
reserved ``example.*`` domains, and North American, UK and Australian numbers come from
the ranges reserved for fiction (other countries have none, so theirs are random).
Organisations are real names, for realism; the people are not.

The demo people "consented" as a survey's respondents would: a profile shown to
anyone but curators carries ``publish;contact`` in its ``consent`` column, the others
``contact`` only, so the importer records those consents (``import:demo``) and keeps
the visibility the row asks for (a record imported without consent is for curators
only).
"""
import csv
import random
import unicodedata

from faker import Faker

from expertnet.taxonomy.fields import FIELDS

COLUMNS = ("external_id", "kind", "full_name", "other_names", "title", "degree", "gender",
           "birth_year", "hometown", "country", "city", "organization", "position", "sector",
           "fields", "keywords", "languages", "available_for", "bio_vi", "bio_en", "email",
           "phone", "website", "orcid", "visibility", "email_visibility", "phone_visibility",
           "consent")

_FIELD_CODES = tuple(field["code"] for field in FIELDS)
_FIELD_NAMES = {field["code"]: (field["name_vi"], field["name_en"]) for field in FIELDS}

# --------------------------------------------------------------------------- weights

_KINDS = (("domestic", 45), ("foreign", 20), ("diaspora", 35))
_VISIBILITY = (("public", 80), ("officials", 12), ("curators", 8))

# How often a field is drawn at random (coverage of every field is guaranteed apart
# from this): the programme's priority areas come up most.
_FIELD_WEIGHTS = {
    "marine": 5, "shipbuilding": 4, "oceanography": 3, "aquaculture": 3,
    "offshore_energy": 3, "marine_environment": 3, "seaports": 5, "shipping": 3,
    "logistics": 6, "manufacturing": 4, "automotive": 2, "electronics": 3, "automation": 5,
    "robotics": 3, "high_tech": 3, "strategic_tech": 2, "semiconductors": 4, "ai": 7,
    "data_science": 5, "digital_transformation": 5, "smart_city": 3, "cybersecurity": 3,
    "innovation": 3, "startups": 3, "economics_policy": 3, "energy": 3,
    "renewable_energy": 3, "environment": 3, "climate_change": 3, "biotechnology": 3,
    "materials": 3, "health": 3, "education": 3,
}

# Second and third fields usually come from neighbours of the first, as in real CVs.
_RELATED = {
    "marine": ("oceanography", "marine_environment", "aquaculture", "seaports", "economics_policy"),
    "shipbuilding": ("marine", "materials", "automation", "offshore_energy", "manufacturing"),
    "oceanography": ("marine", "marine_environment", "climate_change", "data_science"),
    "aquaculture": ("marine", "biotechnology", "marine_environment", "high_tech"),
    "offshore_energy": ("renewable_energy", "energy", "marine", "shipbuilding"),
    "marine_environment": ("environment", "oceanography", "climate_change", "aquaculture"),
    "seaports": ("logistics", "shipping", "digital_transformation", "economics_policy"),
    "shipping": ("seaports", "logistics", "marine_environment", "economics_policy"),
    "logistics": ("seaports", "shipping", "digital_transformation", "data_science",
                  "economics_policy"),
    "manufacturing": ("automation", "materials", "electronics", "high_tech"),
    "automotive": ("manufacturing", "automation", "renewable_energy", "electronics"),
    "electronics": ("semiconductors", "manufacturing", "automation", "high_tech"),
    "automation": ("robotics", "manufacturing", "ai", "electronics"),
    "robotics": ("automation", "ai", "manufacturing"),
    "high_tech": ("innovation", "strategic_tech", "biotechnology", "electronics"),
    "strategic_tech": ("semiconductors", "ai", "high_tech", "cybersecurity"),
    "semiconductors": ("electronics", "strategic_tech", "materials", "high_tech"),
    "ai": ("data_science", "digital_transformation", "automation", "robotics", "health"),
    "data_science": ("ai", "digital_transformation", "logistics", "economics_policy"),
    "digital_transformation": ("ai", "data_science", "smart_city", "cybersecurity",
                               "economics_policy"),
    "smart_city": ("digital_transformation", "data_science", "environment", "energy"),
    "cybersecurity": ("digital_transformation", "ai", "strategic_tech"),
    "innovation": ("startups", "economics_policy", "high_tech", "education"),
    "startups": ("innovation", "digital_transformation", "ai", "economics_policy"),
    "economics_policy": ("innovation", "logistics", "education", "environment"),
    "energy": ("renewable_energy", "offshore_energy", "environment", "climate_change"),
    "renewable_energy": ("energy", "climate_change", "offshore_energy", "materials"),
    "environment": ("climate_change", "marine_environment", "energy", "biotechnology"),
    "climate_change": ("environment", "oceanography", "renewable_energy", "economics_policy"),
    "biotechnology": ("health", "aquaculture", "environment", "high_tech"),
    "materials": ("manufacturing", "semiconductors", "shipbuilding", "renewable_energy"),
    "health": ("biotechnology", "ai", "data_science", "education"),
    "education": ("innovation", "digital_transformation", "economics_policy", "health"),
}

# Keyword concepts per field as (Vietnamese, English) pairs: a row's keyword cell uses
# one language, its bios the matching side of the same concepts.
_KEYWORDS = {
    "marine": (("quy hoạch không gian biển", "marine spatial planning"),
               ("kinh tế biển xanh", "sustainable blue economy"),
               ("tài nguyên biển", "marine resources"),
               ("công nghệ quan trắc biển", "ocean monitoring technology")),
    "shipbuilding": (("thiết kế tàu", "ship design"), ("tàu xanh", "green ships"),
                     ("kết cấu thân tàu", "hull structures"),
                     ("hàn tự động", "automated welding"), ("tàu chạy điện", "electric vessels")),
    "oceanography": (("mô hình hóa đại dương", "ocean modelling"),
                     ("thủy triều và sóng", "tides and waves"),
                     ("bồi lắng cửa sông", "estuarine sedimentation"),
                     ("dự báo nước dâng do bão", "storm surge forecasting")),
    "aquaculture": (("nuôi tôm công nghệ cao", "intensive shrimp farming"),
                    ("nuôi cá lồng bè", "cage fish farming"),
                    ("bệnh thủy sản", "aquatic animal health"),
                    ("truy xuất nguồn gốc hải sản", "seafood traceability")),
    "offshore_energy": (("điện gió ngoài khơi", "offshore wind"),
                        ("móng công trình ngoài khơi", "offshore foundations"),
                        ("giàn khoan", "offshore platforms"), ("năng lượng sóng", "wave energy")),
    "marine_environment": (("phục hồi rừng ngập mặn", "mangrove restoration"),
                           ("vi nhựa", "microplastics"),
                           ("ứng phó sự cố tràn dầu", "oil spill response"),
                           ("quần đảo Cát Bà", "Cat Ba archipelago")),
    "seaports": (("cảng cửa ngõ quốc tế Lạch Huyện", "Lach Huyen international gateway port"),
                 ("khai thác cảng container", "container terminal operations"),
                 ("cảng xanh", "green ports"), ("cảng thông minh", "smart ports")),
    "shipping": (("an toàn hàng hải", "maritime safety"),
                 ("giảm phát thải tàu biển", "ship emissions reduction"),
                 ("quản lý đội tàu", "fleet management"), ("luật hàng hải", "maritime law")),
    "logistics": (("tối ưu chuỗi cung ứng", "supply chain optimisation"),
                  ("kho bãi thông minh", "smart warehousing"), ("cảng cạn", "dry ports"),
                  ("logistics xanh", "green logistics"),
                  ("vận tải đa phương thức", "multimodal transport")),
    "manufacturing": (("sản xuất tinh gọn", "lean manufacturing"),
                      ("quản lý chất lượng", "quality management"),
                      ("cơ khí chính xác", "precision engineering"),
                      ("công nghiệp hỗ trợ", "supporting industries")),
    "automotive": (("xe điện", "electric vehicles"), ("pin lithium-ion", "lithium-ion batteries"),
                   ("dây chuyền lắp ráp ô tô", "vehicle assembly lines"),
                   ("hệ thống hỗ trợ lái", "driver assistance systems")),
    "electronics": (("thiết kế mạch in", "PCB design"), ("hệ thống nhúng", "embedded systems"),
                    ("IoT công nghiệp", "industrial IoT"),
                    ("kiểm thử linh kiện", "component testing")),
    "automation": (("PLC và SCADA", "PLC and SCADA"), ("điều khiển quá trình", "process control"),
                   ("bản sao số", "digital twins"),
                   ("điều khiển thông minh", "intelligent control")),
    "robotics": (("robot công nghiệp", "industrial robots"),
                 ("robot di động tự hành", "autonomous mobile robots"),
                 ("robot dưới nước", "underwater robots"), ("thị giác robot", "robot vision")),
    "high_tech": (("khu công nghệ cao", "high-tech parks"),
                  ("nông nghiệp công nghệ cao", "high-tech agriculture"),
                  ("ươm tạo công nghệ", "technology incubation"),
                  ("thu hút FDI công nghệ cao", "high-tech FDI")),
    "strategic_tech": (("công nghệ lượng tử", "quantum technology"), ("chuỗi khối", "blockchain"),
                       ("mạng 5G", "5G networks"), ("công nghệ vũ trụ", "space technology")),
    "semiconductors": (("thiết kế vi mạch", "IC design"),
                       ("đóng gói và kiểm thử chip", "chip packaging and testing"),
                       ("vật liệu bán dẫn", "semiconductor materials"),
                       ("đào tạo kỹ sư bán dẫn", "semiconductor workforce training")),
    "ai": (("học sâu", "deep learning"), ("thị giác máy tính", "computer vision"),
           ("xử lý ngôn ngữ tự nhiên tiếng Việt", "Vietnamese NLP"),
           ("mô hình ngôn ngữ lớn", "large language models"), ("AI tạo sinh", "generative AI")),
    "data_science": (("dữ liệu lớn", "big data"), ("phân tích dự báo", "predictive analytics"),
                     ("trực quan hóa dữ liệu", "data visualisation"),
                     ("quản trị dữ liệu", "data governance")),
    "digital_transformation": (("chính quyền số", "digital government"),
                               ("dịch vụ công trực tuyến", "online public services"),
                               ("điện toán đám mây", "cloud computing"),
                               ("chuyển đổi số doanh nghiệp", "enterprise digital transformation")),
    "smart_city": (("giao thông thông minh", "intelligent transport"),
                   ("trung tâm điều hành đô thị thông minh", "smart city operations centre"),
                   ("cảm biến IoT đô thị", "urban IoT sensors"),
                   ("quy hoạch đô thị số", "digital urban planning")),
    "cybersecurity": (("an toàn hệ thống điều khiển công nghiệp",
                       "industrial control system security"),
                      ("phân tích mã độc", "malware analysis"),
                      ("bảo vệ dữ liệu cá nhân", "personal data protection"),
                      ("ứng cứu sự cố", "incident response")),
    "innovation": (("chuyển giao công nghệ", "technology transfer"),
                   ("sở hữu trí tuệ", "intellectual property"),
                   ("hệ sinh thái đổi mới sáng tạo", "innovation ecosystems"),
                   ("hợp tác viện – trường – doanh nghiệp", "university–industry collaboration")),
    "startups": (("gọi vốn đầu tư", "fundraising"), ("ươm tạo khởi nghiệp", "start-up incubation"),
                 ("quỹ đầu tư mạo hiểm", "venture capital"),
                 ("mô hình kinh doanh", "business models")),
    "economics_policy": (("chính sách khoa học và công nghệ", "science and technology policy"),
                         ("kinh tế vùng", "regional economics"),
                         ("thu hút đầu tư nước ngoài", "foreign direct investment"),
                         ("đánh giá tác động chính sách", "policy impact evaluation")),
    "energy": (("hệ thống điện", "power systems"), ("tiết kiệm năng lượng", "energy efficiency"),
               ("lưới điện thông minh", "smart grids"), ("lưu trữ năng lượng", "energy storage")),
    "renewable_energy": (("điện mặt trời mái nhà", "rooftop solar"),
                         ("hydro xanh", "green hydrogen"),
                         ("điện gió", "wind power"),
                         ("tích hợp năng lượng tái tạo", "renewable integration")),
    "environment": (("xử lý nước thải công nghiệp", "industrial wastewater treatment"),
                    ("kinh tế tuần hoàn", "circular economy"),
                    ("quan trắc chất lượng không khí", "air quality monitoring"),
                    ("đánh giá tác động môi trường", "environmental impact assessment")),
    "climate_change": (("nước biển dâng", "sea level rise"),
                       ("thích ứng vùng ven biển", "coastal adaptation"),
                       ("kiểm kê khí nhà kính", "greenhouse gas inventory"),
                       ("tín chỉ các-bon", "carbon credits")),
    "biotechnology": (("công nghệ vi sinh", "microbial technology"),
                      ("chế phẩm sinh học", "bio-based products"),
                      ("công nghệ gen", "genetic engineering"),
                      ("an toàn thực phẩm", "food safety")),
    "materials": (("vật liệu composite", "composite materials"), ("vật liệu nano", "nanomaterials"),
                  ("chống ăn mòn", "corrosion protection"), ("vật liệu pin", "battery materials")),
    "health": (("y tế số", "digital health"), ("thiết bị y tế", "medical devices"),
               ("dịch tễ học", "epidemiology"), ("dược phẩm", "pharmaceuticals")),
    "education": (("giáo dục STEM", "STEM education"),
                  ("đào tạo nguồn nhân lực chất lượng cao", "high-quality human resources"),
                  ("chuyển đổi số trong giáo dục", "digital education"),
                  ("kiểm định chất lượng đào tạo", "accreditation")),
}

# ------------------------------------------------------------------ organisations
# (name, sector, city, fields it is plausible for; None = any field). The internal
# sector "research" (institutes) is written as "academia" but takes research positions.


def _f(*codes):
    return frozenset(codes)


_VN_ORGS = (
    ("Trường Đại học Hàng hải Việt Nam", "academia", "Hải Phòng",
     _f("marine", "shipbuilding", "seaports", "shipping", "logistics", "automation", "robotics",
        "offshore_energy", "marine_environment", "ai", "data_science", "cybersecurity",
        "economics_policy", "electronics", "digital_transformation", "education")),
    ("Trường Đại học Hải Phòng", "academia", "Hải Phòng", None),
    ("Trường Đại học Y Dược Hải Phòng", "academia", "Hải Phòng",
     _f("health", "biotechnology", "education")),
    ("Trường Đại học Quản lý và Công nghệ Hải Phòng", "academia", "Hải Phòng",
     _f("ai", "data_science", "digital_transformation", "economics_policy", "education",
        "startups", "innovation", "environment", "logistics")),
    ("Viện Tài nguyên và Môi trường biển", "research", "Hải Phòng",
     _f("marine", "oceanography", "marine_environment", "environment", "climate_change",
        "aquaculture")),
    ("Viện Nghiên cứu Hải sản", "research", "Hải Phòng",
     _f("aquaculture", "marine", "marine_environment", "biotechnology")),
    ("Công ty Cổ phần Cảng Hải Phòng", "industry", "Hải Phòng",
     _f("seaports", "logistics", "shipping", "digital_transformation", "automation")),
    ("Công ty Cổ phần Container Việt Nam (Viconship)", "industry", "Hải Phòng",
     _f("logistics", "seaports", "shipping")),
    ("Công ty TNHH MTV Đóng tàu Bạch Đằng", "industry", "Hải Phòng",
     _f("shipbuilding", "manufacturing", "materials", "automation")),
    ("VinFast", "industry", "Hải Phòng",
     _f("automotive", "manufacturing", "automation", "robotics", "electronics",
        "renewable_energy", "ai", "materials")),
    ("Công ty TNHH LG Electronics Việt Nam Hải Phòng", "industry", "Hải Phòng",
     _f("electronics", "manufacturing", "automation", "high_tech")),
    ("Công ty Cổ phần Tập đoàn Hòa Phát", "industry", "Hải Phòng",
     _f("materials", "manufacturing", "energy", "environment")),
    ("Công ty TNHH MTV Điện lực Hải Phòng", "industry", "Hải Phòng",
     _f("energy", "renewable_energy", "smart_city", "digital_transformation")),
    ("Sở Khoa học và Công nghệ thành phố Hải Phòng", "government", "Hải Phòng",
     _f("innovation", "startups", "high_tech", "strategic_tech", "digital_transformation",
        "economics_policy", "smart_city", "cybersecurity")),
    ("Ban Quản lý Khu kinh tế Hải Phòng", "government", "Hải Phòng",
     _f("economics_policy", "manufacturing", "logistics", "high_tech", "environment")),
    ("Sở Nông nghiệp và Môi trường thành phố Hải Phòng", "government", "Hải Phòng",
     _f("environment", "climate_change", "aquaculture", "marine_environment")),
    ("Sở Giáo dục và Đào tạo thành phố Hải Phòng", "government", "Hải Phòng",
     _f("education", "digital_transformation")),
    ("Cảng vụ Hàng hải Hải Phòng", "government", "Hải Phòng",
     _f("seaports", "shipping", "marine_environment")),
    ("Bệnh viện Hữu nghị Việt Tiệp", "other", "Hải Phòng", _f("health")),
    ("Đại học Quốc gia Hà Nội", "academia", "Hà Nội", None),
    ("Đại học Bách khoa Hà Nội", "academia", "Hà Nội", None),
    ("Trường Đại học Công nghệ, Đại học Quốc gia Hà Nội", "academia", "Hà Nội",
     _f("ai", "data_science", "semiconductors", "electronics", "robotics", "cybersecurity",
        "automation", "strategic_tech")),
    ("Học viện Công nghệ Bưu chính Viễn thông", "academia", "Hà Nội",
     _f("cybersecurity", "ai", "data_science", "digital_transformation", "electronics")),
    ("Trường Đại học Kinh tế Quốc dân", "academia", "Hà Nội",
     _f("economics_policy", "logistics", "startups", "innovation", "digital_transformation",
        "data_science")),
    ("Trường Đại học Thủy lợi", "academia", "Hà Nội",
     _f("climate_change", "environment", "marine_environment", "oceanography",
        "renewable_energy")),
    ("Viện Hàn lâm Khoa học và Công nghệ Việt Nam", "research", "Hà Nội", None),
    ("Viện Công nghệ sinh học", "research", "Hà Nội", _f("biotechnology", "health", "aquaculture")),
    ("Viện Khoa học vật liệu", "research", "Hà Nội",
     _f("materials", "semiconductors", "renewable_energy")),
    ("Viện Năng lượng", "research", "Hà Nội",
     _f("energy", "renewable_energy", "offshore_energy", "climate_change", "economics_policy")),
    ("Viện Nghiên cứu Cơ khí", "research", "Hà Nội",
     _f("manufacturing", "automation", "robotics", "offshore_energy", "renewable_energy")),
    ("Tập đoàn Công nghiệp – Viễn thông Quân đội (Viettel)", "industry", "Hà Nội",
     _f("ai", "data_science", "cybersecurity", "digital_transformation", "semiconductors",
        "electronics", "smart_city", "strategic_tech", "high_tech")),
    ("Công ty Cổ phần FPT", "industry", "Hà Nội",
     _f("ai", "data_science", "digital_transformation", "cybersecurity", "semiconductors",
        "education", "smart_city")),
    ("Tổng công ty Hàng hải Việt Nam (VIMC)", "industry", "Hà Nội",
     _f("shipping", "seaports", "logistics")),
    ("Tập đoàn Dầu khí Việt Nam (Petrovietnam)", "industry", "Hà Nội",
     _f("offshore_energy", "energy", "renewable_energy", "materials")),
    ("Trung tâm Đổi mới sáng tạo Quốc gia", "government", "Hà Nội",
     _f("innovation", "startups", "semiconductors", "ai", "high_tech", "strategic_tech")),
    ("Ban Quản lý Khu công nghệ cao Hòa Lạc", "government", "Hà Nội",
     _f("high_tech", "semiconductors", "strategic_tech", "innovation", "biotechnology")),
    ("Trường Đại học Bách khoa, Đại học Quốc gia Thành phố Hồ Chí Minh", "academia",
     "Thành phố Hồ Chí Minh", None),
    ("Trường Đại học Bách khoa, Đại học Đà Nẵng", "academia", "Đà Nẵng", None),
)

_ABROAD_ORGS = {
    "JP": (("The University of Tokyo", "academia", "Tokyo", None),
           ("Kyushu University", "academia", "Fukuoka", None),
           ("Osaka University", "academia", "Osaka", None),
           ("Tokyo University of Marine Science and Technology", "academia", "Tokyo",
            _f("marine", "oceanography", "aquaculture", "shipping", "logistics", "seaports",
               "marine_environment")),
           ("RIKEN", "research", "Wako", _f("ai", "materials", "biotechnology", "semiconductors",
                                            "strategic_tech", "health")),
           ("Mitsubishi Heavy Industries", "industry", "Tokyo",
            _f("shipbuilding", "energy", "offshore_energy", "manufacturing", "automation")),
           ("Toyota Motor Corporation", "industry", "Toyota",
            _f("automotive", "manufacturing", "automation", "robotics", "materials")),
           ("Fujitsu", "industry", "Kawasaki", _f("ai", "data_science", "digital_transformation",
                                                   "cybersecurity", "smart_city")),
           ("Tokyo Electron", "industry", "Tokyo", _f("semiconductors", "electronics")),
           ("NYK Line", "industry", "Tokyo", _f("shipping", "seaports", "logistics")),
           ("Japan International Cooperation Agency (JICA)", "international", "Tokyo",
            _f("economics_policy", "seaports", "environment", "education", "climate_change",
               "smart_city"))),
    "KR": (("KAIST", "academia", "Daejeon", None),
           ("Seoul National University", "academia", "Seoul", None),
           ("Korea Maritime & Ocean University", "academia", "Busan",
            _f("marine", "seaports", "shipping", "shipbuilding", "logistics", "offshore_energy")),
           ("Korea Institute of Ocean Science and Technology (KIOST)", "research", "Busan",
            _f("oceanography", "marine_environment", "marine", "climate_change")),
           ("Samsung Electronics", "industry", "Suwon",
            _f("semiconductors", "electronics", "ai", "automation")),
           ("HD Hyundai Heavy Industries", "industry", "Ulsan",
            _f("shipbuilding", "offshore_energy", "automation", "robotics")),
           ("LG Energy Solution", "industry", "Seoul",
            _f("energy", "materials", "renewable_energy", "automotive")),
           ("Busan Port Authority", "government", "Busan", _f("seaports", "logistics", "shipping")),
           ("Korea International Cooperation Agency (KOICA)", "international", "Seongnam",
            _f("economics_policy", "education", "digital_transformation", "smart_city"))),
    "US": (("Massachusetts Institute of Technology", "academia", "Cambridge", None),
           ("Stanford University", "academia", "Stanford", None),
           ("Georgia Institute of Technology", "academia", "Atlanta", None),
           ("University of Washington", "academia", "Seattle", None),
           ("Texas A&M University", "academia", "College Station", None),
           ("Woods Hole Oceanographic Institution", "research", "Woods Hole",
            _f("oceanography", "marine_environment", "marine", "climate_change")),
           ("Intel Corporation", "industry", "Santa Clara", _f("semiconductors", "electronics")),
           ("NVIDIA", "industry", "Santa Clara", _f("ai", "data_science", "semiconductors")),
           ("Google", "industry", "Mountain View", _f("ai", "data_science", "cybersecurity")),
           ("Microsoft", "industry", "Redmond",
            _f("ai", "cybersecurity", "digital_transformation", "data_science")),
           ("World Bank", "international", "Washington",
            _f("economics_policy", "logistics", "environment", "energy", "climate_change",
               "education", "health"))),
    "FR": (("Sorbonne Université", "academia", "Paris", None),
           ("École Polytechnique", "academia", "Palaiseau", None),
           ("Université Grenoble Alpes", "academia", "Grenoble", None),
           ("CNRS", "research", "Paris", None),
           ("Ifremer", "research", "Brest",
            _f("oceanography", "aquaculture", "marine_environment", "marine")),
           ("Institut Pasteur", "research", "Paris", _f("health", "biotechnology")),
           ("CMA CGM", "industry", "Marseille", _f("shipping", "logistics", "seaports")),
           ("Airbus", "industry", "Toulouse", _f("materials", "manufacturing", "automation", "ai")),
           ("Naval Group", "industry", "Paris", _f("shipbuilding", "offshore_energy")),
           ("Schneider Electric", "industry", "Rueil-Malmaison",
            _f("energy", "automation", "renewable_energy", "smart_city")),
           ("OECD", "international", "Paris", _f("economics_policy", "innovation", "education"))),
    "DE": (("Technical University of Munich", "academia", "Munich", None),
           ("RWTH Aachen University", "academia", "Aachen", None),
           ("Karlsruhe Institute of Technology", "academia", "Karlsruhe", None),
           ("Hamburg University of Technology", "academia", "Hamburg",
            _f("shipbuilding", "logistics", "seaports", "marine", "materials")),
           ("Fraunhofer-Gesellschaft", "research", "Munich",
            _f("automation", "materials", "ai", "manufacturing", "renewable_energy", "logistics")),
           ("GEOMAR Helmholtz Centre for Ocean Research Kiel", "research", "Kiel",
            _f("oceanography", "marine_environment", "marine", "climate_change")),
           ("Siemens", "industry", "Munich",
            _f("automation", "digital_transformation", "energy", "manufacturing", "smart_city")),
           ("Bosch", "industry", "Stuttgart", _f("automotive", "electronics", "automation", "ai")),
           ("Infineon Technologies", "industry", "Neubiberg", _f("semiconductors", "electronics")),
           ("Hapag-Lloyd", "industry", "Hamburg", _f("shipping", "logistics")),
           ("DB Schenker", "industry", "Essen", _f("logistics")),
           ("Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ)", "international",
            "Bonn", _f("economics_policy", "climate_change", "education", "renewable_energy",
                       "environment"))),
    "GB": (("Imperial College London", "academia", "London", None),
           ("University of Cambridge", "academia", "Cambridge", None),
           ("University of Southampton", "academia", "Southampton", None),
           ("University of Strathclyde", "academia", "Glasgow",
            _f("shipbuilding", "offshore_energy", "marine", "renewable_energy")),
           ("National Oceanography Centre", "research", "Southampton",
            _f("oceanography", "marine_environment", "climate_change")),
           ("Lloyd's Register", "industry", "London",
            _f("shipbuilding", "shipping", "offshore_energy", "materials")),
           ("Arm", "industry", "Cambridge", _f("semiconductors", "electronics")),
           ("Google DeepMind", "industry", "London", _f("ai", "data_science")),
           ("International Maritime Organization", "international", "London",
            _f("seaports", "shipping", "marine_environment", "economics_policy"))),
    "AU": (("University of Melbourne", "academia", "Melbourne", None),
           ("UNSW Sydney", "academia", "Sydney", None),
           ("Monash University", "academia", "Melbourne", None),
           ("University of Queensland", "academia", "Brisbane", None),
           ("RMIT University", "academia", "Melbourne", None),
           ("University of Tasmania", "academia", "Hobart",
            _f("aquaculture", "marine", "oceanography", "marine_environment")),
           ("Australian Maritime College", "academia", "Launceston",
            _f("shipbuilding", "seaports", "shipping", "marine", "offshore_energy")),
           ("CSIRO", "research", "Canberra", None),
           ("Australian Institute of Marine Science", "research", "Townsville",
            _f("marine_environment", "oceanography", "climate_change")),
           ("BHP", "industry", "Melbourne", _f("materials", "energy", "automation"))),
    "CA": (("University of Toronto", "academia", "Toronto", None),
           ("University of British Columbia", "academia", "Vancouver", None),
           ("McGill University", "academia", "Montreal", None),
           ("Dalhousie University", "academia", "Halifax",
            _f("oceanography", "marine", "aquaculture", "marine_environment")),
           ("Mila – Quebec AI Institute", "research", "Montreal", _f("ai", "data_science")),
           ("Vancouver Fraser Port Authority", "government", "Vancouver",
            _f("seaports", "logistics"))),
    "SG": (("National University of Singapore", "academia", "Singapore", None),
           ("Nanyang Technological University", "academia", "Singapore", None),
           ("A*STAR", "research", "Singapore", None),
           ("Maritime and Port Authority of Singapore", "government", "Singapore",
            _f("seaports", "shipping", "digital_transformation")),
           ("PSA International", "industry", "Singapore",
            _f("seaports", "logistics", "automation")),
           ("Keppel", "industry", "Singapore",
            _f("offshore_energy", "shipbuilding", "smart_city", "renewable_energy"))),
    "NL": (("Delft University of Technology", "academia", "Delft", None),
           ("Wageningen University & Research", "academia", "Wageningen",
            _f("aquaculture", "biotechnology", "environment", "climate_change", "high_tech")),
           ("Erasmus University Rotterdam", "academia", "Rotterdam",
            _f("logistics", "economics_policy", "seaports", "shipping", "health")),
           ("Deltares", "research", "Delft",
            _f("climate_change", "marine_environment", "oceanography", "environment")),
           ("MARIN", "research", "Wageningen", _f("shipbuilding", "offshore_energy", "marine")),
           ("Port of Rotterdam Authority", "industry", "Rotterdam",
            _f("seaports", "logistics", "digital_transformation", "energy")),
           ("ASML", "industry", "Veldhoven", _f("semiconductors", "electronics")),
           ("Damen Shipyards Group", "industry", "Gorinchem",
            _f("shipbuilding", "offshore_energy"))),
    "RU": (("Lomonosov Moscow State University", "academia", "Moscow", None),
           ("Bauman Moscow State Technical University", "academia", "Moscow", None),
           ("Moscow Institute of Physics and Technology", "academia", "Dolgoprudny",
            _f("ai", "data_science", "semiconductors", "strategic_tech")),
           ("Saint Petersburg State Marine Technical University", "academia",
            "Saint Petersburg", _f("shipbuilding", "marine", "offshore_energy")),
           ("Far Eastern Federal University", "academia", "Vladivostok", None)),
    "CZ": (("Czech Technical University in Prague", "academia", "Prague", None),
           ("Brno University of Technology", "academia", "Brno", None),
           ("Charles University", "academia", "Prague", None),
           ("Czech Academy of Sciences", "research", "Prague", None),
           ("Škoda Auto", "industry", "Mladá Boleslav",
            _f("automotive", "manufacturing", "automation"))),
    "PL": (("Warsaw University of Technology", "academia", "Warsaw", None),
           ("Jagiellonian University", "academia", "Kraków", None),
           ("AGH University of Krakow", "academia", "Kraków", None),
           ("Gdańsk University of Technology", "academia", "Gdańsk",
            _f("shipbuilding", "marine", "energy", "offshore_energy")),
           ("Gdynia Maritime University", "academia", "Gdynia",
            _f("seaports", "shipping", "logistics", "marine"))),
    "SE": (("KTH Royal Institute of Technology", "academia", "Stockholm", None),
           ("Chalmers University of Technology", "academia", "Gothenburg", None),
           ("Lund University", "academia", "Lund", None),
           ("World Maritime University", "academia", "Malmö",
            _f("seaports", "shipping", "marine_environment", "economics_policy", "marine")),
           ("Ericsson", "industry", "Stockholm",
            _f("digital_transformation", "cybersecurity", "smart_city", "electronics")),
           ("Volvo Group", "industry", "Gothenburg", _f("automotive", "automation", "logistics"))),
    "FI": (("Aalto University", "academia", "Espoo", None),
           ("University of Helsinki", "academia", "Helsinki", None),
           ("VTT Technical Research Centre of Finland", "research", "Espoo", None),
           ("Wärtsilä", "industry", "Helsinki", _f("shipbuilding", "energy", "offshore_energy")),
           ("Nokia", "industry", "Espoo",
            _f("digital_transformation", "cybersecurity", "electronics", "ai")),
           ("Kalmar", "industry", "Helsinki", _f("seaports", "automation", "logistics"))),
    "NO": (("Norwegian University of Science and Technology (NTNU)", "academia", "Trondheim",
            None),
           ("University of Bergen", "academia", "Bergen", None),
           ("SINTEF Ocean", "research", "Trondheim",
            _f("aquaculture", "offshore_energy", "marine", "shipbuilding")),
           ("Institute of Marine Research", "research", "Bergen",
            _f("aquaculture", "oceanography", "marine_environment")),
           ("Equinor", "industry", "Stavanger",
            _f("offshore_energy", "energy", "renewable_energy")),
           ("Kongsberg Maritime", "industry", "Kongsberg",
            _f("automation", "shipbuilding", "robotics", "marine")),
           ("DNV", "industry", "Høvik",
            _f("shipping", "shipbuilding", "offshore_energy", "renewable_energy"))),
    "DK": (("Technical University of Denmark (DTU)", "academia", "Kongens Lyngby", None),
           ("University of Copenhagen", "academia", "Copenhagen", None),
           ("Aalborg University", "academia", "Aalborg", None),
           ("A.P. Moller – Maersk", "industry", "Copenhagen",
            _f("shipping", "logistics", "seaports", "digital_transformation")),
           ("Ørsted", "industry", "Gentofte", _f("offshore_energy", "renewable_energy", "energy")),
           ("Vestas", "industry", "Aarhus", _f("renewable_energy", "offshore_energy", "materials")),
           ("Danfoss", "industry", "Nordborg", _f("energy", "automation", "electronics"))),
    "BE": (("KU Leuven", "academia", "Leuven", None),
           ("Ghent University", "academia", "Ghent", None),
           ("Université libre de Bruxelles", "academia", "Brussels", None),
           ("imec", "research", "Leuven", _f("semiconductors", "electronics", "ai", "health")),
           ("Port of Antwerp-Bruges", "industry", "Antwerp",
            _f("seaports", "logistics", "digital_transformation"))),
    "CH": (("ETH Zurich", "academia", "Zurich", None),
           ("EPFL", "academia", "Lausanne", None),
           ("University of Geneva", "academia", "Geneva", None),
           ("ABB", "industry", "Zurich", _f("automation", "robotics", "energy")),
           ("Mediterranean Shipping Company (MSC)", "industry", "Geneva",
            _f("shipping", "logistics")),
           ("Novartis", "industry", "Basel", _f("health", "biotechnology")),
           ("World Intellectual Property Organization (WIPO)", "international", "Geneva",
            _f("innovation", "startups", "economics_policy"))),
    "IT": (("Politecnico di Milano", "academia", "Milan", None),
           ("Politecnico di Torino", "academia", "Turin", None),
           ("Sapienza University of Rome", "academia", "Rome", None),
           ("University of Genoa", "academia", "Genoa",
            _f("shipbuilding", "seaports", "marine", "logistics")),
           ("Fincantieri", "industry", "Trieste", _f("shipbuilding", "automation", "materials")),
           ("STMicroelectronics", "industry", "Agrate Brianza",
            _f("semiconductors", "electronics"))),
    "ES": (("Universitat Politècnica de Catalunya", "academia", "Barcelona", None),
           ("Technical University of Madrid", "academia", "Madrid", None),
           ("University of Barcelona", "academia", "Barcelona", None),
           ("Valenciaport", "industry", "Valencia", _f("seaports", "logistics")),
           ("Iberdrola", "industry", "Bilbao",
            _f("renewable_energy", "offshore_energy", "energy"))),
    "TW": (("National Taiwan University", "academia", "Taipei", None),
           ("National Tsing Hua University", "academia", "Hsinchu", None),
           ("National Cheng Kung University", "academia", "Tainan", None),
           ("National Taiwan Ocean University", "academia", "Keelung",
            _f("marine", "aquaculture", "shipbuilding", "seaports", "shipping")),
           ("Industrial Technology Research Institute (ITRI)", "research", "Hsinchu", None),
           ("TSMC", "industry", "Hsinchu", _f("semiconductors", "electronics")),
           ("Foxconn", "industry", "New Taipei",
            _f("electronics", "manufacturing", "automation", "robotics")),
           ("Evergreen Marine", "industry", "Taipei", _f("shipping", "logistics"))),
    "CN": (("Tsinghua University", "academia", "Beijing", None),
           ("Shanghai Jiao Tong University", "academia", "Shanghai", None),
           ("Dalian Maritime University", "academia", "Dalian",
            _f("seaports", "shipping", "marine", "logistics")),
           ("Ocean University of China", "academia", "Qingdao",
            _f("oceanography", "aquaculture", "marine_environment", "marine")),
           ("Huawei Technologies", "industry", "Shenzhen",
            _f("digital_transformation", "ai", "electronics", "smart_city")),
           ("BYD", "industry", "Shenzhen", _f("automotive", "renewable_energy", "energy")),
           ("COSCO Shipping", "industry", "Shanghai", _f("shipping", "logistics", "seaports"))),
    "IN": (("Indian Institute of Technology Madras", "academia", "Chennai", None),
           ("Indian Institute of Technology Bombay", "academia", "Mumbai", None),
           ("Indian Institute of Science", "academia", "Bengaluru", None),
           ("Tata Consultancy Services", "industry", "Mumbai",
            _f("digital_transformation", "ai", "data_science", "cybersecurity")),
           ("Infosys", "industry", "Bengaluru", _f("digital_transformation", "data_science")),
           ("Indian Maritime University", "academia", "Chennai", _f("seaports", "shipping"))),
    "TH": (("Chulalongkorn University", "academia", "Bangkok", None),
           ("Asian Institute of Technology", "academia", "Pathum Thani", None),
           ("King Mongkut's University of Technology Thonburi", "academia", "Bangkok", None),
           ("PTT Public Company Limited", "industry", "Bangkok",
            _f("energy", "offshore_energy", "renewable_energy")),
           ("Port Authority of Thailand", "government", "Bangkok", _f("seaports", "logistics"))),
    "MY": (("University of Malaya", "academia", "Kuala Lumpur", None),
           ("Universiti Teknologi Malaysia", "academia", "Johor Bahru", None),
           ("Universiti Malaysia Terengganu", "academia", "Kuala Terengganu",
            _f("marine", "aquaculture", "oceanography", "marine_environment")),
           ("Petronas", "industry", "Kuala Lumpur", _f("offshore_energy", "energy")),
           ("Westports Malaysia", "industry", "Port Klang", _f("seaports", "logistics"))),
    "ID": (("Bandung Institute of Technology", "academia", "Bandung", None),
           ("Universitas Indonesia", "academia", "Depok", None),
           ("IPB University", "academia", "Bogor", _f("aquaculture", "biotechnology", "high_tech")),
           ("Sepuluh Nopember Institute of Technology", "academia", "Surabaya", None),
           ("Pelindo", "industry", "Jakarta", _f("seaports", "logistics"))),
    "NZ": (("University of Auckland", "academia", "Auckland", None),
           ("University of Canterbury", "academia", "Christchurch", None),
           ("NIWA", "research", "Wellington",
            _f("oceanography", "climate_change", "aquaculture", "marine_environment")),
           ("Cawthron Institute", "research", "Nelson", _f("aquaculture", "marine_environment"))),
    "IL": (("Technion – Israel Institute of Technology", "academia", "Haifa", None),
           ("Weizmann Institute of Science", "research", "Rehovot", None),
           ("Tel Aviv University", "academia", "Tel Aviv", None),
           ("Check Point Software Technologies", "industry", "Tel Aviv", _f("cybersecurity")),
           ("Mobileye", "industry", "Jerusalem", _f("ai", "automotive")),
           ("Netafim", "industry", "Tel Aviv", _f("high_tech", "environment"))),
    "AE": (("Khalifa University", "academia", "Abu Dhabi", None),
           ("Mohamed bin Zayed University of Artificial Intelligence", "academia", "Abu Dhabi",
            _f("ai", "data_science")),
           ("DP World", "industry", "Dubai", _f("seaports", "logistics", "digital_transformation")),
           ("Masdar", "industry", "Abu Dhabi",
            _f("renewable_energy", "energy", "smart_city", "climate_change"))),
    "BR": (("University of São Paulo", "academia", "São Paulo", None),
           ("Federal University of Rio de Janeiro", "academia", "Rio de Janeiro", None),
           ("Petrobras", "industry", "Rio de Janeiro", _f("offshore_energy", "energy")),
           ("Embrapa", "research", "Brasília", _f("biotechnology", "aquaculture", "high_tech"))),
    "HU": (("Budapest University of Technology and Economics", "academia", "Budapest", None),
           ("Eötvös Loránd University", "academia", "Budapest", None),
           ("University of Szeged", "academia", "Szeged", None),
           ("Semmelweis University", "academia", "Budapest", _f("health", "biotechnology"))),
    "AT": (("TU Wien", "academia", "Vienna", None),
           ("Graz University of Technology", "academia", "Graz", None),
           ("Johannes Kepler University Linz", "academia", "Linz", None),
           ("AVL List", "industry", "Graz", _f("automotive", "energy")),
           ("United Nations Industrial Development Organization (UNIDO)", "international",
            "Vienna", _f("manufacturing", "innovation", "energy", "economics_policy"))),
    "IE": (("Trinity College Dublin", "academia", "Dublin", None),
           ("University College Cork", "academia", "Cork", None),
           ("Marine Institute", "research", "Galway",
            _f("oceanography", "aquaculture", "marine", "marine_environment")),
           ("Intel Ireland", "industry", "Leixlip", _f("semiconductors", "electronics"))),
    "PH": (("University of the Philippines Diliman", "academia", "Quezon City", None),
           ("Asian Development Bank", "international", "Mandaluyong",
            _f("economics_policy", "energy", "climate_change", "logistics",
               "digital_transformation", "education"))),
    "LA": (("National University of Laos", "academia", "Vientiane", None),),
    "KH": (("Royal University of Phnom Penh", "academia", "Phnom Penh", None),
           ("Institute of Technology of Cambodia", "academia", "Phnom Penh", None)),
}

# --------------------------------------------------------------------- countries
# code: (diaspora weight, foreign weight, languages, name sources, phone prefixes,
# random digits after the prefix). JP, KR, US, FR, DE and AU dominate, as in the
# city's records; Eastern Europe and Taiwan have old Vietnamese communities. The US, CA,
# UK and Australian prefixes are the ranges reserved for fiction.
_COUNTRIES = {
    "JP": (14, 14, ("ja",), ("ja",), ("+8170", "+8180", "+8190"), 8),
    "KR": (8, 12, ("ko",), ("list:ko",), ("+8210",), 8),
    "US": (12, 10, ("en",), ("en_US",), tuple(f"+1{a}55501" for a in (212, 415, 617, 206, 713)),
           2),
    "FR": (9, 6, ("fr",), ("fr_FR",), ("+336", "+337"), 8),
    "DE": (10, 9, ("de",), ("de_DE",), ("+49151", "+49160", "+49170", "+49176"), 8),
    "AU": (10, 5, ("en",), ("en_GB",), ("+61491570",), 3),
    "GB": (4, 6, ("en",), ("en_GB",), ("+447700900",), 3),
    "CA": (4, 3, ("en", "fr"), ("en_US", "fr_CA"),
           tuple(f"+1{a}55501" for a in (416, 604, 514, 902)), 2),
    "SG": (3, 4, ("en", "zh", "ms"), ("zh_CN",), ("+658", "+659"), 7),
    "NL": (2, 6, ("nl",), ("nl_NL",), ("+316",), 8),
    "RU": (6, 1, ("ru",), ("list:ru",), ("+79",), 9),
    "CZ": (5, 1, ("cs",), ("cs_CZ",), ("+4206", "+4207"), 8),
    "PL": (4, 2, ("pl",), ("pl_PL",), ("+485", "+486", "+487", "+488"), 8),
    "SE": (2, 3, ("sv",), ("sv_SE",), ("+4670", "+4672", "+4673", "+4676"), 7),
    "FI": (1, 3, ("fi",), ("fi_FI",), ("+35840", "+35850"), 7),
    "NO": (1, 3, ("no",), ("no_NO",), ("+474", "+479"), 7),
    "DK": (1, 4, ("da",), ("da_DK",), ("+452", "+453", "+454", "+455", "+456"), 7),
    "BE": (2, 2, ("nl", "fr"), ("nl_BE", "fr_BE"), ("+3247", "+3248", "+3249"), 7),
    "CH": (2, 3, ("de", "fr"), ("de_CH", "fr_CH"), ("+4176", "+4177", "+4178", "+4179"), 7),
    "IT": (1, 2, ("it",), ("it_IT",), ("+393",), 9),
    "ES": (1, 2, ("es",), ("es_ES",), ("+346",), 8),
    "TW": (5, 3, ("zh",), ("zh_TW",), ("+8869",), 8),
    "CN": (1, 3, ("zh",), ("zh_CN",), ("+8613", "+8615", "+8618"), 9),
    "IN": (1, 3, ("hi", "en"), ("en_IN",), ("+919", "+918", "+917"), 9),
    "TH": (2, 2, ("th",), ("en_TH",), ("+668", "+669"), 8),
    "MY": (1, 2, ("ms", "en"), ("list:ms",), ("+6012", "+6013", "+6019"), 7),
    "ID": (1, 2, ("id",), ("id_ID",), ("+6281",), 8),
    "NZ": (1, 1, ("en",), ("en_NZ",), ("+6421", "+6422", "+6427"), 7),
    "IL": (1, 2, ("he", "en"), ("list:he",), ("+97250", "+97252", "+97254"), 7),
    "AE": (1, 2, ("ar", "en"), ("list:ar",), ("+97150", "+97155", "+97156"), 7),
    "BR": (0.5, 1, ("pt",), ("pt_BR",), ("+55119", "+55219", "+55619"), 8),
    "HU": (2, 1, ("hu",), ("hu_HU",), ("+3620", "+3630", "+3670"), 7),
    "AT": (1, 1, ("de",), ("de_AT",), ("+43664", "+43676", "+43699"), 7),
    "IE": (0.5, 1, ("en", "ga"), ("en_IE",), ("+35383", "+35385", "+35387"), 7),
    "PH": (0.5, 1, ("en", "tl"), ("en_US",), ("+639",), 9),
    "LA": (1.5, 0, ("lo",), ("en_GB",), ("+85620",), 8),
    "KH": (1, 0, ("km",), ("en_GB",), ("+85512", "+85517", "+85592"), 7),
}
# Where a diaspora member often also goes by a local first name ("Michael Nguyen").
_LOCAL_FIRST_NAME = frozenset({"US", "GB", "AU", "CA", "NZ", "IE", "FR", "DE", "AT", "CH", "NL",
                               "BE", "SE", "NO", "DK", "FI", "CZ", "PL", "IT", "ES", "HU", "BR"})

_COUNTRY_NAMES = {  # as Babel/CLDR spells them, for the bios
    "VN": ("Việt Nam", "Vietnam"), "JP": ("Nhật Bản", "Japan"), "KR": ("Hàn Quốc", "South Korea"),
    "US": ("Hoa Kỳ", "the United States"), "FR": ("Pháp", "France"), "DE": ("Đức", "Germany"),
    "AU": ("Úc", "Australia"), "GB": ("Vương quốc Anh", "the United Kingdom"),
    "CA": ("Canada", "Canada"), "SG": ("Singapore", "Singapore"),
    "NL": ("Hà Lan", "the Netherlands"), "RU": ("Nga", "Russia"), "CZ": ("Séc", "Czechia"),
    "PL": ("Ba Lan", "Poland"), "SE": ("Thụy Điển", "Sweden"), "FI": ("Phần Lan", "Finland"),
    "NO": ("Na Uy", "Norway"), "DK": ("Đan Mạch", "Denmark"), "BE": ("Bỉ", "Belgium"),
    "CH": ("Thụy Sĩ", "Switzerland"), "IT": ("Italy", "Italy"), "ES": ("Tây Ban Nha", "Spain"),
    "TW": ("Đài Loan", "Taiwan"), "CN": ("Trung Quốc", "China"), "IN": ("Ấn Độ", "India"),
    "TH": ("Thái Lan", "Thailand"), "MY": ("Malaysia", "Malaysia"),
    "ID": ("Indonesia", "Indonesia"), "NZ": ("New Zealand", "New Zealand"),
    "IL": ("Israel", "Israel"), "AE": ("Các Tiểu Vương quốc Ả Rập Thống nhất",
                                       "the United Arab Emirates"),
    "BR": ("Brazil", "Brazil"), "HU": ("Hungary", "Hungary"), "AT": ("Áo", "Austria"),
    "IE": ("Ireland", "Ireland"), "PH": ("Philippines", "the Philippines"),
    "LA": ("Lào", "Laos"), "KH": ("Campuchia", "Cambodia"),
}
_LANGUAGE_NAMES = {  # (Vietnamese, English), for "works in ..." sentences
    "vi": ("tiếng Việt", "Vietnamese"), "en": ("tiếng Anh", "English"),
    "ja": ("tiếng Nhật", "Japanese"), "ko": ("tiếng Hàn", "Korean"),
    "fr": ("tiếng Pháp", "French"), "de": ("tiếng Đức", "German"),
    "ru": ("tiếng Nga", "Russian"), "zh": ("tiếng Trung", "Chinese"),
    "nl": ("tiếng Hà Lan", "Dutch"), "cs": ("tiếng Séc", "Czech"),
    "pl": ("tiếng Ba Lan", "Polish"), "sv": ("tiếng Thụy Điển", "Swedish"),
    "fi": ("tiếng Phần Lan", "Finnish"), "no": ("tiếng Na Uy", "Norwegian"),
    "da": ("tiếng Đan Mạch", "Danish"), "it": ("tiếng Italy", "Italian"),
    "es": ("tiếng Tây Ban Nha", "Spanish"), "hi": ("tiếng Hindi", "Hindi"),
    "th": ("tiếng Thái", "Thai"), "ms": ("tiếng Mã Lai", "Malay"),
    "id": ("tiếng Indonesia", "Indonesian"), "he": ("tiếng Do Thái", "Hebrew"),
    "ar": ("tiếng Ả Rập", "Arabic"), "pt": ("tiếng Bồ Đào Nha", "Portuguese"),
    "hu": ("tiếng Hungary", "Hungarian"), "ga": ("tiếng Ireland", "Irish"),
    "tl": ("tiếng Tagalog", "Tagalog"), "lo": ("tiếng Lào", "Lao"),
    "km": ("tiếng Khmer", "Khmer"),
}

# ------------------------------------------------------------------------- names

_VN_FAMILY = (("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 5),
              ("Phan", 4), ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Hồ", 2), ("Ngô", 2),
              ("Dương", 2), ("Đào", 2), ("Đinh", 2), ("Lý", 1), ("Mai", 1), ("Lương", 1),
              ("Tô", 1), ("Vương", 1), ("Cao", 1), ("Trịnh", 1))
_VN_MIDDLE = {
    "male": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Xuân", "Đình", "Tiến", "Mạnh",
             "Công", "Hoàng", "Trọng", "Anh", "Ngọc"),
    "female": ("Thị", "Thu", "Thanh", "Minh", "Ngọc", "Hồng", "Phương", "Thùy", "Kim", "Bích",
               "Mai", "Hải", "Diệu"),
}
# Given names besides Faker's short vi_VN lists, with several đ-names: the tone-mark
# and đ/d search needs Đức, Đạt, Định... next to Dục, Dung, Dũng.
_VN_GIVEN = {
    "male": ("Đức", "Đạt", "Đông", "Định", "Đăng", "Hải", "Long", "Thắng", "Tuấn", "Hiếu",
             "Cường", "Sơn", "Thịnh", "Khánh", "Việt", "Hiển", "Toàn", "Lực"),
    "female": ("Hạnh", "Trang", "Thủy", "Hằng", "Nhung", "Loan", "Diệp", "Đào", "Hoa", "Dung",
               "Phượng", "Giang", "Huyền", "Thư", "Nga"),
}
# Names placed on purpose so the demo always shows the tone-mark ranking (Đức first,
# then Dục and Đúc) and đ/d folding; Dục and Đúc are rare, so they come only from here.
_TONE_DEMO_NAMES = ("Đức", "Đức", "Đức", "Dục", "Dục", "Dục", "Đúc", "Đúc", "Đạt", "Đạt")

# Romanised names where Faker has none in Latin script.
_NAME_LISTS = {
    "ko": (("Min-jun", "Ji-hoon", "Seung-woo", "Hyun-woo", "Dong-hyun", "Jae-won", "Sung-min",
            "Young-ho", "Joon-young", "Tae-yang"),
           ("Ji-woo", "Seo-yeon", "Min-ji", "Soo-jin", "Hye-jin", "Eun-ji", "Ha-eun", "Yu-na",
            "Ji-hye", "Da-eun"),
           ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han",
            "Shin"), None),
    "ru": (("Alexei", "Dmitry", "Sergei", "Andrei", "Mikhail", "Ivan", "Nikolai", "Pavel",
            "Vladimir", "Yuri"),
           ("Elena", "Olga", "Natalia", "Irina", "Tatiana", "Anna", "Svetlana", "Maria",
            "Ekaterina", "Yulia"),
           ("Ivanov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Lebedev", "Kozlov", "Novikov",
            "Morozov", "Volkov"),
           ("Ivanova", "Smirnova", "Kuznetsova", "Popova", "Sokolova", "Lebedeva", "Kozlova",
            "Novikova", "Morozova", "Volkova")),
    "he": (("Noam", "Eitan", "Avi", "Yosef", "Ido", "Ariel", "Daniel", "Yonatan"),
           ("Yael", "Tamar", "Shira", "Maya", "Noa", "Michal", "Rivka", "Adi"),
           ("Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Friedman", "Katz", "Shapiro",
            "Avraham", "Golan"), None),
    "ar": (("Ahmed", "Mohammed", "Omar", "Khalid", "Saeed", "Rashid", "Hamad", "Sultan"),
           ("Fatima", "Mariam", "Aisha", "Noura", "Hessa", "Shamma", "Latifa", "Amna"),
           ("Al Mansoori", "Al Hammadi", "Al Zaabi", "Al Nuaimi", "Al Suwaidi", "Al Marzouqi",
            "Al Ketbi", "Al Shamsi"), None),
    "ms": (("Ahmad Faizal", "Muhammad Hafiz", "Mohd Azlan", "Amirul", "Zulkifli", "Aiman",
            "Hafizuddin", "Syed Hakim"),
           ("Nurul Aina", "Siti Aminah", "Nor Azura", "Aisyah", "Farah Nadia", "Nurul Huda",
            "Zarina", "Intan"),
           tuple(f"bin {n}" for n in ("Hassan", "Abdullah", "Ismail", "Yusof", "Rahman",
                                      "Ibrahim", "Osman", "Razak")),
           tuple(f"binti {n}" for n in ("Hassan", "Abdullah", "Ismail", "Yusof", "Rahman",
                                        "Ibrahim", "Osman", "Razak"))),
}

# Hai Phong hometowns, in the two naming schemes curators meet: the wards, communes and
# special zones since the 2025 merger, and the districts of before (Hai Phong's and the
# former Hai Duong province's, now part of the city).
_HOMETOWNS_NEW = ("phường Hồng Bàng", "phường Lê Chân", "phường Ngô Quyền", "phường Hải An",
                  "phường Kiến An", "phường Đồ Sơn", "phường Dương Kinh", "phường Thủy Nguyên",
                  "phường An Dương", "xã An Lão", "xã Kiến Thụy", "xã Tiên Lãng", "xã Vĩnh Bảo",
                  "đặc khu Cát Hải", "đặc khu Bạch Long Vĩ", "phường Hải Dương",
                  "phường Chí Linh")
_HOMETOWNS_OLD = ("quận Lê Chân, Hải Phòng", "quận Ngô Quyền, Hải Phòng",
                  "quận Hồng Bàng, Hải Phòng", "quận Kiến An, Hải Phòng",
                  "huyện Thủy Nguyên, Hải Phòng", "huyện An Lão, Hải Phòng",
                  "huyện Tiên Lãng, Hải Phòng", "huyện Vĩnh Bảo, Hải Phòng",
                  "huyện Cát Hải, Hải Phòng", "thành phố Hải Dương, tỉnh Hải Dương",
                  "huyện Thanh Hà, tỉnh Hải Dương")

# --------------------------------------------------------------------- positions
# (Vietnamese as it reads inside a sentence, English). The cell gets the Vietnamese
# form (first letter capitalised) for domestic experts, the English one otherwise.
_POSITIONS = {
    "academia": (("giảng viên", "Lecturer"), ("giảng viên chính", "Senior Lecturer"),
                 ("giảng viên cao cấp", "Principal Lecturer"), ("Trưởng bộ môn",
                                                                "Head of Department"),
                 ("Trưởng khoa", "Dean of Faculty"), ("Phó Hiệu trưởng", "Vice-Rector")),
    "research": (("nghiên cứu viên", "Research Fellow"),
                 ("nghiên cứu viên chính", "Senior Research Scientist"),
                 ("nghiên cứu viên cao cấp", "Principal Research Scientist"),
                 ("Trưởng phòng thí nghiệm", "Laboratory Head"),
                 ("Phó Viện trưởng", "Deputy Director of the Institute")),
    "industry": (("Giám đốc công nghệ", "Chief Technology Officer"),
                 ("kỹ sư trưởng", "Chief Engineer"),
                 ("Trưởng phòng Nghiên cứu và Phát triển", "Head of R&D"),
                 ("kỹ sư cao cấp", "Senior Engineer"), ("Giám đốc dự án", "Project Director"),
                 ("trưởng nhóm kỹ thuật", "Engineering Lead"),
                 ("Giám đốc vận hành", "Operations Director"),
                 ("chuyên gia tư vấn cao cấp", "Senior Consultant")),
    "government": (("chuyên viên", "Policy Officer"),
                   ("chuyên viên chính", "Senior Policy Officer"),
                   ("Trưởng phòng", "Head of Division"),
                   ("Phó Trưởng phòng", "Deputy Head of Division"),
                   ("cố vấn chính sách", "Policy Adviser")),
    "international": (("chuyên gia chương trình", "Programme Officer"),
                      ("chuyên gia cao cấp", "Senior Specialist"),
                      ("cố vấn kỹ thuật", "Technical Adviser"),
                      ("điều phối viên dự án", "Project Coordinator"),
                      ("Trưởng đại diện quốc gia", "Country Director")),
    "other": (("bác sĩ chuyên khoa II", "Senior Consultant Physician"),
              ("Trưởng khoa lâm sàng", "Head of Clinical Department"),
              ("Phó Giám đốc bệnh viện", "Deputy Hospital Director")),
}
# Academic posts that go to doctors past their early career only.
_SENIOR_POSTS = frozenset({"Principal Lecturer", "Head of Department", "Dean of Faculty",
                           "Vice-Rector", "Principal Research Scientist", "Laboratory Head",
                           "Deputy Director of the Institute"})
_POSTDOC = ("nghiên cứu viên sau tiến sĩ", "Postdoctoral Researcher")
_PROFESSOR = {"GS": ("giáo sư", "Professor"), "PGS": ("phó giáo sư", "Associate Professor")}
_INDEPENDENT = ("chuyên gia tư vấn độc lập", "Independent Consultant")

_DEGREES = {  # by sector: TS, ThS, KS, CN weights
    "academia": (65, 30, 5, 0), "research": (70, 25, 5, 0), "industry": (25, 35, 30, 10),
    "government": (30, 50, 5, 15), "international": (50, 45, 0, 5), "other": (45, 35, 5, 15),
}
_AVAILABILITY = ("consulting", "lecturing", "reviewing", "technology_transfer",
                 "research_collaboration", "mentoring")
_AVAILABILITY_WEIGHTS = {
    "academia": (3, 5, 4, 2, 5, 1), "research": (3, 2, 4, 3, 5, 1),
    "industry": (5, 2, 1, 4, 2, 3), "government": (4, 2, 4, 1, 1, 1),
    "international": (5, 2, 3, 2, 3, 1), "other": (4, 2, 2, 1, 2, 2),
}
_AVAILABILITY_NAMES = {
    "consulting": ("tư vấn", "consulting"), "lecturing": ("giảng dạy", "lecturing"),
    "reviewing": ("phản biện", "independent review"),
    "technology_transfer": ("chuyển giao công nghệ", "technology transfer"),
    "research_collaboration": ("hợp tác nghiên cứu", "research collaboration"),
    "mentoring": ("cố vấn khởi nghiệp", "mentoring start-ups"),
}

# English names of the Vietnamese organisations and cities, for the English bios.
_VN_ORGS_EN = {
    "Trường Đại học Hàng hải Việt Nam": "Vietnam Maritime University",
    "Trường Đại học Hải Phòng": "Hai Phong University",
    "Trường Đại học Y Dược Hải Phòng": "Hai Phong University of Medicine and Pharmacy",
    "Trường Đại học Quản lý và Công nghệ Hải Phòng":
        "Hai Phong University of Management and Technology",
    "Viện Tài nguyên và Môi trường biển": "Institute of Marine Environment and Resources",
    "Viện Nghiên cứu Hải sản": "Research Institute for Marine Fisheries",
    "Công ty Cổ phần Cảng Hải Phòng": "Hai Phong Port JSC",
    "Công ty Cổ phần Container Việt Nam (Viconship)": "Viconship",
    "Công ty TNHH MTV Đóng tàu Bạch Đằng": "Bach Dang Shipyard",
    "Công ty TNHH LG Electronics Việt Nam Hải Phòng": "LG Electronics Vietnam Hai Phong",
    "Công ty Cổ phần Tập đoàn Hòa Phát": "Hoa Phat Group",
    "Công ty TNHH MTV Điện lực Hải Phòng": "Hai Phong Power Company",
    "Sở Khoa học và Công nghệ thành phố Hải Phòng":
        "Hai Phong Department of Science and Technology",
    "Ban Quản lý Khu kinh tế Hải Phòng": "Hai Phong Economic Zone Authority",
    "Sở Nông nghiệp và Môi trường thành phố Hải Phòng":
        "Hai Phong Department of Agriculture and Environment",
    "Sở Giáo dục và Đào tạo thành phố Hải Phòng": "Hai Phong Department of Education and Training",
    "Cảng vụ Hàng hải Hải Phòng": "Hai Phong Maritime Administration",
    "Bệnh viện Hữu nghị Việt Tiệp": "Viet Tiep Friendship Hospital",
    "Đại học Quốc gia Hà Nội": "Vietnam National University, Hanoi",
    "Đại học Bách khoa Hà Nội": "Hanoi University of Science and Technology",
    "Trường Đại học Công nghệ, Đại học Quốc gia Hà Nội":
        "VNU University of Engineering and Technology",
    "Học viện Công nghệ Bưu chính Viễn thông":
        "Posts and Telecommunications Institute of Technology",
    "Trường Đại học Kinh tế Quốc dân": "National Economics University",
    "Trường Đại học Thủy lợi": "Thuyloi University",
    "Viện Hàn lâm Khoa học và Công nghệ Việt Nam": "Vietnam Academy of Science and Technology",
    "Viện Công nghệ sinh học": "Institute of Biotechnology",
    "Viện Khoa học vật liệu": "Institute of Materials Science",
    "Viện Năng lượng": "Institute of Energy",
    "Viện Nghiên cứu Cơ khí": "National Research Institute of Mechanical Engineering",
    "Tập đoàn Công nghiệp – Viễn thông Quân đội (Viettel)": "Viettel Group",
    "Công ty Cổ phần FPT": "FPT Corporation",
    "Tổng công ty Hàng hải Việt Nam (VIMC)": "Vietnam Maritime Corporation (VIMC)",
    "Tập đoàn Dầu khí Việt Nam (Petrovietnam)": "Petrovietnam",
    "Trung tâm Đổi mới sáng tạo Quốc gia": "National Innovation Center",
    "Ban Quản lý Khu công nghệ cao Hòa Lạc": "Hoa Lac Hi-Tech Park Authority",
    "Trường Đại học Bách khoa, Đại học Quốc gia Thành phố Hồ Chí Minh":
        "Ho Chi Minh City University of Technology",
    "Trường Đại học Bách khoa, Đại học Đà Nẵng":
        "University of Science and Technology, The University of Danang",
}
_VN_CITIES_EN = {"Hải Phòng": "Hai Phong", "Hà Nội": "Hanoi",
                 "Thành phố Hồ Chí Minh": "Ho Chi Minh City", "Đà Nẵng": "Da Nang"}

_ASCII_FOLDS = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
                              "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i",
                              "ð": "d", "þ": "th"})


def _ascii(text):
    """``Nguyễn Đức`` → ``Nguyen Duc``: for e-mail addresses and Western-order aliases."""
    decomposed = unicodedata.normalize("NFD", text.translate(_ASCII_FOLDS))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def orcid_check_digit(base15):
    """The ORCID check character of 15 digits (ISO 7064 MOD 11-2)."""
    total = 0
    for digit in base15:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def _capitalise(text):
    return text[:1].upper() + text[1:]


def _lower_first(text):
    # "Trí tuệ nhân tạo" → "trí tuệ nhân tạo" inside a sentence; an acronym stays.
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _enumerate(items, word):
    """``a, b và c``; with ``;`` between items that contain commas or the conjunction
    themselves ("giáo dục và đào tạo; kinh tế và chính sách")."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if any("," in item or f" {word} " in item for item in items):
        return "; ".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


_ARTICLE_WORDS = ("Institute", "Institution", "Centre", "Center", "Agency", "Organization",
                  "Authority", "Administration", "Bank", "Academy", "Board", "Department")


def _with_article(name):
    """"the University of Tokyo", "the World Bank", but "Kyushu University", "Siemens"."""
    if name.startswith("The "):
        return "t" + name[1:]
    if (" of " in name or name.startswith(("National ", "International ", "World "))
            or any(word in name.split() for word in _ARTICLE_WORDS)):
        return f"the {name}"
    return name


def _words(text):
    return len(text.split())


# ------------------------------------------------------------------- generator

class _Generator:
    """One run of ``demo_rows``: its random source, its Faker instances, what it used."""

    def __init__(self, count, seed):
        self.count = count
        self.seed = seed
        self.rng = random.Random(seed)
        self.fakers = {}
        self.emails = {}
        self.people = set()

    def faker(self, locale):
        # One person-only Faker per locale and run (not per row): creating it costs about
        # a millisecond once Faker's modules are loaded, loading every provider far more.
        # Seeded from (seed, locale), so the order locales first appear in is irrelevant.
        fake = self.fakers.get(locale)
        if fake is None:
            fake = Faker(locale, providers=["faker.providers.person"], use_weighting=False)
            fake.seed_instance(f"expertnet-demo:{self.seed}:{locale}")
            self.fakers[locale] = fake
        return fake

    # -- the plan: what must appear somewhere, decided before the rows are drawn

    def plan(self):
        rng = self.rng
        kinds = [rng.choices([k for k, _ in _KINDS], [w for _, w in _KINDS])[0]
                 for _ in range(self.count)]
        by_kind = {kind: [i for i, k in enumerate(kinds) if k == kind] for kind, _ in _KINDS}
        specials = max(3, self.count // 80)
        bio_mode, primary = {}, {}
        # Profiles tagged AI with an English bio only, and logistics profiles described
        # only in Vietnamese ("dịch vụ hậu cần"): the cross-language search demo.
        for i in rng.sample(by_kind["foreign"], min(specials, len(by_kind["foreign"]))):
            bio_mode[i], primary[i] = "en", "ai"
        for i in rng.sample(by_kind["domestic"], min(specials, len(by_kind["domestic"]))):
            bio_mode[i], primary[i] = "vi", "logistics"
        # Every field is the first field of at least three profiles.
        cover = [code for code in _FIELD_CODES for _ in range(3)]
        free = [i for i in range(self.count) if i not in primary]
        primary.update(zip(rng.sample(free, min(len(cover), len(free))), cover, strict=False))
        # Every country appears at least once among the people abroad.
        country = {}
        abroad = by_kind["foreign"] + by_kind["diaspora"]
        rng.shuffle(abroad)
        codes = list(_COUNTRIES)
        rng.shuffle(codes)
        for code in codes:
            for position, i in enumerate(abroad):
                weight = _COUNTRIES[code][0 if kinds[i] == "diaspora" else 1]
                if weight:
                    country[i] = code
                    del abroad[position]
                    break
        # The tone-mark demo names go to Vietnamese-named profiles.
        vietnamese = by_kind["domestic"] + by_kind["diaspora"]
        given = dict(zip(rng.sample(vietnamese, min(len(_TONE_DEMO_NAMES), len(vietnamese))),
                         _TONE_DEMO_NAMES, strict=False))
        return kinds, bio_mode, primary, country, given

    # -- the parts of a row

    def pick_country(self, kind):
        index = 0 if kind == "diaspora" else 1
        codes = list(_COUNTRIES)
        return self.rng.choices(codes, [_COUNTRIES[c][index] for c in codes])[0]

    def vietnamese_name(self, gender, given=None):
        rng = self.rng
        family = rng.choices([n for n, _ in _VN_FAMILY], [w for _, w in _VN_FAMILY])[0]
        if given is None:
            roll = rng.random()
            if roll < 0.4:
                fake = self.faker("vi_VN")
                given = fake.first_name_male() if gender == "male" else fake.first_name_female()
            elif roll < 0.5:
                given = self.faker("vi_VN").first_name_unisex()
            else:
                given = rng.choice(_VN_GIVEN[gender])
        middle = rng.choice(_VN_MIDDLE[gender])
        while middle == given:
            middle = rng.choice(_VN_MIDDLE[gender])
        return family, middle, given

    def foreign_name(self, country, gender):
        """(given, family, native-script alias or "") for a foreign expert."""
        rng = self.rng
        source = rng.choice(_COUNTRIES[country][3])
        female = gender == "female"
        if source == "ja":
            fake = self.faker("ja_JP")
            kanji, _, given = fake.first_name_female_pair() if female \
                else fake.first_name_male_pair()
            family_kanji, _, family = fake.last_name_pair()
            return given, family, f"{family_kanji} {kanji}"
        if source in ("zh_CN", "zh_TW"):
            fake = self.faker(source)
            # zh_TW romanises in capitals ("MEI-YU"): written "Mei-Yu" in a directory.
            given = fake.first_romanized_name().title()
            return given, fake.last_romanized_name().title(), ""
        if source.startswith("list:"):
            males, females, families, female_families = _NAME_LISTS[source[5:]]
            given = rng.choice(females if female else males)
            return given, rng.choice(female_families if female and female_families
                                     else families), ""
        fake = self.faker(source)
        given = fake.first_name_female() if female else fake.first_name_male()
        family = fake.last_name_female() if female else fake.last_name_male()
        return given, family, ""

    def organisation(self, country, fields):
        rng = self.rng
        if rng.random() < 0.03:
            return None
        orgs = _VN_ORGS if country == "VN" else _ABROAD_ORGS[country]
        fitting = [org for org in orgs if org[3] is None or org[3] & fields] or list(orgs)
        # Specialised organisations are preferred when they fit, and in Viet Nam the
        # city's own organisations: most domestic experts in the directory work here.
        weights = [(2 if org[3] else 1) * (3 if org[2] == "Hải Phòng" else 1)
                   for org in fitting]
        return rng.choices(fitting, weights)[0]

    def fields(self, primary):
        rng = self.rng
        codes = [primary or rng.choices(_FIELD_CODES, [_FIELD_WEIGHTS[c] for c in _FIELD_CODES])[0]]
        wanted = rng.choices((1, 2, 3), (35, 45, 20))[0]
        while len(codes) < wanted:
            if rng.random() < 0.7:
                code = rng.choice(_RELATED[codes[0]])
            else:
                code = rng.choices(_FIELD_CODES, [_FIELD_WEIGHTS[c] for c in _FIELD_CODES])[0]
            if code not in codes:
                codes.append(code)
        return codes

    def email(self, parts, domain):
        local = ".".join(p for p in (_ascii(part).lower() for part in parts) if p)
        local = "".join(ch for ch in local if ch.isalnum() or ch == ".").strip(".")
        local = local.replace("..", ".") or "expert"
        seen = self.emails.get((local, domain), 0)
        self.emails[(local, domain)] = seen + 1
        # A second Nguyễn Văn Đức gets ducnv2@, as mail administrators do.
        return f"{local}{seen + 1 if seen else ''}@{domain}"

    def phone(self, country):
        rng = self.rng
        if country == "VN":
            prefix = "+84" + rng.choice(("90", "91", "93", "94", "96", "97", "98", "32", "33",
                                         "34", "35", "36", "37", "38", "39", "70", "76", "77",
                                         "78", "79", "81", "82", "83", "84", "85", "86", "88",
                                         "89"))
            digits = 7
        else:
            prefixes, digits = _COUNTRIES[country][4], _COUNTRIES[country][5]
            prefix = rng.choice(prefixes)
        return prefix + "".join(str(rng.randrange(10)) for _ in range(digits))

    def orcid(self):
        # Issued ORCID iDs lie between 0000-0001-5000-0007 and 0000-0003-5000-0001.
        base = f"{self.rng.randrange(15_000_000, 35_000_000):015d}"
        digits = base + orcid_check_digit(base)
        return "-".join(digits[i:i + 4] for i in range(0, 16, 4))

    def sample(self, items, weights, k):
        """``k`` distinct items drawn with weights."""
        items, weights, chosen = list(items), list(weights), []
        for _ in range(min(k, len(items))):
            index = self.rng.choices(range(len(items)), weights)[0]
            chosen.append(items.pop(index))
            weights.pop(index)
        return chosen

    # -- one row

    def row(self, number, kind, bio_mode, primary, country, given_name):
        rng = self.rng
        gender = "male" if given_name or rng.random() < 0.6 else "female"
        if kind == "domestic":
            country = "VN"
        elif country is None:
            country = self.pick_country(kind)

        other_names, native = [], ""
        if kind == "foreign":
            given, family, native = self.foreign_name(country, gender)
            full_name = f"{given} {family}"
            name_parts = (given, family)
            if native and rng.random() < 0.5:
                other_names.append(native)
        else:
            family, middle, given = self.vietnamese_name(gender, given_name)
            full_name = f"{family} {middle} {given}"
            name_parts = (family, middle, given)
            if kind == "diaspora":
                western = f"{_ascii(given)} {_ascii(family)}"
                roll = rng.random()
                if roll < 0.55:
                    other_names.append(western)
                elif roll < 0.7:
                    other_names.append(_ascii(full_name))
                if country in _LOCAL_FIRST_NAME and rng.random() < 0.3:
                    local_given, _, _ = self.foreign_name(country, gender)
                    other_names.append(f"{local_given} {_ascii(family)}")

        # No two demo people share a folded name and birth year: the importer would
        # (rightly) report such a pair as a likely duplicate. Past a few tries (only in
        # very large runs) a shared pair is accepted.
        folded = _ascii(full_name).lower()
        birth_year = rng.randint(1950, 1995)
        for _ in range(10):
            if (folded, birth_year) not in self.people:
                break
            birth_year = rng.randint(1950, 1995)
        self.people.add((folded, birth_year))

        fields = self.fields(primary)
        org = self.organisation(country, frozenset(fields))
        if org is None:
            org_name, sector_key = "", "other"
            orgs = _VN_ORGS if country == "VN" else _ABROAD_ORGS[country]
            city = rng.choice(orgs)[2]
        else:
            org_name, sector_key, city = org[0], org[1], org[2]
        sector = "academia" if sector_key == "research" else sector_key

        degree = rng.choices(("TS", "ThS", "KS", "CN"), _DEGREES[sector_key])[0]
        title = ""
        if degree == "TS" and sector_key in ("academia", "research"):
            roll = rng.random()
            if birth_year <= 1972 and roll < 0.15:
                title = "GS"
            elif birth_year <= 1985 and roll < 0.4:
                title = "PGS"
        if org is None:
            position = _INDEPENDENT
        elif title and kind != "domestic" and sector_key == "academia":
            position = _PROFESSOR[title]
        elif degree == "TS" and sector_key == "research" and birth_year >= 1988 \
                and rng.random() < 0.5:
            position = _POSTDOC
        else:
            posts = _POSITIONS[sector_key]
            if degree != "TS" or birth_year > 1985:
                posts = [post for post in posts if post[1] not in _SENIOR_POSTS]
            position = rng.choice(posts)

        hometown = ""
        if kind == "diaspora" or (kind == "domestic" and rng.random() < 0.3):
            hometown = rng.choice(_HOMETOWNS_NEW if rng.random() < 0.75 else _HOMETOWNS_OLD)

        languages = self.languages(kind, country)
        available = self.sample(_AVAILABILITY, _AVAILABILITY_WEIGHTS[sector_key],
                                rng.choices((1, 2, 3), (30, 45, 25))[0])

        # Keyword concepts from the profile's fields, the first field weighing most.
        pool = [pair for code in fields for pair in _KEYWORDS[code]]
        weights = [3 if pair in _KEYWORDS[fields[0]] else 1 for pair in pool]
        concepts = self.sample(pool, weights, rng.randint(2, 4))
        if bio_mode == "en" or (kind == "foreign" and rng.random() < 0.95):
            keyword_lang = "en"
        elif bio_mode == "vi" or (kind == "domestic" and rng.random() < 0.8):
            keyword_lang = "vi"
        else:
            keyword_lang = "mixed"
        keywords = [vi if keyword_lang == "vi" or (keyword_lang == "mixed" and rng.random() < 0.5)
                    else en for vi, en in concepts]

        if bio_mode is None:
            roll = rng.random()
            if kind == "domestic":
                bio_mode = "vi" if roll < 0.25 else "both"
            elif kind == "foreign":
                bio_mode = "en" if roll < 0.35 else "both"
            else:
                bio_mode = "vi" if roll < 0.1 else "en" if roll < 0.25 else "both"

        person = {
            "kind": kind, "name": full_name, "gender": gender, "title": title, "degree": degree,
            "birth_year": birth_year, "country": country, "city": city, "org": org_name,
            "sector": sector_key, "position": position, "fields": fields,
            "concepts": concepts, "available": available, "languages": languages,
            "hometown": hometown,
        }
        bio_vi, bio_en = self.bios(person, bio_mode)

        # E-mail: Vietnamese habits (ducnv@, nguyen.van.duc@) at home, given.family abroad.
        email = ""
        if rng.random() < 0.9:
            if kind == "foreign":
                parts = (name_parts[0], name_parts[-1])
            elif kind == "domestic" and rng.random() < 0.6:
                parts = (name_parts[2] + "".join(_ascii(p)[:1] for p in name_parts[:2]),)
            elif rng.random() < 0.5:
                parts = name_parts
            else:
                parts = (name_parts[2], name_parts[0])
            domain = "example.vn" if country == "VN" else rng.choice(("example.org",
                                                                      "example.com"))
            email = self.email(parts, domain)
        academic = sector_key in ("academia", "research")
        website = ""
        if rng.random() < (0.3 if academic else 0.1):
            slug = "-".join(_ascii(p).lower().replace(" ", "-") for p in name_parts)
            website = rng.choice((f"https://{slug}.example.org/",
                                  f"https://www.example.com/experts/{slug}"))
        orcid = ""
        if rng.random() < (0.55 if academic else 0.15 if sector == "international" else 0.08):
            orcid = self.orcid()

        row = {
            "external_id": f"DEMO-{number:04d}",
            "kind": kind,
            "full_name": full_name,
            "other_names": ";".join(other_names),
            "title": title,
            "degree": degree,
            "gender": gender,
            "birth_year": str(birth_year),
            "hometown": hometown,
            "country": country,
            "city": city,
            "organization": org_name,
            "position": _capitalise(position[0] if kind == "domestic" else position[1]),
            "sector": sector,
            "fields": ";".join(fields),
            "keywords": ";".join(keywords),
            "languages": ";".join(languages),
            "available_for": ";".join(available),
            "bio_vi": bio_vi,
            "bio_en": bio_en,
            "email": email,
            "phone": self.phone(country) if rng.random() < 0.65 else "",
            "website": website,
            "orcid": orcid,
            "visibility": rng.choices([v for v, _ in _VISIBILITY],
                                      [w for _, w in _VISIBILITY])[0],
            # Constant (no draw from rng): older seeds still give the same people.
            "email_visibility": "officials",
            "phone_visibility": "officials",
        }
        # Derived, not drawn: the same seed still gives the same people.
        row["consent"] = "publish;contact" if row["visibility"] != "curators" else "contact"
        return row

    def languages(self, kind, country):
        rng = self.rng
        local = _COUNTRIES[country][2] if country != "VN" else ()
        if kind == "domestic":
            codes = ["vi"]
            if rng.random() < 0.8:
                codes.append("en")
            if rng.random() < 0.25:
                codes.append(rng.choice(("ru", "fr", "ja", "ko", "zh", "de")))
        elif kind == "diaspora":
            codes = ["vi"]
            if rng.random() < 0.9:
                codes.append(local[0])
            if rng.random() < 0.7:
                codes.append("en")
        else:
            codes = list(local[:1 + (rng.random() < 0.4)])
            if rng.random() < 0.85:
                codes.append("en")
            if rng.random() < 0.1:
                codes.append("vi")
        return list(dict.fromkeys(codes))

    # -- bios: parallel sentences in both languages, the same facts in each

    def bios(self, p, mode):
        """(bio_vi, bio_en) for the person ``p``; ``mode`` is "vi", "en" or "both".

        Each sentence is a (Vietnamese, English) pair, so a profile with both bios says
        the same things in each. The mandatory sentences come first, then varied ones
        until the text reaches a random length, each bio kept within 40–90 words.
        """
        rng = self.rng
        wanted = (mode in ("vi", "both"), mode in ("en", "both"))
        male = p["gender"] == "male"
        he = ("Ông" if male else "Bà", "He" if male else "She")
        he_l = (he[0].lower(), he[1].lower())
        names = (
            ({"GS": "GS.TS. ", "PGS": "PGS.TS. "}.get(p["title"])
             or {"TS": "TS. ", "ThS": "ThS. ", "KS": "KS. "}.get(p["degree"], "")) + p["name"],
            ({"GS": "Prof. ", "PGS": "Assoc. Prof. "}.get(p["title"])
             or ("Dr. " if p["degree"] == "TS" else "")) + p["name"])
        country = _COUNTRY_NAMES[p["country"]]
        city = (p["city"], _VN_CITIES_EN.get(p["city"], p["city"]))
        org = (p["org"], _with_article(_VN_ORGS_EN.get(p["org"], p["org"])))
        # "Czech Technical University in Prague in Prague": name the city only once.
        if p["city"] in p["org"] or city[1] in org[1]:
            where = country
        else:
            where = (f"{city[0]}, {country[0]}", f"{city[1]}, {country[1]}")
        pos = p["position"]
        fields = (_enumerate((_lower_first(_FIELD_NAMES[c][0]) for c in p["fields"]), "và"),
                  _enumerate((_lower_first(_FIELD_NAMES[c][1]) for c in p["fields"]), "and"))
        domain = "các lĩnh vực" if len(p["fields"]) > 1 else "lĩnh vực"
        years = max(5, (2026 - p["birth_year"] - 25) // 5 * 5)

        if not p["org"]:
            intro = ((f"{names[0]} là {pos[0]}, hiện sống và làm việc tại {city[0]}, "
                      f"{country[0]}."),
                     (f"{names[1]} is an independent consultant based in {city[1]}, "
                      f"{country[1]}."))
        elif p["country"] == "VN":
            intro = rng.choice((
                (f"{names[0]} hiện là {pos[0]} tại {org[0]}.",
                 f"{names[1]} serves as {pos[1]} at {org[1]}."),
                (f"{names[0]} công tác tại {org[0]}, hiện giữ vị trí {pos[0]}.",
                 f"{names[1]} works at {org[1]} as {pos[1]}.")))
        else:
            joined = rng.randint(max(2000, p["birth_year"] + 28), 2024)
            intro = rng.choice((
                (f"{names[0]} hiện là {pos[0]} tại {org[0]}, {where[0]}.",
                 f"{names[1]} serves as {pos[1]} at {org[1]} in {where[1]}."),
                ((f"{names[0]} làm việc tại {org[0]} ở {where[0]} từ năm {joined}, hiện là "
                  f"{pos[0]}."),
                 (f"{names[1]} joined {org[1]} in {where[1]}{',' if ', ' in where[1] else ''} "
                  f"in {joined} and now works as {pos[1]}."))))
        required = [intro]
        arrival = None
        if p["kind"] == "diaspora":
            hometown = p["hometown"]
            if "Hải Phòng" not in hometown and "tỉnh" not in hometown:
                hometown += ", thành phố Hải Phòng"
            arrived = min(2020, p["birth_year"] + rng.randint(18, 30))
            arrival = ((f"Sinh ra tại {hometown}, {he_l[0]} sang {country[0]} học tập từ "
                        f"năm {arrived}."),
                       (f"Born in Hai Phong, {he_l[1]} moved to {country[1]} in {arrived} "
                        f"for graduate studies."))
            required.append(arrival)
        required.append(rng.choice((
            (f"{he[0]} có hơn {years} năm kinh nghiệm trong {domain} {fields[0]}.",
             f"{he[1]} has more than {years} years of experience in {fields[1]}."),
            (f"{_capitalise(domain)} chuyên môn chính của {he_l[0]} là {fields[0]}.",
             f"{'His' if male else 'Her'} main expertise is in {fields[1]}."),
            (f"{he[0]} nghiên cứu và làm việc trong {domain} {fields[0]} hơn {years} năm nay.",
             f"{he[1]} has worked in {fields[1]} for over {years} years."))))
        concept_sentences = rng.choice((
            ("Các hướng quan tâm hiện nay gồm {}.", "Current interests include {}."),
            ("Công việc gần đây tập trung vào {}.", "Recent work focuses on {}.")))
        tail = []
        if "logistics" in p["fields"]:
            tail.append(((f"{he[0]} có nhiều kinh nghiệm tư vấn về dịch vụ hậu cần và kết nối "
                          f"cảng biển với các khu công nghiệp."),
                             (f"{he[1]} advises on logistics services and on connecting seaports "
                              f"with industrial zones.")))

        optional = [
            ((f"{he[0]} sẵn sàng tham gia "
              f"{_enumerate((_AVAILABILITY_NAMES[a][0] for a in p['available']), 'và')} cho các "
              f"cơ quan, đơn vị và doanh nghiệp của thành phố Hải Phòng."),
             (f"{he[1]} is open to "
              f"{_enumerate((_AVAILABILITY_NAMES[a][1] for a in p['available']), 'and')} with "
              f"agencies, universities and companies in Hai Phong.")),
            ((f"{he[0]} có thể làm việc bằng "
              f"{_enumerate((_LANGUAGE_NAMES[c][0] for c in p['languages']), 'và')}."),
             (f"{he[1]} works in "
              f"{_enumerate((_LANGUAGE_NAMES[c][1] for c in p['languages']), 'and')}.")),
            ((f"{he[0]} đã nhiều lần tham dự hội thảo khoa học và làm việc với các đoàn công tác "
              f"của Hải Phòng."),
             (f"{he[1]} has taken part in scientific conferences and met several Hai Phong "
              f"delegations.")),
        ]
        first_concept = p["concepts"][0]
        if p["sector"] in ("academia", "research"):
            projects, papers = rng.randint(2, 12), rng.randint(2, 12) * 10
            optional += [
                (f"{he[0]} đã chủ trì {projects} đề tài, dự án khoa học và công nghệ các cấp.",
                 f"{he[1]} has led {projects} national and international research projects."),
                ((f"{he[0]} là tác giả và đồng tác giả của hơn {papers} công bố khoa học trong "
                  f"nước và quốc tế."),
                 (f"{he[1]} has authored or co-authored more than {papers} peer-reviewed "
                  f"publications.")),
                (f"Ngoài nghiên cứu, {he_l[0]} tham gia giảng dạy và hướng dẫn nghiên cứu sinh.",
                 f"Besides research, {he_l[1]} teaches and supervises doctoral students."),
            ]
        elif p["sector"] == "industry":
            optional += [
                (f"{he[0]} đã triển khai nhiều giải pháp về {first_concept[0]} tại doanh nghiệp.",
                 f"{he[1]} has deployed {first_concept[1]} solutions in industry."),
                (f"{he[0]} thường xuyên hướng dẫn kỹ sư trẻ và hỗ trợ các nhóm khởi nghiệp.",
                 f"{he[1]} regularly mentors young engineers and start-up teams."),
                ((f"{he[0]} từng tham gia nhiều dự án hợp tác giữa doanh nghiệp, viện nghiên cứu "
                  f"và cơ quan nhà nước."),
                 (f"{he[1]} has worked on many projects linking companies, research institutes "
                  f"and public agencies.")),
            ]
        elif p["sector"] == "government":
            optional += [
                ((f"{he[0]} từng tham gia xây dựng nhiều chương trình, đề án của thành phố và "
                  f"trung ương."),
                 f"{he[1]} has helped draft several city and national programmes."),
                ((f"{he[0]} phụ trách kết nối các cơ quan, doanh nghiệp với chuyên gia trong và "
                  f"ngoài nước."),
                 f"{he[1]} connects agencies and companies with experts at home and abroad."),
            ]
        elif p["sector"] == "international":
            optional.append(
                (f"{he[0]} đã điều phối nhiều dự án hỗ trợ kỹ thuật tại các nước Đông Nam Á.",
                 f"{he[1]} has coordinated technical assistance projects across Southeast Asia."))
        else:
            optional.append(
                ((f"{he[0]} từng tham gia nhiều dự án hợp tác với doanh nghiệp và cơ quan nhà "
                  f"nước."),
                 f"{he[1]} has taken part in many projects with companies and public agencies."))
        if p["kind"] == "diaspora":
            optional.append(
                ((f"{he[0]} giữ liên hệ chặt chẽ với cộng đồng người Việt tại {country[0]} và mong "
                  f"muốn đóng góp cho sự phát triển của quê hương Hải Phòng."),
                 (f"{he[1]} keeps close ties with the Vietnamese community in {country[1]} and "
                  f"hopes to contribute to the development of Hai Phong.")))
        elif p["kind"] == "foreign":
            since = rng.randint(2008, 2024)
            optional.append((f"{he[0]} hợp tác với các đối tác Việt Nam từ năm {since}.",
                             f"{he[1]} has worked with Vietnamese partners since {since}."))

        # Sentences become (vi, en, vi words, en words); a language not wanted counts 0.
        def counted(pair):
            return (*pair, _words(pair[0]) if wanted[0] else 0,
                    _words(pair[1]) if wanted[1] else 0)

        def totals(pairs):
            return sum(pair[2] for pair in pairs), sum(pair[3] for pair in pairs)

        required = [counted(pair) for pair in required]
        tail = [counted(pair) for pair in tail]
        # The keyword sentence names up to three concepts, fewer if the mandatory part
        # would otherwise pass 75 words (long organisation and field names).
        for size in (3, 2, 1):
            concepts = p["concepts"][:size]
            sentence = counted((
                concept_sentences[0].format(_enumerate((c[0] for c in concepts), "và")),
                concept_sentences[1].format(_enumerate((c[1] for c in concepts), "and"))))
            chosen = required + [sentence] + tail
            if max(totals(chosen)) <= 75:
                break
        # Still too long: leave out the keyword sentence (the keywords have their own
        # column), then the diaspora's arrival sentence.
        for extra in (sentence, arrival and counted(arrival)):
            if extra and max(totals(chosen)) > 90:
                chosen.remove(extra)

        rng.shuffle(optional)
        optional = [counted(pair) for pair in optional]
        target = rng.randint(50, 80)
        vi_words, en_words = totals(chosen)
        left = []
        for pair in optional:
            if (not wanted[0] or vi_words >= target) and (not wanted[1] or en_words >= target):
                left.append(pair)
            elif max(vi_words + pair[2], en_words + pair[3]) <= 90:
                chosen.append(pair)
                vi_words, en_words = vi_words + pair[2], en_words + pair[3]
            else:
                left.append(pair)
        bios = []
        for lang, count in ((0, vi_words), (1, en_words)):
            if not wanted[lang]:
                bios.append("")
                continue
            parts = [pair[lang] for pair in chosen]
            # Vietnamese counts a word per syllable, so its side can reach 90 words while
            # the English one is still short: top up the short side on its own.
            for pair in left:
                if count >= 40:
                    break
                if count + pair[2 + lang] <= 90:
                    parts.append(pair[lang])
                    count += pair[2 + lang]
            bios.append(" ".join(parts))
        return tuple(bios)


def demo_rows(count: int = 320, seed: int = 2026) -> list[dict[str, str]]:
    """``count`` demo profiles as import rows (every value a string, lists joined by
    ``;``): the same ``(count, seed)`` always gives the same rows."""
    if count < 0:
        raise ValueError("count must not be negative")
    generator = _Generator(count, seed)
    kinds, bio_mode, primary, country, given = generator.plan()
    rows = []
    for index, kind in enumerate(kinds):
        row = generator.row(index + 1, kind, bio_mode.get(index), primary.get(index),
                            country.get(index), given.get(index))
        # Faker's data and our literals are NFC already; this makes sure of it, because
        # the search and the duplicate check compare NFC text.
        rows.append({key: unicodedata.normalize("NFC", value) for key, value in row.items()})
    return rows


def write_csv(path, rows, *, bom=False):
    """Write ``rows`` as UTF-8 CSV with the contract header. ``bom=True`` adds the byte
    order mark Excel needs to open Vietnamese text correctly (the importer accepts
    either)."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
