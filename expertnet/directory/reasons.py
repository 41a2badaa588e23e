"""Where the words of a search or a need stand in a profile: the reasons the site gives
for an expert, each saying where it matched (the names of the expert's fields, the
keywords, the position, the organisation, the biography), never a lone syllable.

A phrase typed with diacritics is looked for with them (a tone mark makes another
word), one typed without them whatever the accents. A phrase is found as whole words
standing together: ``cảng xanh`` is not found in "cảng biển xanh".
"""
import re

from expertnet.core.text import fold, nfc

# Where a phrase may stand, in the order reasons name them.
PLACES = ("fields", "keywords", "position", "organization", "bio")
_WORDS = re.compile(r"\w+", re.UNICODE)


def _spaced(text, exact):
    text = nfc(text or "").lower()
    return f" {' '.join(_WORDS.findall(text if exact else fold(text)))} "


def texts_of(expert, taxonomy):
    """``{place: [text, ...]}`` of ``expert`` (loaded with ``codes``)."""
    return {
        "fields": [word for code in expert.codes if code in taxonomy.fields
                   for word in taxonomy.words(code)],
        "keywords": list(expert.keywords or ()),
        "position": [expert.position or ""],
        "organization": [expert.organization or ""],
        "bio": [expert.bio_vi or "", expert.bio_en or ""],
    }


def where_found(phrases, expert, taxonomy):
    """``{place: [phrase, ...]}`` in the order of :data:`PLACES`: where each of
    ``phrases`` stands in ``expert``'s profile. A phrase held nowhere as written (its
    words apart, another tone, only through a translation) is left out."""
    texts = texts_of(expert, taxonomy)
    spaced = {exact: {place: [_spaced(text, exact) for text in values if text]
                      for place, values in texts.items()}
              for exact in (False, True)}
    found = {}
    for phrase in phrases:
        exact = nfc(phrase) != fold(phrase)
        wanted = _spaced(phrase, exact)
        if not wanted.strip():
            continue
        for place in PLACES:
            if any(wanted in text for text in spaced[exact][place]):
                found.setdefault(place, []).append(phrase)
    return {place: found[place] for place in PLACES if place in found}
