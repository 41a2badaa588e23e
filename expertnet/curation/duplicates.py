"""Likely duplicate profiles across the whole database, with a score a curator can read.

A pair's score is the sum of named components (:data:`POINTS`), each shown to the
curator in words:

- the names, folded (no case, no diacritics, đ→d), compared as sets of words with
  rapidfuzz, so that Western order ("Duc Van Nguyen"), given-name-first order and a
  missing middle name still match; a one-letter difference ("Anh"/"An") is only
  "very similar", because common Vietnamese names differ by one letter between
  different people;
- the birth years: the same adds, one year apart adds a little, further apart subtracts;
- the same e-mail address, phone number (its last nine digits) or ORCID iD; two
  different ORCID iDs subtract (each person has one);
- the same organisation (folded).

Pairs are not compared all against all: profiles are grouped into blocks that a
duplicate almost always shares (the first and last words of a name, in either order,
allowing one typo in either; the same e-mail, phone or ORCID), and only pairs within a
block are scored. In a name block, a pair that shares no contact detail can reach the
threshold only with the same year of birth or the same organisation, so only those
pairs go on (an exact consequence of :data:`POINTS`, checked by
:func:`_needs_corroboration`); big groups are filtered in bulk
(``rapidfuzz.process.cdist`` and numpy) before pairs are scored one by one.

The search of the whole database is stored (``DuplicateCandidate``) and refreshed by
``flask --app expertnet find-duplicates`` or from the curators' page; each listed pair
is scored again from the current profiles when shown. A pair a curator dismissed as
"not a duplicate" (``DuplicateDismissal``) never comes back.
"""
import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from peewee import fn
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _l
from expertnet.core.text import clean, fold
from expertnet.curation.models import DuplicateCandidate, DuplicateDismissal
from expertnet.directory.models import Expert

# Points per component. The threshold is what a pair needs to be listed: an identical
# name alone (40) is not enough in a city where many people share a name; an identical
# name with the same birth year or organisation (60) is, and so is a shared e-mail,
# phone or ORCID iD with a similar name. A year of birth and an organisation weigh the
# same: a namesake shares either by chance about as rarely (1 in 40 to 1 in 90 here).
POINTS = {
    "name_same": 40, "name_swapped": 40, "name_contained": 40, "name_marks": 25,
    "name_typo": 25,
    "name_similar": 10,
    "birth_same": 20, "birth_near": 5, "birth_conflict": -25,
    "email": 45, "phone": 40, "orcid": 60, "orcid_conflict": -40,
    "organization": 20,
}
THRESHOLD = 60
_BEST_NAME = max(points for code, points in POINTS.items() if code.startswith("name_"))
# Name similarity (rapidfuzz, 0–100) for the lower name components.
TYPO_SIMILARITY = 90
SIMILAR_SIMILARITY = 80
# Blocks bigger than this are skipped (and counted): a name shared by thousands says
# nothing, and pairs in it that share a contact detail still meet in the contact blocks.
MAX_BLOCK = 5000
# Blocks up to this size are scored pair by pair; bigger ones in bulk.
SMALL_BLOCK = 12

REASONS = {
    "name_same": _l("same name"),
    "name_swapped": _l("same name, in another order (Western or given name first)"),
    "name_contained": _l("one name contains the other (a middle name missing?)"),
    "name_marks": _l("same letters, other tone marks (Hùng and Hưng are different names)"),
    "name_typo": _l("very similar names (a typo?)"),
    "name_similar": _l("similar names (other middle names, or several letters apart)"),
    "birth_same": _l("same year of birth"),
    "birth_near": _l("years of birth one year apart"),
    "birth_conflict": _l("different years of birth"),
    "email": _l("same e-mail address"),
    "phone": _l("same phone number"),
    "orcid": _l("same ORCID iD"),
    "orcid_conflict": _l("different ORCID iDs"),
    "organization": _l("same organisation"),
}

# Titles and degrees that sometimes come with a name in a spreadsheet.
_TITLE_WORDS = frozenset({"gs", "pgs", "ts", "tskh", "ths", "ks", "cn", "bs", "ds", "dr", "prof",
                          "assoc", "mr", "mrs", "ms", "phd", "msc", "nths"})
_NON_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Record:
    """What the detector reads of a profile, already normalised."""

    id: int
    names: tuple  # each a tuple of folded words; the full name first
    written: tuple  # the same names in lower case with their diacritics ("" if none)
    birth_year: int | None
    email: str
    phone: str
    orcid: str
    organization: str


@dataclass
class Score:
    total: int
    components: list  # [(code, points)]

    @property
    def reasons(self):
        return [(code, points, REASONS[code]) for code, points in self.components]


@dataclass
class Candidate:
    a: int
    b: int
    score: Score


@dataclass
class Stats:
    profiles: int = 0
    blocks: int = 0
    skipped_blocks: int = 0
    compared: int = 0  # pairs the blocks let through (a pair may come from several blocks)
    scored: int = 0  # distinct pairs scored one by one
    pairs: int = 0
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


# -- normalising ---------------------------------------------------------------------
def name_words(name):
    """Folded words of a name without titles: ``"TS. Nguyễn Văn Đức"`` → ``("nguyen",
    "van", "duc")``."""
    words = [word for word in _NON_WORD.split(fold(name or "")) if word]
    while words and words[0] in _TITLE_WORDS:
        words.pop(0)
    while words and words[-1] in _TITLE_WORDS:
        words.pop()
    return tuple(words)


def _marked(name):
    """The name in lower case if it carries diacritics, else "" (no marks to compare)."""
    text = " ".join(clean(name).lower().split())
    return text if fold(text) != text else ""


def phone_key(phone):
    """The last nine digits: the same number written +84 90…, 090… or 90… matches."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-9:] if len(digits) >= 9 else ""


def organization_key(organization):
    return " ".join(_NON_WORD.split(fold(organization or ""))).strip()


def record(expert_id, full_name, other_names=(), birth_year=None, email="", phone="",
           orcid="", organization=""):
    variants = {}
    for name in [full_name, *(other_names or ())]:
        words = name_words(name)
        if words and words not in variants:
            variants[words] = _marked(name)
    return Record(id=expert_id, names=tuple(variants), written=tuple(variants.values()),
                  birth_year=birth_year or None,
                  email=(email or "").strip().lower(), phone=phone_key(phone),
                  orcid=(orcid or "").strip().upper(), organization=organization_key(organization))


def records_from_db(ids=None):
    query = Expert.select(Expert.id, Expert.full_name, Expert.other_names, Expert.birth_year,
                          Expert.email, Expert.phone, Expert.orcid, Expert.organization)
    if ids is not None:
        query = query.where(Expert.id.in_(list(ids)))
    return [record(expert.id, expert.full_name, expert.other_names, expert.birth_year,
                   expert.email, expert.phone, expert.orcid, expert.organization)
            for expert in query.order_by(Expert.id).iterator()]


# -- scoring one pair ------------------------------------------------------------------
def _similarity(left, right):
    """Name similarity 0–100 of two word tuples, whatever their order. A name of one
    word is compared as a whole (a bare "Nguyễn" is contained in every Nguyễn)."""
    a, b = " ".join(left), " ".join(right)
    if len(left) >= 2 and len(right) >= 2:
        return fuzz.token_set_ratio(a, b)
    return fuzz.token_sort_ratio(a, b)


def _marks_differ(left_written, right_written):
    """Both names written with diacritics, the same letters, other marks: the words of
    the shorter are not all words of the longer once the marks count (Hùng ≠ Hưng)."""
    if not left_written or not right_written:
        return False
    shorter, longer = sorted((left_written.split(), right_written.split()), key=len)
    return not set(shorter) <= set(longer)


def _middle_names_differ(left, right):
    """Two full names of three or more words with the same first and last words (in
    either order) and other words between them."""
    if len(left) < 3 or len(right) < 3:
        return False
    if {left[0], left[-1]} != {right[0], right[-1]}:
        return False
    if sorted(left) == sorted(right):
        return False
    # One letter apart is a typo in the middle name, not another middle name.
    return OSA.distance(" ".join(left[1:-1]), " ".join(right[1:-1])) > 1


def _one_typo_apart(left, right):
    """One insertion, deletion, substitution or swap of neighbours apart, in the same
    word order or with the words sorted."""
    return (OSA.distance(" ".join(left), " ".join(right)) <= 1
            or OSA.distance(" ".join(sorted(left)), " ".join(sorted(right))) <= 1)


def _name_component(a, b):
    """The name component of the best-matching pair of names. Two full names with
    middle names are the most specific names there are: they are compared alone (a
    shorter other name, "Hoang Nguyen", would match many people). Otherwise every
    name of one is compared with every name of the other."""
    best = None  # (similarity, left index, right index)
    complete = len(a.names[0]) >= 3 and len(b.names[0]) >= 3
    for i, left in enumerate(a.names[:1] if complete else a.names):
        for j, right in enumerate(b.names[:1] if complete else b.names):
            similarity = 100.0 if left == right else _similarity(left, right)
            if best is None or similarity > best[0]:
                best = (similarity, i, j)
    if best is None:
        return None
    similarity, i, j = best
    left, right = a.names[i], b.names[j]
    if similarity >= SIMILAR_SIMILARITY and _middle_names_differ(a.names[0], b.names[0]):
        # "Nguyễn Hữu Thịnh" and "Nguyễn Xuân Thịnh" are two people, even if both go by
        # "Thinh Nguyen" abroad: a shorter other name does not make them one.
        return "name_similar"
    if similarity >= 100:
        if _marks_differ(a.written[i], b.written[j]):
            return "name_marks"
        if left == right:
            return "name_same"
        return "name_swapped" if sorted(left) == sorted(right) else "name_contained"
    if similarity >= TYPO_SIMILARITY or _one_typo_apart(left, right):
        return "name_typo"
    if similarity >= SIMILAR_SIMILARITY:
        return "name_similar"
    return None


def _birth_component(a, b):
    if a.birth_year is None or b.birth_year is None:
        return None
    gap = abs(a.birth_year - b.birth_year)
    return "birth_same" if gap == 0 else "birth_near" if gap == 1 else "birth_conflict"


def score(a, b):
    """The :class:`Score` of two :class:`Record`\\ s."""
    codes = [_name_component(a, b), _birth_component(a, b)]
    if a.email and a.email == b.email:
        codes.append("email")
    if a.phone and a.phone == b.phone:
        codes.append("phone")
    if a.orcid and b.orcid:
        codes.append("orcid" if a.orcid == b.orcid else "orcid_conflict")
    if a.organization and a.organization == b.organization:
        codes.append("organization")
    components = [(code, POINTS[code]) for code in codes if code]
    return Score(sum(points for _code, points in components), components)


# -- blocking ------------------------------------------------------------------------------
def _variants(word):
    """The word and the word with one letter deleted: two words one typo apart (an
    insertion, deletion, substitution or swap) share at least one of these."""
    if len(word) <= 2:
        return {word}
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


def name_keys(words):
    """Block keys of a name: its first and last words in either order (Vietnamese and
    Western order, a middle name missing), one of them allowed one typo."""
    if not words:
        return set()
    if len(words) == 1:
        return {("1", variant) for variant in _variants(words[0])}
    first, last = words[0], words[-1]
    keys = set()
    for variant in _variants(first):
        keys.add(tuple(sorted((variant, last))))
    for variant in _variants(last):
        keys.add(tuple(sorted((first, variant))))
    return keys


def _blocks(records):
    """``(name blocks, contact blocks)``: key → list of (record index, name index)."""
    by_name = defaultdict(list)
    by_contact = defaultdict(list)
    for index, item in enumerate(records):
        for name_index, words in enumerate(item.names):
            for key in name_keys(words):
                by_name[key].append((index, name_index))
        for kind, value in (("email", item.email), ("phone", item.phone), ("orcid", item.orcid)):
            if value:
                by_contact[(kind, value)].append((index, 0))
    return by_name, by_contact


def _name_points_matrix(similarity, exact, single):
    points = np.where(similarity >= SIMILAR_SIMILARITY, POINTS["name_similar"], 0)
    points = np.where(similarity >= TYPO_SIMILARITY, POINTS["name_typo"], points)
    full = (similarity >= 100) & ~single
    points = np.where(full | exact, POINTS["name_same"], points)
    return points


def _bulk_pairs(entries, records, threshold):
    """Pairs of a big block whose name, birth year and organisation can reach
    ``threshold`` (the contact components are found through the contact blocks; an
    ORCID conflict only lowers a score, so this is an upper bound)."""
    texts = [" ".join(records[i].names[n]) for i, n in entries]
    lengths = np.array([len(records[i].names[n]) for i, n in entries])
    single = (lengths[:, None] < 2) | (lengths[None, :] < 2)
    set_scores = process.cdist(texts, texts, scorer=fuzz.token_set_ratio, dtype=np.uint8,
                               workers=1)
    sort_scores = process.cdist(texts, texts, scorer=fuzz.token_sort_ratio, dtype=np.uint8,
                                workers=1)
    similarity = np.where(single, sort_scores, set_scores)
    # A typo (an OSA distance of one) counts like a similarity of TYPO_SIMILARITY.
    sorted_texts = [" ".join(sorted(records[i].names[n])) for i, n in entries]
    typo = ((process.cdist(texts, texts, scorer=OSA.distance, dtype=np.int32, workers=1) <= 1)
            | (process.cdist(sorted_texts, sorted_texts, scorer=OSA.distance, dtype=np.int32,
                             workers=1) <= 1))
    similarity = np.where(typo, np.maximum(similarity, TYPO_SIMILARITY), similarity)
    codes = np.array([hash(text) for text in texts])
    exact = codes[:, None] == codes[None, :]
    points = _name_points_matrix(similarity, exact, single)
    years = np.array([records[i].birth_year or 0 for i, _n in entries])
    known = years > 0
    both = known[:, None] & known[None, :]
    gap = np.abs(years[:, None] - years[None, :])
    points = points + np.where(both & (gap == 0), POINTS["birth_same"], 0)
    points = points + np.where(both & (gap == 1), POINTS["birth_near"], 0)
    points = points + np.where(both & (gap > 1), POINTS["birth_conflict"], 0)
    organizations = [records[i].organization for i, _n in entries]
    org_codes = np.array([hash(value) for value in organizations])
    has_org = np.array([bool(value) for value in organizations])
    same_org = (org_codes[:, None] == org_codes[None, :]) & has_org[:, None] & has_org[None, :]
    points = points + np.where(same_org, POINTS["organization"], 0)
    rows, columns = np.nonzero(np.triu(points >= threshold, k=1))
    return {(entries[r][0], entries[c][0])
            for r, c in zip(rows.tolist(), columns.tolist(), strict=True)}


def _needs_corroboration(threshold):
    """Whether a pair without a shared contact detail needs the same year of birth or
    the same organisation to reach ``threshold`` (a name alone, even with birth years a
    year apart, cannot)."""
    return _BEST_NAME + max(POINTS["birth_near"], 0) < threshold


def _corroborated(a, b):
    return bool((a.birth_year and a.birth_year == b.birth_year)
                or (a.organization and a.organization == b.organization))


def _name_block_pairs(entries, records, threshold):
    """The pairs of a name block that can reach ``threshold`` without a shared contact
    detail (those pairs meet in the contact blocks). When corroboration is needed, a
    small block keeps its corroborated pairs and a big one is split into groups by year
    of birth and by organisation (exact, and far smaller than the block), each scored
    in bulk."""
    people = sorted({index for index, _n in entries})
    if len(people) < 2:
        return set()
    if not _needs_corroboration(threshold):
        return _block_pairs(entries, records, threshold)
    if len(entries) <= SMALL_BLOCK:
        return {(left, right) for n, left in enumerate(people) for right in people[n + 1:]
                if _corroborated(records[left], records[right])}
    groups = defaultdict(list)
    for entry in entries:
        item = records[entry[0]]
        if item.birth_year:
            groups[("birth", item.birth_year)].append(entry)
        if item.organization:
            groups[("organization", item.organization)].append(entry)
    pairs = set()
    for group in groups.values():
        if len(group) >= 2:
            pairs |= _block_pairs(group, records, threshold)
    return pairs


def _all_pairs(entries):
    people = sorted({index for index, _n in entries})
    return {(left, right) for n, left in enumerate(people) for right in people[n + 1:]}


def _block_pairs(entries, records, threshold):
    if len(entries) > SMALL_BLOCK:
        return _bulk_pairs(entries, records, threshold)
    return _all_pairs(entries)


def find_pairs(records, threshold=THRESHOLD, max_block=MAX_BLOCK):
    """``(candidates, stats)``: every pair of ``records`` scoring at least ``threshold``,
    best first."""
    started = time.perf_counter()
    stats = Stats(profiles=len(records))
    by_name, by_contact = _blocks(records)
    to_score = set()
    for blocks, by_names in ((by_name, True), (by_contact, False)):
        for entries in blocks.values():
            if len(entries) < 2:
                continue
            stats.blocks += 1
            if len(entries) > max_block:
                stats.skipped_blocks += 1
                continue
            if by_names:
                pairs = _name_block_pairs(entries, records, threshold)
            else:
                # A shared e-mail, phone or ORCID iD: every pair is scored.
                pairs = _all_pairs(entries)
            stats.compared += len(pairs)
            to_score.update((left, right) if left < right else (right, left)
                            for left, right in pairs if left != right)
    stats.scored = len(to_score)
    candidates = []
    for left, right in to_score:
        result = score(records[left], records[right])
        if result.total >= threshold:
            a, b = sorted((records[left].id, records[right].id))
            candidates.append(Candidate(a, b, result))
    candidates.sort(key=lambda item: (-item.score.total, item.a, item.b))
    stats.pairs = len(candidates)
    stats.seconds = time.perf_counter() - started
    return candidates, stats


# -- the stored search and dismissals ----------------------------------------------------------
def dismissed_pairs():
    return set(DuplicateDismissal.select(DuplicateDismissal.expert_a, DuplicateDismissal.expert_b)
               .tuples())


def refresh(threshold=THRESHOLD):
    """Search the whole database and store the candidates (dismissed pairs left out).
    Returns the :class:`Stats`."""
    candidates, stats = find_pairs(records_from_db(), threshold)
    dismissed = dismissed_pairs()
    now = utcnow()
    rows = [{"expert_a": item.a, "expert_b": item.b, "score": item.score.total,
             "components": json.dumps(item.score.components), "computed_at": now}
            for item in candidates if (item.a, item.b) not in dismissed]
    with database.atomic():
        DuplicateCandidate.delete().execute()
        for start in range(0, len(rows), 500):
            DuplicateCandidate.insert_many(rows[start:start + 500]).execute()
    stats.extra["stored"] = len(rows)
    return stats


def last_refresh():
    return DuplicateCandidate.select(DuplicateCandidate.computed_at).order_by(
        DuplicateCandidate.computed_at.desc()).scalar()


def open_candidates():
    """Stored pairs not dismissed since, best first."""
    dismissed = DuplicateDismissal.select().where(
        (DuplicateDismissal.expert_a == DuplicateCandidate.expert_a)
        & (DuplicateDismissal.expert_b == DuplicateCandidate.expert_b))
    return (DuplicateCandidate.select()
            .where(~fn.EXISTS(dismissed))
            .order_by(DuplicateCandidate.score.desc(), DuplicateCandidate.expert_a,
                      DuplicateCandidate.expert_b))


def candidates_for(expert_id, limit):
    """``[(a_id, b_id)]``: the open pairs that name ``expert_id`` (the profile page's
    links to compare them), best first."""
    query = open_candidates().where((DuplicateCandidate.expert_a == expert_id)
                                    | (DuplicateCandidate.expert_b == expert_id))
    return [(row.expert_a, row.expert_b) for row in query.limit(limit)]


def rescore(a_id, b_id):
    """The current :class:`Score` of two profiles (``None`` if one no longer exists)."""
    found = {item.id: item for item in records_from_db([a_id, b_id])}
    if a_id not in found or b_id not in found:
        return None
    return score(found[a_id], found[b_id])


def dismiss(a_id, b_id, actor):
    """Remember that two profiles are not the same person."""
    a_id, b_id = sorted((a_id, b_id))
    with database.atomic():
        (DuplicateDismissal.insert(expert_a=a_id, expert_b=b_id, dismissed_by=actor,
                                   created_at=utcnow())
         .on_conflict_ignore().execute())
        DuplicateCandidate.delete().where((DuplicateCandidate.expert_a == a_id)
                                          & (DuplicateCandidate.expert_b == b_id)).execute()
