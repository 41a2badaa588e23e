"""The bulk segment builder writes what Whoosh's writer writes: the same terms,
postings, weights, block statistics, field lengths, stored fields and columns, so
every query answers the same, with one process or several."""
import random

import pytest
from whoosh import fields, qparser
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import NO_MERGE

from expertnet import search
from expertnet.cli import load_demo
from expertnet.core.db import database
from expertnet.directory import indexing
from expertnet.search import builder
from expertnet.search.schema import build_schema

# The engine against Whoosh: the database only holds the profiles (tests/conftest.py).
pytestmark = pytest.mark.engine_only

SYLLABLES = ["công", "nghệ", "biển", "Hải", "Phòng", "quản", "lý", "Đức", "dữ", "liệu", "port",
             "logistics", "AI", "O'Brien", "Jean-Pierre", "v2.0", "trí", "tuệ", "nhân", "tạo"]


def synthetic(count, seed=7):
    """Documents with common terms (several posting blocks), repeated words
    (frequencies above 1), decomposed (NFD) text, missing fields and numbers."""
    rng = random.Random(seed)
    documents = []
    for number in range(1, count + 1):
        words = [rng.choice(SYLLABLES) for _ in range(rng.randint(0, 40))]
        document = {
            "id": str(number), "id_num": number, "version": rng.randint(1, 5),
            "kind": rng.choice(["domestic", "diaspora", "foreign"]),
            "visibility": rng.choice(["public", "officials"]),
            "fields": " ".join(rng.sample(["ai", "ai.ml", "logistics", "marine"], rng.randint(0, 3))),
            "name_exact": f"Nguyễn Văn {number}\nNguyen {rng.choice(SYLLABLES)}",
            "name": f"Nguyễn Văn {number}",
            "text": " ".join(words),
            "bigrams": " ".join(words[:8]),
            "bio_vi": " ".join(words[:5]) or None,
            "name_sort": f"van {number:05d}",
            "updated": 1_700_000_000_000 + rng.randint(0, 10**9),
        }
        if number % 3:
            document["country"] = rng.choice(["VN", "JP", "US"])
            document["tags"] = "Công Nghệ Biển".replace("ô", "o\u0302")  # NFD input
        if number % 5 == 0:
            document["organization"] = "Đại học Hàng hải"
            document["contact"] = f"expert{number}@example.org"
        documents.append({key: value for key, value in document.items() if value not in ("", None)})
    return documents


def whoosh_index(path, schema, documents):
    path.mkdir()
    ix = FileStorage(str(path)).create_index(schema)
    writer = ix.writer()
    for document in documents:
        writer.add_document(**document)
    writer.commit(mergetype=NO_MERGE)
    return ix


def built_index(path, schema, documents, segment_docs=10**9, processes=1):
    path.mkdir()
    ix = FileStorage(str(path)).create_index(schema)
    assert builder.build_segments(ix, documents, segment_docs, processes) == len(documents)
    return ix


def assert_same_index(expected, actual):
    schema = expected.schema
    with expected.reader() as left, actual.reader() as right:
        assert left.doc_count_all() == right.doc_count_all()
        terms = list(left.all_terms())
        assert terms == list(right.all_terms())
        for fieldname, text in terms:
            info, other = left.term_info(fieldname, text), right.term_info(fieldname, text)
            for name in ("weight", "doc_frequency", "min_length", "max_length", "max_weight",
                         "min_id", "max_id"):
                assert getattr(info, name)() == getattr(other, name)(), (fieldname, text, name)
            one, two = left.postings(fieldname, text), right.postings(fieldname, text)
            while one.is_active():
                assert two.is_active()
                assert (one.id(), one.weight(), one.value()) == (two.id(), two.weight(), two.value())
                assert (one.block_min_length(), one.block_max_length(), one.block_max_weight()) == \
                    (two.block_min_length(), two.block_max_length(), two.block_max_weight())
                one.next()
                two.next()
            assert not two.is_active()
        for docnum in range(left.doc_count_all()):
            assert left.stored_fields(docnum) == right.stored_fields(docnum)
        for name in schema.names():
            assert left.field_length(name) == right.field_length(name), name
            if schema[name].scorable and left.field_length(name):
                assert left.max_field_length(name) == right.max_field_length(name), name
            assert left.has_column(name) == right.has_column(name), name
            if left.has_column(name):
                assert list(left.column_reader(name)) == list(right.column_reader(name)), name
            for docnum in range(left.doc_count_all()):
                assert left.doc_field_length(docnum, name) == right.doc_field_length(docnum, name)
    return terms


def assert_same_answers(expected, actual, queries):
    for text in queries:
        query = qparser.MultifieldParser(["name_exact", "name", "text", "tags", "bigrams"],
                                         expected.schema, group=qparser.OrGroup).parse(text)
        with expected.searcher() as left, actual.searcher() as right:
            one = [(hit.docnum, hit.score) for hit in left.search(query, limit=None)]
            two = [(hit.docnum, hit.score) for hit in right.search(query, limit=None)]
        assert one == two, text


@pytest.mark.parametrize("small", [False, True], ids=["numpy", "python"])
def test_a_built_segment_is_the_segment_whoosh_writes(tmp_path, monkeypatch, small):
    if small:  # the plain Python sort of small fields (a save), on the same documents
        monkeypatch.setattr(builder, "SMALL_FIELD", 10**9)
    documents = synthetic(700)
    schema = build_schema()
    expected = whoosh_index(tmp_path / "whoosh", schema, documents)
    actual = built_index(tmp_path / "built", schema, documents)
    terms = assert_same_index(expected, actual)
    # The sample covers what matters: several posting blocks, frequencies above 1.
    with actual.reader() as reader:
        assert max(reader.doc_frequency(field, text) for field, text in terms) > 2 * builder.BLOCK
        assert any(weight > 1 for _docnum, weight in reader.postings("text", "cong").items_as("weight"))
    assert_same_answers(expected, actual, ["công nghệ", "cong nghe bien", "Đức", "nguyen 12",
                                           "logistics AI", "jean-pierre", "o'brien", "v2.0"])


def test_several_processes_write_segments_in_document_order(tmp_path):
    documents = synthetic(500, seed=11)
    schema = build_schema()
    single = built_index(tmp_path / "one", schema, documents)
    parallel = built_index(tmp_path / "two", schema, documents, segment_docs=130, processes=2)
    with parallel.reader() as reader:
        assert [reader.doc_count_all() for reader, _ in reader.leaf_readers()] == [130, 130, 130, 110]
    with single.searcher() as left, parallel.searcher() as right:
        assert [fields["id"] for fields in left.all_stored_fields()] == \
            [fields["id"] for fields in right.all_stored_fields()]
    assert_same_answers(single, parallel, ["công nghệ", "hai phong", "port"])
    # Nothing left behind but the segments, their dense files and the table of contents.
    names = {path.name for path in (tmp_path / "two").iterdir()}
    assert all(name.endswith((".seg", ".dense", ".toc", "_WRITELOCK")) for name in names), names
    # One each but for the last, too small to hold a list of dense.MIN_POSTINGS.
    assert len([name for name in names if name.endswith(".dense")]) == 3


def test_the_demo_directory_indexes_as_whoosh_indexes_it(app, tmp_path):
    load_demo(count=200)
    with database.connection_context():
        documents = list(indexing.all_documents())
    schema = build_schema()
    expected = whoosh_index(tmp_path / "whoosh", schema, documents)
    actual = built_index(tmp_path / "built", schema, documents)
    assert_same_index(expected, actual)


def test_a_rebuild_with_two_processes_searches_like_one(app, add, store):
    for number in range(9):
        add(full_name=f"Chuyên gia {number}", fields="ai" if number % 2 else "logistics")
    indexing.rebuild(store)
    request = search.SearchRequest(text="chuyen gia", visibility=("public",), per_page=50)
    before = search.search(store, request)
    store.PARALLEL_BUILD_MIN = 2
    indexing.rebuild(store)
    with store.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 2
    after = search.search(store, request)
    assert (after.ids, after.total, after.facets) == (before.ids, before.total, before.facets)


def test_other_formats_are_left_to_whoosh(tmp_path):
    assert builder.supported(build_schema())
    positions = fields.Schema(id=fields.ID(stored=True), body=fields.TEXT(phrase=True))
    assert not builder.supported(positions)
    boosted = fields.Schema(body=fields.TEXT(field_boost=2.0, phrase=False))
    assert not builder.supported(boosted)
    with pytest.raises(ValueError):
        built_index(tmp_path / "x", positions, [{"id": "1", "body": "a b"}])
