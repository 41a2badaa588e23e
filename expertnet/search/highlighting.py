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
import html

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


def _fragments(tokens, spans):
    """``(start, end, spans)`` fragments, each from a word boundary before its first
    span to one after its last, at most MAX_CHARS long (a longer span stands alone)."""
    starts = [token[0] for token in tokens]
    ends = [token[1] for token in tokens]
    fragments = []
    index = 0
    while index < len(spans):
        first = spans[index]
        start = next((value for value in starts if value >= first[0] - SURROUND), first[0])
        start = min(start, first[0])
        last = index
        while last + 1 < len(spans) and spans[last + 1][1] - start <= MAX_CHARS:
            last += 1
        limit = max(spans[last][1], min(spans[last][1] + SURROUND, start + MAX_CHARS))
        end = max([value for value in ends if value <= limit] + [spans[last][1]])
        fragments.append((start, end, spans[index:last + 1]))
        index = last + 1
    return fragments


def snippet(text, words, phrases=(), marked=(), top=TOP):
    """HTML of the best fragments of ``text`` with its matches in ``<mark>`` (escaped,
    safe to render as markup), or "" when nothing of it matches."""
    text = nfc(text or "")
    tokens = keys(text, frozenset(marked))
    spans = matches(tokens, frozenset(words), frozenset(phrases))
    if not spans:
        return ""
    fragments = _fragments(tokens, spans)
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
