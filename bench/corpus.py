"""The benchmark corpus: N deterministic bilingual profiles in a SQLite instance.

The rows come from ``expertnet.demo.generator.demo_rows(N, seed)`` and are then adjusted, with a
generator seeded from the same seed, to what the search benchmark asks of the corpus:

- at least 40 countries: the demo draws from 38, so a few profiles abroad move to
  one of :data:`EXTRA_COUNTRIES` (each gets at least one profile);
- bios of 60–150 words mixing Vietnamese and English: a profile with a bio in one
  language only gets a short sentence in the other one (its fields of expertise),
  short bios are topped up with bilingual sentences and long ones are cut. The
  stored profile keeps its two columns, ``bio_vi`` and ``bio_en``; the 60–150 words
  count both together, which is what the index sees.

The database is loaded directly (``validation.normalize`` then ``insert_many`` in
transactions of 1,000 rows), not through the importer: the importer checks for
duplicates and indexes every batch, which takes an hour at 100,000 profiles. The
index is built afterwards by the project's own ``indexing.rebuild``.

A finished corpus leaves :data:`MARKER` in the instance folder, so that ``--keep``
can reuse it; a marker for another size, seed or corpus version is refused.
"""
import datetime
import json
import random
import time
from pathlib import Path

# Bump when the rows change: a kept instance of another version is not reused.
CORPUS_VERSION = 1
MARKER = "bench-corpus.json"
TRANSACTION_ROWS = 1000
# Rows per INSERT statement: 30 columns × 500 rows stays under SQLite's default limit
# of 32,766 bound variables.
INSERT_ROWS = 500
MIN_BIO_WORDS = 60
MAX_BIO_WORDS = 150
# Countries the demo never draws (with a city each), to reach 40+ countries.
EXTRA_COUNTRIES = {
    "MX": "Mexico City", "AR": "Buenos Aires", "ZA": "Cape Town", "TR": "Istanbul",
    "PT": "Lisbon", "GR": "Athens", "UA": "Kyiv", "RO": "Bucharest", "EG": "Cairo",
    "KE": "Nairobi",
}
# Share of profiles abroad that move to an extra country (about 1 % of the corpus).
MOVE_ABROAD = 0.02
TOP_UP = (
    ("Chuyên gia sẵn sàng hợp tác với các doanh nghiệp, viện nghiên cứu và trường đại học "
     "tại Hải Phòng.",
     "Open to collaboration with companies, research institutes and universities in Hai Phong."),
    ("Nhiều kết quả nghiên cứu đã được ứng dụng trong sản xuất, quản lý và đào tạo nguồn "
     "nhân lực.",
     "Several research results have been applied in industry, management and training."),
    ("Hiện tham gia mạng lưới chuyên gia hỗ trợ phát triển kinh tế biển và chuyển đổi số "
     "của thành phố.",
     "Currently part of the expert network supporting the city's maritime economy and "
     "digital transformation."),
    ("Quan tâm đến chuyển giao công nghệ, đổi mới sáng tạo và hợp tác quốc tế.",
     "Interested in technology transfer, innovation and international cooperation."),
)
# Updated-at times spread over a year before this date (deterministic sort by "updated").
EPOCH = datetime.datetime(2026, 11, 1)


def marker_path(folder):
    return Path(folder) / MARKER


def read_marker(folder):
    try:
        return json.loads(marker_path(folder).read_text())
    except (OSError, ValueError):
        return None


def _words(text):
    return len(text.split())


def _fit_bios(row, rng, field_names):
    """Make the two bios mix both languages and total 60–150 words."""
    names = [field_names[code] for code in row["fields"].split(";") if code in field_names]
    if not row["bio_vi"]:
        row["bio_vi"] = "Lĩnh vực chuyên môn: " + ", ".join(vi for vi, _en in names) + "."
    if not row["bio_en"]:
        row["bio_en"] = "Fields of expertise: " + ", ".join(en for _vi, en in names) + "."
    sentences = list(TOP_UP)
    rng.shuffle(sentences)
    while _words(row["bio_vi"]) + _words(row["bio_en"]) < MIN_BIO_WORDS and sentences:
        vi, en = sentences.pop()
        row["bio_vi"] += " " + vi
        row["bio_en"] += " " + en
    excess = _words(row["bio_vi"]) + _words(row["bio_en"]) - MAX_BIO_WORDS
    if excess > 0:
        # Cut the longer bio: both languages stay present.
        longer = "bio_vi" if _words(row["bio_vi"]) >= _words(row["bio_en"]) else "bio_en"
        words = row[longer].split()
        row[longer] = " ".join(words[:len(words) - excess])


def adjusted_rows(count, seed):
    """``demo_rows(count, seed)`` adjusted to the issue's corpus (see the module doc)."""
    from expertnet.demo.generator import demo_rows
    from expertnet.taxonomy.fields import FIELDS

    field_names = {field["code"]: (field["name_vi"], field["name_en"]) for field in FIELDS}
    rows = demo_rows(count, seed)
    # A generator of its own: the demo's draws stay exactly the demo's.
    rng = random.Random(f"bench-corpus-{seed}")
    extra = list(EXTRA_COUNTRIES)
    moved = 0
    for row in rows:
        abroad = row["country"] not in ("", "VN")
        # The first profiles abroad cover every extra country once; then a few more.
        if abroad and (moved < len(extra) or rng.random() < MOVE_ABROAD):
            code = extra[moved % len(extra)] if moved < len(extra) else rng.choice(extra)
            row["country"], row["city"] = code, EXTRA_COUNTRIES[code]
            moved += 1
        _fit_bios(row, rng, field_names)
    return rows


def _expert_rows(rows, taxonomy, seed):
    """``(expert dict, field links)`` per row, ready for ``insert_many``; ids follow the
    rows (1..N) so that every run numbers the profiles alike."""
    from expertnet.core.text import fold
    from expertnet.directory import validation

    rng = random.Random(f"bench-dates-{seed}")
    for expert_id, row in enumerate(rows, start=1):
        values, errors = validation.normalize(row, taxonomy)
        if errors:
            raise ValueError(f"generated row {row['external_id']} is invalid: {errors}")
        codes = values.pop("fields", [])
        updated = EPOCH - datetime.timedelta(seconds=rng.randrange(365 * 24 * 3600))
        values.update(id=expert_id, name_key=fold(values["full_name"]), source="bench",
                      created_at=updated - datetime.timedelta(days=rng.randrange(1, 400)),
                      updated_at=updated, version=1)
        yield values, [{"expert": expert_id, "field": code, "position": position}
                       for position, code in enumerate(codes)]


def build(folder, count, seed):
    """Create the instance in ``folder`` with ``count`` profiles; returns a summary
    (also written to the marker). Run it in a child process: the rows of 100,000
    profiles would otherwise weigh on the benchmark's peak memory."""
    from peewee import chunked

    from expertnet import create_app
    from expertnet.core.db import database
    from expertnet.directory.models import Expert, ExpertField
    from expertnet.taxonomy import store as catalog

    started = time.perf_counter()
    rows = adjusted_rows(count, seed)
    generate_s = time.perf_counter() - started
    totals = [_words(row["bio_vi"]) + _words(row["bio_en"]) for row in rows]
    summary = {
        "corpus_version": CORPUS_VERSION, "profiles": count, "seed": seed,
        "countries": len({row["country"] for row in rows if row["country"]}),
        "bio_words_min": min(totals), "bio_words_max": max(totals),
    }
    # No reconcile at start-up: the index is built (and timed) by the benchmark.
    app = create_app({"INSTANCE_PATH": str(folder), "RECONCILE_ON_START": False})
    started = time.perf_counter()
    with app.app_context(), database.connection_context():
        if Expert.select().exists():
            raise RuntimeError(f"{folder} already holds profiles but no benchmark marker")
        taxonomy = catalog.load()
        for batch in chunked(_expert_rows(rows, taxonomy, seed), TRANSACTION_ROWS):
            with database.atomic():
                for part in chunked([expert for expert, _links in batch], INSERT_ROWS):
                    Expert.insert_many(part).execute()
                links = [link for _expert, expert_links in batch for link in expert_links]
                for part in chunked(links, INSERT_ROWS):
                    ExpertField.insert_many(part).execute()
    summary.update(generate_s=round(generate_s, 1), load_s=round(time.perf_counter() - started, 1))
    marker_path(folder).write_text(json.dumps(summary, indent=2) + "\n")
    return summary
