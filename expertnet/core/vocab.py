"""The closed vocabularies of a profile: codes stored in the database, labels in both
languages, and the spellings an import may use for each code.

A value is accepted when, folded, it is a code, a label in either language, an alias
or a synonym, or the same set of words as one of them in another order ("nghiên cứu
hợp tác" is "hợp tác nghiên cứu"; a word set shared by two codes decides nothing). A
value that is none of them is refused with the closest allowed value (``Matcher``,
rapidfuzz over the same spellings): the importer never guesses, the curator decides.
"""
import re

from flask import has_app_context
from flask_babel import force_locale
from rapidfuzz import fuzz, process

from expertnet.core.i18n import _l, _lp
from expertnet.core.text import fold

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
    "open": _lp("need status", "Open"),
    "shortlisting": _l("Shortlisting"),
    "contacted": _l("Experts contacted"),
    "engaged": _l("Engaged"),
    "closed": _lp("need status", "Closed"),
}
# What happened with an expert (engagements, the programme's records).
ENGAGEMENT_KINDS = {
    "consultation": _l("Consultation"),
    "lecture": _l("Lecture or training"),
    "review": _lp("engagement kind", "Review"),
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
    # A session where technology demands and offers are presented and connections begin
    # (the technology marketplace lists them on the event's session page).
    "supply_demand_session": _l("Supply–demand session"),
}
EVENT_ROLES = {
    "speaker": _l("Speaker"),
    "panellist": _l("Panellist"),
    "participant": _l("Participant"),
}
INVITATION_STATUSES = {
    "invited": _l("Invited, no answer yet"),
    "accepted": _lp("event reply", "Accepted"),
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
    "no_answer": _l("closed: no answer"),
}
# A request through the Department while a curator tries to reach the person.
DEPARTMENT_PENDING = _l("the Department is making contact")
# The programme report's counts of requests through the Department.
DEPARTMENT_CONTACT_STEPS = {
    "opened": _l("Requests opened"),
    "consent": _l("Consent given"),
    "declined": _l("Declined"),
    "no_answer": _l("Closed with no answer"),
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

# Other common forms of a value, beyond spellings of its label: what survey sheets of
# ward offices, associations and universities write (compared folded, any word order).
_SYNONYMS = {
    "kind": {
        "domestic": ["chuyên gia Việt Nam", "chuyên gia trong nước", "local expert"],
        "foreign": ["người nước ngoài", "chuyên gia quốc tế", "international expert"],
        "diaspora": ["Việt kiều", "Việt kiều Hải Phòng", "người Việt Nam ở nước ngoài",
                     "trí thức Việt kiều", "overseas Vietnamese"],
    },
    "sector": {
        "academia": ["trường đại học", "viện nghiên cứu", "đại học", "viện", "academia",
                     "academia and research"],
        "industry": ["doanh nghiệp tư nhân", "công ty", "company", "private sector"],
        "government": ["cơ quan nhà nước", "nhà nước", "chính phủ", "government agency",
                       "public administration"],
        "international": ["tổ chức phi chính phủ", "NGO", "international"],
    },
    "available_for": {
        "consulting": ["tư vấn chính sách", "tư vấn chuyên môn", "tư vấn kỹ thuật",
                       "advice", "advisory", "consultancy", "policy advice"],
        "lecturing": ["đào tạo", "dạy học", "giảng bài", "báo cáo chuyên đề", "bồi dưỡng", "training",
                      "lectures", "lecture"],
        "reviewing": ["thẩm định", "phản biện đề tài", "đánh giá", "peer review",
                      "evaluation"],
        "technology_transfer": ["CGCN", "chuyển giao kỹ thuật", "tech transfer"],
        "research_collaboration": ["hợp tác NC", "nghiên cứu chung", "hợp tác khoa học",
                                   "joint research", "research cooperation",
                                   "collaborative research"],
        "mentoring": ["hỗ trợ khởi nghiệp", "tư vấn khởi nghiệp", "start-up mentoring",
                      "startup mentoring", "mentorship"],
    },
    "visibility": {
        "public": ["công bố", "published"],
        "officials": ["chỉ cán bộ, công chức", "officials"],
        "curators": ["không công khai", "nội bộ", "internal"],
    },
}
# How a search query names a kind of help or a kind of expert, besides the
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

# Trust signals, as search filters and facets: a profile is either
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
_SYNONYMS["email_visibility"] = _SYNONYMS["phone_visibility"] = _SYNONYMS["visibility"]

_WORD = re.compile(r"[^\W_]+")
# Similarity (rapidfuzz's token_sort_ratio, 0–100: edits over the words in sorted order)
# below which no value is proposed: a proposal must be one a reader recognises at once
# ("hop tac nghien cu" → "hợp tác nghiên cứu"), not a stretch ("dạy học" is not "hợp tác
# nghiên cứu", although a partial match would say so).
SUGGESTION_CUTOFF = 80


def lookup_key(text):
    """A value as compared: folded, blanks collapsed."""
    return fold(" ".join(str(text).split()))


def words_key(text):
    """A value as a set of folded words, in a fixed order ("nghiên cứu hợp tác" and
    "hợp tác nghiên cứu" give the same key)."""
    return " ".join(sorted(set(_WORD.findall(fold(str(text))))))


class Matcher:
    """Every spelling of a vocabulary's values (``(spelling, code)``, the first spelling
    of a folded form wins): exact lookups, word-order lookups and suggestions."""

    def __init__(self, spellings):
        self.exact = {}
        by_words = {}
        for spelling, code in spellings:
            self.exact.setdefault(lookup_key(spelling), code)
            by_words.setdefault(words_key(spelling), set()).add(code)
        self.by_words = {key: next(iter(codes)) for key, codes in by_words.items()
                         if key and len(codes) == 1}
        self.keys = list(self.exact)

    def parse(self, value):
        key = lookup_key(value)
        found = self.exact.get(key) or self.exact.get(key.rstrip("."))
        return found or self.by_words.get(words_key(value))

    def closest(self, value, limit=1):
        """The codes whose spellings come closest to ``value`` (best first, each once),
        only those a reader would recognise (``SUGGESTION_CUTOFF``)."""
        key = lookup_key(value)
        if not key:
            return []
        codes = []
        for _spelling, _score, index in process.extract(
                key, self.keys, scorer=fuzz.token_sort_ratio, score_cutoff=SUGGESTION_CUTOFF,
                limit=limit * 4 + 4):
            code = self.exact[self.keys[index]]
            if code not in codes:
                codes.append(code)
        return codes[:limit]


def _spellings(name):
    """``(spelling, code)`` of vocabulary ``name``: codes first, then the labels in both
    languages (read through the catalogues: what a page shows is accepted back), the
    aliases and the synonyms."""
    found = []
    for code in VOCABULARIES[name]:
        found += [(code, code), (code.replace("_", " "), code)]
    if has_app_context():
        for language in ("vi", "en"):
            with force_locale(language):
                found += [(str(text), code) for code, text in VOCABULARIES[name].items()]
    for table in (_ALIASES, _SYNONYMS):
        for code, spellings in table.get(name, {}).items():
            found += [(spelling, code) for spelling in spellings]
    return found


# Matchers built with the labels of both catalogues. Every application of a process
# reads the same catalogues (``i18n.source_catalogues``), so one build serves them all;
# a lookup is then one dictionary access (it runs for every cell of an import).
_MATCHERS = {}


def matcher(name):
    """The ``Matcher`` of vocabulary ``name``. Outside an application the labels cannot
    be translated: the codes, aliases and synonyms are used, and nothing is kept."""
    found = _MATCHERS.get(name)
    if found is None:
        found = Matcher(_spellings(name))
        if has_app_context():
            _MATCHERS[name] = found
    return found


def parse(name, value):
    """The code of ``value`` in vocabulary ``name`` (codes, labels, aliases and synonyms,
    any case, with or without diacritics, in any word order), or ``None`` when it is not
    one of them."""
    return matcher(name).parse(value)


def label(name, code):
    return VOCABULARIES[name].get(code, code)
