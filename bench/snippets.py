"""Snippets: the one-pass builder (``expertnet.search.highlighting.snippet``) against the
word-by-word one it replaced (:func:`reference_snippet`, kept here as the reference that
``tests/test_snippets.py`` compares with).

    PYTHONPATH=<checkout> .venv/bin/python -m bench.snippets [--bios 2000] [--queries 300]
                                                            [--seed 2026] [--rounds 3]

Bios of :mod:`bench.corpus` (both languages) and a few hundred queries planned as the
search plans them (:func:`cases`): field names, keywords and words of the bios, with
and without diacritics, words of several syllables, function words, another tone.
Each query takes 20 bios in turn (a page of hits); per page the wall-clock and CPU
time of 20 snippets by both builders, interleaved page by page, after a warm-up
round. Checks that both give the same HTML for every page timed. Writes
``bench/results/snippets.json``.
"""
import argparse
import html
import json
import platform
import random
import statistics
import time
from pathlib import Path

from expertnet.core.text import fold, nfc
from expertnet.search import highlighting
from expertnet.search import query as search_query
from expertnet.search.understanding import Vocabulary

RESULTS = Path(__file__).resolve().parent / "results"
PAGE = 20


# -- the reference: snippets as built before the one-pass builder, word by word ----------
def _reference_fragments(tokens, spans):
    starts = [token[0] for token in tokens]
    ends = [token[1] for token in tokens]
    fragments = []
    index = 0
    while index < len(spans):
        first = spans[index]
        start = next((value for value in starts if value >= first[0] - highlighting.SURROUND), first[0])
        start = min(start, first[0])
        last = index
        while last + 1 < len(spans) and spans[last + 1][1] - start <= highlighting.MAX_CHARS:
            last += 1
        limit = max(spans[last][1], min(spans[last][1] + highlighting.SURROUND,
                                        start + highlighting.MAX_CHARS))
        end = max([value for value in ends if value <= limit] + [spans[last][1]])
        fragments.append((start, end, spans[index:last + 1]))
        index = last + 1
    return fragments


def _reference_keys(text, marked):
    found = []
    for match in highlighting.WORD.finditer(text):
        word = match.group(0).lower()
        found.append((match.start(), match.end(), word if word in marked else fold(word)))
    return found


def _reference_matches(tokens, words, phrases):
    by_first = {}
    for phrase in sorted(highlighting.runs(phrases), key=len, reverse=True):
        by_first.setdefault(phrase[0], []).append(phrase)
    found = []
    position = 0
    while position < len(tokens):
        key = tokens[position][2]
        step = 1
        for phrase in by_first.get(key, ()):
            size = len(phrase)
            if tuple(token[2] for token in tokens[position:position + size]) == phrase:
                found.append((tokens[position][0], tokens[position + size - 1][1], phrase))
                step = size
                break
        else:
            if key in words:
                found.append((tokens[position][0], tokens[position][1], key))
        position += step
    return found


def _reference_format(text, start, end, spans):
    parts, position = [], start
    for span_start, span_end, _key in spans:
        parts.append(html.escape(text[position:span_start], quote=False))
        parts.append(f"<mark>{html.escape(text[span_start:span_end], quote=False)}</mark>")
        position = span_end
    parts.append(html.escape(text[position:end], quote=False))
    return "".join(parts)


def reference_snippet(text, words, phrases=(), marked=(), top=highlighting.TOP):
    """The snippet as built word by word over every word of the text."""
    text = nfc(text or "")
    tokens = _reference_keys(text, frozenset(marked))
    spans = _reference_matches(tokens, frozenset(words), frozenset(phrases))
    if not spans:
        return ""
    fragments = _reference_fragments(tokens, spans)
    best = sorted(range(len(fragments)),
                  key=lambda number: (-len({span[2] for span in fragments[number][2]}),
                                      -len(fragments[number][2]), number))[:top]
    return highlighting.BETWEEN.join(_reference_format(text, *fragments[number])
                                     for number in sorted(best))


# -- the corpus and the queries --------------------------------------------------------
FUNCTION_QUERIES = ("chuyên gia về {}", "{} của", "{} và", "the {}", "{} of the", "người {}",
                    "expert in {}", "{} ở Hải Phòng", "các {}", "{} for")
# Tone marks put on a bare vowel: "another tone" of a word (a weak match, never marked).
RETONE = {"a": "á", "e": "ẽ", "o": "ò", "i": "ị", "u": "ủ", "á": "à", "ả": "ạ", "ệ": "ê", "ồ": "ố"}


def bios(count, seed):
    """The corpus's bios in both languages, and its rows (for their keywords)."""
    from bench.corpus import adjusted_rows
    rows = adjusted_rows(count, seed)
    texts = []
    for row in rows:
        texts.extend(text for text in (row["bio_vi"], row["bio_en"]) if text)
    return texts, rows


def vocabulary(rows):
    """Field names and synonyms in both languages, and the corpus's keywords as words,
    as the directory's vocabulary holds them."""
    from expertnet.taxonomy.fields import FIELDS
    meanings = [("fields", field["code"],
                 (field["name_vi"], field["name_en"], *field.get("synonyms_vi", ()),
                  *field.get("synonyms_en", ())))
                for field in FIELDS]
    words = sorted({keyword.strip() for row in rows for keyword in row["keywords"].split(";")
                    if keyword.strip()})
    return Vocabulary.build(meanings, words=words), meanings, words


def _retone(word, rng):
    positions = [index for index, character in enumerate(word) if character in RETONE]
    if not positions:
        return word
    index = rng.choice(positions)
    return word[:index] + RETONE[word[index]] + word[index + 1:]


def query_texts(texts, meanings, words, count, seed):
    """``count`` queries: names, keywords and words of the bios, as typed, folded,
    capitalised, with another tone, with function words, one to four words."""
    rng = random.Random(f"bench-snippets-{seed}")
    phrases = [text for _name, _code, names in meanings for text in names] + list(words)
    bio_words = [word for text in texts[:400] for word in highlighting.WORD.findall(text)]
    found = []
    while len(found) < count:
        kind = rng.randrange(6)
        if kind == 0:
            text = rng.choice(phrases)
        elif kind == 1:
            start = rng.randrange(len(bio_words) - 4)
            text = " ".join(bio_words[start:start + rng.randint(1, 4)])
        elif kind == 2:
            text = " ".join(rng.choice(bio_words) for _ in range(rng.randint(1, 3)))
        elif kind == 3:
            text = rng.choice(FUNCTION_QUERIES).format(rng.choice(phrases))
        elif kind == 4:
            text = " ".join(_retone(word, rng) for word in rng.choice(phrases).split())
        else:
            text = f"{rng.choice(phrases)} {rng.choice(bio_words)}"
        shape = rng.randrange(4)
        if shape == 1:
            text = fold(text)
        elif shape == 2:
            text = text.title()
        elif shape == 3:
            text = text.upper()
        found.append(text)
    return found


def plans(queries, vocabulary_):
    """``(words, phrases, marked)`` of each query's plan, literal or understood, as the
    search passes them to the snippet builder (queries that mark nothing left out)."""
    found = []
    for number, text in enumerate(queries):
        plan = search_query.plan(text, {}, ("public",), vocabulary=vocabulary_,
                                 literal=bool(number % 2))
        if plan.highlight or plan.phrases:
            found.append((plan.highlight, plan.phrases, plan.marked))
    return found


def cases(bio_count=600, query_count=300, seed=2026):
    """``(texts, plans)`` of the comparison (see the module's doc)."""
    texts, rows = bios(bio_count, seed)
    vocabulary_, meanings, words = vocabulary(rows)
    return texts, plans(query_texts(texts, meanings, words, query_count, seed), vocabulary_)


def page_of(texts, number):
    """The 20 texts of page ``number`` (the bios in turn, as hits come)."""
    start = (number * PAGE * 7) % len(texts)
    return [texts[(start + offset) % len(texts)] for offset in range(PAGE)]


# -- timing ------------------------------------------------------------------------------
def _time_page(build, page, plan):
    wall, cpu = time.perf_counter(), time.process_time()
    output = [build(text, *plan) for text in page]
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, output


def _summary(values):
    ordered = sorted(values)
    return {"p50_ms": round(ordered[len(ordered) // 2], 3),
            "p95_ms": round(ordered[int(len(ordered) * 0.95)], 3),
            "mean_ms": round(statistics.mean(ordered), 3)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--bios", type=int, default=2000, help="profiles of the corpus")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts, query_plans = cases(args.bios, args.queries, args.seed)
    builders = {"before": reference_snippet, "after": highlighting.snippet}
    timings = {name: {"wall": [], "cpu": []} for name in builders}
    differing = 0
    fallback = sum(1 for text in texts if highlighting.folded_copy(nfc(text)) is None)
    for round_number in range(args.rounds + 1):
        for number, plan in enumerate(query_plans):
            page = page_of(texts, number)
            outputs = {}
            # Interleaved page by page, the order alternating: a change of load on
            # the machine falls on both builders alike.
            order = list(builders) if number % 2 else list(builders)[::-1]
            for name in order:
                wall, cpu, outputs[name] = _time_page(builders[name], page, plan)
                if round_number:  # the first round warms the caches
                    timings[name]["wall"].append(wall)
                    timings[name]["cpu"].append(cpu)
            differing += outputs["before"] != outputs["after"]
    result = {
        "bios": len(texts), "profiles": args.bios, "plans": len(query_plans), "seed": args.seed,
        "rounds": args.rounds, "page": PAGE, "texts_read_word_by_word": fallback,
        "pages_differing": differing,
        "per_page_of_20": {name: {"wall": _summary(values["wall"]), "cpu": _summary(values["cpu"])}
                           for name, values in timings.items()},
        "machine": platform.machine(), "python": platform.python_version(),
    }
    before, after = (result["per_page_of_20"][name]["cpu"]["p50_ms"] for name in ("before", "after"))
    result["speedup_cpu_p50"] = round(before / after, 1) if after else None
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "snippets.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if differing:
        raise SystemExit(f"{differing} pages differ between the builders")


if __name__ == "__main__":
    main()
