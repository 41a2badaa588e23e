"""Snippets built in one pass over a folded copy of the text are exactly the snippets
built word by word (bench.snippets.reference_snippet): the same fragments, the same
marks, over the benchmark's bios and queries and over texts made to be awkward."""
import random
import unicodedata

import pytest

from bench import snippets as reference
from expertnet.core.text import fold, nfc
from expertnet.search import highlighting

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")


def vietnamese_letters():
    letters = {nfc(vowel + tone) for vowel in VOWELS for tone in TONES} | {"đ"}
    letters |= set("bcdghklmnpqrstvx")
    return sorted(letters | {letter.upper() for letter in letters})


def test_vietnamese_folds_character_for_character():
    text = "".join(vietnamese_letters())
    copy = highlighting.folded_copy(text)
    assert copy is not None and len(copy) == len(text)
    assert all(copy[index] == fold(character) for index, character in enumerate(text))
    assert highlighting.folded_copy("Nguyễn Văn Đức, O'Brien, kinh tế biển.") == \
        "nguyen van duc, o'brien, kinh te bien."


@pytest.mark.parametrize("text", ["Straße", "ΟΔΟΣ", "İzmir", "q\u0301 \u0301a", "Æsir", "한국어"])
def test_texts_that_fold_otherwise_are_read_word_by_word(text):
    assert highlighting.folded_copy(nfc(text)) is None


def test_a_folded_copy_folds_every_word_as_the_analyzer_does():
    rng = random.Random(7)
    safe = [chr(code) for code in range(0x2400) if highlighting.folded_copy(chr(code)) is not None]
    for _ in range(300):
        text = "".join(rng.choice(safe) for _ in range(rng.randint(1, 40)))
        copy = highlighting.folded_copy(text)
        for match in highlighting.WORD.finditer(text):
            assert copy[match.start():match.end()] == fold(match.group(0).lower())
        assert [match.span() for match in highlighting.WORD.finditer(copy)] == \
            [match.span() for match in highlighting.WORD.finditer(text)]


def test_snippets_equal_the_reference_over_the_benchmark_corpus():
    texts, plans = reference.cases(bio_count=150, query_count=300, seed=2026)
    assert len(plans) >= 250
    assert all(highlighting.folded_copy(nfc(text)) is not None for text in texts)
    marked = 0
    for number, plan in enumerate(plans):
        for text in reference.page_of(texts, number):
            expected = reference.reference_snippet(text, *plan)
            assert highlighting.snippet(text, *plan) == expected, (text, plan)
            marked += bool(expected)
    assert marked > 400  # the comparison is not of empty snippets


# Words that fold otherwise (read word by word), put in a text now and then.
OTHERWISE = ("Straße", "ΟΔΟΣ", "İ", "\u0301", "æ", "ﬁ", "한")
AWKWARD = ("O'Brien", "o’brien", "l'", "'", "’", "''", "a''b", "jean-pierre", "v2.0", "x_y", "e\u0301",
           "Đ", "đ", "ĐỨC", "ø", "cảng", "Cảng", "CẢNG", "biển", "bien",
           "Biên", "phản", "biện", "Phan", "logistics", "Logistics", "<b>", "&", "\n", "  ", ", ", ". ",
           "42", "kinh", "tế", "te", "Tế", "của", "và", "the", "of")


def _awkward_text(rng):
    parts = []
    otherwise = rng.random() < 0.2
    for _ in range(rng.randint(0, 120)):
        parts.append(rng.choice(OTHERWISE if otherwise and rng.random() < 0.05 else AWKWARD))
        parts.append(rng.choice((" ", " ", " ", "", "-", "'", "’", ", ")))
    text = "".join(parts)
    return unicodedata.normalize("NFD", text) if rng.random() < 0.1 else text


def _awkward_plan(rng):
    tokens = [match.group(0).lower() for word in AWKWARD + OTHERWISE
              for match in highlighting.WORD.finditer(word)]

    def key():
        word = rng.choice(tokens)
        return word if rng.random() < 0.3 else fold(word)

    words = {key() for _ in range(rng.randint(0, 4))}
    phrases = {tuple(key() for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(0, 3))}
    marked = {rng.choice(tokens) for _ in range(rng.randint(0, 3))}
    # Keys that are no word of the tokenizer (a phrase written with a hyphen) find nothing.
    if rng.random() < 0.1:
        words.add("jean-pierre")
    return words, phrases, marked


def test_snippets_equal_the_reference_over_awkward_texts():
    rng = random.Random(2026)
    found = folded = 0
    for _ in range(2000):
        text, plan = _awkward_text(rng), _awkward_plan(rng)
        expected = reference.reference_snippet(text, *plan)
        assert highlighting.snippet(text, *plan) == expected, (text, plan)
        found += bool(expected)
        folded += bool(expected) and highlighting.folded_copy(nfc(text)) is not None
    assert found > 700 and folded > 500  # both ways of reading are compared
