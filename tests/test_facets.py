"""Facet counts equal the true counts over the whole result set the caller may see,
checked against counts computed from the database."""
import random
from collections import Counter

import pytest
from conftest import context_of
from werkzeug.datastructures import MultiDict

from expertnet.accounts.models import User
from expertnet.core.access import ANONYMOUS, CURATOR, Viewer, visible_levels
from expertnet.core.db import utcnow
from expertnet.curation import importer
from expertnet.directory import finder, indexing
from expertnet.directory.models import Expert
from expertnet.taxonomy import store as catalog

KINDS = ["domestic", "foreign", "diaspora"]
COUNTRIES = ["VN", "JP", "KR", "US", "FR", "DE"]
FIELDS = ["ai", "logistics", "shipbuilding", "oceanography", "automation", "semiconductors"]
LANGUAGES = ["vi", "en", "ja", "ko", "fr"]
HELP = ["consulting", "lecturing", "reviewing", "mentoring"]
VISIBILITY = ["public", "public", "public", "officials", "curators"]
WORDS = ["cảng biển", "logistics", "robot", "dữ liệu", "tàu thủy", "năng lượng"]


@pytest.fixture(scope="module")
def seeded(module_app):
    """The data set, built once for the module: the tests only read it."""
    with context_of(module_app):
        yield _seed()


@pytest.fixture
def corpus(module_app, seeded):
    with context_of(module_app):
        yield seeded


def _seed():
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
            "orcid": "0000-0002-1825-0097" if rng.random() < 0.3 else "",
        })
    header = list(rows[0])
    report = importer.import_rows(header, ((n, [row[c] for c in header])
                                           for n, row in enumerate(rows, 2)))
    assert report.created == len(rows) and not report.notices
    assert Expert.select().where(Expert.visibility == "public").count() > 50
    # Trust signals: some profiles confirmed by a curator, some claimed by their owner
    # (written in bulk and indexed once: tests/test_trust_search.py covers the re-index
    # of each single change).
    ids = [expert.id for expert in Expert.select(Expert.id).order_by(Expert.id)]
    confirmed = [i for i in ids if rng.random() < 0.4]
    claimed = [i for i in ids if rng.random() < 0.3]
    Expert.update(confirmed_at=utcnow(), version=Expert.version + 1).where(
        Expert.id.in_(confirmed)).execute()
    User.insert_many([{"email": f"owner{i}@example.org", "role": "expert", "expert": i}
                      for i in claimed]).execute()
    indexing.index_ids(ids)
    return rows


def trust_of(expert):
    """The trust signals of a profile, read from the database."""
    signals = {"confirmed" if expert.confirmed_at is not None else "self_declared"}
    if expert.owners.exists():
        signals.add("claimed")
    if expert.orcid:
        signals.add("orcid")
    return signals


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
        counts["trust"].update(trust_of(expert))
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
    ({"trust": ["confirmed"]}, lambda e: e.confirmed_at is not None),
    ({"trust": ["self_declared"], "kind": ["diaspora"]},
     lambda e: e.confirmed_at is None and e.kind == "diaspora"),
    ({"trust": ["claimed", "orcid"]}, lambda e: {"claimed", "orcid"} & trust_of(e)),
    ({"q": ["cang bien"], "trust": ["orcid"]}, lambda e: "cảng biển" in e.bio_vi and e.orcid),
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
