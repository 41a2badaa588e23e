"""The analyzers and text helpers, on their own (no app)."""
import unicodedata

import pytest

from expertnet.core.text import clean, fold, sort_key
from expertnet.search.analysis import exact_terms, folded_terms


@pytest.mark.parametrize("text", ["Nguyễn Văn Đức", "nguyen van duc", "NGUYEN VAN DUC",
                                  "NGUYỄN VĂN ĐỨC", "nguyễn văn đức"])
def test_vietnamese_names_fold_to_the_same_terms(text):
    assert folded_terms(text) == ["nguyen", "van", "duc"]


def test_decomposed_input_is_normalised_before_splitting_words():
    decomposed = unicodedata.normalize("NFD", "Trần Thị Hường")
    assert folded_terms(decomposed) == ["tran", "thi", "huong"]
    assert exact_terms(decomposed) == ["trần", "thị", "hường"]


def test_d_with_stroke_folds_to_d():
    assert fold("Đặng Đình Đạt") == "dang dinh dat"
    assert fold("đ") == "d"


def test_exact_terms_keep_tone_marks():
    assert exact_terms("Đức Dục Đúc") == ["đức", "dục", "đúc"]


def test_no_stop_words_and_single_letters_are_kept():
    # The English stop list would drop "may" from "học máy" (machine learning).
    assert folded_terms("học máy và AI a") == ["hoc", "may", "va", "ai", "a"]


def test_character_offsets_point_into_the_original_text():
    from expertnet.search.analysis import FOLDED
    text = "Chuyên gia Đức"
    tokens = [(t.text, t.startchar, t.endchar) for t in FOLDED(text, chars=True)]
    assert tokens[-1] == ("duc", 11, 14)
    assert text[11:14] == "Đức"


def test_clean_removes_control_characters_and_collapses_blanks():
    assert clean("  Lê\x00 Thị\t\u200b  Hoa \r\n") == "Lê Thị Hoa"


def test_sort_key_orders_by_given_name_first():
    names = ["Nguyễn Văn Đức", "Trần Thị An", "Lê Bình", "John Smith"]
    assert sorted(names, key=sort_key) == ["Trần Thị An", "Lê Bình", "Nguyễn Văn Đức", "John Smith"]
