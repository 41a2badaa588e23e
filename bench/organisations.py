"""Duplicate finding and reconciliation of the organisation register at scale.

    python -m bench.organisations --organisations 5000 --texts 20000
    python -m bench.organisations --organisations 500 --texts 2000 --reference-organisations 500

A generated register (:func:`register`): the demo's organisations (Hai Phong's
universities, institutes, port and shipbuilding enterprises, foreign universities and
firms) and made-up ones of the same shapes, "Trường Đại học {subject} {province}" /
"{Province} University of {Subject}", institutes, joint-stock and limited companies,
colleges, centres, foreign universities, institutes and corporations, many with an
acronym; and planted duplicates of a share of them as a second spreadsheet would write
them: abbreviated ("ĐH Hàng hải VN"), only the English name with the acronym, only the
acronym, no diacritics, a typo, "Cty CP". The free texts (:func:`texts`) name register
organisations exactly, by such variants, or organisations that are not in it.

Measured, on the same data:

- duplicates: every pair judged (``duplicates.reason`` per pair, as before blocking), on
  ``--reference-organisations`` records and extrapolated to the register by the number of
  pairs, against ``duplicates.candidates`` (blocking) on that sample (the pairs must be
  equal) and on the whole register;
- reconciliation: ``names.best_matches`` against the whole register for
  ``--reference-texts`` distinct texts, extrapolated to all of them, against
  ``blocking.Matcher`` for all distinct texts (the suggestions of the sample must be
  equal); then the stored proposals in a SQLite instance: the first computation
  (``reconcile.refresh``), a page read (``reconcile.current`` + ``reconcile.stored``) when
  nothing changed, and a computation after one new text;
- the pages (:func:`bench_pages`): an organisation's duplicate box and the duplicates
  page, before (the register judged on each load) and now (blocking, stored pairs).

Times are CPU seconds of this process (all the work is single-threaded; the wall clock
of a shared machine would measure the other processes too). Results go to
``bench/results/organisations.json``.
"""
import argparse
import json
import random
import tempfile
import time
import unicodedata
from pathlib import Path
from types import SimpleNamespace

RESULTS = Path(__file__).parent / "results" / "organisations.json"
DUPLICATE_SHARE = 0.08

# (Vietnamese, English, abbreviation as written in Vietnamese)
PROVINCES = (
    ("Hải Phòng", "Hai Phong", "HP"), ("Hà Nội", "Hanoi", "HN"), ("Đà Nẵng", "Da Nang", "ĐN"),
    ("Thái Bình", "Thai Binh", "TB"), ("Quảng Ninh", "Quang Ninh", "QN"), ("Nam Định", "Nam Dinh", "NĐ"),
    ("Hải Dương", "Hai Duong", "HD"), ("Cần Thơ", "Can Tho", "CT"), ("Huế", "Hue", "Huế"),
    ("Nghệ An", "Nghe An", "NA"), ("Thanh Hóa", "Thanh Hoa", "TH"), ("Hưng Yên", "Hung Yen", "HY"),
    ("Bắc Ninh", "Bac Ninh", "BN"), ("Vĩnh Phúc", "Vinh Phuc", "VP"), ("Ninh Bình", "Ninh Binh", "NB"),
    ("Quảng Nam", "Quang Nam", "QNa"), ("Khánh Hòa", "Khanh Hoa", "KH"), ("Đồng Nai", "Dong Nai", "ĐNa"),
    ("Bình Dương", "Binh Duong", "BD"), ("Long An", "Long An", "LA"), ("Việt Nam", "Vietnam", "VN"),
    ("Phú Thọ", "Phu Tho", "PT"), ("Lào Cai", "Lao Cai", "LC"), ("Thái Nguyên", "Thai Nguyen", "TN"),
)
SUBJECTS = (
    ("Hàng hải", "Maritime"), ("Y Dược", "Medicine and Pharmacy"), ("Kinh tế", "Economics"),
    ("Bách khoa", "Technology"), ("Thủy lợi", "Water Resources"), ("Nông lâm", "Agriculture and Forestry"),
    ("Sư phạm", "Education"), ("Công nghiệp", "Industry"), ("Giao thông vận tải", "Transport"),
    ("Xây dựng", "Civil Engineering"), ("Điện lực", "Electric Power"),
    ("Mỏ - Địa chất", "Mining and Geology"),
    ("Tài nguyên và Môi trường", "Natural Resources and Environment"), ("Ngoại thương", "Foreign Trade"),
    ("Luật", "Law"), ("Công nghệ thông tin", "Information Technology"), ("Hải sản", "Fisheries"),
    ("Cơ khí", "Mechanical Engineering"), ("Vật liệu", "Materials"), ("Năng lượng", "Energy"),
    ("Logistics", "Logistics"), ("Đóng tàu", "Shipbuilding"), ("Cảng biển", "Seaports"), ("Thép", "Steel"),
    ("Xi măng", "Cement"), ("Điện tử", "Electronics"), ("Dệt may", "Textiles"), ("Thủy sản", "Aquaculture"),
    ("Môi trường biển", "Marine Environment"), ("Tự động hóa", "Automation"),
)
# kind → (Vietnamese pattern, English pattern, type)
KINDS = (
    ("Trường Đại học {s} {p}", "{P} University of {S}", "university"),
    ("Viện Nghiên cứu {s} {p}", "{P} Institute of {S} Research", "research_institute"),
    ("Công ty Cổ phần {s} {p}", "{P} {S} Joint Stock Company", "enterprise"),
    ("Công ty TNHH {s} {p}", "{P} {S} Company Limited", "enterprise"),
    ("Trường Cao đẳng {s} {p}", "{P} College of {S}", "university"),
    ("Trung tâm {s} {p}", "{P} Centre for {S}", "innovation_centre"),
)
ABROAD = (("JP", ("Tokyo", "Osaka", "Kobe", "Yokohama", "Fukuoka", "Nagoya", "Sendai")),
          ("KR", ("Busan", "Seoul", "Incheon", "Ulsan", "Daejeon", "Mokpo")),
          ("US", ("Boston", "Seattle", "Houston", "San Diego", "Chicago")),
          ("DE", ("Hamburg", "Bremen", "Munich")), ("NL", ("Rotterdam", "Delft")))
ABROAD_KINDS = (("{C} University of {S}", "university"), ("{C} Institute of {S}", "research_institute"),
                ("{C} {S} Corporation", "enterprise"), ("{S} Laboratory of {C}", "research_institute"))
UNKNOWN = ("Hợp tác xã {s} {p}", "Phòng thí nghiệm {s} {p}", "Hội {s} {p}", "{P} {S} Association",
           "Tổ hợp {s} {p}")


def _acronym(english):
    words = [word for word in english.replace("-", " ").split() if word.lower() not in ("of", "and", "for")]
    return "".join(word[0] for word in words).upper()


def _plain(text):
    return unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D")).encode(
        "ascii", "ignore").decode()


def _typo(text, rng):
    letters = [position for position, char in enumerate(text) if char.isalpha()]
    if len(letters) < 8:
        return text
    position = rng.choice(letters[2:-2])
    return text[:position] + text[position + 1:]


def _abbreviated(name_vi):
    """As people shorten Vietnamese names: ĐH, CĐ, Cty CP, TNHH, VN, HP."""
    text = name_vi.replace("Trường Đại học", "ĐH").replace("Trường Cao đẳng", "CĐ")
    text = text.replace("Công ty Cổ phần", "Cty CP").replace("Công ty TNHH", "Cty TNHH")
    text = text.replace("Trung tâm", "TT").replace("Viện Nghiên cứu", "Viện NC")
    for name_vi_, _name_en, short in PROVINCES:
        if text.endswith(" " + name_vi_):
            text = text[:-len(name_vi_)] + short
    return text


def _demo_rows():
    from expertnet.demo import organisations as demo
    return [{"name_vi": raw.get("name_vi", ""), "name_en": raw.get("name_en", ""),
             "acronym": raw.get("acronym", ""), "country": raw.get("country", ""), "type": raw["type"]}
            for raw in demo._rows()]


def _made_up(rng):
    """Every made-up organisation, shuffled: ``[{name_vi, name_en, acronym, country, type}]``."""
    rows = []
    for name_vi, name_en, kind in KINDS:
        for province_vi, province_en, _short in PROVINCES:
            for subject_vi, subject_en in SUBJECTS:
                english = name_en.format(P=province_en, S=subject_en)
                rows.append({"name_vi": name_vi.format(s=subject_vi, p=province_vi), "name_en": english,
                             "acronym": _acronym(english) if rng.random() < 0.4 else "",
                             "country": "VN", "type": kind})
    for country, cities in ABROAD:
        for city in cities:
            for pattern, kind in ABROAD_KINDS:
                for _subject_vi, subject_en in SUBJECTS:
                    english = pattern.format(C=city, S=subject_en)
                    rows.append({"name_vi": "", "name_en": english,
                                 "acronym": _acronym(english) if rng.random() < 0.3 else "",
                                 "country": country, "type": kind})
    rng.shuffle(rows)
    return rows


def _variant(row, rng):
    """Another spelling of ``row``, as a second source writes it: ``(kind, values)``."""
    choices = ["english_acronym", "plain", "typo"]
    if row["name_vi"]:
        choices += ["abbreviated", "abbreviated"]
    if row["acronym"]:
        choices += ["acronym_only"]
    kind = rng.choice(choices)
    values = {"name_vi": "", "name_en": "", "acronym": "", "country": row["country"], "type": row["type"]}
    main = row["name_vi"] or row["name_en"]
    if kind == "abbreviated":
        values["name_vi"] = _abbreviated(row["name_vi"])
    elif kind == "english_acronym":
        values["name_en"] = row["name_en"] or row["name_vi"]
        values["acronym"] = row["acronym"]
    elif kind == "acronym_only":
        values["name_en"] = values["acronym"] = row["acronym"]
    elif kind == "plain":
        values["name_vi" if row["name_vi"] else "name_en"] = _plain(main)
    else:
        values["name_vi" if row["name_vi"] else "name_en"] = _typo(main, rng)
    if rng.random() < 0.3:
        values["country"] = ""
    return kind, values


def register(count, seed=2026):
    """``count`` organisations as unsaved objects with ids 1…count (the demo's first, then
    made-up ones, then planted duplicates of a share of them), in id order."""
    rng = random.Random(seed)
    planted = int(count * DUPLICATE_SHARE)
    originals = (_demo_rows() + _made_up(rng))[:count - planted]
    rows = list(originals)
    for original in rng.sample(originals, min(planted, len(originals))):
        rows.append(_variant(original, rng)[1])
    rng.shuffle(rows)
    return [SimpleNamespace(id=number, other_names=[], **row) for number, row in enumerate(rows, start=1)]


def texts(organisations, count, seed=2026):
    """``count`` free texts: 40 % a register name as written, 40 % a variant of one, 20 %
    an organisation the register does not hold."""
    rng = random.Random(seed + 1)
    found = []
    for _ in range(count):
        draw = rng.random()
        organisation = rng.choice(organisations)
        row = {"name_vi": organisation.name_vi, "name_en": organisation.name_en,
               "acronym": organisation.acronym, "country": organisation.country, "type": organisation.type}
        if draw < 0.4:
            found.append(rng.choice([name for name in (row["name_vi"], row["name_en"]) if name]))
        elif draw < 0.8:
            _kind, values = _variant(row, rng)
            found.append(values["name_vi"] or values["name_en"])
        else:
            province_vi, province_en, _short = rng.choice(PROVINCES)
            subject_vi, subject_en = rng.choice(SUBJECTS)
            found.append(rng.choice(UNKNOWN).format(s=subject_vi, p=province_vi, S=subject_en, P=province_en))
    return found


# -- measuring --------------------------------------------------------------------------
def _timed(function, *args):
    """``(value, seconds)``: the process's CPU seconds, not the wall clock's: the work is
    single-threaded, and on a shared machine the wall clock measures the neighbours."""
    started = time.process_time()
    value = function(*args)
    return value, time.process_time() - started


def _pairs(found):
    return [(first.id, second.id, why) for first, second, why in found]


def bench_duplicates(organisations, sample):
    from expertnet.organisations import duplicates

    def every_pair(rows):
        return [(first, second, why) for index, first in enumerate(rows) for second in rows[index + 1:]
                for why in [duplicates.reason(first, second)] if why]

    subset = organisations[:sample]
    reference, reference_seconds = _timed(every_pair, subset)
    blocked_subset, blocked_subset_seconds = _timed(duplicates.candidates, subset)
    blocked, blocked_seconds = _timed(duplicates.candidates, organisations)
    pairs_total = len(organisations) * (len(organisations) - 1) / 2
    pairs_sample = len(subset) * (len(subset) - 1) / 2
    return {
        "organisations": len(organisations), "reference_organisations": len(subset),
        "all_pairs_seconds_sample": round(reference_seconds, 3),
        "all_pairs_seconds_extrapolated": round(reference_seconds * pairs_total / max(pairs_sample, 1), 1),
        "blocked_seconds_sample": round(blocked_subset_seconds, 3),
        "blocked_seconds": round(blocked_seconds, 3),
        "same_pairs_on_sample": _pairs(reference) == _pairs(blocked_subset),
        "pairs_found_sample": len(reference), "pairs_found": len(blocked),
        "reasons": {why: sum(1 for *_pair, found in blocked if found == why)
                    for why in ("name", "acronym", "similar")},
    }


def bench_matching(organisations, free_texts, sample):
    from expertnet.core.text import clean
    from expertnet.organisations import blocking, names, reconcile
    distinct = list(dict.fromkeys(clean(text) for text in free_texts))
    subset = distinct[:sample]
    reference, reference_seconds = _timed(
        lambda: {text: names.best_matches(text, organisations, limit=reconcile.SUGGESTIONS,
                                          floor=reconcile.FLOOR) for text in subset})
    matcher, prepare_seconds = _timed(blocking.Matcher, organisations)
    fast_subset = matcher.matches(subset, reconcile.SUGGESTIONS, reconcile.FLOOR)
    fast, fast_seconds = _timed(matcher.matches, distinct, reconcile.SUGGESTIONS, reconcile.FLOOR)

    def plain(found):
        return {text: [(organisation.id, value) for organisation, value in matches]
                for text, matches in found.items()}

    return {
        "texts": len(free_texts), "distinct_texts": len(distinct), "reference_texts": len(subset),
        "every_record_seconds_sample": round(reference_seconds, 3),
        "every_record_seconds_extrapolated": round(reference_seconds * len(distinct) / max(len(subset), 1),
                                                   1),
        "matcher_prepare_seconds": round(prepare_seconds, 3),
        "matcher_seconds": round(fast_seconds + prepare_seconds, 3),
        "same_suggestions_on_sample": plain(reference) == plain(fast_subset),
        "texts_with_a_suggestion": sum(1 for matches in fast.values() if matches),
    }


def _insert_register(organisations):
    """The generated register's rows, written as they are (ids kept), 500 a statement."""
    from expertnet.organisations.models import Organisation
    from expertnet.organisations.names import name_key

    rows = [{"id": organisation.id, "name_vi": organisation.name_vi, "name_en": organisation.name_en,
             "acronym": organisation.acronym, "other_names": [], "country": organisation.country,
             "type": organisation.type, "name_key": name_key(organisation.name_vi or organisation.name_en)}
            for organisation in organisations]
    for start in range(0, len(rows), 500):
        Organisation.insert_many(rows[start:start + 500]).execute()


def bench_stored(organisations, free_texts):
    """The stored proposals in a SQLite instance: first computation, a page read, and a
    computation after one more text."""
    from expertnet import create_app
    from expertnet.core.db import database
    from expertnet.directory.models import Expert
    from expertnet.organisations import reconcile

    folder = tempfile.mkdtemp(prefix="bench-organisations-")
    # Tasks immediate: a computation too large for the request runs at once, as a worker would.
    app = create_app({"INSTANCE_PATH": folder, "RECONCILE_ON_START": False, "TASKS_IMMEDIATE": True})
    with app.test_request_context("/"), database.connection_context():
        experts = [{"kind": "domestic", "full_name": f"Chuyên gia {number}", "organization": text[:300]}
                   for number, text in enumerate(free_texts, start=1)]
        with database.atomic():
            _insert_register(organisations)
            for start in range(0, len(experts), 500):
                Expert.insert_many(experts[start:start + 500]).execute()
        _computed, first_seconds = _timed(reconcile.refresh)

        def read():
            state, waiting = reconcile.current()
            return reconcile.stored(page=3)[1], waiting
        (total, waiting), read_seconds = _timed(read)
        Expert.create(kind="domestic", full_name="Chuyên gia mới", organization="ĐH Hàng hải VN (cơ sở 2)")
        _computed, one_more_seconds = _timed(reconcile.refresh)
        state = reconcile._state()
    return {"first_computation_seconds": round(first_seconds, 3), "page_read_seconds": round(read_seconds, 3),
            "computation_after_one_new_text_seconds": round(one_more_seconds, 3),
            "proposals_stored": total, "waiting_after_computation": waiting, "linked": state.linked}


def bench_pages(organisations, sample=5):
    """The two pages that judged the register on every load, in a SQLite instance: an
    organisation's duplicate box (every other record judged, as before, against
    ``duplicates.for_record``: the first load of a process, which folds the register's
    names, and the next ones) and ``/organisations/duplicates`` (``duplicates.candidates``
    on each load, as before, against the stored pairs: their first computation and a read
    when nothing changed). Seconds per load, the mean of ``sample`` organisations."""
    from expertnet import create_app
    from expertnet.core.db import database
    from expertnet.organisations import blocking, duplicates
    from expertnet.organisations.models import Organisation

    folder = tempfile.mkdtemp(prefix="bench-organisation-pages-")
    app = create_app({"INSTANCE_PATH": folder, "RECONCILE_ON_START": False, "TASKS_IMMEDIATE": True})
    with app.test_request_context("/"), database.connection_context():
        with database.atomic():
            _insert_register(organisations)
        step = max(1, len(organisations) // sample)
        chosen = [Organisation.get_by_id(organisation.id) for organisation in organisations[::step][:sample]]

        def before(organisation):
            register = Organisation.select().order_by(Organisation.id)
            return duplicates.for_record_all_pairs(organisation, register)

        blocking._form.cache_clear()
        first, first_seconds = _timed(duplicates.for_record, chosen[0])
        boxes, box_seconds = _timed(lambda: [duplicates.for_record(row) for row in chosen])
        reference, reference_seconds = _timed(lambda: [before(row) for row in chosen])
        _found, computed_seconds = _timed(duplicates.candidates)
        _refreshed, refresh_seconds = _timed(duplicates.refresh)
        (pairs, total), read_seconds = _timed(duplicates.stored, 3, 20)
        stored_all = [(first_row.id, second_row.id, why)
                      for first_row, second_row, why in duplicates.stored(1, 10 ** 6)[0]]

    def ids(found):
        return [[(other.id, why) for other, why in box] for box in found]
    return {
        "organisations": len(organisations), "sampled_pages": len(chosen),
        "record_box_every_record_seconds": round(reference_seconds / len(chosen), 3),
        "record_box_blocked_first_load_seconds": round(first_seconds, 3),
        "record_box_blocked_seconds": round(box_seconds / len(chosen), 3),
        "record_box_same_as_every_record": ids(boxes) == ids(reference),
        "duplicates_page_computed_seconds": round(computed_seconds, 3),
        "duplicates_page_first_computation_seconds": round(refresh_seconds, 3),
        "duplicates_page_stored_read_seconds": round(read_seconds, 3),
        "stored_pairs": total, "stored_same_as_computed": stored_all == _pairs(_found),
        "pairs_on_page": len(pairs),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=5000)
    parser.add_argument("--texts", type=int, default=20000)
    parser.add_argument("--reference-organisations", type=int, default=300,
                        help="records every pair of which is judged (extrapolated to the register)")
    parser.add_argument("--reference-texts", type=int, default=30,
                        help="texts scored against every record (extrapolated to all texts)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-database", action="store_true", help="skip the stored proposals' part")
    parser.add_argument("--output", type=Path, default=RESULTS)
    options = parser.parse_args(argv)
    organisations = register(options.organisations, options.seed)
    free_texts = texts(organisations, options.texts, options.seed)
    result = {"organisations": options.organisations, "texts": options.texts, "seed": options.seed,
              "duplicates": bench_duplicates(organisations, options.reference_organisations),
              "reconciliation": bench_matching(organisations, free_texts, options.reference_texts)}
    if not options.no_database:
        result["stored_proposals"] = bench_stored(organisations, free_texts)
        result["pages"] = bench_pages(organisations)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
