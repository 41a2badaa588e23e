"""The Vietnamese catalogue uses the glossary's words (../shared/GLOSSARY.md and the project's own
translations/glossary.tsv): a variant the glossary rules out fails here, e.g. "Nơi ở" (someone's home)
for the venue of an event."""
import csv
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parent.parent / "translations/vi/LC_MESSAGES/messages.po"
GLOSSARY = Path(__file__).resolve().parent.parent / "translations/glossary.tsv"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")

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


def _messages(catalogue=CATALOGUE):
    with open(catalogue, "rb") as handle:
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


def _glossary():
    """The rows of translations/glossary.tsv: English term, Vietnamese term, the Vietnamese variants
    ruled out (separated by ";"), a note."""
    with open(GLOSSARY, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(row["english"], row["vietnamese"],
             [word.strip() for word in row["forbidden"].split(";") if word.strip()], row["note"])
            for row in rows]


def _whole_words(word):
    # "học hàm" must not match inside a longer word, and neither may a variant match a placeholder's
    # name (%(email)s); Vietnamese words are separated by spaces, so \w boundaries are enough.
    return re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE)


def test_the_glossary_file_is_well_formed():
    rows = _glossary()
    assert len(rows) > 40
    english = [source.lower() for source, _target, _forbidden, _note in rows]
    assert len(english) == len(set(english))
    for source, target, forbidden, _note in rows:
        assert source.strip() == source and source
        assert target.strip() == target and target
        assert not any(_whole_words(word).search(target) for word in forbidden), source


def _forbidden_variants_in(catalogue):
    targets = [(source, PLACEHOLDER.sub("", target)) for _context, source, target in _messages(catalogue)]
    return [(word, source) for _english, _target, forbidden, _note in _glossary() for word in forbidden
            for source, target in targets if _whole_words(word).search(target)]


def test_no_variant_the_glossary_file_rules_out():
    """Every variant in the forbidden column is absent from the whole Vietnamese catalogue."""
    assert _forbidden_variants_in(CATALOGUE) == []


def test_a_glossary_term_alone_is_translated_with_the_glossary_word():
    """Where a glossary English term is a whole msgid ("Shortlist", "Venue", "Consent"), its Vietnamese is
    the glossary's term. A message with a context is left out: the context is there because the word
    differs (an import result's "Created" is "Đã tạo")."""
    terms = {source.lower(): target for source, target, _forbidden, _note in _glossary()}
    checked, wrong = [], []
    for context, source, target in _messages():
        term = terms.get(source.lower())
        if context or term is None:
            continue
        checked.append(source)
        if target.lower() != term.lower():
            wrong.append((source, target, term))
    assert wrong == []
    # The check reaches the main terms of the interface, not only a few.
    assert {"Shortlist", "Venue", "Consent", "Curator", "Official", "Delegation", "Agreement",
            "Contact requests", "Engagements", "Visibility", "Curators only", "Need"} <= set(checked)


# English words that carry two meanings in the interface: each use has a context and its own
# Vietnamese, never one word for both (an import row's "Outcome" beside its "Result" read
# "Kết quả" and "Kết quả thực hiện"; the profile's "Work" section read "Công việc", a job's work).
TWO_MEANINGS = {
    "Outcome": {"engagement": "Kết quả", "import row": "Kết quả đối chiếu"},
    "Result": {"import row": "Kết quả nhập"},
    "Work": {"profile section": "Nơi công tác", "background job": "Công việc"},
    "Open": {"need status": "Đang mở"},
    "Closed": {"need status": "Đã đóng"},
    "Review": {"engagement kind": "Phản biện"},
    "Accepted": {"event reply": "Đã nhận lời"},
    # A need has a title ("Tiêu đề"); an event, a delegation, an agreement, an engagement a name.
    "Title": {None: "Tiêu đề", "event": "Tên sự kiện", "delegation": "Tên đoàn công tác",
              "agreement": "Tên thỏa thuận", "engagement": "Tên hoạt động"},
}


@pytest.mark.parametrize("english", TWO_MEANINGS)
def test_a_word_with_two_meanings_is_translated_per_context(english):
    found = {context: target for context, source, target in _messages() if source == english}
    assert found == TWO_MEANINGS[english]


def test_a_forbidden_variant_put_back_is_found(tmp_path):
    """The check above is not empty: "Nơi ở" put back for the profile's Place is found."""
    text = CATALOGUE.read_text(encoding="utf-8")
    broken = text.replace('msgid "Place"\nmsgstr "Quê quán và nơi cư trú"', 'msgid "Place"\nmsgstr "Nơi ở"')
    assert broken != text
    catalogue = tmp_path / "messages.po"
    catalogue.write_text(broken, encoding="utf-8")
    assert _forbidden_variants_in(catalogue) == [("nơi ở", "Place")]
