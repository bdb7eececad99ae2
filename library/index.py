"""The Whoosh index: derived from the database, kept in step through the outbox, rebuildable."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import struct
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from library.errors import DamagedPostings, LibraryError
from library.index_documents import documents_for
from library.index_schema import INDEX_SCHEMA_VERSION, build_schema

if TYPE_CHECKING:
    # Whoosh ships no type information, so to mypy these names are Any; they say what
    # the functions hand out.
    from whoosh.index import Index
    from whoosh.searching import Searcher
    from whoosh.writing import IndexWriter

_MARKER = "folio-index-version"
# What reading truncated or corrupt index files raises, besides the opening checks.
READ_ERRORS: tuple[type[BaseException], ...] = (
    EOFError,
    OSError,
    struct.error,
    zlib.error,
    DamagedPostings,
)


class IndexDamaged(LibraryError):
    """The index's files cannot be read; it must be rebuilt from the database."""


class IndexBehind(LibraryError):
    """The index could not take the database's changes for lack of disk space: it is as it
    was (search answers from it) and the outbox keeps what it missed. `reason` says why."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


# What a full disk (or a full quota) raises.
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


@contextmanager
def _no_space_is(message: str) -> Iterator[None]:
    """Turn a full disk's OSError into IndexBehind, `message` with its {reason}; other
    errors pass."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _NO_SPACE:
            raise
        reason = (exc.strerror or os.strerror(exc.errno or 0)).lower()
        raise IndexBehind(message.format(reason=reason), reason) from None


# Called with (done, total) as articles are handed to the index writer.
Progress = Callable[[int, int], None]
_BATCH = 500
_PARALLEL_FROM = 1000


class SearchIndex:
    """The index folder of one library."""

    def __init__(self, index_dir: Path, writer_timeout: float = 60.0) -> None:
        self.index_dir = index_dir
        self.writer_timeout = writer_timeout
        self._index: Index | None = None
        self._searcher: Searcher | None = None

    def is_current(self) -> bool:
        """Whether the folder holds an index of the schema this Folio writes."""
        marker = self.index_dir / _MARKER
        try:
            return marker.read_text().strip() == str(INDEX_SCHEMA_VERSION) and _has_toc(
                self.index_dir
            )
        except OSError:
            return False

    def open(self) -> Index:
        """The Whoosh index object (opened once per process)."""
        if self._index is None:
            from whoosh import index as whoosh_index

            self._index = whoosh_index.open_dir(str(self.index_dir))
        return self._index

    def writer(self, **options: Any) -> IndexWriter:
        """A writer that waits for another process's lock rather than failing."""
        from whoosh.index import LockError

        from library.index_workers import open_writer

        try:
            return open_writer(self.open(), timeout=self.writer_timeout, **options)
        except LockError:
            raise self._locked_too_long() from None

    def _locked_too_long(self) -> LibraryError:
        """The error when another process held the index's write lock past our patience."""
        return LibraryError(
            f"{self.index_dir}: the search index stayed locked by another Folio process for "
            f"{self.writer_timeout:.0f} s; try again"
        )

    def searcher(self) -> Searcher:
        """A searcher on the latest committed index, reused while the index is unchanged
        (opening one costs far more than a query)."""
        if self._searcher is not None and not self._searcher.up_to_date():
            # Not Whoosh's refresh(): it reuses segment readers and so misses deletions
            # committed to a segment it already had open.
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            try:
                self._searcher = self.open().searcher()
            except Exception as exc:  # any failure to read it means the files are damaged
                raise self.damaged(exc) from None
        return self._searcher

    def damaged(self, exc: BaseException) -> IndexDamaged:
        """The error for an index whose files cannot be read (its searcher is dropped)."""
        with contextlib.suppress(Exception):
            self.close()
        self._searcher = self._index = None
        return IndexDamaged(
            f"{self.index_dir}: the search index is damaged ({type(exc).__name__}); run "
            "`folio reindex` to rebuild it from the database (your library itself is intact)"
        )

    def close(self) -> None:
        """Release the searcher's files."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._index = None

    def sync(self, conn: sqlite3.Connection, progress: Progress | None = None) -> int:
        """Apply the outbox: index what the database changed since the last sync."""
        if not self.is_current():
            return self.rebuild(conn, progress)
        high = conn.execute("SELECT max(seq) FROM index_queue").fetchone()[0]
        if high is None:
            return 0
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT article_id FROM index_queue WHERE seq <= ?", (high,)
            )
        ]
        with _no_space_is("the search index will catch up when there is space ({reason})"):
            writer = self.writer(**_bulk_options(len(ids)))
            _write_articles(writer, conn, ids, progress, replace=True)
        _clear_queue(conn, high)
        _write_vocabularies(self.index_dir)
        return len(ids)

    def rebuild(self, conn: sqlite3.Connection, progress: Progress | None = None) -> int:
        """Build a fresh index from the database beside the old one, then swap it in.

        The old index's write lock is held throughout, so no other process's sync lands in
        an index about to be replaced (theirs waits, and the outbox keeps its work).
        """
        from whoosh import index as whoosh_index

        kept = "; the old index is kept" if _has_toc(self.index_dir) else ""
        no_room = f"{self.index_dir}: {{reason}} to rebuild the search index{kept}"
        with self._old_index_locked(), _no_space_is(no_room):
            high = conn.execute("SELECT max(seq) FROM index_queue").fetchone()[0]
            self.index_dir.parent.mkdir(parents=True, exist_ok=True)
            fresh = Path(
                tempfile.mkdtemp(
                    prefix=_work_prefix(self.index_dir, "new"), dir=self.index_dir.parent
                )
            )
            try:
                new_index = whoosh_index.create_in(str(fresh), build_schema())
                ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY pk")]
                from library.index_workers import open_writer

                writer = open_writer(new_index, **_bulk_options(len(ids)))
                _write_articles(writer, conn, ids, progress, replace=False)
                (fresh / _MARKER).write_text(f"{INDEX_SCHEMA_VERSION}\n")
                _write_vocabularies(fresh)
                self._swap_in(fresh)
            finally:
                shutil.rmtree(fresh, ignore_errors=True)
            _clear_queue(conn, high)
        return len(ids)

    @contextmanager
    def _old_index_locked(self) -> Iterator[None]:
        """Hold the current index's write lock, if there is a current index."""
        if not _has_toc(self.index_dir):
            yield
            return
        from whoosh.filedb.filestore import FileStorage

        lock = FileStorage(str(self.index_dir)).lock("MAIN_WRITELOCK")
        deadline = time.monotonic() + self.writer_timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() > deadline:
                raise self._locked_too_long()
            time.sleep(0.1)
        try:
            yield
        finally:
            lock.release()

    def _swap_in(self, fresh: Path) -> None:
        """Replace the index folder with `fresh`; the old one is removed after the rename."""
        self.close()
        old = Path(tempfile.mkdtemp(prefix=_work_prefix(self.index_dir, "old"), dir=fresh.parent))
        old.rmdir()
        if self.index_dir.exists():
            self.index_dir.rename(old)
        try:
            fresh.rename(self.index_dir)
        except OSError:
            # Another process's first build landed in between: its index is as good.
            if not _has_toc(self.index_dir):
                raise
        shutil.rmtree(old, ignore_errors=True)

    def stored_revisions(self) -> dict[str, int]:
        """Every indexed article id with the revision it was indexed at."""
        searcher = self.searcher()
        try:
            return {
                fields["id"]: fields.get("rev", 0)
                for fields in searcher.all_stored_fields()
                if "id" in fields  # annotations' documents go with their article's
            }
        except READ_ERRORS as exc:
            raise self.damaged(exc) from None

    def check_postings(self) -> None:
        """Read every posting list of every segment and check it against its checksums
        (raises IndexDamaged): what a search would find damaged only when it got there."""
        from library.index_codec import FolioCodec, PostingList

        searcher = self.searcher()
        try:
            for leaf, _ in searcher.leaf_searchers():
                terms = getattr(leaf.reader(), "_terms", None)  # (none in an empty index)
                if terms is None or not isinstance(terms._codec, FolioCodec):
                    continue
                for _, terminfo in terms.items():
                    if not terminfo.is_inlined():
                        PostingList.read(terms._postfile, terminfo).check()
        except READ_ERRORS as exc:
            raise self.damaged(exc) from None

    def dead_files(self, keep: set[str] | None = None) -> list[Path]:
        """Files in the index folder that no live segment or table of contents uses
        (left by writers that were killed before they committed)."""
        ix = self.open()
        live = {segment.segment_id() for segment in ix._segments()}
        live |= keep or set()
        toc = f"_{ix.indexname}_{ix.latest_generation()}.toc"
        return [
            path
            for path in self.index_dir.iterdir()
            if path.is_file()
            and path.name not in (toc, _MARKER)
            and not path.name.endswith("_WRITELOCK")
            and not any(path.name.startswith(prefix + ".") for prefix in live)
        ]

    def remove_dead_files(self) -> int:
        """Delete dead writer files, holding the write lock so no live writer loses its own."""
        self._index = None  # see the latest table of contents
        writer = self.writer()
        try:
            own = {writer.newsegment.segment_id()}
            dead = self.dead_files(keep=own)
            for path in dead:
                path.unlink(missing_ok=True)
        finally:
            writer.cancel()
        # Cancelling leaves the files the writer had opened for its new segment.
        for path in self.index_dir.glob(f"{own.pop()}.*"):
            path.unlink(missing_ok=True)
        return len(dead)


def _write_articles(
    writer: IndexWriter,
    conn: sqlite3.Connection,
    ids: list[str],
    progress: Progress | None,
    *,
    replace: bool,
) -> None:
    """Index these articles with `writer` and commit; `replace` drops their old documents
    first (not needed in a new index). A deleted article's id just drops its document."""
    carried: dict[str, int] = {}  # `names` terms given out by this writer
    try:
        for done, chunk in enumerate(_chunks(ids, _BATCH), start=1):
            if replace:
                for article_id in chunk:
                    writer.delete_by_term("id", article_id)
                    writer.delete_by_term("article", article_id)
            for document in documents_for(conn, chunk, carried):
                writer.add_document(**document)
            if progress:
                progress(min(done * _BATCH, len(ids)), len(ids))
        # Two writer processes leave two segments, which search well enough; merging them
        # would cost as much again as the build.
        writer.commit()
    except BaseException:
        writer.cancel()
        raise


def _write_vocabularies(index_dir: Path) -> None:
    """Write the vocabulary files of the index's new segments (library/vocabulary.py), so
    that searches never wait for them. Best effort: a search writes a missing one itself."""
    from whoosh import index as whoosh_index

    from library.vocabulary import prepare

    with contextlib.suppress(OSError, *READ_ERRORS):
        reader = whoosh_index.open_dir(str(index_dir)).reader()
        try:
            prepare(reader)
        finally:
            reader.close()


def _clear_queue(conn: sqlite3.Connection, high: int | None) -> None:
    """Forget outbox entries up to `high`: the index has committed them."""
    if high is not None:
        conn.execute("DELETE FROM index_queue WHERE seq <= ?", (high,))


def _bulk_options(count: int) -> dict[str, Any]:
    """Writer options: big batches are analysed in two processes (Whoosh's analysis is
    pure Python, so a second core nearly doubles throughput)."""
    # Separate segment files, not one compound file: Whoosh reads a compound segment by
    # copying each part into memory, which is most of the cost of opening a big index.
    options: dict[str, Any] = {"limitmb": 256, "compound": False}
    if count >= _PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        options.update(procs=min(2, os.cpu_count() or 1), multisegment=True)
    return options


def _work_prefix(index_dir: Path, stage: str) -> str:
    """The name start of a folder beside the index that a rebuild works in (`index.new-PID-`):
    with the pid, `folio check` can tell a killed rebuild's folder from a running one's."""
    return f"{index_dir.name}.{stage}-{os.getpid()}-"


def _has_toc(index_dir: Path) -> bool:
    return any(index_dir.glob("_*_*.toc"))


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
