"""The closed vocabularies of a profile: codes stored in the database, labels in both
languages, and the spellings an import may use for each code."""
from expertnet.i18n import _l
from expertnet.text import fold

KINDS = {
    "domestic": _l("Domestic expert"),
    "foreign": _l("Foreign expert"),
    "diaspora": _l("Overseas Hai Phong intellectual"),
}
KINDS_PLURAL = {
    "domestic": _l("Domestic experts"),
    "foreign": _l("Foreign experts"),
    "diaspora": _l("Overseas Hai Phong intellectuals"),
}
TITLES = {"prof": _l("Professor"), "assoc_prof": _l("Associate Professor")}
TITLE_ABBREVIATIONS = {"prof": _l("Prof."), "assoc_prof": _l("Assoc. Prof.")}
DEGREES = {"phd": _l("PhD"), "msc": _l("Master"), "eng": _l("Engineer"), "bsc": _l("Bachelor")}
DEGREE_ABBREVIATIONS = {"phd": _l("Dr."), "msc": _l("MSc"), "eng": _l("Eng."), "bsc": _l("BSc")}
GENDERS = {"female": _l("Female"), "male": _l("Male"), "other": _l("Other")}
SECTORS = {
    "academia": _l("Academia and research"),
    "industry": _l("Industry"),
    "government": _l("Government"),
    "international": _l("International organisation"),
    "other": _l("Other"),
}
AVAILABILITY = {
    "consulting": _l("Consulting"),
    "lecturing": _l("Lecturing"),
    "reviewing": _l("Reviewing"),
    "technology_transfer": _l("Technology transfer"),
    "research_collaboration": _l("Research collaboration"),
    "mentoring": _l("Mentoring start-ups"),
}
# A need's progress: each step is reached by the work itself (a shortlist, a contact
# request, an engagement); only its owner closes it.
NEED_STATUSES = {
    "open": _l("Open"),
    "shortlisting": _l("Shortlisting"),
    "contacted": _l("Experts contacted"),
    "engaged": _l("Engaged"),
    "closed": _l("Closed"),
}
# What happened with an expert (engagements, the programme's records).
ENGAGEMENT_KINDS = {
    "consultation": _l("Consultation"),
    "lecture": _l("Lecture or training"),
    "review": _l("Review"),
    "technology_transfer": _l("Technology transfer"),
    "joint_research": _l("Joint research"),
    "conference_talk": _l("Conference talk"),
    "delegation_visit": _l("Delegation visit"),
    "mentoring": _l("Mentoring"),
}
# Events the city organises, the roles experts play in them, their replies and
# attendance (cooperation/events.py).
EVENT_KINDS = {
    "conference": _l("Conference"),
    "workshop": _l("Workshop"),
    "technology_fair": _l("Technology fair"),
}
EVENT_ROLES = {
    "speaker": _l("Speaker"),
    "panellist": _l("Panellist"),
    "participant": _l("Participant"),
}
INVITATION_STATUSES = {
    "invited": _l("Invited, no answer yet"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "no_reply": _l("No reply"),
    "cancelled": _l("Cancelled: consent withdrawn"),
}
ATTENDANCE = {
    "attended": _l("Attended"),
    "absent": _l("Absent"),
}
# Delegations (cooperation/delegations.py) and cooperation agreements (agreements.py).
MISSION_DIRECTIONS = {
    "outgoing": _l("Outgoing delegation (abroad)"),
    "incoming": _l("Visiting delegation"),
}
MISSION_ROLES = {
    "member": _l("Member of the delegation"),
    "met": _l("Met by the delegation"),
}
AGREEMENT_STATUSES = {
    "draft": _l("Draft"),
    "signed": _l("Signed"),
    "expired": _l("Expired"),
    "ended": _l("Ended"),
}
PARTNER_SCOPES = {
    "domestic": _l("Domestic partner"),
    "foreign": _l("Foreign partner"),
}
# The states of a contact request as both of its sides read them.
CONTACT_STATES = {
    "pending": _l("waiting for an answer"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
    "revoked": _l("withdrawn by the expert"),
    "cancelled": _l("cancelled: consent withdrawn"),
}
ROLES = {
    "admin": _l("Administrator"),
    "curator": _l("Curator"),
    "official": _l("Official"),
    "expert": _l("Expert"),
}
VISIBILITY = {
    "public": _l("Public"),
    "officials": _l("Officials"),
    "curators": _l("Curators only"),
}

# Spellings accepted on import besides the codes, compared folded (no diacritics, lower
# case), so "Trí thức người Hải Phòng ở nước ngoài" and "tri thuc..." both work.
_ALIASES = {
    "kind": {
        "domestic": ["chuyên gia trong nước", "trong nước", "domestic expert", "trong nuoc"],
        "foreign": ["chuyên gia nước ngoài", "nước ngoài", "foreign expert"],
        "diaspora": ["trí thức người Hải Phòng ở nước ngoài", "kiều bào Hải Phòng", "kiều bào",
                     "trí thức kiều bào", "overseas Hai Phong intellectual", "overseas", "diaspora"],
    },
    "title": {
        "prof": ["GS", "Giáo sư", "Prof", "Prof.", "Professor", "GS.TS", "GS. TS"],
        "assoc_prof": ["PGS", "Phó Giáo sư", "Assoc. Prof.", "Assoc Prof", "Associate Professor",
                       "PGS.TS", "PGS. TS"],
    },
    "degree": {
        "phd": ["TS", "Tiến sĩ", "PhD", "Ph.D.", "Dr", "Dr.", "Doctor", "TSKH", "DSc"],
        "msc": ["ThS", "Thạc sĩ", "MSc", "M.Sc.", "MA", "MBA", "MEng", "Master"],
        "eng": ["KS", "Kỹ sư", "Kĩ sư", "Eng", "Eng.", "Engineer"],
        "bsc": ["CN", "Cử nhân", "BSc", "B.Sc.", "BA", "Bachelor"],
    },
    "gender": {
        "female": ["nữ", "F", "woman"],
        "male": ["nam", "M", "man"],
        "other": ["khác"],
    },
    "sector": {
        "academia": ["học thuật", "nghiên cứu", "giáo dục", "academic", "research", "university"],
        "industry": ["doanh nghiệp", "công nghiệp", "business", "private"],
        "government": ["nhà nước", "cơ quan nhà nước", "public sector"],
        "international": ["tổ chức quốc tế", "international organisation",
                          "international organization"],
        "other": ["khác"],
    },
    "available_for": {
        "consulting": ["tư vấn"],
        "lecturing": ["giảng dạy", "teaching"],
        "reviewing": ["phản biện", "review"],
        "technology_transfer": ["chuyển giao công nghệ", "technology transfer"],
        "research_collaboration": ["hợp tác nghiên cứu", "research collaboration"],
        "mentoring": ["cố vấn khởi nghiệp", "cố vấn", "mentoring start-ups", "mentor"],
    },
    "visibility": {
        "public": ["công khai"],
        "officials": ["cán bộ, công chức", "cán bộ công chức", "cán bộ", "officials only"],
        "curators": ["chỉ cán bộ quản lý", "cán bộ quản lý", "curators only", "private",
                     "riêng tư"],
    },
}

# How a search query names a kind of help or a kind of expert (issue 15), besides the
# codes, labels and import spellings above: the words officials type, in both
# languages. Search reads them as filters (``finder.search_vocabulary``).
QUERY_ALIASES = {
    "available_for": {
        "reviewing": ["phản biện", "chuyên gia phản biện", "người phản biện", "thẩm định",
                      "reviewer", "reviewers", "reviewing", "review", "peer review"],
        "consulting": ["tư vấn", "chuyên gia tư vấn", "consultant", "consultants",
                       "consulting", "advisor", "advisors", "adviser", "advisers"],
        "lecturing": ["giảng dạy", "thỉnh giảng", "mời giảng", "giảng viên thỉnh giảng",
                      "lecturer", "lecturers", "lecturing", "teaching", "visiting lecturer"],
        "technology_transfer": ["chuyển giao công nghệ", "technology transfer"],
        "research_collaboration": ["hợp tác nghiên cứu", "nghiên cứu chung",
                                   "research collaboration", "joint research"],
        "mentoring": ["hướng dẫn khởi nghiệp", "cố vấn khởi nghiệp", "cố vấn", "mentor",
                      "mentors", "mentoring", "mentors for start-ups", "start-up mentors"],
    },
    "kind": {
        "diaspora": ["kiều bào", "việt kiều", "trí thức việt kiều", "trí thức kiều bào",
                     "kiều bào hải phòng", "người hải phòng ở nước ngoài",
                     "trí thức người hải phòng ở nước ngoài", "overseas vietnamese",
                     "overseas", "diaspora"],
        "foreign": ["chuyên gia nước ngoài", "chuyên gia quốc tế", "người nước ngoài",
                    "nước ngoài", "foreign", "foreign experts", "international experts"],
        "domestic": ["chuyên gia trong nước", "trong nước", "domestic", "domestic experts"],
    },
}
# Words that introduce a place in a query: "ở Nhật", "tại Hàn Quốc", "bên Đức", "in Japan".
PLACE_WORDS = ("ở", "tại", "bên", "in", "from")

# Trust signals (issue 4 item 11), as search filters and facets: a profile is either
# confirmed by a curator or self-declared, and may also be claimed and carry an ORCID iD.
TRUST = {
    "confirmed": _l("Confirmed by a curator"),
    "self_declared": _l("Self-declared"),
    "claimed": _l("Claimed by the expert"),
    "orcid": _l("ORCID iD given"),
}

VOCABULARIES = {
    "kind": KINDS, "title": TITLES, "degree": DEGREES, "gender": GENDERS, "sector": SECTORS,
    "available_for": AVAILABILITY, "visibility": VISIBILITY,
    # Per contact field, the same levels as the profile's visibility.
    "email_visibility": VISIBILITY, "phone_visibility": VISIBILITY,
}
_ALIASES["email_visibility"] = _ALIASES["phone_visibility"] = _ALIASES["visibility"]


def _lookup_table(name):
    table = {}
    for code in VOCABULARIES[name]:
        table[fold(code)] = code
        table[fold(code.replace("_", " "))] = code
    for code, aliases in _ALIASES.get(name, {}).items():
        for alias in aliases:
            table[fold(alias)] = code
    return table


_LOOKUPS = {name: _lookup_table(name) for name in VOCABULARIES}


def parse(name, value):
    """The code of ``value`` in vocabulary ``name`` (codes, labels and aliases, any
    case, with or without diacritics), or ``None`` when it is not one of them."""
    key = fold(" ".join(str(value).split()))
    return _LOOKUPS[name].get(key) or _LOOKUPS[name].get(key.rstrip("."))


def label(name, code):
    return VOCABULARIES[name].get(code, code)
