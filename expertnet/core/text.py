"""Plain text helpers shared by the importer, the search analyzers and the pages.

Vietnamese needs two things Unicode does not give for free: text arrives in NFC *or*
NFD (spreadsheets saved on a Mac are decomposed), and ``đ``/``Đ`` is a letter of its
own that NFD does not split into ``d`` plus a mark, so it must be folded by hand.
"""
import functools
import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACES = re.compile(r"\s+")
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "Ø": "o", "ł": "l",
                              "Ł": "l", "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe"})


def nfc(value):
    """NFC-normalise; ``None`` becomes the empty string."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value))


def clean(value):
    """NFC, without control characters, with runs of blanks collapsed and ends trimmed."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", nfc(value))).strip()


def clean_multiline(value):
    """Like :func:`clean` but keeps line breaks (for bios)."""
    text = _CONTROL.sub(" ", nfc(value).replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@functools.lru_cache(maxsize=200_000)
def fold(value):
    """Lower case without diacritics, with đ→d: ``Nguyễn Văn Đức`` → ``nguyen van duc``.

    Cached because the same Vietnamese syllables recur endlessly in a corpus.
    """
    decomposed = unicodedata.normalize("NFD", value.translate(_EXTRA_FOLDS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def initials(name, count=2):
    """Initials for an avatar: the family and the given name (``Nguyễn Văn Đức`` → ``NĐ``)."""
    words = [w for w in clean(name).split(" ") if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1 or count == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()


def sort_key(name):
    """Order names by the given name first, as Vietnamese directories do.

    The last word is the given name in Vietnamese order and the family name in
    Western order, so one rule serves both; the full folded name breaks ties, and the
    unfolded name keeps ``Dục`` and ``Đức`` in a stable order.
    """
    cleaned = clean(name)
    words = cleaned.split(" ")
    return f"{fold(words[-1])} {fold(cleaned)} {cleaned.lower()}"


# Pages show numbers as "#12": a number copied from a page keeps its "#".
_ID = re.compile(r"#?([0-9]{1,18})")
# Far beyond any list's last page, and its OFFSET far inside the databases' integers.
LAST_PAGE = 100_000


def parse_id(raw):
    """A database id (or version) typed or posted, or None: ASCII digits only, at most 18
    of them, after an optional "#". The one parser of ids from forms and query strings:
    ``str.isdigit`` is not enough (it accepts "²", which ``int`` then refuses), ``int``
    is not either (it accepts "１２", "+7" and "7_0"), and a number too large for the
    databases' 64-bit integers makes the driver raise."""
    match = _ID.fullmatch(str(raw or "").strip())
    return int(match.group(1)) if match else None


def parse_page(raw):
    """A page number from a query string: 1 unless it is a number, at most LAST_PAGE (a
    page of 10⁴⁰ made an OFFSET the databases refuse)."""
    return min(max(1, parse_id(raw) or 1), LAST_PAGE)
