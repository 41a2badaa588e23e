"""The bilingual field taxonomy seed: the fields of expertise a profile is tagged with.

Codes are stable (they are stored on profiles, used in URLs and in the JSON API), so a
code is never renamed: add a new one and migrate instead. Names follow GLOSSARY.md.
Synonyms are what a search user or a spreadsheet author might type for the field, in
either language, with the abbreviations officials write (TTNT, CĐS, ATTT); no synonym
is shared by two fields (once folded: no diacritics, lower case), so an import cell or
a query term resolves to one field only.

The tree has at most two levels, parents before children. The top level follows the
priority areas of Hai Phong's 2026–2030 S&T, innovation and digital-transformation
cooperation programme. AI, data science and cybersecurity stay top-level rather than
under a "digital" group because officials look for them by name.

Pure data and a few helpers: this module imports nothing from the rest of the package.
"""


def _field(code, parent, name_vi, name_en, synonyms_vi, synonyms_en):
    return {"code": code, "parent": parent, "name_vi": name_vi, "name_en": name_en,
            "synonyms_vi": synonyms_vi, "synonyms_en": synonyms_en}


FIELDS = (
    # Marine science and technology: Hai Phong's first priority, with its branches.
    _field("marine", None, "Khoa học và công nghệ biển", "Marine science and technology",
           ["khoa học và công nghệ biển", "khoa học biển", "công nghệ biển", "kinh tế biển",
            "kinh tế xanh biển"],
           ["marine science and technology", "marine science", "marine technology",
            "ocean science", "ocean technology", "blue economy", "ocean economy"]),
    _field("shipbuilding", "marine", "Công nghiệp đóng tàu", "Shipbuilding",
           ["đóng tàu", "công nghiệp đóng tàu", "sửa chữa tàu biển", "công nghiệp tàu thủy",
            "kỹ thuật tàu thủy", "thiết kế tàu", "nhà máy đóng tàu"],
           ["shipbuilding", "ship repair", "naval architecture", "marine engineering",
            "shipyard", "ship design"]),
    _field("oceanography", "marine", "Hải dương học", "Oceanography",
           ["hải dương học", "hải văn", "động lực học biển", "địa chất biển", "khí tượng biển",
            "quan trắc biển"],
           ["oceanography", "physical oceanography", "marine geology", "ocean modelling",
            "ocean observation", "coastal dynamics"]),
    _field("aquaculture", "marine", "Nuôi trồng và khai thác thủy sản",
           "Aquaculture and fisheries",
           ["nuôi trồng thủy sản", "thủy sản", "khai thác thủy sản", "nghề cá", "hải sản",
            "nuôi biển"],
           ["aquaculture", "fisheries", "fishery", "mariculture", "seafood", "fish farming"]),
    _field("offshore_energy", "marine", "Năng lượng ngoài khơi", "Offshore energy",
           ["năng lượng ngoài khơi", "điện gió ngoài khơi", "dầu khí", "công trình biển",
            "năng lượng biển"],
           ["offshore energy", "offshore wind", "oil and gas", "offshore engineering",
            "offshore structures", "marine renewable energy"]),
    _field("marine_environment", "marine", "Môi trường biển", "Marine environment",
           ["môi trường biển", "ô nhiễm biển", "đa dạng sinh học biển", "hệ sinh thái biển",
            "bảo tồn biển", "rác thải nhựa đại dương", "rừng ngập mặn"],
           ["marine environment", "marine pollution", "marine biodiversity",
            "marine ecosystems", "marine conservation", "ocean plastic", "mangroves"]),

    _field("seaports", None, "Cảng biển và hàng hải", "Seaports and maritime",
           ["cảng biển và hàng hải", "cảng biển", "hàng hải", "khai thác cảng", "quản lý cảng",
            "cảng container", "cảng"],
           ["seaports and maritime", "seaport", "seaports", "port", "maritime",
            "port operations", "port management", "container terminal", "harbour", "harbor"]),
    _field("shipping", "seaports", "Vận tải biển", "Maritime shipping",
           ["vận tải biển", "vận tải hàng hải", "vận tải container", "quản lý tàu biển",
            "thuê tàu"],
           ["maritime shipping", "shipping", "maritime transport", "ocean freight",
            "ship management", "chartering"]),

    # The glossary keeps the loanword: "logistics (dịch vụ hậu cần)"; the gloss is the
    # first synonym so both spellings find the field.
    _field("logistics", None, "Logistics", "Logistics",
           ["dịch vụ hậu cần", "hậu cần", "chuỗi cung ứng", "logistics", "kho vận",
            "giao nhận hàng hóa", "quản lý chuỗi cung ứng", "vận tải đa phương thức"],
           ["logistics", "supply chain", "supply chain management", "freight",
            "freight forwarding", "warehousing", "multimodal transport"]),

    _field("manufacturing", None, "Công nghiệp chế biến, chế tạo",
           "Processing and manufacturing industry",
           ["công nghiệp chế biến, chế tạo", "công nghiệp chế biến", "công nghiệp chế tạo",
            "chế tạo", "sản xuất công nghiệp", "cơ khí", "công nghiệp hỗ trợ"],
           ["processing and manufacturing industry", "manufacturing", "processing industry",
            "industrial production", "mechanical engineering", "supporting industries"]),
    _field("automotive", "manufacturing", "Công nghiệp ô tô", "Automotive industry",
           ["công nghiệp ô tô", "ô tô", "xe điện", "sản xuất ô tô"],
           ["automotive industry", "automotive", "electric vehicles", "EV",
            "vehicle engineering"]),
    _field("electronics", "manufacturing", "Công nghiệp điện tử", "Electronics industry",
           ["công nghiệp điện tử", "điện tử", "linh kiện điện tử", "thiết bị điện tử"],
           ["electronics industry", "electronics", "electronics manufacturing",
            "electronic components"]),

    _field("automation", None, "Tự động hóa", "Automation",
           ["tự động hóa", "điều khiển tự động", "sản xuất thông minh", "nhà máy thông minh",
            "công nghiệp 4.0"],
           ["automation", "industrial automation", "control engineering",
            "smart manufacturing", "smart factory", "industry 4.0"]),
    _field("robotics", "automation", "Công nghệ robot", "Robotics",
           ["công nghệ robot", "robot", "rô-bốt", "người máy", "robot công nghiệp"],
           ["robotics", "industrial robots", "autonomous systems"]),

    _field("high_tech", None, "Công nghệ cao", "High technology",
           ["công nghệ cao", "khu công nghệ cao", "ứng dụng công nghệ cao",
            "nông nghiệp công nghệ cao"],
           ["high technology", "high tech", "hi-tech", "advanced technology",
            "high-tech park", "high-tech agriculture"]),

    _field("strategic_tech", None, "Công nghệ chiến lược", "Strategic technologies",
           ["công nghệ chiến lược", "công nghệ lõi", "công nghệ mới nổi", "công nghệ lượng tử",
            "chuỗi khối", "bản sao số"],
           ["strategic technologies", "strategic technology", "core technology",
            "emerging technologies", "quantum technology", "blockchain", "digital twin"]),
    _field("semiconductors", "strategic_tech", "Chip bán dẫn", "Semiconductors",
           ["chip bán dẫn", "bán dẫn", "công nghiệp bán dẫn", "vi mạch", "thiết kế vi mạch",
            "vi điện tử"],
           ["semiconductors", "semiconductor", "chips", "chip design", "integrated circuits",
            "IC design", "microelectronics"]),

    _field("ai", None, "Trí tuệ nhân tạo", "Artificial intelligence",
           ["trí tuệ nhân tạo", "học máy", "học sâu", "AI", "thị giác máy tính",
            "xử lý ngôn ngữ tự nhiên", "mô hình ngôn ngữ lớn", "TTNT"],
           ["artificial intelligence", "machine learning", "deep learning", "AI",
            "computer vision", "natural language processing", "NLP",
            "large language models", "LLM"]),
    _field("data_science", None, "Khoa học dữ liệu", "Data science",
           ["khoa học dữ liệu", "dữ liệu lớn", "phân tích dữ liệu", "khai phá dữ liệu",
            "thống kê", "KHDL"],
           ["data science", "big data", "data analytics", "data analysis", "data mining",
            "data engineering", "statistics"]),
    _field("digital_transformation", None, "Chuyển đổi số", "Digital transformation",
           ["chuyển đổi số", "chính quyền số", "chính phủ số", "kinh tế số", "số hóa",
            "công nghệ thông tin", "CNTT", "CĐS"],
           ["digital transformation", "digitalisation", "digitalization", "e-government",
            "digital government", "digital economy", "information technology", "ICT"]),
    _field("smart_city", "digital_transformation", "Đô thị thông minh", "Smart cities",
           ["đô thị thông minh", "thành phố thông minh", "giao thông thông minh"],
           ["smart cities", "smart city", "intelligent transport systems"]),
    _field("cybersecurity", None, "An ninh mạng", "Cybersecurity",
           ["an ninh mạng", "an toàn thông tin", "bảo mật thông tin", "bảo vệ dữ liệu cá nhân", "ATTT"],
           ["cybersecurity", "cyber security", "information security", "network security",
            "data protection"]),

    _field("innovation", None, "Đổi mới sáng tạo", "Innovation",
           ["đổi mới sáng tạo", "hệ sinh thái đổi mới sáng tạo", "chuyển giao công nghệ",
            "thương mại hóa kết quả nghiên cứu", "sở hữu trí tuệ", "ĐMST"],
           ["innovation", "innovation ecosystem", "technology transfer",
            "commercialisation", "commercialization", "intellectual property"]),
    _field("startups", "innovation", "Khởi nghiệp sáng tạo", "Innovative start-ups",
           ["khởi nghiệp sáng tạo", "khởi nghiệp", "doanh nghiệp khởi nghiệp",
            "vườn ươm doanh nghiệp", "quỹ đầu tư mạo hiểm"],
           ["innovative start-ups", "start-ups", "startups", "startup", "entrepreneurship",
            "incubator", "accelerator", "venture capital"]),

    _field("economics_policy", None, "Kinh tế và chính sách", "Economics and policy",
           ["kinh tế và chính sách", "kinh tế", "kinh tế học", "chính sách công",
            "quản lý nhà nước", "quản trị công", "chính sách khoa học và công nghệ"],
           ["economics and policy", "economics", "public policy", "policy", "governance",
            "public administration", "development economics", "science and technology policy"]),

    _field("energy", None, "Năng lượng", "Energy",
           ["năng lượng", "điện lực", "hệ thống điện", "tiết kiệm năng lượng",
            "chuyển dịch năng lượng"],
           ["energy", "power systems", "electric power", "energy efficiency",
            "energy transition"]),
    _field("renewable_energy", "energy", "Năng lượng tái tạo", "Renewable energy",
           ["năng lượng tái tạo", "năng lượng sạch", "điện mặt trời", "điện gió", "hydro xanh", "NLTT"],
           ["renewable energy", "renewables", "clean energy", "solar power", "wind power",
            "green hydrogen"]),

    _field("environment", None, "Môi trường", "Environment",
           ["môi trường", "kỹ thuật môi trường", "xử lý nước thải", "quản lý chất thải",
            "ô nhiễm không khí", "kinh tế tuần hoàn"],
           ["environment", "environmental science", "environmental engineering",
            "wastewater treatment", "waste management", "air pollution", "circular economy"]),
    _field("climate_change", "environment", "Biến đổi khí hậu", "Climate change",
           ["biến đổi khí hậu", "thích ứng với biến đổi khí hậu", "giảm phát thải",
            "phát thải ròng bằng không", "nước biển dâng", "BĐKH"],
           ["climate change", "climate adaptation", "decarbonisation", "decarbonization",
            "net zero", "sea level rise", "carbon emissions"]),

    _field("biotechnology", None, "Công nghệ sinh học", "Biotechnology",
           ["công nghệ sinh học", "sinh học phân tử", "công nghệ gen", "công nghệ vi sinh",
            "công nghệ thực phẩm", "CNSH"],
           ["biotechnology", "biotech", "molecular biology", "genomics", "microbiology",
            "food technology"]),
    _field("materials", None, "Vật liệu mới", "Advanced materials",
           ["vật liệu mới", "vật liệu", "khoa học vật liệu", "vật liệu tiên tiến",
            "vật liệu nano", "vật liệu composite", "luyện kim"],
           ["advanced materials", "materials", "materials science", "new materials",
            "nanomaterials", "composites", "metallurgy"]),
    _field("health", None, "Y tế", "Health",
           ["y tế", "y học", "y sinh", "dược", "sức khỏe", "y tế số", "thiết bị y tế"],
           ["health", "healthcare", "medicine", "public health", "pharmacy",
            "biomedical engineering", "digital health", "medical devices"]),
    _field("education", None, "Giáo dục và đào tạo", "Education and training",
           ["giáo dục và đào tạo", "giáo dục", "đào tạo", "giáo dục đại học",
            "đào tạo nguồn nhân lực", "nguồn nhân lực chất lượng cao", "giáo dục STEM"],
           ["education and training", "education", "training", "higher education",
            "human resource development", "vocational training", "STEM education"]),
)

# The top-level fields a home page shows first, in this order: the programme's headline
# areas. Digital transformation is in the programme's very name, so it is listed too.
PRIORITY_CODES = ("marine", "seaports", "logistics", "manufacturing", "automation", "ai",
                  "digital_transformation", "high_tech", "strategic_tech", "innovation")

CODES = tuple(field["code"] for field in FIELDS)
_BY_CODE = {field["code"]: field for field in FIELDS}


def by_code():
    """A new ``{code: field}`` dict (a copy, so callers may change it freely)."""
    return dict(_BY_CODE)


def ancestors(code):
    """The codes above ``code``, nearest first (``"ai"`` → ``[]``, ``"shipbuilding"`` →
    ``["marine"]``). Raises ``KeyError`` for an unknown code."""
    found = []
    parent = _BY_CODE[code]["parent"]
    while parent is not None:
        found.append(parent)
        parent = _BY_CODE[parent]["parent"]
    return found


def children(code):
    """The codes directly below ``code``, in taxonomy order; ``children(None)`` gives the
    top-level codes. Raises ``KeyError`` for an unknown code."""
    if code is not None and code not in _BY_CODE:
        raise KeyError(code)
    return [field["code"] for field in FIELDS if field["parent"] == code]
