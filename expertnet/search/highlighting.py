"""Snippets: the parts of a text where the words of a search stand, marked.

A word of several syllables is one word: ``phản biện`` is marked as
``<mark>phản biện</mark>`` where its syllables stand together, and its syllables are
not marked where they stand apart (``phản`` in ``phản ứng`` is another word); a part
of two syllables or more of a phrase is marked where the whole is not. A word
typed with diacritics marks only itself (``phản``, not ``Phan``); one typed without
marks every form. The words come from the plan (:class:`query.Plan`'s ``highlight``,
``phrases`` and ``marked``), so a weak match (another tone, a typo) is never marked as
the word typed, nor is a function word.

Fragments as Whoosh's context fragmenter cut them: from a little before a match to a
little after the last match within :data:`MAX_CHARS`, the :data:`TOP` fragments
holding the most different words, in the order of the text.
"""
import bisect
import functools
import html
import itertools
import re
import unicodedata

from expertnet.core.text import fold, nfc

from .analysis import WORD

MAX_CHARS = 240
SURROUND = 60
TOP = 2
BETWEEN = " … "


def keys(text, marked):
    """``(start, end, key)`` of each word of ``text`` (NFC): the key is the word in lower
    case when it is one of ``marked``, else folded, as the plan writes its words."""
    found = []
    for match in WORD.finditer(text):
        word = match.group(0).lower()
        found.append((match.start(), match.end(), word if word in marked else fold(word)))
    return found


def runs(phrases):
    """The phrases and their runs of two words or more (``kinh tế`` of ``kinh tế biện``,
    a phrase the text holds only in part, its last word typed with another tone)."""
    found = set()
    for phrase in phrases:
        found.update(phrase[start:end] for start in range(len(phrase))
                     for end in range(start + 2, len(phrase) + 1))
    return found


def matches(tokens, words, phrases):
    """``(start, end, key)`` spans of ``tokens`` to mark: each phrase (or run of two
    words or more of one) where its words stand together, longest first, and each word
    of ``words`` elsewhere."""
    by_first = {}
    for phrase in sorted(runs(phrases), key=len, reverse=True):
        by_first.setdefault(phrase[0], []).append(phrase)
    found = []
    position = 0
    while position < len(tokens):
        key = tokens[position][2]
        step = 1
        for phrase in by_first.get(key, ()):
            size = len(phrase)
            if tuple(token[2] for token in tokens[position:position + size]) == phrase:
                found.append((tokens[position][0], tokens[position + size - 1][1], phrase))
                step = size
                break
        else:
            if key in words:
                found.append((tokens[position][0], tokens[position][1], key))
        position += step
    return found


def _fragments(spans, first_start, last_end):
    """``(start, end, spans)`` fragments, each from a word boundary before its first
    span to one after its last, at most MAX_CHARS long (a longer span stands alone).
    ``first_start(position)`` is the start of the first word at or after ``position``
    (None if none), ``last_end(position, limit)`` the end of the last word ending after
    the word end ``position`` and at most at ``limit`` (None if none)."""
    fragments = []
    index = 0
    while index < len(spans):
        first = spans[index]
        start = first_start(max(0, first[0] - SURROUND))
        start = first[0] if start is None else min(start, first[0])
        last = index
        while last + 1 < len(spans) and spans[last + 1][1] - start <= MAX_CHARS:
            last += 1
        limit = max(spans[last][1], min(spans[last][1] + SURROUND, start + MAX_CHARS))
        end = last_end(spans[last][1], limit)
        end = spans[last][1] if end is None else max(end, spans[last][1])
        fragments.append((start, end, spans[index:last + 1]))
        index = last + 1
    return fragments


def _listed_bounds(tokens):
    """The word boundaries of :func:`_fragments` read from every word of the text."""
    starts = [token[0] for token in tokens]
    ends = [token[1] for token in tokens]

    def first_start(position):
        index = bisect.bisect_left(starts, position)
        return starts[index] if index < len(starts) else None

    def last_end(_position, limit):
        index = bisect.bisect_right(ends, limit)
        return ends[index - 1] if index else None

    return first_start, last_end


def _scanned_bounds(text):
    """The same boundaries found by scanning only near the matches."""
    def first_start(position):
        found = _WORD_START.search(text, position)
        return found.start() if found else None

    def last_end(position, limit):
        # From the end of a word the tokenizer's words follow as they do from the start.
        end = None
        for match in WORD.finditer(text, position):
            if match.end() > limit:
                break
            end = match.end()
        return end

    return first_start, last_end


# Where a word of the tokenizer (analysis.WORD) starts and ends: not inside a run of
# word characters, nor after (before) an apostrophe that joins two runs (O'Brien).
_BEFORE_WORD = r"(?<!\w)(?<!\w['’])"
_AFTER_WORD = r"(?!\w)(?!['’]\w)"
_WORD_START = re.compile(_BEFORE_WORD + r"\w")


def _safe_characters():
    """Characters that fold to exactly one character, alone as in any word, keeping
    what the tokenizer sees in them (a word character, an apostrophe, or neither):
    ASCII, the Latin letters of Vietnamese and the other Latin scripts, punctuation.
    Greek is left out (its final sigma lowers by context), and so is every letter that
    folds to two (ß, æ, œ) or to none (a combining mark standing alone)."""
    raw_fold = fold.__wrapped__
    word = re.compile(r"\w")
    table = {}
    for low, high in ((0x0000, 0x02FF), (0x1E00, 0x1EFF), (0x2000, 0x22FF)):
        for code in range(low, high + 1):
            character = chr(code)
            folded = raw_fold(character)
            if (unicodedata.combining(character) or len(folded) != 1
                    or len(character.lower()) != 1 or unicodedata.combining(folded)
                    or raw_fold(character.lower()) != folded or raw_fold(folded) != folded
                    or bool(word.match(character)) != bool(word.match(folded))
                    or bool(word.match(character)) != bool(word.match(character.lower()))
                    or (character in "'’") != (folded in "'’")):
                continue
            table[code] = folded
    return table


_FOLDS = _safe_characters()
_UNSAFE = re.compile("[^" + "".join(re.escape(chr(code)) for code in sorted(_FOLDS)) + "]")


def folded_copy(text):
    """``text`` lower-cased and folded character for character (a word of it at
    ``[start:end]`` folds to ``copy[start:end]``), or None when a character of it
    folds otherwise."""
    if _UNSAFE.search(text):
        return None
    return text.translate(_FOLDS)


@functools.lru_cache(maxsize=256)
def _prepared(words, phrases):
    """The phrases (and their runs) by first word, longest first, and a pattern finding
    in a folded copy the words whose folded form may start a match (only forms that are
    one word of the tokenizer can be found): once per search, not per text."""
    by_first = {}
    for phrase in sorted(runs(phrases), key=len, reverse=True):
        by_first.setdefault(phrase[0], []).append(phrase)
    forms = sorted({fold(key) for key in itertools.chain(words, by_first)
                    if WORD.fullmatch(fold(key))}, key=lambda form: (-len(form), form))
    if not forms:
        return by_first, None
    # The start of a word is checked on what is found (a look-behind at every position
    # of the text cost more than the rest of the pattern); a form is one word, so what
    # is found lies inside one word and ends where it ends.
    return by_first, re.compile("(?:" + "|".join(re.escape(form) for form in forms) + ")" + _AFTER_WORD)


def _scan(text, folded, words, phrases, marked):
    """What :func:`matches` finds over every word of ``text``, found in one pass of a
    pattern over its folded copy: only the words that may start a match are read."""
    by_first, finder = _prepared(words, phrases)
    if finder is None:
        return []

    def key_of(start, end):
        word = text[start:end].lower()
        return word if word in marked else fold(word)

    found = []
    consumed = 0
    for candidate in finder.finditer(folded):
        start, end = candidate.span()
        if start < consumed or not _WORD_START.match(folded, start):
            continue
        key = key_of(start, end)
        for phrase in by_first.get(key, ()):
            following = list(itertools.islice(WORD.finditer(text, end), len(phrase) - 1))
            if len(following) == len(phrase) - 1 and \
                    tuple(key_of(*match.span()) for match in following) == phrase[1:]:
                last = following[-1].end() if following else end
                found.append((start, last, phrase))
                consumed = last
                break
        else:
            if key in words:
                found.append((start, end, key))
    return found


def snippet(text, words, phrases=(), marked=(), top=TOP):
    """HTML of the best fragments of ``text`` with its matches in ``<mark>`` (escaped,
    safe to render as markup), or "" when nothing of it matches.

    One pass of a pattern over a folded copy of the text finds the words that may
    match; a text that does not fold character for character is read word by word."""
    text = nfc(text or "")
    words, phrases, marked = frozenset(words), frozenset(phrases), frozenset(marked)
    folded = folded_copy(text)
    if folded is None:
        tokens = keys(text, marked)
        spans = matches(tokens, words, phrases)
        bounds = _listed_bounds(tokens) if spans else None
    else:
        spans = _scan(text, folded, words, phrases, marked)
        bounds = _scanned_bounds(text)
    if not spans:
        return ""
    fragments = _fragments(spans, *bounds)
    best = sorted(range(len(fragments)),
                  key=lambda number: (-len({span[2] for span in fragments[number][2]}),
                                      -len(fragments[number][2]), number))[:top]
    return BETWEEN.join(_format(text, *fragments[number]) for number in sorted(best))


def _format(text, start, end, spans):
    parts, position = [], start
    for span_start, span_end, _key in spans:
        parts.append(html.escape(text[position:span_start], quote=False))
        parts.append(f"<mark>{html.escape(text[span_start:span_end], quote=False)}</mark>")
        position = span_end
    parts.append(html.escape(text[position:end], quote=False))
    return "".join(parts)
