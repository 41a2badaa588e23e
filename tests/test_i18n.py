"""Both catalogues complete; the locale follows choice, browser, then Vietnamese."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalogue(language):
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_message_is_translated_and_not_fuzzy(language):
    problems = []
    for message in catalogue(language):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set(PLACEHOLDER.findall(ids[0]))
        if any(set(PLACEHOLDER.findall(text)) != expected for text in strings if text):
            problems.append(f"placeholders differ: {message.id}")
    assert problems == []


def test_the_catalogue_holds_every_message_in_the_code():
    """Fails when a string was added to the code or templates but not extracted."""
    from babel.messages.extract import extract_from_dir
    keywords = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "_n": (1, 2),
                "lazy_gettext": None}
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    in_code = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "expertnet", method_map=method_map, keywords=keywords):
        in_code.add(message if isinstance(message, str) else message[0])
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue("vi") if m.id}
    assert sorted(in_code - known) == []


def test_language_comes_from_the_browser_then_defaults_to_vietnamese(client):
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).text
    assert '<html lang="vi">' in client.get("/", headers={"Accept-Language": "fr, de"}).text
    assert '<html lang="vi">' in client.get("/").text


def test_an_unknown_language_cookie_falls_back(client):
    client.set_cookie("lang", "xx")
    assert '<html lang="vi">' in client.get("/").text


def test_pages_are_translated(client):
    vietnamese = client.get("/search", headers={"Accept-Language": "vi"}).text
    english = client.get("/search", headers={"Accept-Language": "en"}).text
    assert "Tìm kiếm" in vietnamese and "Search" in english


TEMPLATES = sorted((ROOT / "expertnet" / "templates").rglob("*.html"))
JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
VISIBLE_ATTRIBUTES = re.compile(r'\b(?:title|alt|placeholder|aria-label|label|value)="([^"]*)"')


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_templates_have_no_visible_text_outside_gettext(template):
    source = template.read_text(encoding="utf-8")
    # JSON-LD and scripts hold data, not reading text.
    source = re.sub(r"<script.*?</script>", "", source, flags=re.DOTALL)
    attributes = [JINJA.sub("", value) for value in VISIBLE_ATTRIBUTES.findall(source)]
    text = re.sub(r"<[^>]+>", " ", JINJA.sub(" ", source))
    leftovers = [chunk for chunk in [*text.split(), *" ".join(attributes).split()]
                 if re.search(r"[^\W\d_]", chunk)]
    assert leftovers == []
