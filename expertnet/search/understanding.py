"""Query understanding: the directory's own vocabularies read in a query.

Officials type what they want in words: ``phản biện cảng xanh`` (reviewers for green
ports), ``logistics ở Nhật``, ``kiều bào trí tuệ nhân tạo``, ``TTNT``. The application
passes its vocabularies in as plain data (:class:`Vocabulary`: this package knows no
models): role words → ``available_for``, place words → ``country``, kind words →
``kind``, field names, synonyms and abbreviations → ``fields``. :func:`understand`
finds them in the typed words, longest phrase first; each becomes a filter (a
:class:`Meaning`) and its words leave the text (a field's words stay, optional, to rank
by). A phrase typed with diacritics is compared with its diacritics (``phản biện`` is
not ``phan biện``), one typed without them folded.

A phrase of one syllable is ambiguous with names (Đức is Germany and a given name, Anh
is England and a name): a place of one syllable needs its place word (``ở Đức``,
``bên Anh``), and any one-syllable phrase that is also a word of the names in the
index is not understood on its own.

The vocabulary's phrases are also the units of matching: adjacent syllables forming
a known word (``trí tuệ nhân tạo``) count as one word when a query needs most of its
words, and are marked as one word in snippets (:func:`units`). Besides the phrases
that mean something, the application gives phrases that are only words: the keywords
of the directory's profiles (``giảm phát thải``, ``cảng xanh``). No general Vietnamese
word list is read: the maintained one on PyPI (underthesea's Viet74K, Apache-2.0) comes
with a 25 MB toolkit that pulls huggingface-hub and a native core, pyvi's (MIT) with
scikit-learn and has not been released since 2021; and the directory's own words are
the ones its officials type.
"""
from dataclasses import dataclass, field

from .analysis import exact_terms, folded_terms

# Longest phrase looked for, in syllables.
MAX_PHRASE = 8
# The index fields a meaning filters, in the order chips show them.
MEANING_FIELDS = ("available_for", "fields", "country", "kind")


@dataclass(frozen=True)
class Meaning:
    """One understood phrase: filter ``name`` (an index field) on ``value``; the typed
    words ``start:end`` said it."""
    name: str
    value: str
    start: int
    end: int
    text: str = ""

    @property
    def key(self):
        return f"{self.name}:{self.value}"


@dataclass(frozen=True)
class Vocabulary:
    """Phrases → meanings, built once by the application (:meth:`build`)."""
    exact: dict = field(default_factory=dict)    # lower-case words with diacritics → meaning
    folded: dict = field(default_factory=dict)   # folded words → meaning
    place_words: frozenset = frozenset()         # folded words that introduce a place
    phrases: frozenset = frozenset()             # folded phrases of several words (units)
    # Folded phrase → the other language's terms of the bilingual term list, each as
    # ``(this side's exact words, (other side's exact words, folded words))``: a query
    # saying one side also matches the other.
    translations: dict = field(default_factory=dict)

    @classmethod
    def build(cls, meanings, place_words=(), pairs=(), words=()):
        """``meanings``: ``(index field, value, phrases)`` triples, phrases in either
        language, with their diacritics; ``pairs``: ``(vi, en)`` terms of the term list;
        ``words``: phrases that are words and nothing more (units only)."""
        exact, folded, phrases = {}, {}, set()
        for text in words:
            folded_words = tuple(folded_terms(text))
            if 1 < len(folded_words) <= MAX_PHRASE:
                phrases.add(folded_words)
        for name, value, texts in meanings:
            for text in texts:
                exact_words = tuple(exact_terms(text))
                folded_words = tuple(folded_terms(text))
                if not folded_words or len(folded_words) > MAX_PHRASE:
                    continue
                # The first meaning of a phrase wins (the vocabularies say which first).
                exact.setdefault(exact_words, (name, value))
                folded.setdefault(folded_words, (name, value))
                if len(folded_words) > 1:
                    phrases.add(folded_words)
        translations = {}
        for vi, en in pairs:
            for side, other in ((vi, en), (en, vi)):
                words = tuple(folded_terms(side))
                target = (tuple(exact_terms(side)),
                          (tuple(exact_terms(other)), tuple(folded_terms(other))))
                if not words or not target[1][1] or len(words) > MAX_PHRASE:
                    continue
                found = translations.setdefault(words, [])
                if target not in found:
                    found.append(target)
                if len(words) > 1:
                    phrases.add(words)
        places = frozenset(tuple(folded_terms(word)) for word in place_words)
        return cls(exact, folded, frozenset(word for (word,) in places), frozenset(phrases),
                   {words: tuple(found) for words, found in translations.items()})


def _meaning_at(vocabulary, exact, folded, start):
    """(meaning, end) of the longest phrase starting at ``start``, or None."""
    for end in range(min(len(folded), start + MAX_PHRASE), start, -1):
        typed_marked = tuple(exact[start:end]) != tuple(folded[start:end])
        found = (vocabulary.exact.get(tuple(exact[start:end])) if typed_marked
                 else vocabulary.folded.get(tuple(folded[start:end])))
        if found is not None:
            return found, end
    return None


def understand(vocabulary, exact, folded, lexicon, ignore=(), only=None):
    """The meanings found in the typed words (``exact`` and ``folded``, as the plan cut
    them), in order; ``ignore``: keys of meanings not to apply (a chip removed);
    ``only``, unless None: the keys of the only meanings that may apply (a saved search
    replays what was understood when it was saved, whatever the vocabularies read since)."""
    found = []
    position = 0
    while position < len(folded):
        hit = None
        # A place word (ở, tại, bên, in) goes with the place it introduces.
        if folded[position] in vocabulary.place_words and position + 1 < len(folded):
            hit = _meaning_at(vocabulary, exact, folded, position + 1)
            if hit is not None and hit[0][0] != "country":
                hit = None
        if hit is None:
            hit = _meaning_at(vocabulary, exact, folded, position)
            # One syllable alone: Đức, Anh, Nga are also names.
            if hit is not None and hit[1] - position == 1 and (
                    hit[0][0] == "country" or lexicon.has("name", folded[position])):
                hit = None
        if hit is None:
            position += 1
            continue
        (name, value), end = hit
        meaning = Meaning(name, value, position, end, " ".join(exact[position:end]))
        if meaning.key not in ignore and (only is None or meaning.key in only):
            found.append(meaning)
        position = end
    return found


def translated(vocabulary, exact, folded):
    """``(start, end, terms)`` for each longest phrase of the typed words that one side
    of the term list says (``terms``: the other side's ``(exact words, folded words)``).
    A phrase typed with diacritics is compared with them, like the vocabularies'."""
    found = []
    position = 0
    while vocabulary is not None and vocabulary.translations and position < len(folded):
        end = position + 1
        for stop in range(min(len(folded), position + MAX_PHRASE), position, -1):
            typed = tuple(exact[position:stop])
            marked = typed != tuple(folded[position:stop])
            terms = tuple(other for side, other in
                          vocabulary.translations.get(tuple(folded[position:stop]), ())
                          if not marked or side == typed)
            if terms:
                found.append((position, stop, terms))
                end = stop
                break
        position = end
    return found


def units(vocabulary, folded):
    """Groups of positions of ``folded`` that form one word of the vocabulary (longest
    first); every other position is a unit of its own."""
    found = []
    position = 0
    while position < len(folded):
        end = position + 1
        if vocabulary is not None:
            for stop in range(min(len(folded), position + MAX_PHRASE), position + 1, -1):
                if tuple(folded[position:stop]) in vocabulary.phrases:
                    end = stop
                    break
        found.append(list(range(position, end)))
        position = end
    return found
