"""Which organisations are worth scoring against which, without scoring every pair.

``names.score`` reaches a value by one of two roads: a fixed value when acronyms and
initials meet (100, 90, 88, 85), or rapidfuzz's ratio / token-sort ratio of the expanded
names. The first road is a dictionary look-up. For the second:

- Duplicates (a high threshold, 92): two expanded names whose ratio reaches the
  threshold differ by few insertions and deletions, so they share most of their
  character pairs (bigrams, padded at both ends). The q-gram lemma says how many at
  least for a name of a given length; a name is filed under only its rarest bigrams,
  as many as can be missed plus one (prefix filtering), so two names that may reach the
  threshold always meet under one of them, and names that share only common bigrams
  ("dai hoc", "cong ty") never meet. The candidate pairs are then judged by
  ``duplicates.reason`` itself: the same pairs as comparing every pair, fewer compared.
- Reconciliation (a low floor, 60, where no bigram need be shared): every text against
  every name in rapidfuzz's own loop (``process.cdist``, in C, with the floor as cutoff),
  and ``names.scored`` in Python only for the organisations it keeps.

Both are exact: they leave out only pairs that cannot reach the threshold."""
from collections import Counter, defaultdict

import numpy
from rapidfuzz import fuzz, process

from expertnet.organisations.names import Record, Text, acronym_key, name_key, ranked, record_names, scored

# Rounding: ``score`` rounds the ratio, so a ratio half a point under a threshold counts.
_MARGIN = 1
# Texts per rapidfuzz call (the matrix of one call: CHUNK × names, float32).
CHUNK = 256


def _probes(text):
    """The keys under which ``text`` may meet an organisation's acronym or initials."""
    keys = {text.acronym, text.initials, *text.key.split()}
    return keys - {""}


class _Lookup:
    """Organisations by acronym and by the initials of their names (the fixed scores)."""

    def __init__(self, records):
        self.by_acronym = defaultdict(set)
        self.by_initials = defaultdict(set)
        for index, record in enumerate(records):
            if record.acronym:
                self.by_acronym[record.acronym].add(index)
            for _other, name_initials in record.names:
                if name_initials:
                    self.by_initials[name_initials].add(index)

    def find(self, text):
        found = set()
        for key in _probes(text):
            found |= self.by_acronym.get(key, set())
        if len(text.acronym) >= 3:
            found |= self.by_initials.get(text.acronym, set())
        return found


class Matcher:
    """The register prepared once for matching many texts (reconciliation)."""

    def __init__(self, organisations):
        self.organisations = list(organisations)
        self.records = [Record(organisation) for organisation in self.organisations]
        self.lookup = _Lookup(self.records)
        self.choices = [other for record in self.records for other, _initials in record.names]
        self.owners = numpy.array([index for index, record in enumerate(self.records)
                                   for _name in record.names], dtype=numpy.int64)

    def candidates(self, texts, floor):
        """For each :class:`Text`, the indexes of the organisations that may score ``floor``."""
        found = [self.lookup.find(text) if text.key else set() for text in texts]
        if floor - _MARGIN <= 0:
            return [set(range(len(self.records))) if text.key else set() for text in texts]
        positions = [position for position, text in enumerate(texts) if text.key]
        if not self.choices:
            return found
        for start in range(0, len(positions), CHUNK):
            chunk = positions[start:start + CHUNK]
            queries = [texts[position].key for position in chunk]
            for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
                matrix = process.cdist(queries, self.choices, scorer=scorer, processor=None,
                                       score_cutoff=floor - _MARGIN, workers=1)
                rows, columns = numpy.nonzero(matrix)
                for row, column in zip(rows.tolist(), self.owners[columns].tolist(), strict=True):
                    found[chunk[row]].add(column)
        return found

    def matches(self, texts, limit=3, floor=60):
        """``{text: [(organisation, score)]}`` as ``names.best_matches`` gives for each text."""
        prepared = [Text(text) for text in texts]
        found = {}
        for text, form, indexes in zip(texts, prepared, self.candidates(prepared, floor), strict=True):
            found[text] = ranked([(self.organisations[index], scored(form, self.records[index]))
                                  for index in indexes], limit, floor)
        return found


# -- duplicates -----------------------------------------------------------------------
def _bigrams(text):
    """The padded bigrams of ``text``, a repeated one numbered (a multiset as a set)."""
    padded = "\x02" + text + "\x03"
    seen = Counter()
    grams = []
    for position in range(len(padded) - 1):
        gram = padded[position:position + 2]
        grams.append((gram, seen[gram]))
        seen[gram] += 1
    return grams


def _within(indexes):
    """Every pair ``(i, j)``, i < j, of ``indexes``."""
    ordered = sorted(indexes)
    return {(first, second) for position, first in enumerate(ordered) for second in ordered[position + 1:]}


def _allowed(total, threshold):
    """The most insertions and deletions two texts of ``total`` characters together may
    differ by while their ratio still reaches ``threshold`` (ratio = 100·(1 − d/total))."""
    return (100 - threshold) * total // 100


def required(length, threshold):
    """The fewest padded bigrams a text of ``length`` characters shares with any text
    whose ratio to it reaches ``threshold``: (length + 1) − 2·d, d the largest distance
    any partner's length allows (each deleted character breaks two of its bigrams, each
    inserted one at most one)."""
    # A shorter partner allows fewer differences: the longest one it may have is the worst.
    worst, other = 0, length
    while other - length <= _allowed(length + other, threshold):
        worst = _allowed(length + other, threshold)
        other += 1
    return length + 1 - 2 * worst


def _fuzzy_pairs(entries, threshold, count):
    """Pairs of owners whose texts may reach ``threshold``: ``entries`` are
    ``(owner, form, text)``; only texts of the same form are compared."""
    grams = [[(form, gram) for gram in _bigrams(text)] for _owner, form, text in entries]
    frequency = Counter(gram for found in grams for gram in found)
    postings = defaultdict(set)
    everyone = set()
    for (owner, _form, text), found in zip(entries, grams, strict=True):
        need = required(len(text), threshold)
        if need <= 0:
            # Short enough to reach the threshold without a shared bigram: compared with all.
            everyone.add(owner)
            continue
        found.sort(key=lambda gram: (frequency[gram], gram))
        for gram in found[:len(found) - need + 1]:
            postings[gram].add(owner)
    pairs = set()
    for owners in postings.values():
        if len(owners) > 1:
            pairs |= _within(owners)
    for owner in everyone:
        pairs.update((min(owner, other), max(owner, other)) for other in range(count) if other != owner)
    return pairs


def _texts(organisation):
    """The texts of ``organisation`` that ``duplicates.reason`` scores: its names and acronym."""
    return [*record_names(organisation), *([organisation.acronym] if organisation.acronym else [])]


def candidate_pairs(organisations, threshold):
    """``{(i, j)}``, i < j indexes into ``organisations``: every pair that
    ``duplicates.reason`` may find (same names, same acronym, a fixed score or a ratio
    reaching ``threshold``), and few others."""
    records = [Record(organisation) for organisation in organisations]
    lookup = _Lookup(records)
    pairs = set()
    by_key = defaultdict(set)
    entries = []
    for index, organisation in enumerate(organisations):
        for name in record_names(organisation):
            key = name_key(name)
            if key:
                by_key[key].add(index)
        for text in _texts(organisation):
            form = Text(text)
            for other in lookup.find(form):
                if other != index:
                    pairs.add((min(index, other), max(index, other)))
            if form.key:
                entries.append((index, "ratio", form.key))
                entries.append((index, "sorted", " ".join(sorted(form.key.split()))))
        own = acronym_key(organisation.acronym or "")
        if own:
            by_key["\x00acronym " + own].add(index)
    for indexes in by_key.values():
        pairs |= _within(indexes)
    pairs |= _fuzzy_pairs(entries, threshold - _MARGIN, len(organisations))
    return pairs

