"""The parts of whoosh-reloaded that are not its public API and that ``expertnet/search/``
relies on: it writes segments itself (builder.py), merges and keeps segment readers open
(index.py) and reads postings and field lengths in bulk (engine.py), all on Whoosh's
index format. setup.cfg pins the release this was tested with. Before taking a new
release, run this file on it: each test names the part that changed and where
expertnet uses it, so the change is found here rather than as a wrong search result."""
import configparser
import copy
import importlib
import importlib.metadata
import inspect
import random
import sys
from pathlib import Path

import pytest
import whoosh.util
from whoosh.codec import default_codec
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.writing import NO_MERGE, SegmentWriter

from expertnet.search import builder, engine
from expertnet.search import index as expertnet_index
from expertnet.search.schema import build_schema

ROOT = Path(__file__).resolve().parent.parent


def require(condition, what, where):
    assert condition, f"whoosh-reloaded changed: {what}. Relied on in expertnet/search/{where}"


def _resolve(path):
    """``"whoosh.codec.whoosh3:W3TermInfo.set_extent"`` → the object, or None."""
    module_name, _sep, attributes = path.partition(":")
    try:
        found = importlib.import_module(module_name)
    except ImportError:
        return None
    for name in attributes.split("."):
        found = getattr(found, name, None)
        if found is None:
            return None
    return found


# -- the release ----------------------------------------------------------------------
def test_the_installed_release_is_the_pinned_one():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    pins = [line.strip() for line in config["options"]["install_requires"].splitlines()
            if line.strip().lower().startswith("whoosh-reloaded")]
    assert pins and "==" in pins[0], "setup.cfg pins whoosh-reloaded to the release tested here"
    pinned = pins[0].split("==")[1].strip()
    installed = importlib.metadata.version("whoosh-reloaded")
    assert installed == pinned, f"whoosh-reloaded {installed} is installed, {pinned} was tested"


# -- names and signatures ---------------------------------------------------------------
# (what, where it is used): every name imported or called that is not public API, and
# the public ones whose shape the code depends on.
NAMES = [
    ("whoosh.codec.whoosh3:WHOOSH3_HEADER_MAGIC", "builder.py writes it before each term's blocks"),
    ("whoosh.codec.whoosh3:W3TermInfo.set_extent", "builder.py"),
    ("whoosh.codec.whoosh3:W3TermInfo.to_bytes", "builder.py"),
    ("whoosh.codec.whoosh3:W3TermInfo.from_bytes", "builder.py (what readers decode)"),
    ("whoosh.codec.whoosh3:_lenfield", "engine.py reads field lengths in bulk"),
    ("whoosh.codec.whoosh3:LENGTHS_COLUMN", "engine.py"),
    ("whoosh.codec.whoosh3:WHOOSH3_HEADER_MAGIC", "engine.py checks it before decoding a posting list"),
    ("whoosh.codec.whoosh3:W3TermsReader.term_info", "engine.py finds a posting list's extent"),
    ("whoosh.codec.whoosh3:W3TermsReader.items", "dense.py walks every term of a segment with its term info"),
    ("whoosh.codec.whoosh3:W3TermInfo.doc_frequency", "dense.py keeps the long lists only"),
    ("whoosh.filedb.filestore:OverlayStorage", "dense.py finds a compound segment's folder (its `b`)"),
    ("whoosh.codec.whoosh3:W3TermInfo.extent", "engine.py reads a posting list in one read"),
    ("whoosh.codec.whoosh3:W3TermInfo.is_inlined", "engine.py"),
    ("whoosh.codec.whoosh3:W3TermInfo.inlined_postings", "engine.py"),
    ("whoosh.reading:TermNotFound", "engine.py"),
    ("whoosh.codec.base:random_name", "index.py replaces it (segment names)"),
    ("whoosh.writing:random_name", "index.py replaces it (pool file names)"),
    ("whoosh.filedb.compound:random_name", "index.py replaces it (compound file names)"),
    ("whoosh.filedb.filestore:random_name", "index.py replaces it (temporary storage names)"),
    ("whoosh.util:IDCHARS", "index.py draws segment names from it"),
    ("whoosh.index:TOC.write", "builder.py and index.py commit tables of contents"),
    ("whoosh.index:clean_files", "builder.py and index.py"),
    ("whoosh.index:FileIndex._read_toc", "builder.py and index.py read the table of contents"),
    ("whoosh.writing:SegmentWriter._finalize_segment", "index.py merges small segments"),
    ("whoosh.writing:SegmentWriter._finish", "index.py releases a failed writer"),
    ("whoosh.writing:SegmentWriter.add_reader", "index.py merges small segments"),
    ("whoosh.reading:SegmentReader.deleted_docs_set", "index.py's _ReaderView drops its cache"),
    ("whoosh.system:pack_byte", "builder.py"),
    ("whoosh.system:pack_int", "builder.py"),
    ("whoosh.system:pack_ushort", "builder.py"),
    ("whoosh.util.numeric:byte_to_length", "builder.py and engine.py"),
    ("whoosh.util.numeric:length_to_byte", "builder.py"),
    ("whoosh.util.filelock:try_for", "index.py takes the writer lock with a timeout"),
    ("whoosh.support.levenshtein:distance", "engine.py's terms_within"),
    ("whoosh.classify:ExpansionModel", "similar.py's TfIdfModel"),
]


@pytest.mark.parametrize("path, where", NAMES, ids=[path for path, _where in NAMES])
def test_the_names_expertnet_search_uses_exist(path, where):
    require(_resolve(path) is not None, f"{path} is gone", where)


# (callable, the parameters expertnet passes, in order when it passes them by position)
SIGNATURES = [
    ("whoosh.reading:TermInfo.__init__",
     ["self", "weight", "df", "minlength", "maxlength", "maxweight", "minid", "maxid"], True,
     "builder.py (W3TermInfo, by position)"),
    ("whoosh.codec.whoosh3:W3TermInfo.set_extent", ["self", "offset", "length"], True, "builder.py"),
    ("whoosh.index:TOC.__init__", ["self", "schema", "segments", "generation"], True,
     "builder.py and index.py"),
    ("whoosh.index:TOC.write", ["self", "storage", "indexname"], True, "builder.py and index.py"),
    ("whoosh.index:clean_files", ["storage", "indexname", "gen", "segments"], True,
     "builder.py and index.py"),
    ("whoosh.writing:SegmentWriter.__init__", ["self", "ix", "_lk"], False, "index.py (merges)"),
    ("whoosh.reading:SegmentReader.__init__", ["self", "storage", "schema", "segment"], True,
     "index.py"),
    ("whoosh.reading:MultiReader.__init__", ["self", "readers", "generation"], True, "index.py"),
    ("whoosh.searching:Searcher.__init__", ["self", "reader", "fromindex"], False, "index.py"),
    ("whoosh.util.filelock:try_for", ["fn", "timeout", "delay"], True, "index.py"),
    ("whoosh.support.levenshtein:distance", ["seq1", "seq2", "limit"], True, "engine.py"),
    ("whoosh.codec.whoosh3:_lenfield", ["fieldname"], True, "engine.py"),
    ("whoosh.classify:ExpansionModel.__init__", ["self", "doc_count", "field_length"], True,
     "similar.py"),
    ("whoosh.classify:ExpansionModel.normalizer", ["self", "maxweight", "top_total"], True,
     "similar.py overrides it"),
    ("whoosh.classify:ExpansionModel.score",
     ["self", "weight_in_top", "weight_in_collection", "top_total"], True, "similar.py overrides it"),
]


@pytest.mark.parametrize("path, expected, in_order, where", SIGNATURES,
                         ids=[path for path, *_rest in SIGNATURES])
def test_the_signatures_expertnet_search_calls(path, expected, in_order, where):
    found = _resolve(path)
    require(found is not None, f"{path} is gone", where)
    names = list(inspect.signature(found).parameters)
    if in_order:
        require(names[:len(expected)] == expected,
                f"{path} takes ({', '.join(names)}), not ({', '.join(expected)}, …)", where)
    else:
        require(set(expected) <= set(names),
                f"{path} takes ({', '.join(names)}), without {sorted(set(expected) - set(names))}",
                where)


def test_the_codec_defaults_the_builder_copies():
    codec = default_codec()
    require(type(codec).__name__ == "W3Codec", f"the default codec is {type(codec).__name__}",
            "builder.py writes W3Codec's format")
    require(codec._blocklimit == builder.BLOCK,
            f"W3Codec writes {codec._blocklimit} postings per block, not {builder.BLOCK}", "builder.py")
    require(codec._compression == 3, f"W3Codec compresses blocks at level {codec._compression}, not 3",
            "builder.py")


# -- behaviour on a tiny index -----------------------------------------------------------
PORT_WORDS = ["cảng", "biển", "logistics", "Hải", "Phòng", "tự", "động", "hóa", "container"]


def documents(count=300):
    """Enough documents for "cang" to need three posting blocks, with frequencies above 1."""
    rng = random.Random(14)
    return [{"id": str(number), "id_num": number, "version": 1 + number % 4,
             "kind": "domestic", "visibility": "public",
             "name": f"Nguyễn Văn {number}", "name_sort": f"van {number:05d}",
             "text": " ".join(["cảng"] * (1 + number % 3) + rng.choices(PORT_WORDS, k=number % 9)),
             "updated": 1_780_000_000_000 + number}
            for number in range(1, count + 1)]


@pytest.fixture
def tiny(tmp_path):
    """A one-segment index written by Whoosh's own writer, and a reader of it."""
    folder = tmp_path / "whoosh"
    folder.mkdir()
    ix = FileStorage(str(folder)).create_index(build_schema())
    writer = ix.writer()
    for document in documents():
        writer.add_document(**document)
    writer.commit(mergetype=NO_MERGE)
    [segment] = ix._read_toc().segments
    reader = SegmentReader(ix.storage, ix.schema, segment)
    yield ix, segment, reader
    reader.close()
    ix.close()


def _public_postings(reader, field, text):
    matcher = reader.postings(field, reader.schema[field].to_bytes(text))
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def test_the_table_of_contents_and_its_segments(tiny):
    ix, segment, _reader = tiny
    toc = ix._read_toc()
    require(isinstance(toc.generation, int) and isinstance(toc.segments, list),
            "FileIndex._read_toc() no longer gives .generation and .segments", "index.py")
    for method in ("segment_id", "doc_count_all", "is_deleted", "delete_document", "deleted_docs",
                   "make_filename", "should_assemble", "create_compound_file", "set_doc_count"):
        require(callable(getattr(segment, method, None)), f"a segment has no {method}()",
                "builder.py and index.py")
    require(segment.doc_count_all() == 300 and segment.make_filename("").startswith(ix.indexname),
            "a segment's doc_count_all() or make_filename() changed meaning", "builder.py and index.py")


def test_raw_postings_are_read_whole_and_decoded_as_the_public_api_reads_them(tiny):
    _ix, _segment, reader = tiny
    raw = reader.schema["text"].to_bytes("cang")
    require(("text", raw) in reader._terms, "SegmentReader._terms no longer answers `in`",
            "engine.py and index.py")
    info = reader._terms.term_info("text", raw)
    require(not info.is_inlined() and len(info.extent()) == 2,
            "a term's info no longer gives the extent of its posting list", "engine.py")
    require(hasattr(reader._terms, "_postfile") and hasattr(reader._terms._postfile, "get"),
            "the terms reader has no posting file to read an extent from", "engine.py")
    ids, weights = engine.read_postings(reader, "text", "cang")
    expected_ids, expected_weights = _public_postings(reader, "text", "cang")
    require(len(expected_ids) == 300 and ids.tolist() == expected_ids
            and weights.tolist() == expected_weights,
            "decoding the raw posting list gives other postings than the public matcher "
            "(the block layout of W3Codec changed)", "engine.py")
    # index.py's deletions go through the same raw matcher.
    require(list(reader._terms.matcher("id", b"7", reader.schema["id"].format).all_ids()) == [6],
            "the raw matcher of a unique id finds another document", "index.py")


def test_field_lengths_are_read_from_the_lengths_column(tiny):
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
    from whoosh.util.numeric import byte_to_length

    _ix, _segment, reader = tiny
    column = reader._perdoc._cached_reader(_lenfield("text"), LENGTHS_COLUMN)
    require(column is not None, "the per-document reader has no lengths column for a field",
            "engine.py (BM25 lengths)")
    lengths = [byte_to_length(value) for value in column]
    require(lengths == [reader.doc_field_length(docnum, "text") for docnum in range(300)],
            "the lengths column no longer holds the field lengths BM25 uses", "engine.py")
    # engine.byte_column reads the column's bytes at once (its file, start, count, default).
    require(engine.byte_column(column, 300).tolist() == list(column)
            and engine.byte_column(column, 310).tolist() == [*column, *[0] * 10],
            "a one-byte numeric column no longer keeps its bytes where byte_column reads them",
            "engine.py (byte_column)")


def test_the_builder_writes_through_the_codecs_writers_what_whoosh_reads(tiny, tmp_path):
    ix, segment, reader = tiny
    folder = tmp_path / "built"
    folder.mkdir()
    storage = FileStorage(str(folder))
    fieldwriter = default_codec().field_writer(storage, default_codec().new_segment(storage, "MAIN"))
    for name, where in (("_postfile", "file"), ("_tindex", "add"), ("_tindex", "dbfile")):
        require(hasattr(getattr(fieldwriter, name, None), where),
                f"the field writer has no {name}.{where}", "builder.py")
    fieldwriter.start_field("kind", ix.schema["kind"])
    require(isinstance(getattr(fieldwriter, "_fieldid", None), int),
            "the field writer has no _fieldid once a field is started", "builder.py")
    fieldwriter.finish_field()
    fieldwriter.close()
    built = builder.build_segment(ix.storage, ix.schema, documents(), ix.indexname)
    copy_reader = SegmentReader(ix.storage, ix.schema, built)
    try:
        for field, text in (("text", "cang"), ("text", "container"), ("name", "nguyen"),
                            ("id", "300"), ("kind", "domestic")):
            require(_public_postings(copy_reader, field, text) == _public_postings(reader, field, text),
                    f"a segment written by the builder reads otherwise than Whoosh's ({field}:{text})",
                    "builder.py")
        require(copy_reader.stored_fields(41) == reader.stored_fields(41)
                and list(copy_reader.column_reader("id_num")) == list(reader.column_reader("id_num")),
                "stored fields or columns written by the builder read otherwise", "builder.py")
        for number in (1, 300):
            require(sorted(term for term, *_ in ix.schema["updated"].index(1_780_000_000_000 + number))
                    == sorted(term for term, *_ in copy_reader.schema["updated"].index(
                        1_780_000_000_000 + number)) and hasattr(ix.schema["updated"], "_struct"),
                    "NUMERIC fields no longer have _struct", "builder.py (numeric terms)")
    finally:
        copy_reader.close()


def test_a_reader_view_shares_the_files_and_sees_the_newer_deletions(tiny):
    ix, segment, reader = tiny
    for name in ("_segment", "_gen", "_perdoc"):
        require(name in reader.__dict__, f"a SegmentReader keeps no {name} in its __dict__",
                "index.py's _ReaderView")
    require(hasattr(reader._perdoc, "_segment"), "the per-document reader keeps no _segment",
            "index.py's _ReaderView")
    assert 6 not in reader.deleted_docs_set  # the cache _ReaderView must drop, now filled
    newer = copy.deepcopy(segment)
    newer.delete_document(6)
    view = expertnet_index._ReaderView(reader, newer, 2)
    require(view.is_deleted(6) and 6 in view.deleted_docs_set and not reader.is_deleted(6),
            "a reader view does not see the deletions of its newer segment (deleted_docs_set "
            "is no longer a cache kept in the reader's __dict__?)", "index.py's _ReaderView")
    require(view.stored_fields(6) == reader.stored_fields(6), "a reader view cannot read the files",
            "index.py's _ReaderView")


def test_a_merge_writer_appends_the_live_documents_in_order(tiny, tmp_path):
    ix, segment, reader = tiny
    segment = copy.deepcopy(segment)
    segment.delete_document(0)
    folder = FileStorage(str(tmp_path / "merging")).create()
    writer = SegmentWriter(expertnet_index._Snapshot(folder, ix._read_toc(), ix.indexname), _lk=False)
    try:
        writer.add_reader(SegmentReader(ix.storage, ix.schema, segment))
        require(writer.docnum == 299, f"add_reader appended {writer.docnum} documents, not the 299 live",
                "index.py's merge (its document map)")
        merged = writer._finalize_segment()
    except BaseException:
        writer.cancel()
        raise
    writer._finish()
    merged_reader = SegmentReader(folder, ix.schema, merged)
    try:
        require(merged.doc_count_all() == 299 and merged_reader.stored_fields(0) == reader.stored_fields(1),
                "_finalize_segment() no longer gives the merged segment, in order", "index.py's merge")
    finally:
        merged_reader.close()


def test_segment_and_file_names_come_from_the_operating_systems_randomness(tmp_path):
    """Whoosh names segments with the ``random`` module, which tests and Faker seed:
    index.py replaces ``random_name`` in every module that writes."""
    patched = expertnet_index._random_name
    original = whoosh.util.random_name
    unpatched = sorted(name for name, module in list(sys.modules.items())
                       if name.startswith("whoosh.") and getattr(module, "random_name", None) is original
                       and name not in ("whoosh.util", "whoosh.util.testing", "whoosh.multiproc"))
    require(unpatched == [], f"{unpatched} name files with whoosh.util.random_name", "index.py")
    storage = FileStorage(str(tmp_path)).create()
    names = []
    for _ in range(2):
        random.seed(2026)
        names.append(default_codec().new_segment(storage, "MAIN").segment_id())
    require(names[0] != names[1] and patched(5) != patched(5),
            "segment names follow the seeded random module again", "index.py")
