"""Facet counts equal the true counts over the whole result set the caller may see,
checked against counts computed from the database."""
import random
from collections import Counter

import pytest
from werkzeug.datastructures import MultiDict

from expertnet import catalog, finder, importer
from expertnet.access import ANONYMOUS, CURATOR, Viewer, visible_levels
from expertnet.models import Expert

KINDS = ["domestic", "foreign", "diaspora"]
COUNTRIES = ["VN", "JP", "KR", "US", "FR", "DE"]
FIELDS = ["ai", "logistics", "shipbuilding", "oceanography", "automation", "semiconductors"]
LANGUAGES = ["vi", "en", "ja", "ko", "fr"]
HELP = ["consulting", "lecturing", "reviewing", "mentoring"]
VISIBILITY = ["public", "public", "public", "officials", "curators"]
WORDS = ["cảng biển", "logistics", "robot", "dữ liệu", "tàu thủy", "năng lượng"]


@pytest.fixture
def corpus(app):
    rng = random.Random(7)
    rows = []
    for number in range(120):
        rows.append({
            "kind": rng.choice(KINDS), "full_name": f"Chuyên gia Số {number}",
            "country": rng.choice(COUNTRIES),
            "fields": ";".join(rng.sample(FIELDS, rng.randint(1, 3))),
            "languages": ";".join(rng.sample(LANGUAGES, rng.randint(1, 2))),
            "available_for": ";".join(rng.sample(HELP, rng.randint(0, 2))),
            "visibility": rng.choice(VISIBILITY),
            "bio_vi": " ".join(rng.sample(WORDS, 2)),
            # The survey's consent: without it an import keeps the profile for curators.
            "consent": "publish",
        })
    header = list(rows[0])
    report = importer.import_rows(header, ((n, [row[c] for c in header])
                                           for n, row in enumerate(rows, 2)))
    assert report.created == len(rows) and not report.notices
    assert Expert.select().where(Expert.visibility == "public").count() > 50
    return rows


def truth(viewer, predicate):
    """Facet counts computed from the database rows, not from the index."""
    taxonomy = catalog.load()
    counts = {name: Counter() for name in finder.FILTERS}
    total = 0
    for expert in Expert.select():
        if expert.visibility not in visible_levels(viewer) or not predicate(expert):
            continue
        total += 1
        counts["kind"][expert.kind] += 1
        counts["country"][expert.country] += 1
        counts["field"].update(taxonomy.with_ancestors(expert.field_codes))
        counts["language"].update(expert.languages)
        counts["available_for"].update(expert.available_for)
    return total, {name: dict(counter) for name, counter in counts.items()}


CASES = [
    ({}, lambda e: True),
    ({"kind": ["diaspora"]}, lambda e: e.kind == "diaspora"),
    ({"country": ["JP", "KR"]}, lambda e: e.country in ("JP", "KR")),
    ({"field": ["marine"]}, lambda e: {"shipbuilding", "oceanography"} & set(e.field_codes)),
    ({"field": ["ai"], "language": ["ja"]}, lambda e: "ai" in e.field_codes and "ja" in e.languages),
    ({"q": ["cang bien"]}, lambda e: "cảng biển" in e.bio_vi),
    ({"q": ["robot"], "available_for": ["consulting"]},
     lambda e: "robot" in e.bio_vi and "consulting" in e.available_for),
]


@pytest.mark.parametrize("viewer", [ANONYMOUS, Viewer(role="official"), CURATOR],
                         ids=["anonymous", "official", "curator"])
@pytest.mark.parametrize("params, predicate", CASES)
def test_facets_match_database_counts(corpus, viewer, params, predicate):
    args = MultiDict([(name, value) for name, values in params.items() for value in values])
    args["per_page"] = "5"
    found = finder.find(finder.parse_criteria(args), viewer=viewer)
    total, expected = truth(viewer, predicate)
    assert found.total == total
    assert found.facets == expected
