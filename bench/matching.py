"""Matching quality of the need → expert proposal.

    .venv/bin/python -m bench.matching [--profiles 1500] [--needs 120] [--seed 2026]

1. A fresh instance with the generated bilingual demo profiles (``seed-demo``'s rows,
   loaded through the importer and indexed by the project's own write path).
2. A generated set of needs with known suitable experts: each need asks for one field
   of the taxonomy and one kind of help; the suitable experts are the profiles tagged
   with that field (or one of its sub-fields) that offer that kind of help. The need's
   text names the field by one of its names or synonyms and the help by a phrase, in
   Vietnamese, in English, or in Vietnamese typed without diacritics; half of the
   needs also choose the field on the form, the other half rely on the text alone.
3. Each need's proposal is made as an official's page makes it (``matching.propose``,
   as a curator, who sees every profile), and its top 10 is judged:
   ``recall_at_10`` (suitable experts in the top 10 / min(10, suitable experts)),
   ``ndcg_at_10`` (binary gains) and ``explained_share`` (the share of proposals in
   which every proposed expert comes with at least one real reason: a matched field,
   words of the need found in the profile, the kind of help or the language).

Writes ``bench/results/matching.json``.
"""
import argparse
import json
import math
import random
import shutil
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
TOP = 10
MIN_SUITABLE = 3
# How an official words the kind of help, in each language.
HELP = {
    "consulting": ("tư vấn", "an adviser on"),
    "lecturing": ("giảng dạy, đào tạo cán bộ về", "lecturers on"),
    "reviewing": ("phản biện đề tài nghiên cứu về", "reviewers for a research proposal on"),
    "technology_transfer": ("chuyển giao công nghệ trong lĩnh vực",
                            "a technology transfer partner in"),
    "research_collaboration": ("hợp tác nghiên cứu về", "research collaboration on"),
    "mentoring": ("cố vấn khởi nghiệp về", "mentors for start-ups in"),
}


def _need_text(field, kind, style, rng):
    from expertnet.core.text import fold
    vi_names = [field.name_vi, *field.synonyms_vi]
    en_names = [field.name_en, *field.synonyms_en]
    vi_help, en_help = HELP[kind]
    if style == "en":
        topic = rng.choice(en_names)
        return (f"Looking for {en_help} {topic}",
                f"The city needs {en_help} {topic} for a project of its 2026–2030 programme.")
    topic = rng.choice(vi_names)
    title = f"Cần chuyên gia {vi_help} {topic.lower()}"
    description = (f"Thành phố cần chuyên gia {vi_help} {topic.lower()} cho một dự án của "
                   f"chương trình giai đoạn 2026–2030.")
    if style == "folded":
        return fold(title), fold(description)
    return title, description


def _dcg(gains):
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def run(profiles, needs, seed):
    from expertnet import cli, create_app
    from expertnet.core.access import Viewer
    from expertnet.core.db import database
    from expertnet.directory.models import Expert
    from expertnet.outreach import matching

    folder = Path(tempfile.mkdtemp(prefix="bench-matching-"))
    app = create_app({"INSTANCE_PATH": str(folder / "instance"), "SECRET_KEY": "bench",
                      "INDEX_BACKGROUND_MERGE": False, "TASKS_IMMEDIATE": True})
    rng = random.Random(seed)
    with app.app_context(), database.connection_context():
        started = time.perf_counter()
        cli.load_demo(profiles, seed)
        load_s = time.perf_counter() - started
        from expertnet.directory import finder
        from expertnet.taxonomy import store as catalog
        taxonomy = catalog.load()
        experts = finder.load_in_order([expert.id for expert in Expert.select(Expert.id)])
        held = {expert.id: set(taxonomy.with_ancestors(expert.codes)) for expert in experts}
        candidates = []
        for code, field in taxonomy.fields.items():
            for kind in HELP:
                suitable = {expert.id for expert in experts
                            if code in held[expert.id] and kind in expert.available_for}
                if len(suitable) >= MIN_SUITABLE:
                    candidates.append((field, kind, suitable))
        viewer = Viewer(role="curator")
        rows = []
        timings = []
        for index in range(needs):
            field, kind, suitable = rng.choice(candidates)
            style = ("vi", "en", "folded")[index % 3]
            with_field = index % 2 == 0
            title, description = _need_text(field, kind, style, rng)
            need = _Need(title=title, description=description, organization="Sở Ngoại vụ",
                         fields=[field.code] if with_field else [], available_for=[kind],
                         language="")
            began = time.perf_counter()
            found = matching.propose(need, viewer, limit=TOP)
            timings.append(time.perf_counter() - began)
            top = [expert.id for expert in found.experts[:TOP]]
            gains = [1 if expert_id in suitable else 0 for expert_id in top]
            ideal = _dcg([1] * min(TOP, len(suitable)))
            rows.append({
                "style": style, "with_field": with_field, "field": field.code, "kind": kind,
                "suitable": len(suitable),
                "recall": sum(gains) / min(TOP, len(suitable)),
                "ndcg": _dcg(gains) / ideal,
                "explained": bool(top) and all(found.reasons[i].explained for i in top),
            })
    app.extensions["expertnet.search"].close()
    shutil.rmtree(folder, ignore_errors=True)

    def mean(key, subset=None):
        chosen = [row[key] for row in rows if subset is None or subset(row)]
        return round(sum(chosen) / len(chosen), 4) if chosen else None

    timings.sort()
    return {
        "profiles": profiles, "needs": needs, "seed": seed, "top": TOP,
        "recall_at_10": mean("recall"), "ndcg_at_10": mean("ndcg"),
        "explained_share": mean("explained"),
        "by_style": {style: {"recall_at_10": mean("recall", lambda r, s=style: r["style"] == s),
                             "ndcg_at_10": mean("ndcg", lambda r, s=style: r["style"] == s)}
                     for style in ("vi", "en", "folded")},
        "text_only": {"recall_at_10": mean("recall", lambda r: not r["with_field"]),
                      "ndcg_at_10": mean("ndcg", lambda r: not r["with_field"])},
        "with_field": {"recall_at_10": mean("recall", lambda r: r["with_field"]),
                       "ndcg_at_10": mean("ndcg", lambda r: r["with_field"])},
        "proposal_ms_p50": round(1000 * timings[len(timings) // 2], 1),
        "proposal_ms_p95": round(1000 * timings[int(len(timings) * 0.95)], 1),
        "load_s": round(load_s, 1),
        "date": time.strftime("%Y-%m-%d"),
    }


class _Need:
    """What ``matching.propose`` reads of a need, without a database row."""

    def __init__(self, **values):
        self.__dict__.update(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--profiles", type=int, default=1500)
    parser.add_argument("--needs", type=int, default=120)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    figures = run(args.profiles, args.needs, args.seed)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "matching.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
