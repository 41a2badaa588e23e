"""Relevance of search on natural queries: a judged set.

    .venv/bin/python -m bench.relevance [--profiles 2000] [--seed 2026] [--per-kind 10]

1. The benchmark corpus (:mod:`bench.corpus`, the same deterministic bilingual profiles
   as ``bench.search``) in a temporary instance, indexed by ``indexing.rebuild``.
2. Natural queries, the way officials type them, drawn with a seeded generator from
   the corpus's own profiles, in kinds: a role and a topic (``phản biện cảng biển``),
   a topic and a place (``logistics ở Nhật``), a kind and a topic (``kiều bào trí tuệ
   nhân tạo``), function words between two topics (``trí tuệ nhân tạo trong
   logistics``), officials' abbreviations (``TTNT``), tone-mark traps (keywords whose
   syllables, once folded, are also names or other words), English, the same natural
   queries typed without diacritics, names and clean field names.
3. Judgments derived from the profiles' attributes, never by hand: a query asking
   for a role, a place, a kind and one or two fields judges relevant the profiles that
   have all of them (fields with their ancestors, as search filters them); a keyword
   query the profiles holding that keyword in either language; a name query the
   profiles of that name (gain 2 with the same diacritics, 1 for the same name folded).
   A query is kept only when at least ``MIN_RELEVANT`` profiles are relevant (names:
   one).
4. Each query runs as the API runs it for a curator (every visibility level, top 10),
   once per mode in :data:`MODES`: today's search (``legacy``), the current one with the
   words searched as typed (``literal``), with the vocabularies of the taxonomy alone
   understood (``taxonomy_only``: what this benchmark measured before the term list and
   the keywords reached it), and as the search page runs it (``new``): the taxonomy,
   the accepted pairs of the term list (seeded from the taxonomy as ``flask
   suggest-terms`` does) and the profiles' keywords as units
   (``finder.vocabulary_for``).

Figures per mode, overall and per kind: ``ndcg_at_10`` (graded gains over the ideal
ranking of the judged profiles) and ``recall_at_10`` (relevant profiles in the top 10
/ min(10, relevant profiles)). Writes ``bench/results/relevance.json``.
"""
import argparse
import json
import math
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
TOP = 10
MIN_RELEVANT = 3
VISIBILITY = ("public", "officials", "curators")
# Search modes compared in the same run: request options of ``search.SearchRequest``
# (``understand``: with the directory's vocabularies, as the search page searches).
MODES = {"today": {"legacy": True}, "literal": {}, "taxonomy_only": {"understand": "taxonomy"},
         "new": {"understand": "site"}}

# How officials name a role (the profile's ``available_for``), in each language.
ROLES = {
    "reviewing": (("phản biện", "chuyên gia phản biện", "cần người phản biện"),
                  ("reviewers for", "reviewer on")),
    "consulting": (("tư vấn", "chuyên gia tư vấn về"), ("consultant on", "consultants for")),
    "lecturing": (("giảng dạy", "mời giảng dạy về", "thỉnh giảng"), ("lecturers in",)),
    "technology_transfer": (("chuyển giao công nghệ",), ("technology transfer in",)),
    "research_collaboration": (("hợp tác nghiên cứu", "hợp tác nghiên cứu về"),
                               ("research collaboration on",)),
    "mentoring": (("hướng dẫn khởi nghiệp", "cố vấn khởi nghiệp"), ("mentors for start-ups in",)),
}
# Places as officials write them: (Vietnamese, English) per country.
PLACES = {
    "JP": (("ở Nhật", "tại Nhật Bản", "bên Nhật"), ("in Japan",)),
    "KR": (("tại Hàn Quốc", "ở Hàn"), ("in South Korea", "in Korea")),
    "DE": (("bên Đức", "ở Đức"), ("in Germany",)),
    "FR": (("ở Pháp", "tại Pháp"), ("in France",)),
    "US": (("ở Mỹ", "tại Hoa Kỳ"), ("in the US", "in the United States")),
    "AU": (("ở Úc", "tại Australia"), ("in Australia",)),
    "GB": (("ở Anh", "tại Vương quốc Anh"), ("in the UK",)),
    "SG": (("ở Singapore",), ("in Singapore",)),
    "CA": (("tại Canada",), ("in Canada",)),
}
KINDS = {
    "diaspora": (("kiều bào", "trí thức Việt kiều", "người Hải Phòng ở nước ngoài",
                  "trí thức kiều bào"), ("overseas Vietnamese", "diaspora experts in")),
    "foreign": (("chuyên gia nước ngoài", "chuyên gia quốc tế về"), ("foreign experts in",)),
    "domestic": (("chuyên gia trong nước", "trong nước"), ("domestic experts in",)),
}
# Abbreviations officials write for one field.
ABBREVIATIONS = {
    "TTNT": "ai", "CĐS": "digital_transformation", "ATTT": "cybersecurity",
    "CNSH": "biotechnology", "KHDL": "data_science", "NLTT": "renewable_energy",
    "ĐMST": "innovation", "BĐKH": "climate_change", "CNTT": "digital_transformation",
}
FUNCTION_PATTERNS = (
    ("{a} trong {b}", "vi"), ("chuyên gia về {a} và {b}", "vi"), ("{a} cho {b}", "vi"),
    ("những người có kinh nghiệm {a} với {b}", "vi"), ("experts in {a} and {b}", "en"),
    ("{a} for {b}", "en"),
)
KINDS_OF_QUERY = ("role_topic", "topic_place", "kind_topic", "function_words", "abbreviation",
                  "tone_trap", "english", "folded", "name", "field")


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- the profiles' attributes ---------------------------------------------------------
class Profiles:
    """What judgments read of each profile: fields (with ancestors), role, place, kind,
    keywords (folded), name."""

    def __init__(self, experts, taxonomy):
        from expertnet.core.text import fold
        self.experts = experts
        self.taxonomy = taxonomy
        self.fields = {e.id: set(taxonomy.with_ancestors(e.codes)) for e in experts}
        self.keywords = {e.id: {fold(keyword) for keyword in e.keywords} for e in experts}

    def having(self, fields=(), role=None, country=None, kind=None, keyword=None):
        """Ids of the profiles with every attribute asked for."""
        from expertnet.core.text import fold
        found = set()
        for expert in self.experts:
            if any(code not in self.fields[expert.id] for code in fields):
                continue
            if role and role not in expert.available_for:
                continue
            if country and expert.country != country:
                continue
            if kind and expert.kind != kind:
                continue
            if keyword and not {fold(word) for word in keyword} & self.keywords[expert.id]:
                continue
            found.add(expert.id)
        return found


def _topic(field, language, rng):
    """A name or synonym of ``field`` in ``language``, as typed (lower case)."""
    names = ([field.name_vi, *field.synonyms_vi] if language == "vi"
             else [field.name_en, *field.synonyms_en])
    # Short synonyms that are codes of other things (AI, ICT) stay as written.
    name = rng.choice(names)
    return name if name.isupper() else name.lower()


class Generator:
    def __init__(self, profiles, seed):
        self.profiles = profiles
        self.rng = random.Random(f"bench-relevance-{seed}")
        self.fields = list(profiles.taxonomy.fields.values())

    def _field(self):
        return self.rng.choice(self.fields)

    def _phrased(self, table, attribute, language, phrase_first):
        """A topic with a phrase of ``table`` (role, place or kind) in ``language``; the
        relevant profiles hold the field and that attribute."""
        value = self.rng.choice(list(table))
        field = self._field()
        phrase = self.rng.choice(table[value][0 if language == "vi" else 1])
        topic = _topic(field, language, self.rng)
        text = f"{phrase} {topic}" if phrase_first else f"{topic} {phrase}"
        wanted = self.profiles.having([field.code], **{attribute: value})
        return text, dict.fromkeys(wanted, 1)

    def role_topic(self, language="vi"):
        return self._phrased(ROLES, "role", language, phrase_first=True)

    def topic_place(self, language="vi"):
        return self._phrased(PLACES, "country", language, phrase_first=False)

    def kind_topic(self, language="vi"):
        return self._phrased(KINDS, "kind", language, phrase_first=True)

    def function_words(self):
        # Two fields that profiles hold together (as real CVs do).
        expert = self.rng.choice([e for e in self.profiles.experts if len(e.codes) >= 2])
        first, second = (self.profiles.taxonomy.fields[code] for code in expert.codes[:2])
        pattern, language = self.rng.choice(FUNCTION_PATTERNS)
        text = pattern.format(a=_topic(first, language, self.rng),
                              b=_topic(second, language, self.rng))
        return text, {pid: 1 for pid in self.profiles.having([first.code, second.code])}

    def abbreviation(self):
        abbreviation, code = self.rng.choice(list(ABBREVIATIONS.items()))
        shape = self.rng.choice(("{a}", "chuyên gia {a}", "phản biện {a}", "{a} ở Nhật"))
        text = shape.format(a=abbreviation)
        role = "reviewing" if shape.startswith("phản biện") else None
        country = "JP" if shape.endswith("Nhật") else None
        return text, {pid: 1 for pid in self.profiles.having([code], role=role, country=country)}

    def tone_trap(self):
        """A Vietnamese keyword of the corpus whose folded syllables are also names (or
        other words with other tone marks), alone or after a role word."""
        from expertnet.core.text import fold
        names = {fold(part) for e in self.profiles.experts for part in e.full_name.split()}
        keywords = sorted({keyword for e in self.profiles.experts for keyword in e.keywords
                           if keyword != fold(keyword)
                           and any(part in names for part in fold(keyword).split())})
        keyword = self.rng.choice(keywords)
        role = self.rng.choice((None, "reviewing", "consulting"))
        text = keyword.lower() if role is None else f"{ROLES[role][0][0]} {keyword.lower()}"
        pairs = _keyword_pairs()
        wanted = [keyword, *pairs.get(fold(keyword), ())]
        return text, {pid: 1 for pid in self.profiles.having(role=role, keyword=wanted)}

    def english(self):
        return self.rng.choice((self.role_topic, self.topic_place, self.kind_topic))("en")

    def folded(self):
        from expertnet.core.text import fold
        text, judged = self.rng.choice((self.role_topic, self.topic_place, self.kind_topic,
                                        self.function_words))()
        return fold(text), judged

    def name(self):
        from expertnet.core.text import fold
        expert = self.rng.choice(self.profiles.experts)
        typed = expert.full_name if self.rng.random() < 0.6 else fold(expert.full_name)
        judged = {}
        for other in self.profiles.experts:
            if fold(other.full_name) == fold(typed):
                judged[other.id] = 2 if other.full_name.lower() == typed.lower() else 1
        if typed == fold(typed):
            judged = dict.fromkeys(judged, 1)
        return typed, judged

    def field(self):
        from expertnet.core.text import fold
        field = self._field()
        language = self.rng.choice(("vi", "en", "folded"))
        text = _topic(field, "en" if language == "en" else "vi", self.rng)
        text = fold(text) if language == "folded" else text
        return text, {pid: 1 for pid in self.profiles.having([field.code])}


def _keyword_pairs():
    """Folded keyword → its other-language forms, from the demo's concept pairs."""
    from expertnet.core.text import fold
    from expertnet.demo.generator import _KEYWORDS
    pairs = {}
    for concepts in _KEYWORDS.values():
        for vi, en in concepts:
            pairs.setdefault(fold(vi), []).append(en)
            pairs.setdefault(fold(en), []).append(vi)
    return pairs


def make_queries(profiles, seed, per_kind):
    generator = Generator(profiles, seed)
    queries = []
    for kind in KINDS_OF_QUERY:
        seen = set()
        attempts = 0
        while sum(1 for query in queries if query["kind"] == kind) < per_kind:
            attempts += 1
            if attempts > per_kind * 200:
                raise SystemExit(f"not enough judged queries of kind {kind}: a larger corpus?")
            text, judged = getattr(generator, kind)()
            wanted = 1 if kind == "name" else MIN_RELEVANT
            if text in seen or len(judged) < wanted:
                continue
            seen.add(text)
            queries.append({"kind": kind, "text": text, "judged": judged})
    return queries


# -- measures -------------------------------------------------------------------------
def _dcg(gains):
    return sum((2 ** gain - 1) / math.log2(rank + 2) for rank, gain in enumerate(gains))


def judge(found, judged):
    top = found[:TOP]
    ideal = _dcg(sorted(judged.values(), reverse=True)[:TOP])
    gains = [judged.get(expert_id, 0) for expert_id in top]
    relevant = sum(1 for expert_id in top if expert_id in judged)
    return {"ndcg": _dcg(gains) / ideal, "recall": relevant / min(TOP, len(judged))}


def run_mode(store, queries, options, taxonomy):
    from expertnet import search
    from expertnet.directory import finder
    options = dict(options)
    understand = options.pop("understand", None)
    if understand == "taxonomy":
        options["vocabulary"] = finder.search_vocabulary(taxonomy)
    elif understand == "site":
        options["vocabulary"] = finder.vocabulary_for(taxonomy)
    rows = []
    for query in queries:
        request = search.SearchRequest(text=query["text"], visibility=VISIBILITY, per_page=TOP,
                                       with_facets=False, with_highlights=False, **options)
        found = search.search(store, request)
        rows.append({**judge(found.ids, query["judged"]), "kind": query["kind"],
                     "text": query["text"], "total": found.total})
    return rows


def figures(rows):
    def mean(key, kind=None):
        chosen = [row[key] for row in rows if kind is None or row["kind"] == kind]
        return round(sum(chosen) / len(chosen), 4)

    return {"ndcg_at_10": mean("ndcg"), "recall_at_10": mean("recall"),
            "by_kind": {kind: {"ndcg_at_10": mean("ndcg", kind),
                               "recall_at_10": mean("recall", kind)}
                        for kind in KINDS_OF_QUERY}}


def run(profile_count, seed, per_kind):
    from bench import corpus
    from expertnet import create_app, search
    from expertnet.core.db import database
    from expertnet.directory import finder, indexing
    from expertnet.directory.models import Expert
    from expertnet.taxonomy import store as catalog
    from expertnet.taxonomy import terms

    folder = Path(tempfile.mkdtemp(prefix="bench-relevance-"))
    try:
        log(f"corpus: {profile_count:,} profiles")
        corpus.build(str(folder), profile_count, seed)
        app = create_app({"INSTANCE_PATH": str(folder), "RECONCILE_ON_START": False,
                          "INDEX_BACKGROUND_MERGE": False})
        with app.app_context(), database.connection_context():
            store = search.get_store(app)
            log("index: indexing.rebuild")
            indexing.rebuild(store)
            taxonomy = catalog.load()
            terms.seed_from_taxonomy(taxonomy)
            experts = finder.load_in_order([expert.id for expert in Expert.select(Expert.id)])
            queries = make_queries(Profiles(experts, taxonomy), seed, per_kind)
            log(f"{len(queries)} judged queries")
            by_mode = {mode: run_mode(store, queries, options, taxonomy)
                       for mode, options in MODES.items()}
            store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "profiles": profile_count, "seed": seed, "queries": len(queries), "top": TOP,
        "modes": {mode: figures(rows) for mode, rows in by_mode.items()},
        "queries_judged": [
            {"kind": query["kind"], "text": query["text"], "relevant": len(query["judged"]),
             **{mode: {"ndcg": round(rows[index]["ndcg"], 3), "total": rows[index]["total"]}
                for mode, rows in by_mode.items()}}
            for index, query in enumerate(queries)],
        "date": time.strftime("%Y-%m-%d"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--profiles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--per-kind", type=int, default=10)
    args = parser.parse_args()
    result = run(args.profiles, args.seed, args.per_kind)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "relevance.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    for mode, found in result["modes"].items():
        print(f"{mode:8} nDCG@10 {found['ndcg_at_10']:.3f}  recall@10 {found['recall_at_10']:.3f}")
        for kind, values in found["by_kind"].items():
            print(f"  {kind:15} {values['ndcg_at_10']:.3f}  {values['recall_at_10']:.3f}")


if __name__ == "__main__":
    main()
