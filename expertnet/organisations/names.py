"""Organisation names compared as people write them: "ĐH Hàng hải VN", "Trường Đại học
Hàng hải Việt Nam", "Vietnam Maritime University" and "VMU" are one university. A name
is folded (no diacritics, đ→d, lower case), its punctuation dropped and its usual
abbreviations written out (ĐH → đại học, VN → Việt Nam, Cty → công ty, TNHH, CP, …);
"Trường" before "Đại học" is dropped. Scores (0–100) come from rapidfuzz's token
ratios over every name of a record (Vietnamese, English, acronym, other names), and
an acronym or the initials of a name count as a match of the acronym."""
import re

from rapidfuzz import fuzz

from expertnet.core.text import clean, fold

# Folded abbreviation → folded words (whole words only).
ABBREVIATIONS = {
    "dh": "dai hoc", "dhqg": "dai hoc quoc gia", "cd": "cao dang", "hv": "hoc vien",
    "vn": "viet nam", "vietnam": "viet nam", "hp": "hai phong", "tp": "thanh pho",
    "tt": "trung tam", "ct": "cong ty", "cty": "cong ty", "tnhh": "trach nhiem huu han",
    "cp": "co phan", "ctcp": "cong ty co phan", "mtv": "mot thanh vien",
    "khcn": "khoa hoc cong nghe", "kh": "khoa hoc", "cn": "cong nghe", "bv": "benh vien",
    "ubnd": "uy ban nhan dan", "nc": "nghien cuu", "tw": "trung uong", "ltd": "limited",
    "co": "company", "corp": "corporation", "univ": "university", "inst": "institute",
    "jsc": "joint stock company", "intl": "international", "assn": "association",
    "dept": "department", "u": "university",
}
# Words that say what kind of body it is, not which one: ignored in initials.
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_LEADING = ("truong dai hoc", "truong cao dang")
SMALL_WORDS = frozenset({"of", "and", "the", "for", "va", "cua", "&"})


def expand(text):
    """The folded words of ``text`` with abbreviations written out."""
    words = _PUNCTUATION.sub(" ", fold(clean(text))).split()
    expanded = " ".join(ABBREVIATIONS.get(word, word) for word in words)
    for leading in _LEADING:
        if expanded.startswith(leading + " ") or expanded == leading:
            expanded = expanded[len("truong "):]
    return expanded


def name_key(text):
    """The key under which two spellings of one name meet (duplicates, imports)."""
    return expand(text)[:300]


def initials(text):
    """``Vietnam Maritime University`` → ``vmu`` (small words left out)."""
    words = [word for word in _PUNCTUATION.sub(" ", fold(clean(text))).split() if word not in SMALL_WORDS]
    return "".join(word[0] for word in words) if len(words) >= 2 else ""


def acronym_key(text):
    return _PUNCTUATION.sub("", fold(clean(text))).replace(" ", "")


def record_names(organisation):
    """Every name of ``organisation`` (an object with name_vi, name_en, acronym,
    other_names) that a free text may be."""
    names = [organisation.name_vi, organisation.name_en, *(organisation.other_names or [])]
    return [name for name in names if clean(name)]


class Text:
    """A text's forms that the scorer compares, computed once."""

    __slots__ = ("key", "acronym", "initials")

    def __init__(self, text):
        self.key = expand(text)
        self.acronym = acronym_key(text)
        self.initials = initials(text)


class Record:
    """An organisation's forms that the scorer compares, computed once: its acronym's key
    and, per name, the expanded name and its initials (empty expansions left out)."""

    __slots__ = ("id", "acronym", "names")

    def __init__(self, organisation):
        self.id = organisation.id
        self.acronym = acronym_key(organisation.acronym or "")
        self.names = [(expand(name), initials(name)) for name in record_names(organisation)]
        self.names = [(other, name_initials) for other, name_initials in self.names if other]


def scored(text, record):
    """``score`` of a :class:`Text` against a :class:`Record` (the same value, without
    folding the record's names again for every text)."""
    key = text.key
    if not key:
        return 0
    best = 0
    acronym = record.acronym
    text_acronym = text.acronym
    if acronym and len(acronym) >= 2:
        if text_acronym == acronym:
            best = 100
        elif text.initials == acronym:
            best = 90
        elif acronym in key.split():
            best = 85
    for other, name_initials in record.names:
        if other == key:
            return 100
        ratio = max(fuzz.token_sort_ratio(key, other), fuzz.ratio(key, other))
        # Initials of the record's name typed as an acronym ("VMU").
        if len(text_acronym) >= 3 and text_acronym == name_initials:
            ratio = max(ratio, 88)
        best = max(best, ratio)
    return int(round(best))


def score(text, organisation):
    """How well ``text`` names ``organisation``, 0–100."""
    return scored(Text(text), Record(organisation))


def best_matches(text, organisations, limit=3, floor=60):
    """``[(organisation, score)]``: the best-scoring ``organisations`` for ``text`` at or
    above ``floor``, best first (ties: by id). Every organisation is scored: the reference
    that :class:`Matcher` answers faster for many texts."""
    scored_pairs = [(organisation, score(text, organisation)) for organisation in organisations]
    return ranked(scored_pairs, limit, floor)


def ranked(scored_pairs, limit, floor):
    found = [(organisation, value) for organisation, value in scored_pairs if value >= floor]
    found.sort(key=lambda pair: (-pair[1], pair[0].id or 0))
    return found[:limit]
