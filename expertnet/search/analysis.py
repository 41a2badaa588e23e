"""Whoosh analyzers for Vietnamese and English text.

The schema pickles these analyzers into the index, so the classes must stay
importable at this path (``expertnet.search.analysis``); renaming one needs a
SCHEMA_VERSION bump (schema.py) so that the index is rebuilt.

- ``folded_analyzer``: NFC → words → lower case → diacritics removed with đ→d. No
  stop words and no minimum length (the English stop list eats ``may`` in ``học
  máy``) and no stemming (English stemmers mangle Vietnamese syllables).
- ``exact_analyzer``: NFC → words → lower case, diacritics kept. Names are indexed
  both ways and the exact field is boosted, so ``Đức`` ranks Đức above Dục.
"""
import re

from whoosh.analysis import Filter, LowercaseFilter, Tokenizer
from whoosh.analysis.acore import Token

from expertnet.core.text import fold, nfc

# Words are runs of letters/digits, allowing inner apostrophes, dots and hyphens
# (O'Brien, e.g. "v2.0", "Jean-Pierre" stays joined and also works split by the
# query side). Emails and phone numbers are indexed in their own field.
WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


class NfcTokenizer(Tokenizer):
    """A regex tokenizer that NFC-normalises first: NFD input would split words at
    every combining mark. Character offsets refer to the NFC text, which is what the
    application stores."""

    def __init__(self, expression=WORD):
        self.expression = expression

    def __eq__(self, other):
        return type(other) is type(self) and other.expression.pattern == self.expression.pattern

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        value = nfc(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for pos, match in enumerate(self.expression.finditer(value)):
            token.text = match.group(0)
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class FoldFilter(Filter):
    """Removes diacritics and folds đ→d (Unicode does not decompose đ)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


class BigramFilter(Filter):
    """Pairs of consecutive (folded) syllables joined by ``_``: ``công nghệ biển`` →
    ``cong_nghe``, ``nghe_bien``. Vietnamese words are mostly two syllables, so a
    bigram is close to a word: matching one is a strong sign of relevance, and it is
    far rarer than either syllable alone."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        previous = None
        for token in tokens:
            text = token.text
            if previous is not None:
                token.text = f"{previous}_{text}"
                yield token
            previous = text


def folded_analyzer():
    return NfcTokenizer() | LowercaseFilter() | FoldFilter()


def exact_analyzer():
    return NfcTokenizer() | LowercaseFilter()


def bigram_analyzer():
    return NfcTokenizer() | LowercaseFilter() | FoldFilter() | BigramFilter()


FOLDED = folded_analyzer()
EXACT = exact_analyzer()


def folded_terms(text):
    return [token.text for token in FOLDED(text)]


def bigrams(words):
    """Bigram terms of already folded ``words``, as the bigram analyzer indexes them."""
    return [f"{first}_{second}" for first, second in zip(words, words[1:], strict=False)]


def exact_terms(text):
    return [token.text for token in EXACT(text)]
