"""The Vietnamese catalogue uses the glossary's words (../shared/GLOSSARY.md): a variant
the glossary rules out fails here, e.g. "Nơi ở" (someone's home) for the venue of an event."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parent.parent / "translations/vi/LC_MESSAGES/messages.po"

# (what the English says, Vietnamese variants the glossary rules out for it)
RULES = [
    (r"\b(venue|where|location)\b", ["nơi ở"]),  # địa điểm
    (r"\bshortlist", ["danh sách rút gọn", "danh sách ngắn"]),  # danh sách đề xuất
    (r"\bcontact request", ["yêu cầu liên hệ", "yêu cầu liên lạc"]),  # yêu cầu kết nối
    (r"\bdelegation", ["phái đoàn"]),  # đoàn công tác
    (r"\bduplicate", ["bản sao"]),  # bản trùng
    # Two profiles are "hợp nhất"; a spreadsheet's merged cells are "ô gộp", as Excel says.
    (r"\bmerg(e|es|ing)\b(?!.*\bcells?\b)", ["gộp"]),
]


def _messages():
    with open(CATALOGUE, "rb") as handle:
        catalog = read_po(handle, locale="vi")
    for message in catalog:
        if not message.id:
            continue
        english = " ".join(message.id) if isinstance(message.id, tuple) else message.id
        vietnamese = " ".join(message.string) if isinstance(message.string, tuple) \
            else message.string
        yield message.context, english, vietnamese


@pytest.mark.parametrize("english, forbidden", RULES)
def test_no_variant_the_glossary_rules_out(english, forbidden):
    found = [(source, target) for _context, source, target in _messages()
             if re.search(english, source, re.IGNORECASE)
             and any(word in target.lower() for word in forbidden)]
    assert found == []


def test_ngay_tao_names_a_date_column_never_an_action():
    """"Created" as a column of dates ("Profile created on") is "Ngày tạo"; an action reported ("a profile was
    created") is "Đã tạo" (GLOSSARY: a verb where an action is reported)."""
    names_a_date = re.compile(r"^Created$|created on|creation date", re.IGNORECASE)
    found = [(context, source, target) for context, source, target in _messages()
             if "ngày tạo" in target.lower() and (context or not names_a_date.search(source))]
    assert found == []
    import_result = [target for context, source, target in _messages()
                     if context == "import result" and source == "Created"]
    assert import_result == ["Đã tạo"]
