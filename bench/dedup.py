"""Duplicate detection: precision and recall on a generated set with known duplicates,
and the time of a search of the whole database.

    python -m bench.dedup                       # 3,000 profiles, seed 2026, timing at 100,000
    python -m bench.dedup --profiles 5000 --seed 7 --timing-profiles 0

The set is the benchmark corpus (``bench.corpus.adjusted_rows``: the demo generator's
people) plus planted records:

- **duplicates** of 10 % of the people, each made by one main change and, half of the
  time, a second one: diacritics dropped, Western name order (given name first, often
  without diacritics or the middle name), a typo in the name, another e-mail address,
  no year of birth, the middle name missing. On top of that every copy loses fields
  the way a second spreadsheet would (each on its own chance: e-mail, phone, ORCID,
  organisation, year of birth), and some moved to another organisation;
- **near-namesakes**, different people named like one of them: the same family and
  middle name with a given name one letter away (An/Anh, Hùng/Hưng, Thu/Thư...).
  They keep their own birth year, organisation and contact details.

The demo's own people already include many real namesakes (a few thousand Vietnamese
names share family and given names), which are different people too.

The detector runs through the project's own code: the rows are normalised by
``validation.normalize`` and written to a SQLite instance, read back with
``duplicates.records_from_db`` and searched with ``duplicates.find_pairs``. A found pair
is right when it is a planted (original, copy) pair; precision and recall are taken at
``duplicates.THRESHOLD``, with a sweep of other thresholds beside them. The timing part
scores ``--timing-profiles`` generated people (same generator, no database).

Results go to ``bench/results/dedup.json``.
"""
import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from bench import corpus

RESULTS = Path(__file__).parent / "results" / "dedup.json"
DUPLICATE_SHARE = 0.10
NAMESAKE_SHARE = 0.05
CHANGES = ("diacritics_dropped", "western_order", "typo", "other_email", "no_birth_year",
           "middle_name_missing")
# Each copy loses these on its own chance (a second source knows less).
DROPS = {"email": 0.3, "phone": 0.5, "orcid": 0.5, "organization": 0.15, "birth_year": 0.15}
MOVED_ORGANISATION = 0.1
# Given names one letter (or one tone mark) apart, both common in Viet Nam.
NEAR_GIVEN = (("An", "Anh"), ("Hùng", "Hưng"), ("Thu", "Thư"), ("Lan", "Lân"), ("Hà", "Hải"),
              ("Hoa", "Hòa"), ("Trung", "Trang"), ("Tâm", "Tân"), ("Linh", "Lĩnh"),
              ("Minh", "Mính"), ("Hương", "Hường"), ("Thanh", "Thành"), ("Long", "Loan"),
              ("Nam", "Năm"), ("Đức", "Đức Anh"), ("Dũng", "Dung"), ("Hiếu", "Hiền"),
              ("Quang", "Quảng"), ("Thắng", "Thắm"), ("Tuấn", "Tuân"))
SWEEP = (40, 45, 50, 55, 60, 65, 70, 75, 80)


def _strip_marks(text):
    from expertnet.demo.generator import _ascii
    return _ascii(text)


def _typo(word, rng):
    if len(word) < 3:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("swap", "drop", "double", "replace"))
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == "drop":
        return word[:i] + word[i + 1:]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiounhtcgm") + word[i + 1:]


def _apply(change, copy, original, rng):
    words = copy["full_name"].split()
    vietnamese = original["kind"] != "foreign"
    if change == "diacritics_dropped":
        copy["full_name"] = _strip_marks(copy["full_name"])
        if rng.random() < 0.5:
            copy["organization"] = _strip_marks(copy["organization"])
    elif change == "western_order":
        if vietnamese and len(words) >= 3:
            family, middle, given = words[0], words[1:-1], words[-1]
            ordered = [given, *middle, family] if rng.random() < 0.5 else [given, family]
        else:
            ordered = [words[-1], *words[:-1]]
        name = " ".join(ordered)
        copy["full_name"] = _strip_marks(name) if rng.random() < 0.7 else name
    elif change == "typo":
        index = rng.randrange(len(words))
        words[index] = _typo(words[index], rng)
        copy["full_name"] = " ".join(words)
    elif change == "other_email":
        local = _strip_marks(words[-1]).lower() + str(rng.randrange(10, 99))
        copy["email"] = f"{local}@{rng.choice(('example.net', 'mail.example.com'))}"
    elif change == "no_birth_year":
        copy["birth_year"] = ""
    elif change == "middle_name_missing":
        if len(words) >= 3:
            copy["full_name"] = " ".join([words[0], words[-1]])
        else:
            copy["full_name"] = _strip_marks(copy["full_name"])


def _duplicate(original, number, rng, organisations):
    copy = dict(original)
    copy["external_id"] = f"DUP-{number:05d}"
    changes = [rng.choice(CHANGES)]
    if rng.random() < 0.5:
        changes.append(rng.choice([change for change in CHANGES if change != changes[0]]))
    for change in changes:
        _apply(change, copy, original, rng)
    for column, chance in DROPS.items():
        if rng.random() < chance:
            copy[column] = ""
    if rng.random() < MOVED_ORGANISATION:
        copy["organization"] = rng.choice(organisations)
    # A second source rarely has the same biography or other names.
    copy["other_names"] = ""
    return copy, changes


def _near_namesake(original, stranger, number):
    words = original["full_name"].split()
    given = words[-1]
    for left, right in NEAR_GIVEN:
        if given in (left, right):
            replacement = right if given == left else left
            break
    else:
        return None
    renamed = dict(stranger)
    renamed["external_id"] = f"NEAR-{number:05d}"
    renamed["full_name"] = " ".join([*words[:-1], replacement])
    renamed["other_names"] = ""
    return renamed


def generate(count, seed):
    """``(rows, truth, kinds)``: rows numbered 1.. in order, the planted duplicate pairs
    ``{(original id, copy id)}`` and the changes made to each copy."""
    wanted = int(count * NAMESAKE_SHARE)
    # The near-namesakes are people of their own: extra rows of the same generator
    # (their own birth year, organisation, e-mail, phone and ORCID iD), renamed.
    rows = corpus.adjusted_rows(count + wanted, seed)
    rows, strangers = rows[:count], rows[count:]
    rng = random.Random(f"bench-dedup-{seed}")
    organisations = sorted({row["organization"] for row in rows if row["organization"]})
    originals = rng.sample(range(count), int(count * DUPLICATE_SHARE))
    truth, kinds, planted = set(), {}, []
    for index in originals:
        copy, changes = _duplicate(rows[index], len(planted) + 1, rng, organisations)
        planted.append(copy)
        copy_id = count + len(planted)
        truth.add((index + 1, copy_id))
        kinds[(index + 1, copy_id)] = changes
    vietnamese = [i for i, row in enumerate(rows) if row["kind"] != "foreign"]
    made = 0
    for index in rng.sample(vietnamese, len(vietnamese)):
        if made >= wanted:
            break
        renamed = _near_namesake(rows[index], strangers[made], made + 1)
        if renamed is not None:
            planted.append(renamed)
            made += 1
    return rows + planted, truth, kinds


def load(folder, rows, seed):
    """Write ``rows`` to a new SQLite instance in ``folder`` the way the benchmark
    corpus does (``validation.normalize``, then bulk inserts); returns the app."""
    from peewee import chunked

    from expertnet import create_app
    from expertnet.core.db import database
    from expertnet.directory.models import Expert, ExpertField
    from expertnet.taxonomy import store as catalog

    app = create_app({"INSTANCE_PATH": str(folder), "RECONCILE_ON_START": False})
    with app.app_context(), database.connection_context():
        taxonomy = catalog.load()
        for batch in chunked(corpus._expert_rows(rows, taxonomy, seed), corpus.TRANSACTION_ROWS):
            with database.atomic():
                for part in chunked([expert for expert, _links in batch], corpus.INSERT_ROWS):
                    Expert.insert_many(part).execute()
                links = [link for _expert, expert_links in batch for link in expert_links]
                for part in chunked(links, corpus.INSERT_ROWS):
                    ExpertField.insert_many(part).execute()
    return app


def evaluate(candidates, truth, kinds, threshold):
    found = {(item.a, item.b) for item in candidates if item.score.total >= threshold}
    hits = found & truth
    by_change = {}
    for change in CHANGES:
        planted = {pair for pair in truth if change in kinds[pair]}
        if planted:
            by_change[change] = round(len(planted & hits) / len(planted), 3)
    return {
        "threshold": threshold,
        "pairs": len(found),
        "true_positives": len(hits),
        "false_positives": len(found - truth),
        "false_negatives": len(truth - found),
        "precision": round(len(hits) / len(found), 4) if found else 0.0,
        "recall": round(len(hits) / len(truth), 4) if truth else 0.0,
        "recall_by_change": by_change,
    }


def timing(count, seed):
    """Seconds to search ``count`` generated people (records built in memory)."""
    from expertnet.core.text import clean
    from expertnet.curation import duplicates

    started = time.perf_counter()
    rows = corpus.adjusted_rows(count, seed)
    generated = time.perf_counter() - started
    records = [duplicates.record(number, clean(row["full_name"]),
                                 [clean(name) for name in row["other_names"].split(";") if name],
                                 int(row["birth_year"]) if row["birth_year"] else None,
                                 row["email"], row["phone"], row["orcid"], row["organization"])
               for number, row in enumerate(rows, start=1)]
    candidates, stats = duplicates.find_pairs(records)
    return {"profiles": count, "generate_s": round(generated, 1),
            "search_s": round(stats.seconds, 2), "pairs": stats.pairs, "blocks": stats.blocks,
            "skipped_blocks": stats.skipped_blocks, "pairs_from_blocks": stats.compared,
            "pairs_scored": stats.scored, "all_pairs": count * (count - 1) // 2}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profiles", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--timing-profiles", type=int, default=100_000)
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args(argv)

    from expertnet.core.db import database
    from expertnet.curation import duplicates

    rows, truth, kinds = generate(args.profiles, args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-dedup-") as folder:
        app = load(Path(folder), rows, args.seed)
        with app.app_context(), database.connection_context():
            started = time.perf_counter()
            records = duplicates.records_from_db()
            read_s = time.perf_counter() - started
            # The sweep needs every pair down to its lowest threshold; the figures at the
            # project's threshold come from the search the curators' page runs.
            swept, _stats = duplicates.find_pairs(records, threshold=min(SWEEP))
            candidates, stats = duplicates.find_pairs(records)
        app.extensions["expertnet.search"].close()
    result = {
        "benchmark": "dedup", "seed": args.seed, "profiles": len(rows),
        "people": args.profiles, "planted_duplicates": len(truth),
        "near_namesakes": len(rows) - args.profiles - len(truth),
        **evaluate(candidates, truth, kinds, duplicates.THRESHOLD),
        "read_s": round(read_s, 2),
        "search_s": round(stats.seconds, 2),
        "blocks": stats.blocks, "pairs_from_blocks": stats.compared, "pairs_scored": stats.scored,
        "sweep": [{key: value for key, value in evaluate(swept, truth, kinds, t).items()
                   if key != "recall_by_change"} for t in SWEEP],
        "points": duplicates.POINTS,
    }
    if args.timing_profiles:
        result["timing"] = timing(args.timing_profiles, args.seed)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({key: result[key] for key in
                      ("profiles", "precision", "recall", "pairs", "threshold", "search_s")}))
    return result


if __name__ == "__main__":
    main()
