"""The index on disk: open or create, one writer at a time, a shared searcher that is
refreshed when the index changes, and full rebuilds that never leave an empty index.

Layout of the index folder::

    INDEX_DIR/
        live -> gen-20261129T101500-1a2b   (symlink, swapped atomically)
        gen-.../                            (a Whoosh index + SCHEMA_VERSION file)
        rebuild.lock                        (one rebuild at a time, across processes)

A rebuild writes a new ``gen-*`` folder and then points ``live`` at it with
``os.replace``, so readers always see a complete index and an interrupted rebuild
leaves the previous one in place. Writers follow the symlink, so after a swap every
process writes to the new generation.
"""
import contextlib
import copy
import fcntl
import gc
import itertools
import logging
import multiprocessing
import os
import secrets
import shutil
import threading
import time
import uuid
import warnings
from pathlib import Path

import whoosh.codec.base
import whoosh.filedb.compound
import whoosh.filedb.filestore
import whoosh.util
import whoosh.writing
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, LockError, clean_files
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.util.filelock import try_for
from whoosh.writing import NO_MERGE, SegmentWriter

from . import builder, dense, engine
from .schema import SCHEMA_VERSION, build_schema

log = logging.getLogger(__name__)

LIVE = "live"
VERSION_FILE = "SCHEMA_VERSION"
# In a generation: the position in the database's change log up to which every change
# is in this index (written by the catch-up of several hosts; see expertnet/directory/catchup.py).
POSITION_FILE = "CHANGE_POSITION"


# A segment is "small" below this many live documents, or below 1 % of the index.
SMALL_SEGMENT = 2_000
# Small segments are merged in tiers of their live documents (1–9, 10–99, 100–999, …):
# once a tier holds this many segments, they and the smaller ones become one segment.
TIER_WIDTH = 4
# A merged segment is written in a folder of this prefix inside the index folder:
# Whoosh deletes, at every commit, files named like a segment of the index that its
# table of contents does not list, and the merge commits nothing until it swaps.
MERGING_PREFIX = "merging-"


def _small_limit(segments):
    return max(SMALL_SEGMENT, sum(segment.doc_count() for segment in segments) // 100)


def small_segments(segments):
    """All small segments become one; large ones stay as they are (merging them costs
    seconds and gains little: the engine reads segments directly). whoosh-reloaded's
    MERGE_SMALL merges nothing below five segments and depends on a Fibonacci
    heuristic; this rule is plain and bounded. Sizes are of live documents: a large
    segment whose documents were mostly edited since is small, and merging it keeps
    only its live documents."""
    limit = _small_limit(segments)
    small = [segment for segment in segments if segment.doc_count() < limit]
    return small if len(small) >= 2 else []


def _tier(live):
    return len(str(live)) - 1 if live else 0


def tiered_segments(segments, width=TIER_WIDTH):
    """The small segments to merge now: those of the highest tier holding ``width``
    segments, with every smaller one ([] when no tier is full). Each document is
    rewritten about once per tier, rather than once per merge as when every small
    segment became one, and at most ``width - 1`` segments stay per tier: edits leave
    a bounded number of segments."""
    limit = _small_limit(segments)
    tiers = {}
    for segment in segments:
        live = segment.doc_count()
        if live < limit:
            tiers.setdefault(_tier(live), []).append(segment)
    chosen, due = [], []
    for level in sorted(tiers):
        chosen = chosen + tiers[level]
        if len(tiers[level]) >= width:
            due = chosen
    return due if len(due) >= 2 else []


def _live(segments):
    """``segments`` without those whose every document is deleted: dropped at once
    rather than read by every search until a merge."""
    return [segment for segment in segments if segment.doc_count() > 0]


def _merge_child(store):
    store.merge_due()
    # An index written before dense files existed gets them here, off the request path.
    store.write_missing_dense_postings()


class _Snapshot:
    """What Whoosh's SegmentWriter needs of an index, frozen at one table of contents,
    in another storage (so its files and scratch folder are its own)."""

    def __init__(self, storage, toc, indexname):
        self.storage = storage
        self.indexname = indexname
        self._toc = toc

    def _read_toc(self):
        return self._toc


class _ReaderView(SegmentReader):
    """A segment reader sharing the open files of another reader of the same segment,
    with the deletions of a newer table of contents. Closing it closes nothing: the
    files belong to the reader it was made from."""

    def __init__(self, base, segment, generation):  # noqa: D107 - no SegmentReader.__init__
        self.__dict__.update(base.__dict__)
        self.__dict__.pop("deleted_docs_set", None)  # a cached property of the old deletions
        self._segment = segment
        self._gen = generation
        self._perdoc = copy.copy(base._perdoc)
        self._perdoc._segment = segment
        self.is_closed = False

    def close(self):
        self.is_closed = True


_NAME_SOURCE = secrets.SystemRandom()


def _random_name(size=28):
    return "".join(_NAME_SOURCE.choice(whoosh.util.IDCHARS) for _ in range(size))


# Whoosh names segments and temporary files with the global ``random`` module, which any
# code may seed (Faker, a test framework replaying examples): two writers then draw the
# same segment name and the second commit fails on Whoosh's assertion that the segment's
# files do not exist yet. Names come from the operating system's randomness instead.
for _module in (whoosh.codec.base, whoosh.writing, whoosh.filedb.compound, whoosh.filedb.filestore):
    _module.random_name = _random_name


def _abandon(writer):
    """Release a writer whose commit failed: Whoosh releases the lock and closes the
    writer's searcher only at the end of ``commit`` or ``cancel``, so a commit that
    raised would hold the lock (every later write: ``IndexBusy``) and its open files
    until the writer happened to be garbage-collected."""
    try:
        writer.cancel()
    except Exception:  # noqa: BLE001 - half-closed: release what is left
        try:
            writer._finish()
        except Exception as exc:  # noqa: BLE001 - nothing more can be done here
            log.warning("could not release a failed index writer: %r", exc)


def _commit(writer, **options):
    try:
        writer.commit(**options)
    except BaseException:
        _abandon(writer)
        raise


# Attempts at reading the table of contents of the latest generation (see _Index).
TOC_ATTEMPTS = 20


class _Index(whoosh_index.FileIndex):
    """Whoosh's index, reading its table of contents safely beside writers. Reading
    it is two steps: list the folder for the latest generation, then open
    ``_MAIN_<generation>.toc``. A commit in between (a save in another process, or the
    swap of a background merge) writes the next table of contents and deletes that
    one, and the open failed with ``FileNotFoundError``: a searcher opened at that
    instant failed the request, and ``status`` called the index unreadable. The newer
    table of contents is on disk before the older is deleted (written under a
    temporary name, renamed, then the old ones cleaned), so listing again finds it.
    Whoosh's own ``reader()`` retries the same way; this codebase reads the table of
    contents directly (searchers, merges, segment commits), and so does opening."""

    def __init__(self, storage, schema):  # noqa: D107 - Whoosh's, with the retrying read
        self.storage = storage
        self._schema = schema
        self.indexname = whoosh_index._DEF_INDEX_NAME
        # Whoosh's constructor reads the table of contents once to check it is readable.
        self._read_toc()

    def _read_toc(self):
        for _attempt in range(TOC_ATTEMPTS - 1):
            try:
                return super()._read_toc()
            except FileNotFoundError:
                continue
        return super()._read_toc()


class IndexUnavailable(RuntimeError):
    """The index is missing, of an older schema, or unreadable: rebuild it."""


class IndexBusy(RuntimeError):
    """Another process held the writer lock for longer than the timeout."""


class IndexStore:
    """One index folder. Thread-safe; one instance per application."""

    def __init__(self, root, lock_timeout=10.0, background_merge=True, cache_mb=None):
        self.root = Path(root)
        self.lock_timeout = lock_timeout
        self.background_merge = background_merge
        self._merging = False
        self._merge_thread = None
        self.build_processes = min(2, os.cpu_count() or 1)
        # Memory per build process for sorting postings; beyond it Whoosh spills sorted
        # runs to disk one pickled posting at a time, which doubles the build time.
        self.build_limitmb = 512
        self.schema = build_schema()
        self._lock = threading.RLock()
        self._searcher = None
        self._searcher_target = None
        self._engine_segments = {}
        # Whole-index arrays kept from one searcher to the next (engine.KeptArrays).
        self._kept_arrays = engine.KeptArrays()
        self._segments = None
        self._base_readers = {}
        # Decoded posting lists of every segment (engine.PostingCache), within a budget.
        cache_bytes = engine.DEFAULT_CACHE_BYTES if cache_mb is None else int(float(cache_mb) * 2**20)
        self.postings = engine.PostingCache(cache_bytes)

    # -- state -----------------------------------------------------------------
    @property
    def live_path(self):
        return self.root / LIVE

    def _target(self):
        try:
            return os.readlink(self.live_path)
        except OSError:
            return None

    def generation(self):
        """The name of the live generation (changes when a rebuild is swapped in)."""
        return self._target()

    def read_position(self):
        """The change-log position recorded in the live generation, or None."""
        target = self._target()
        if target is None:
            return None
        try:
            return int((self.root / target / POSITION_FILE).read_text().strip())
        except (OSError, ValueError):
            return None

    def write_position(self, position, generation=None):
        """Record ``position`` in ``generation`` (default: the live one), atomically."""
        target = generation or self._target()
        if target is None:
            return
        folder = self.root / target
        temporary = folder / f"{POSITION_FILE}.{uuid.uuid4().hex[:8]}"
        temporary.write_text(f"{position}\n")
        os.replace(temporary, folder / POSITION_FILE)

    @contextlib.contextmanager
    def exclusive(self, name):
        """A lock file ``name.lock`` in the index folder, taken without waiting: yields
        True when this process holds it (released if the process dies), else False."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f"{name}.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def status(self):
        """``ok``, ``missing``, ``outdated`` (another schema version) or ``unreadable``."""
        target = self._target()
        if target is None or not (self.root / target).is_dir():
            return "missing"
        version_file = self.root / target / VERSION_FILE
        try:
            if int(version_file.read_text().strip()) != SCHEMA_VERSION:
                return "outdated"
        except (OSError, ValueError):
            return "outdated"
        readable = True
        # Whoosh leaves files open when it fails to read a damaged index; they are
        # released here, on purpose, rather than warned about later. Only then: a full
        # collection costs tens of milliseconds in a large process, on every health check.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                self._open().doc_count()
            except Exception as exc:  # noqa: BLE001 - any failure to read means "rebuild"
                # No traceback in the log record: it would keep Whoosh's open files alive.
                log.error("search index at %s is unreadable: %s", self.live_path, repr(exc))
                readable = False
            if not readable:
                gc.collect()
        return "ok" if readable else "unreadable"

    def _open(self):
        # No mmap: every searcher and writer mapped the segment files again, and the
        # mapped pages stayed in the process (a serving process grew by tens of MB per
        # edit, to GBs at 100,000 profiles). The engine reads each posting list once
        # into its own cache, so plain reads cost little.
        storage = FileStorage(str(self.live_path), supports_mmap=False)
        return _Index(storage, schema=self.schema)

    def ensure(self):
        """Create an empty index when there is none usable; returns the status found."""
        found = self.status()
        if found != "ok":
            with self._rebuild_lock():
                if self.status() != "ok":
                    self._swap_in(self._new_generation(()))
        return found

    # -- writing ---------------------------------------------------------------
    def _writer(self):
        try:
            return self._open().writer(timeout=self.lock_timeout)
        except LockError as exc:
            raise IndexBusy(f"index writer lock not acquired within {self.lock_timeout}s") from exc
        except (OSError, whoosh_index.EmptyIndexError) as exc:
            raise IndexUnavailable(str(exc)) from exc

    # Writes commit without merging segments: a merge can take a second or more on a
    # large index, holding the writer lock while a user waits for their save. After a
    # write, small segments are merged by tiers (``TIER_WIDTH``), and every small one at
    # once when this many segments exist (in a background thread when
    # ``background_merge`` is on, as in production).
    MAX_SEGMENTS = 16
    TIER_WIDTH = TIER_WIDTH
    # Merges one after another while the policy finds one due (writes made during a
    # merge can fill a tier again), at most this many per write.
    MERGE_ROUNDS = 8

    def merge_plan(self, segments):
        """The segments that a merge after a write would merge now ([] for none)."""
        if len(segments) >= self.MAX_SEGMENTS:
            return small_segments(segments)
        return tiered_segments(segments, self.TIER_WIDTH)

    def apply(self, documents=(), remove_ids=(), read=None):
        """Add or replace ``documents`` and delete ``remove_ids`` in one commit.

        ``read``, when given, is called once the writer lock is held and returns
        ``(documents, remove_ids)``. Reading the database under the lock is what keeps
        several writers (threads, worker processes) from overwriting a newer document
        with an older one: a writer that read version 2 before another committed
        version 3 could otherwise take the lock last. Whoever holds the lock reads a
        state at least as new as every commit whose writer is still waiting for it.

        The commit is Whoosh's (the same lock, segment and table of contents), written
        without Whoosh's writer: it opened a reader of every segment to find the
        documents to replace and wrote the new segment a posting at a time. Here the
        old documents are found through segment readers kept open between writes and
        the new segment is written by :mod:`.builder`."""
        if not builder.supported(self.schema):
            return self._apply_with_whoosh(documents, remove_ids, read)
        ix = self._open_for_writing()
        lock = ix.lock("WRITELOCK")
        if not try_for(lock.acquire, timeout=self.lock_timeout, delay=0.05):
            raise IndexBusy(f"index writer lock not acquired within {self.lock_timeout}s")
        try:
            if read is not None:
                documents, remove_ids = read()
            documents = list(documents)
            toc = ix._read_toc()
            unique = [name for name, field in self.schema.items() if field.unique]
            terms = [("id", str(doc_id)) for doc_id in remove_ids]
            terms += [(name, document[name]) for document in documents for name in unique
                      if document.get(name) is not None]
            changed = self._delete_terms(ix.storage, toc, terms)
            segments = _live(toc.segments)
            changed = changed or len(segments) != len(toc.segments)
            if documents:
                segment = builder.build_segment(ix.storage, self.schema, documents, ix.indexname)
                shutil.rmtree(os.path.join(ix.storage.folder, f"{ix.indexname}.tmp"), ignore_errors=True)
                segments.append(segment)
            if changed or documents:
                TOC(self.schema, segments, toc.generation + 1).write(ix.storage, ix.indexname)
                clean_files(ix.storage, ix.indexname, toc.generation + 1, segments)
        finally:
            lock.release()
        if (changed or documents) and self.merge_plan(segments):
            self._merge_after_write()

    def _merge_after_write(self):
        if self.background_merge:
            self._merge_in_background()
        else:
            self.merge_due()

    def _open_for_writing(self):
        try:
            ix = self._open()
            generation = ix.latest_generation()
        except (OSError, whoosh_index.EmptyIndexError) as exc:
            raise IndexUnavailable(str(exc)) from exc
        if generation < 0:
            raise IndexUnavailable(f"no index in {self.live_path}")
        return ix

    def _delete_terms(self, storage, toc, terms):
        """Mark the documents holding any of ``terms`` as deleted in ``toc``'s segments
        (what Whoosh's delete_by_term does); returns whether any was."""
        changed = False
        if not terms:
            return changed
        with self._lock:
            for segment in toc.segments:
                reader = self._base_reader(storage, segment)
                for name, text in terms:
                    field = self.schema[name]
                    raw = field.to_bytes(text)
                    if (name, raw) not in reader._terms:
                        continue
                    matcher = reader._terms.matcher(name, raw, field.format)
                    for docnum in matcher.all_ids():
                        if not segment.is_deleted(docnum):
                            segment.delete_document(docnum)
                            changed = True
        return changed

    def _apply_with_whoosh(self, documents=(), remove_ids=(), read=None):
        writer = self._writer()
        try:
            if read is not None:
                documents, remove_ids = read()
            for doc_id in remove_ids:
                writer.delete_by_term("id", str(doc_id))
            for document in documents:
                writer.update_document(**document)
        except BaseException:
            writer.cancel()
            raise
        _commit(writer, mergetype=NO_MERGE)
        if self.merge_plan(self._open()._read_toc().segments):
            self._merge_after_write()

    def merge_small(self):
        """Merge the small segments into one, without holding the writer lock while the
        merged segment is written (it took minutes on a loaded machine, and every save
        waited): the segments are read from a snapshot of the table of contents, the
        merged segment is written under a private name, then the lock is taken briefly
        to swap it in, if every merged segment is still in the index, carrying over the
        deletions made meanwhile; otherwise it is thrown away. Returns whether it was
        swapped in. One merge at a time per index folder (across processes)."""
        return self._merge(small_segments, rounds=1)

    def merge_due(self):
        """The merges the policy (:meth:`merge_plan`) finds due, one after another;
        returns whether any was swapped in."""
        return self._merge(self.merge_plan, rounds=self.MERGE_ROUNDS)

    def _merge(self, choose, rounds):
        merged_any = False
        with self.exclusive("merge") as mine:
            if not mine:
                return False
            ix = self._open()
            self._remove_merge_leftovers(ix.storage)
            for _round in range(rounds):
                snapshot = ix._read_toc()
                small = choose(snapshot.segments)
                if not small:
                    break
                try:
                    merged, docmaps = self._write_merged(ix, snapshot, small)
                    if not self._swap_merged(ix, small, merged, docmaps):
                        break
                    merged_any = True
                finally:
                    self._remove_merge_leftovers(ix.storage)
        return merged_any

    def _write_merged(self, ix, snapshot, small):
        folder = FileStorage(os.path.join(ix.storage.folder, f"{MERGING_PREFIX}{uuid.uuid4().hex[:8]}"),
                             supports_mmap=False).create()
        writer = SegmentWriter(_Snapshot(folder, snapshot, ix.indexname), _lk=False)
        docmaps = []
        readers = []
        try:
            # Opened first: a save may drop a segment of the snapshot whose documents
            # it deleted (its files go); one already gone has nothing to merge, and
            # one opened stays readable.
            for segment in small:
                try:
                    readers.append(SegmentReader(ix.storage, self.schema, segment))
                except FileNotFoundError:
                    readers.append(None)
            for segment, reader in zip(small, readers):  # noqa: B905
                if reader is None:
                    docmaps.append({})
                    continue
                # Whoosh's add_reader appends the live documents in order.
                live = [docnum for docnum in range(segment.doc_count_all())
                        if not segment.is_deleted(docnum)]
                docmaps.append(dict(zip(live, range(writer.docnum, writer.docnum + len(live)))))  # noqa: B905
                writer.add_reader(reader)
            merged = writer._finalize_segment()
        except BaseException:
            writer.cancel()
            raise
        finally:
            for reader in readers:
                if reader is not None:
                    reader.close()
        writer._finish()
        engine.write_dense_postings(folder, self.schema, merged)
        return (merged, folder.folder), docmaps

    def _swap_merged(self, ix, small, written, docmaps):
        merged, folder = written
        lock = ix.lock("WRITELOCK")
        if not try_for(lock.acquire, timeout=self.lock_timeout, delay=0.05):
            return False
        try:
            current = ix._read_toc()
            by_id = {segment.segment_id(): segment for segment in current.segments}
            if not any(segment.segment_id() in by_id for segment in small):
                return False  # another merge, an optimisation or a rebuild got there first
            for segment, docmap in zip(small, docmaps):  # noqa: B905
                now = by_id.get(segment.segment_id())
                if now is None:
                    # Gone since the snapshot: dropped once all its documents were
                    # deleted, or merged by an optimisation that holds them: either
                    # way they are not this segment's to keep.
                    deleted = docmap.keys()
                else:
                    deleted = set(now.deleted_docs()) - set(segment.deleted_docs())
                for docnum in deleted:
                    if not merged.is_deleted(docmap[docnum]):
                        merged.delete_document(docmap[docnum])
            merged_ids = {segment.segment_id() for segment in small}
            segments = _live([segment for segment in current.segments
                              if segment.segment_id() not in merged_ids])
            if merged.doc_count():
                for filename in os.listdir(folder):
                    if filename.startswith(merged.segment_id() + "."):
                        os.rename(os.path.join(folder, filename), os.path.join(ix.storage.folder, filename))
                segments.append(merged)
            TOC(self.schema, segments, current.generation + 1).write(ix.storage, ix.indexname)
            clean_files(ix.storage, ix.indexname, current.generation + 1, segments)
            return True
        finally:
            lock.release()

    @staticmethod
    def _remove_merge_leftovers(storage):
        """Files and scratch folders of merges that did not finish (only called by the
        holder of the merge lock, so no merge is running)."""
        for filename in storage.list():
            if filename.startswith(MERGING_PREFIX):
                path = os.path.join(storage.folder, filename)
                if os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.remove(path)

    def _merge_in_background(self):
        with self._lock:
            if self._merging:
                return
            self._merging = True

        def merge():
            try:
                self._merge_in_child()
            except Exception as exc:  # noqa: BLE001 - a later write merges again
                log.warning("background merge of %s failed: %s", self.root, repr(exc))
            finally:
                self._merging = False

        self._merge_thread = threading.Thread(target=merge, name="expertnet-index-merge", daemon=True)
        self._merge_thread.start()

    def _merge_in_child(self):
        """:meth:`merge_small` in a child process, waited for by the calling thread: a
        merge is minutes of Python at 100,000 profiles, and in a thread it would hold
        the interpreter lock against the requests of this process. The child only
        reads and writes index files (no database, no logging) and leaves with
        ``os._exit``, as Whoosh's own multiprocessing writer does."""
        context = multiprocessing.get_context("fork")
        child = context.Process(target=_merge_child, args=(self,), name="expertnet-index-merge",
                                daemon=True)
        child.start()
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"merge process ended with code {child.exitcode}")

    def optimize(self):
        """Merge every segment into one (at a quiet time: it takes a while)."""
        writer = self._writer()
        _commit(writer, optimize=True)
        self.write_missing_dense_postings()  # Whoosh's writer wrote the merged segment

    def write_missing_dense_postings(self):
        """Write the dense file (engine.write_dense_postings) of every segment of the
        index that lacks one: segments written by Whoosh's own writer (an optimisation)
        or before dense files existed. The files only add a way to read what the
        segments hold, so no lock is taken; a searcher picks a new one up with its next
        refresh. Returns how many were written."""
        ix = self._open()
        written = 0
        for segment in ix._read_toc().segments:
            if dense.path_for(ix.storage.folder, segment).exists():
                continue
            try:
                written += engine.write_dense_postings(ix.storage, self.schema, segment) is not None
            except FileNotFoundError:
                continue  # merged away meanwhile: its files are gone
        return written

    # Below this many documents a second build process costs more than it saves.
    PARALLEL_BUILD_MIN = 5000

    def rebuild(self, documents, progress=None, expected=None, position=None):
        """Index ``documents`` (an iterable of about ``expected`` documents) into a new
        generation, record the change-log ``position`` it reflects, then swap it in."""
        processes = self.build_processes if (expected or 0) >= self.PARALLEL_BUILD_MIN else 1
        with self._rebuild_lock():
            name = self._new_generation(documents, processes, progress, expected)
            if position is not None:
                self.write_position(position, generation=name)
            self._swap_in(name)

    # Documents per segment of a rebuild: each segment is written in one go by
    # :mod:`.builder` (in memory: about 150 MB per 25,000 profiles) and the processes
    # build segments side by side; the engine reads segments directly, so a few large
    # segments cost searches nothing.
    BUILD_SEGMENT = 25_000

    def _new_generation(self, documents, processes=1, progress=None, expected=None):
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        path = self.root / name
        path.mkdir()
        try:
            ix = FileStorage(str(path)).create_index(self.schema)
            if builder.supported(self.schema):
                # Segments of equal size, as many as processes (or more, when large).
                per_process = -(-(expected or 0) // processes) if expected else self.BUILD_SEGMENT
                segment_docs = max(1, min(self.BUILD_SEGMENT, per_process))
                builder.build_segments(ix, documents, segment_docs, processes, progress)
            else:
                self._whoosh_build(ix, documents, processes, progress)
            (path / VERSION_FILE).write_text(f"{SCHEMA_VERSION}\n")
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        return name

    # Documents per committed batch of a rebuild through Whoosh's writer (a schema the
    # builder cannot write): small enough that Whoosh sorts each batch's postings in
    # memory (past ``build_limitmb`` it spills pickled runs to disk, one posting at a
    # time, which doubled build times), large enough to keep the number of segments low.
    BUILD_BATCH = 10_000

    def _whoosh_build(self, ix, documents, processes=1, progress=None):
        documents = iter(documents)
        count = 0
        while True:
            batch = list(itertools.islice(documents, self.BUILD_BATCH))
            if not batch and count:
                break
            # Two processes each write their own segment (no final merge).
            writer = ix.writer(procs=processes, limitmb=self.build_limitmb, multisegment=True) \
                if processes > 1 else ix.writer(limitmb=self.build_limitmb)
            try:
                for document in batch:
                    writer.add_document(**document)
                    count += 1
                    if progress:
                        progress(count)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=NO_MERGE)
            if not batch:
                break

    def _swap_in(self, name):
        temporary = self.root / f"{LIVE}.{uuid.uuid4().hex[:8]}"
        os.symlink(name, temporary)
        os.replace(temporary, self.live_path)
        with self._lock:
            self._drop_searcher()
        for old in self.root.glob("gen-*"):
            if old.name != name:
                # Searchers in other processes may still read the old files; on POSIX
                # open files outlive their unlinking, and those searchers reopen the
                # new generation on their next refresh.
                shutil.rmtree(old, ignore_errors=True)

    @contextlib.contextmanager
    def _rebuild_lock(self):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "rebuild.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- reading ---------------------------------------------------------------
    @contextlib.contextmanager
    def searcher(self):
        """The shared searcher, refreshed if another writer or process changed the
        index. Held under a lock: Whoosh searchers are not safe to share between
        threads while they run a query."""
        with self._lock:
            yield self._current_searcher()

    def _current_searcher(self):
        target = self._target()
        if self._searcher is not None and target == self._searcher_target:
            if not self._searcher.up_to_date():
                # Segments are immutable: a new searcher reuses the open readers of the
                # segments it shares with the old one (only their deletions change),
                # so an edit opens only its own new segment.
                fresh = self._new_searcher()
                self._searcher.close()
                self._searcher = fresh
                self._segments = None
            return self._searcher
        self._drop_searcher()
        try:
            self._searcher = self._new_searcher()
        except (OSError, whoosh_index.EmptyIndexError) as exc:
            raise IndexUnavailable(str(exc)) from exc
        self._searcher_target = target
        return self._searcher

    def _new_searcher(self):
        ix = self._open()
        for attempt in range(10):
            try:
                toc = ix._read_toc()
                readers = [_ReaderView(self._base_reader(ix.storage, segment), segment, toc.generation)
                           for segment in toc.segments]
                break
            except OSError:
                # A writer removed a segment just as it was opened (as ix.reader() does:
                # read the table of contents again).
                if attempt == 9:
                    raise
                time.sleep(0.05)
        alive = {segment.segment_id() for segment in toc.segments}
        for key in [key for key in self._base_readers if key not in alive]:
            self._base_readers.pop(key).close()
        if not readers:
            reader = EmptyReader(self.schema)
        elif len(readers) == 1:
            reader = readers[0]
        else:
            reader = MultiReader(readers, generation=toc.generation)
        return Searcher(reader, fromindex=ix)

    def _base_reader(self, storage, segment):
        """The open reader of ``segment`` (opened once; closed when the segment leaves
        the index). Under ``self._lock``."""
        key = segment.segment_id()
        reader = self._base_readers.get(key)
        if reader is None:
            reader = self._base_readers[key] = SegmentReader(storage, self.schema, segment)
        return reader

    def _drop_searcher(self):
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None
        self._searcher_target = None
        self._segments = None
        self._engine_segments = {}
        self._kept_arrays = engine.KeptArrays()
        self.postings.clear()
        for reader in self._base_readers.values():
            reader.close()
        self._base_readers = {}

    def close(self):
        """Close the shared searcher and wait for a background merge: before a server
        forks its workers nothing of the index may be open or running (a thread does
        not survive a fork, and a child would believe a merge still runs)."""
        thread = self._merge_thread
        if thread is not None:
            thread.join()
            self._merge_thread = None
        with self._lock:
            self._drop_searcher()

    def segments(self, searcher):
        """The engine's view of ``searcher``: per-segment arrays, reused across
        searchers for segments that did not change (segments are immutable)."""
        if self._segments is None or self._segments.searcher is not searcher:
            self._segments = engine.Segments(searcher, self._engine_segments, self.postings,
                                             self._kept_arrays)
            alive = {data.reader.segment().segment_id() for data, _o, _l in self._segments.parts}
            for key in list(self._engine_segments):
                if key not in alive:
                    del self._engine_segments[key]
        return self._segments

    def stored_versions(self):
        """``{profile id: version}`` for every live document (reconcile compares it
        with the database)."""
        versions = {}
        with self.searcher() as searcher:
            for reader, _offset in searcher.reader().leaf_readers():
                if reader.doc_count_all() == 0:
                    continue
                ids = reader.column_reader("id_num")
                version = reader.column_reader("version")
                for docnum in reader.all_doc_ids():
                    versions[ids[docnum]] = version[docnum]
        return versions

    def versions_of(self, ids):
        """``{profile id: version}`` of the documents of ``ids`` that the index holds."""
        versions = {}
        with self.searcher() as searcher:
            # Per segment: an empty index has no column to read.
            leaves = [(offset, offset + reader.doc_count_all(), reader.column_reader("version"))
                      for reader, offset in searcher.reader().leaf_readers()
                      if reader.doc_count_all()]
            for expert_id in ids:
                docnum = searcher.document_number(id=str(expert_id))
                for start, end, column in leaves if docnum is not None else ():
                    if start <= docnum < end:
                        versions[expert_id] = column[docnum - start]
        return versions

    def doc_count(self):
        with self.searcher() as searcher:
            return searcher.doc_count()
