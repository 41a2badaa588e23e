"""Which organisations are worth scoring against which, without scoring every pair.

``names.score`` reaches a value by one of two roads: a fixed value when acronyms and
initials meet (100, 90, 88, 85), or rapidfuzz's ratio / token-sort ratio of the expanded
names. The first road is a dictionary look-up. For the second:

- Duplicates (a high threshold, 92): names are filed by their keys and acronyms, and
  the ratio road is taken in rapidfuzz's own loop (``process.cdist``, in C, the
  threshold as cutoff) between names of lengths that can reach it only (two texts
  differ at least by their lengths' difference). Sharing a word is not enough to find
  them all: "vienkhoahoc" and "vien khoa hoc" score 92 without one, and so do long
  names with a typo in each word. The candidate pairs are then judged by
  ``duplicates.reason`` itself: the same pairs as comparing every pair, fewer judged.
- Reconciliation (a low floor, 60, that texts sharing no word reach easily): every text against
  every name in rapidfuzz's own loop (``process.cdist``, in C, with the floor as cutoff),
  each record's best name taken by numpy, and ``names.scored`` in Python only for the
  records whose acronym or initials the text meets.

Both are exact: they leave out only pairs that cannot reach the threshold."""
import functools
from collections import defaultdict

import numpy
from rapidfuzz import fuzz, process

from expertnet.organisations.names import Record, Text, acronym_key, name_key, ranked, record_names, scored

# Rounding: ``score`` rounds the ratio, so a ratio half a point under a threshold counts.
_MARGIN = 1
# Texts per rapidfuzz call (the matrices of one call: CHUNK × names, float64).
CHUNK = 128


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
        # The records with names, and where each one's names start among the choices.
        self.named = numpy.array([index for index, record in enumerate(self.records) if record.names],
                                 dtype=numpy.int64)
        sizes = [len(self.records[index].names) for index in self.named.tolist()]
        self.starts = numpy.cumsum([0, *sizes[:-1]], dtype=numpy.int64)
        self.ids = numpy.array([organisation.id or 0 for organisation in self.organisations],
                               dtype=numpy.int64)

    def _scores(self, texts, floor):
        """``names.scored`` of each :class:`Text` against every record, as a matrix.

        Without a meeting of acronyms or initials a score is the best rounded ratio or
        token-sort ratio over the record's names: rapidfuzz computes them all (the same
        values as its Python functions, none under the floor kept), numpy takes each
        record's best; the records the look-up names are scored by ``names.scored``."""
        scores = numpy.zeros((len(texts), len(self.records)), dtype=numpy.int64)
        keyed = [row for row, text in enumerate(texts) if text.key]
        if keyed and self.choices:
            queries = [texts[row].key for row in keyed]
            best = None
            for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
                matrix = process.cdist(queries, self.choices, scorer=scorer, processor=None,
                                       score_cutoff=floor - _MARGIN, dtype=numpy.float64, workers=1)
                best = matrix if best is None else numpy.maximum(best, matrix)
            per_record = numpy.maximum.reduceat(best, self.starts, axis=1)
            scores[numpy.ix_(keyed, self.named)] = numpy.rint(per_record).astype(numpy.int64)
        for row, text in enumerate(texts):
            if text.key:
                for index in self.lookup.find(text):
                    scores[row, index] = scored(text, self.records[index])
        return scores

    def matches(self, texts, limit=3, floor=60):
        """``{text: [(organisation, score)]}`` as ``names.best_matches`` gives for each text."""
        prepared = [Text(text) for text in texts]
        found = {}
        if floor - _MARGIN <= 0:
            # A floor every record reaches: nothing to leave out.
            for text, form in zip(texts, prepared, strict=True):
                found[text] = ranked([(organisation, scored(form, record)) for organisation, record
                                      in zip(self.organisations, self.records, strict=True)], limit, floor)
            return found
        for start in range(0, len(texts), CHUNK):
            scores = self._scores(prepared[start:start + CHUNK], floor)
            for row, text in enumerate(texts[start:start + CHUNK]):
                kept = numpy.nonzero(scores[row] >= floor)[0]
                order = kept[numpy.lexsort((self.ids[kept], -scores[row, kept]))][:limit]
                found[text] = [(self.organisations[index], int(scores[row, index]))
                               for index in order.tolist()]
        return found


# -- duplicates -----------------------------------------------------------------------
def _within(indexes):
    """Every pair ``(i, j)``, i < j, of ``indexes``."""
    ordered = sorted(indexes)
    return {(first, second) for position, first in enumerate(ordered) for second in ordered[position + 1:]}


def _allowed(total, threshold):
    """The most insertions and deletions two texts of ``total`` characters together may
    differ by while their ratio still reaches ``threshold`` (ratio = 100·(1 − d/total))."""
    return (100 - threshold) * total // 100


def partner_lengths(length, threshold):
    """``(shortest, longest)`` length of a text whose ratio to a text of ``length``
    characters may reach ``threshold`` (they differ by at least their lengths' difference)."""
    shortest = length
    while shortest > 0 and length - (shortest - 1) <= _allowed(length + shortest - 1, threshold):
        shortest -= 1
    longest = length
    while (longest + 1) - length <= _allowed(length + longest + 1, threshold):
        longest += 1
    return shortest, longest


def _fuzzy_pairs(entries, threshold):
    """Pairs of owners whose texts of the same form reach ``threshold`` by rapidfuzz's
    ratio: ``entries`` are ``(owner, form, text)``. Texts are sorted by length and each
    slice of them is compared, in rapidfuzz's loop, with the texts of the lengths it may
    reach only."""
    pairs = set()
    by_form = defaultdict(list)
    for owner, form, text in entries:
        by_form[form].append((len(text), text, owner))
    for rows in by_form.values():
        rows.sort()
        lengths = [length for length, _text, _owner in rows]
        texts = [text for _length, text, _owner in rows]
        owners = numpy.array([owner for _length, _text, owner in rows], dtype=numpy.int64)
        for start in range(0, len(rows), CHUNK):
            stop = min(start + CHUNK, len(rows))
            # Each pair once: a slice meets itself and the longer texts only.
            longest = partner_lengths(lengths[stop - 1], threshold)[1]
            end = stop
            while end < len(rows) and lengths[end] <= longest:
                end += 1
            matrix = process.cdist(texts[start:stop], texts[start:end], scorer=fuzz.ratio, processor=None,
                                   score_cutoff=threshold, workers=1)
            rows_found, columns = numpy.nonzero(matrix)
            for first, second in zip(owners[start + rows_found].tolist(), owners[start + columns].tolist(),
                                     strict=True):
                if first != second:
                    pairs.add((min(first, second), max(first, second)))
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
    pairs |= _fuzzy_pairs(entries, threshold - _MARGIN)
    return pairs



# The forms of a text depend on the text alone: an organisation's page folds the names of
# the whole register, which change seldom between two loads of a process.
_form = functools.lru_cache(maxsize=1 << 16)(Text)


def partners(organisation, others, threshold):
    """``{i}``, indexes into ``others``: every organisation that :func:`candidate_pairs`
    would pair with ``organisation`` were it in ``others`` (one record's page). The texts'
    forms are kept between calls (``_form``) and the ratio road is rapidfuzz's loop over
    them all."""
    own_names = [Text(name) for name in record_names(organisation)]
    own_texts = own_names + ([Text(organisation.acronym)] if organisation.acronym else [])
    own_keys = {name_key(name) for name in record_names(organisation)} - {""}
    own_acronym = acronym_key(organisation.acronym or "")
    own_lookup = _Lookup([Record(organisation)])
    found = set()
    by_acronym, by_initials = defaultdict(set), defaultdict(set)
    owners, keys, sorted_keys = [], [], []
    for index, other in enumerate(others):
        names = [_form(name) for name in record_names(other)]
        acronym = _form(other.acronym).acronym if other.acronym else ""
        if acronym:
            by_acronym[acronym].add(index)
            if acronym == own_acronym:
                found.add(index)
        for form in names:
            if form.key and form.initials:
                by_initials[form.initials].add(index)
            if form.key[:300] in own_keys:
                found.add(index)
        for form in names + ([_form(other.acronym)] if other.acronym else []):
            if own_lookup.find(form):
                found.add(index)
            if form.key:
                owners.append(index)
                keys.append(form.key)
                sorted_keys.append(" ".join(sorted(form.key.split())))
    for form in own_texts:
        for key in _probes(form):
            found |= by_acronym.get(key, set())
        if len(form.acronym) >= 3:
            found |= by_initials.get(form.acronym, set())
    own_keyed = [form.key for form in own_texts if form.key]
    if own_keyed and keys:
        owners = numpy.array(owners, dtype=numpy.int64)
        for queries, choices in ((own_keyed, keys),
                                 ([" ".join(sorted(key.split())) for key in own_keyed], sorted_keys)):
            matrix = process.cdist(queries, choices, scorer=fuzz.ratio, processor=None,
                                   score_cutoff=threshold - _MARGIN, workers=1)
            found |= set(owners[numpy.nonzero(matrix)[1]].tolist())
    return found
