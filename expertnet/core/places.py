"""Countries (ISO 3166-1 alpha-2) and languages (ISO 639-1), named through Babel/CLDR
in the reader's language, and recognised on import by code or by name in English or
Vietnamese (with or without diacritics)."""
import functools

from babel import Locale

from expertnet.core import vocab
from expertnet.core.text import fold

# CLDR lists a few "territories" that are not countries of residence.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})
# Common ways of writing a country that CLDR does not list, with their diacritics:
# folded, "Mỹ" would be "my", which is Malaysia's code.
_COUNTRY_ALIASES = {
    "USA": "US", "U.S.A.": "US", "America": "US", "Mỹ": "US", "Hoa Kỳ": "US",
    "UK": "GB", "England": "GB", "Anh": "GB", "Anh Quốc": "GB", "Vương quốc Anh": "GB",
    "Britain": "GB", "South Korea": "KR", "Korea": "KR", "Hàn Quốc": "KR", "Hàn": "KR",
    "Đại Hàn": "KR",
    "Russia": "RU", "Nga": "RU", "Czech Republic": "CZ", "Séc": "CZ", "Cộng hòa Séc": "CZ",
    "Holland": "NL", "Hà Lan": "NL", "Taiwan": "TW", "Đài Loan": "TW", "Việt Nam": "VN",
    "Vietnam": "VN", "UAE": "AE", "Trung Quốc": "CN", "China": "CN", "Nhật": "JP",
    "Đức": "DE", "Pháp": "FR", "Úc": "AU", "Canada": "CA",
}


@functools.cache
def _locale(code):
    return Locale.parse(code)


@functools.cache
def country_codes():
    territories = _locale("en").territories
    return tuple(sorted(code for code in territories
                        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES))


def is_country(code):
    return code in _country_set()


@functools.cache
def _country_set():
    return frozenset(country_codes())


def country_name(code, language="vi"):
    if not code:
        return ""
    return _locale(language).territories.get(code, code)


def country_names_all(code):
    """Every name of ``code`` we know (both languages): indexed so either finds it."""
    return sorted({country_name(code, lang) for lang in ("vi", "en")} | {code})


@functools.cache
def _country_lookup():
    """(exact lower-case names with diacritics, folded names): exact first, so that
    "Mỹ" is the United States and not "my" (Malaysia)."""
    exact, folded = {}, {}
    for code in country_codes():
        for lang in ("en", "vi"):
            name = country_name(code, lang)
            exact[name.lower()] = code
            folded.setdefault(fold(name), code)
    for alias, code in _COUNTRY_ALIASES.items():
        exact.setdefault(alias.lower(), code)
        folded.setdefault(fold(alias), code)
    return exact, folded


@functools.cache
def country_matcher():
    """Codes, names in both languages and aliases of every country (``vocab.Matcher``:
    names in another word order, and the closest country to a misspelt one)."""
    spellings = [(code, code) for code in country_codes()]
    spellings += [(country_name(code, lang), code) for code in country_codes()
                  for lang in ("vi", "en")]
    spellings += list(_COUNTRY_ALIASES.items())
    return vocab.Matcher(spellings)


@functools.cache
def language_matcher():
    """Codes and names in both languages of every language (``vocab.Matcher``)."""
    spellings = [(code, code) for code in language_codes()]
    spellings += [(language_name(code, lang), code) for code in language_codes()
                  for lang in ("vi", "en")]
    return vocab.Matcher(spellings)


def country_aliases():
    """The common ways of writing a country that CLDR does not list: alias → code."""
    return dict(_COUNTRY_ALIASES)


def parse_country(value):
    """An alpha-2 code for a code or a name (``JP``, ``Japan``, ``Nhật Bản``, ``nhat ban``)."""
    text = " ".join(str(value).split())
    if len(text) == 2 and text.isalpha() and is_country(text.upper()):
        return text.upper()
    exact, folded = _country_lookup()
    return exact.get(text.lower()) or folded.get(fold(text))


@functools.cache
def language_codes():
    names = _locale("en").languages
    return tuple(sorted(code for code in names if len(code) == 2 and code.isalpha()))


@functools.cache
def _language_lookup():
    table = {}
    for code in language_codes():
        table[code] = code
        for lang in ("en", "vi"):
            table[fold(language_name(code, lang))] = code
    table.setdefault("tieng viet", "vi")
    return table


def language_name(code, language="vi"):
    return _locale(language).languages.get(code, code)


def parse_language(value):
    """An ISO 639-1 code for a code or a language name in English or Vietnamese."""
    key = fold(" ".join(str(value).split()))
    found = _language_lookup().get(key)
    if found is None and key.startswith("tieng "):
        found = _language_lookup().get(key[len("tieng "):])
    return found
