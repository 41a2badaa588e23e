"""The bilingual term list: Vietnamese ↔ English pairs of terms that search and need
matching read as the same thing (``giảm phát thải`` ~ ``emission reduction``), beyond
the taxonomy's fields.

Seeded from the taxonomy (each field's Vietnamese and English names, accepted at once;
its synonym lists are not aligned translations — ``nghề cá`` sits beside ``mariculture``
— and already find the field in both languages through the index) and from pairs
*suggested* by ``curation.term_suggestions``, mined (:func:`mine`) from the profiles that
have both bios: a Vietnamese phrase and an English phrase that occur in the same profiles
far more often than chance. A curator accepts (as mined or edited), rejects, or later
removes a pair on ``/curate/terms``. Only accepted pairs reach search
(``finder.search_vocabulary``), read from the database at each search like the taxonomy,
so a decision takes effect at once in every process. These functions are the one way the list is written; the
curators' controller audits each decision.
"""
import re
from collections import Counter, defaultdict

from expertnet.core.db import database, utcnow
from expertnet.core.text import clean, fold
from expertnet.taxonomy.models import TermPair

STATUSES = ("suggested", "accepted", "rejected", "removed")
MAX_TERM = 200
# Mining, bounded and deterministic: the first MINE_PROFILES profiles with both bios (by
# id), the first MINE_PHRASES candidate phrases of each bio, pairs seen together in at
# least MIN_TOGETHER profiles whose Dice coefficient reaches MIN_DICE and which occur
# together at least MIN_LIFT times more often than if they were independent. Two phrases
# sharing a word are not a translation but one name written in both bios ("Busan Hàn
# Quốc" ~ "Busan South Korea"), and a "Vietnamese" phrase also written in English bios
# is English (a university's name).
MINE_PROFILES = 5000
MINE_PHRASES = 60
MIN_TOGETHER = 3
MIN_DICE = 0.6
MIN_LIFT = 3.0
MAX_SUGGESTIONS = 200
EXAMPLES = 2
# A phrase neither starts nor ends with one of these words (folded): "của giảm phát",
# "the emission" are not terms.
_EDGE_WORDS = frozenset({
    "trong", "va", "cua", "cho", "cac", "nhung", "ve", "co", "duoc", "voi", "la", "nguoi",
    "tai", "o", "tu", "de", "mot", "nhieu", "da", "dang", "se", "nay", "do", "khi", "nam",
    "the", "and", "of", "in", "for", "with", "on", "to", "at", "from", "by", "an", "a", "is",
    "are", "was", "has", "have", "his", "her", "their", "as", "or", "this", "that", "years",
})
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


def key_of(vi, en):
    return f"{fold(clean(vi))}|{fold(clean(en))}"


def accepted_pairs():
    """The accepted pairs as ``((vi, en), ...)``, oldest first: what search reads."""
    return tuple((row.vi, row.en) for row in
                 TermPair.select(TermPair.vi, TermPair.en)
                 .where(TermPair.status == "accepted").order_by(TermPair.id))


def listed(status):
    """Pairs of ``status``: suggestions best first, the others by term."""
    query = TermPair.select().where(TermPair.status == status)
    if status == "suggested":
        return query.order_by(TermPair.score.desc(), TermPair.id)
    return query.order_by(TermPair.vi, TermPair.en)


def get(pair_id):
    return TermPair.get_or_none(TermPair.id == pair_id)


class TermError(ValueError):
    """A decision that cannot be taken: ``code`` says why (``empty``, ``too_long``,
    ``same``: both sides are one word, ``taken``: the edited pair is already listed)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _checked(vi, en):
    vi, en = clean(vi), clean(en)
    if not vi or not en:
        raise TermError("empty")
    if len(vi) > MAX_TERM or len(en) > MAX_TERM:
        raise TermError("too_long")
    if fold(vi) == fold(en):
        raise TermError("same")
    return vi, en


def accept(pair, actor_id, vi=None, en=None):
    """Accept ``pair``, as suggested or with the curator's edited terms. Returns the
    changes ``{"vi": [old, new], ...}`` (for the audit)."""
    vi, en = _checked(pair.vi if vi is None else vi, pair.en if en is None else en)
    key = key_of(vi, en)
    if TermPair.select().where((TermPair.key == key) & (TermPair.id != pair.id)).exists():
        raise TermError("taken")
    changes = {"status": [pair.status, "accepted"]}
    if vi != pair.vi:
        changes["vi"] = [pair.vi, vi]
    if en != pair.en:
        changes["en"] = [pair.en, en]
    _decide(pair, actor_id, "accepted", vi=vi, en=en, key=key)
    return changes


def reject(pair, actor_id):
    """A suggestion that is not a pair: never suggested again."""
    _decide(pair, actor_id, "rejected")
    return {"status": [pair.status, "rejected"]}


def remove(pair, actor_id):
    """An accepted pair taken off the list (kept as ``removed``: not suggested again)."""
    _decide(pair, actor_id, "removed")
    return {"status": [pair.status, "removed"]}


def _decide(pair, actor_id, status, **values):
    TermPair.update(status=status, reviewed_by=actor_id, reviewed_at=utcnow(), **values) \
        .where(TermPair.id == pair.id).execute()


def seed_from_taxonomy(taxonomy):
    """Each field's two names as accepted pairs (only the names: the synonym lists of
    the two languages are not translations of each other item by item). Pairs already
    listed, whatever their status, are left as the curators left them. Returns the
    number added."""
    rows = {}
    for field in taxonomy.fields.values():
        vi, en = clean(field.name_vi)[:MAX_TERM], clean(field.name_en)[:MAX_TERM]
        if vi and en and fold(vi) != fold(en):
            rows.setdefault(key_of(vi, en), {"vi": vi, "en": en, "key": key_of(vi, en),
                                             "status": "accepted", "source": "taxonomy"})
    return insert_new(rows)


def insert_new(rows):
    """Store the pairs of ``rows`` (key → row) not listed yet, whatever their status;
    returns how many were stored."""
    with database.atomic():
        known = {row.key for row in TermPair.select(TermPair.key).where(
            TermPair.key.in_(list(rows)))} if rows else set()
        new = [row for key, row in rows.items() if key not in known]
        for start in range(0, len(new), 100):
            TermPair.insert_many(new[start:start + 100]).execute()
    return len(new)


def _phrases(text, sizes):
    """Candidate phrases of ``text``: runs of ``sizes`` words (lower case, as written)
    that neither start nor end with a function word, in order of first occurrence,
    at most MINE_PHRASES."""
    found = {}
    for sentence in SENTENCE.split(text):
        words = [word.lower() for word in _WORD.findall(sentence)]
        folded = [fold(word) for word in words]
        for size in sizes:
            for start in range(len(words) - size + 1):
                if folded[start] in _EDGE_WORDS or folded[start + size - 1] in _EDGE_WORDS:
                    continue
                if size == 1 and len(words[start]) < 4:
                    continue
                found.setdefault(" ".join(words[start:start + size]), None)
    return list(found)[:MINE_PHRASES]


def mine(profiles):
    """Suggested pairs from ``profiles`` (``(id, bio_vi, bio_en)``): a Vietnamese phrase
    of two to four syllables and an English phrase of one to three words, sharing no
    word, each the other's best partner by Dice coefficient. Returns ``[(vi, en, score, example ids)]``
    best first; ``score`` is the Dice coefficient (1.0: always together)."""
    read = [(expert_id, _phrases(bio_vi, (2, 3, 4)), _phrases(bio_en, (1, 2, 3)))
            for expert_id, bio_vi, bio_en in profiles]
    vi_seen, en_seen = defaultdict(list), defaultdict(list)
    for expert_id, vi_phrases, en_phrases in read:
        for phrase in vi_phrases:
            vi_seen[phrase].append(expert_id)
        for phrase in en_phrases:
            en_seen[phrase].append(expert_id)
    # Only phrases seen in MIN_TOGETHER profiles can pair: the count of pairs stays small.
    together = Counter()
    for _expert_id, vi_phrases, en_phrases in read:
        frequent_en = [en for en in en_phrases if len(en_seen[en]) >= MIN_TOGETHER]
        together.update((vi, en) for vi in vi_phrases if len(vi_seen[vi]) >= MIN_TOGETHER
                        for en in frequent_en)
    total = len(read)
    best_vi, best_en = {}, {}
    for (vi, en), count in together.items():
        if count < MIN_TOGETHER or vi in en_seen or _share_a_word(vi, en):
            continue
        vi_count, en_count = len(vi_seen[vi]), len(en_seen[en])
        dice = 2 * count / (vi_count + en_count)
        if dice < MIN_DICE or count * total < MIN_LIFT * vi_count * en_count:
            continue
        # Ties: longer phrases (the whole term, not a piece of it), then by text.
        rank = (dice, count, len(vi.split()) + len(en.split()))
        for best, side, other in ((best_vi, vi, en), (best_en, en, vi)):
            if side not in best or (rank, other) > (best[side][0], best[side][1]):
                best[side] = (rank, other)
    # Best first: by Dice, then by how many profiles hold the pair (more evidence).
    found = [(vi, en, rank) for vi, (rank, en) in best_vi.items()
             if best_en.get(en, (None, None))[1] == vi]
    found.sort(key=lambda item: (-item[2][0], -item[2][1], item[0], item[1]))
    result = []
    for vi, en, (dice, _count, _length) in found[:MAX_SUGGESTIONS]:
        score = round(dice, 3)
        examples = sorted(set(vi_seen[vi]) & set(en_seen[en]))[:EXAMPLES]
        result.append((vi, en, score, examples))
    return result


def _share_a_word(first, second):
    return bool(set(fold(first).split()) & set(fold(second).split()))


def translations(text, pairs):
    """The other side of every pair one side of which occurs in ``text`` (as whole
    words, compared folded): what need matching adds to a need's text."""
    words = f" {' '.join(fold(word) for word in _WORD.findall(text or ''))} "
    found = []
    for vi, en in pairs:
        for side, other in ((vi, en), (en, vi)):
            phrase = " ".join(fold(word) for word in _WORD.findall(side))
            if phrase and f" {phrase} " in words and other not in found:
                found.append(other)
    return found
