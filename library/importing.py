"""The import pipeline: paths → bytes → importer → database (+ original file) → index.

Reading and extracting happen outside any transaction: a slow file (a big PDF, a network
mount) never holds the database write lock that every other Folio process waits for. A batch
of prepared files is then written in one short transaction.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import sqlite3
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from library import articles
from library.articles import Article
from library.atomic import file_kind, mode_kind
from library.blobs import blob_path, make_durable, place_blob, sha256_of, stage_blob
from library.errors import FolioError, ImportRefused
from library.extracted import Extracted, FieldValue
from library.importers import SUPPORTED_LIST, extract, format_for_name, sniff_format
from library.index import Progress
from library.store import Library

Status = Literal["added", "present", "updated", "failed", "skipped"]
STDIN = "-"
# Files per database transaction: an interrupted import keeps every batch that committed.
BATCH_SIZE = 200


@dataclass
class ImportResult:
    """What happened to one input."""

    path: str
    status: Status
    article: Article | None = None
    error: str | None = None
    # For a file already in the library whose original had gone missing from files/.
    restored: bool = False


@dataclass
class Source:
    """One file to import: where it came from and, for stdin or a fetched page, its bytes.
    A page fetched from the web also has its URL (the article's) and its format (from the
    content type)."""

    name: str
    path: Path | None
    data: bytes | None = None
    url: str | None = None
    fmt: str | None = None


def collect_sources(
    inputs: Iterable[str], glob: str | None = None, stdin: BinaryIO | None = None
) -> tuple[list[Source], list[ImportResult], int]:
    """Expand files and folders into sources. Returns (sources, failures, skipped count).

    Files inside folders whose format Folio does not read are skipped, not failed: a
    folder of articles usually holds images and other things too.
    """
    sources: list[Source] = []
    failures: list[ImportResult] = []
    skipped = 0
    for item in inputs:
        if item == STDIN:
            reader = stdin or sys.stdin.buffer
            sources.append(Source(name="<stdin>", path=None, data=reader.read()))
            continue
        path = Path(item).expanduser()
        if path.is_dir():
            found, other, odd = _walk_folder(path, glob)
            skipped += other
            failures.extend(odd)
            if not found:
                failures.append(
                    ImportResult(
                        item,
                        "failed",
                        error=f"{item}: no supported files "
                        f"({SUPPORTED_LIST}){' matching ' + glob if glob else ''}",
                    )
                )
            sources.extend(Source(name=str(p), path=p) for p in found)
        elif path.is_file():
            sources.append(Source(name=item, path=path))
        elif path.exists():
            reason = f"{item}: not a regular file ({file_kind(path)})"
            failures.append(ImportResult(item, "failed", error=reason))
        else:
            failures.append(ImportResult(item, "failed", error=f"{item}: no such file or folder"))
    return sources, failures, skipped


def _walk_folder(folder: Path, glob: str | None) -> tuple[list[Path], int, list[ImportResult]]:
    """Supported files below `folder` in a stable order, skipping hidden ones; also how many
    were skipped for their format, and the ones skipped for not being regular files (a FIFO
    would block the reader forever)."""
    found: list[Path] = []
    skipped = 0
    odd: list[ImportResult] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            if filename.startswith("."):
                continue
            path = Path(dirpath, filename)
            if glob and not (
                fnmatch.fnmatch(filename, glob)
                or fnmatch.fnmatch(str(path.relative_to(folder)), glob)
            ):
                continue
            if format_for_name(filename) is None:
                skipped += 1
                continue
            if not path.is_file():
                odd.append(
                    ImportResult(
                        str(path),
                        "skipped",
                        error=f"{path}: skipped, not a regular file ({file_kind(path)})",
                    )
                )
                continue
            found.append(path)
    return found, skipped, odd


def import_sources(
    library: Library,
    sources: list[Source],
    progress: Progress | None = None,
    index_progress: Progress | None = None,
) -> Iterator[ImportResult]:
    """Import each source, yielding a result per source. Every good file is imported
    whatever happens to the others; the database commits every BATCH_SIZE files.

    Each batch is read and extracted first, its new originals written under temporary
    names and flushed; then one transaction records the batch and renames the originals
    into place. The index catches up once, at the end: one big write is several times
    faster in Whoosh than many small ones, and until then the outbox remembers what it has
    to index.
    """
    for start in range(0, len(sources), BATCH_SIZE):
        batch = sources[start : start + BATCH_SIZE]
        prepared: list[_Prepared | ImportResult] = []
        try:
            for source in batch:
                prepared.append(_prepare(library, source))
                if progress:
                    progress(start + len(prepared), len(sources))
            make_durable(list(_staged(prepared)))
            results = _write_batch(library, prepared)
        finally:
            _discard_staged(prepared)
        yield from results
    library.ensure_index(index_progress)


@dataclass
class _Prepared:
    """A source read and extracted outside any transaction, ready to be written."""

    source: Source
    fmt: str
    file_sha: str
    # None for a file already in the library (only its missing original is put back).
    extracted: Extracted | None
    text_sha: str | None
    # The original under a temporary name (None when files/ has it already and it is
    # recorded), renamed into place by the transaction that records it.
    staged: Path | None
    # Where that transaction renamed it (taken out again if the transaction does not commit).
    placed: Path | None = None


def _staged(prepared: Iterable[_Prepared | ImportResult]) -> Iterator[Path]:
    """The originals staged for these sources and not placed yet."""
    for item in prepared:
        if isinstance(item, _Prepared) and item.staged is not None:
            yield item.staged


def _discard_staged(prepared: Iterable[_Prepared | ImportResult]) -> None:
    """Remove originals that were staged but not placed (refused, present, or the batch failed)."""
    for staged in _staged(prepared):
        with contextlib.suppress(OSError):
            staged.unlink(missing_ok=True)


def _prepare(library: Library, source: Source) -> _Prepared | ImportResult:
    """Read and extract one source (no transaction), turning refusals into results."""
    try:
        return _read_and_extract(library, source)
    except FolioError as exc:
        return ImportResult(source.name, "failed", error=str(exc))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return ImportResult(source.name, "failed", error=f"{source.name}: {reason.lower()}")


def _read_and_extract(library: Library, source: Source) -> _Prepared | ImportResult:
    conn = library.conn
    declared = _declared_format(source)
    data = _read(library, source)
    fmt = declared or sniff_format(data)
    file_sha = sha256_of(data)
    same_file = articles.article_where(conn, "file_sha256", file_sha)
    if same_file is not None:
        if _original_on_disk(library, file_sha, fmt):
            return ImportResult(source.name, "present", same_file)
        return _Prepared(source, fmt, file_sha, None, None, _stage(library, data, file_sha, fmt))
    extracted = _extract(source, data, fmt)
    text_sha = sha256_of(extracted.text.encode("utf-8"))
    same_text = articles.article_where(conn, "text_sha256", text_sha)
    if same_text is not None:
        return ImportResult(source.name, "present", same_text)
    staged = None
    if not _original_on_disk(library, file_sha, fmt):
        staged = _stage(library, data, file_sha, fmt)
    return _Prepared(source, fmt, file_sha, extracted, text_sha, staged)


def _original_on_disk(library: Library, file_sha: str, fmt: str) -> bool:
    """Whether files/ holds this original and the database records it (an unrecorded one
    may be removed by `folio check --repair` before this import commits)."""
    recorded = library.conn.execute("SELECT 1 FROM files WHERE sha256 = ?", (file_sha,))
    return (
        recorded.fetchone() is not None
        and blob_path(library.files_dir, file_sha, f".{fmt}").exists()
    )


def _stage(library: Library, data: bytes, file_sha: str, fmt: str) -> Path:
    return stage_blob(library.files_dir, data, file_sha, f".{fmt}")


def _write_batch(library: Library, prepared: list[_Prepared | ImportResult]) -> list[ImportResult]:
    """Record a prepared batch in one transaction: no reading, no extraction."""
    results: list[ImportResult] = []
    try:
        with library.transaction() as conn:
            for item in prepared:
                if isinstance(item, ImportResult):
                    results.append(item)
                    continue
                conn.execute("SAVEPOINT one_file")
                try:
                    results.append(_write_one(library, conn, item))
                except FolioError as exc:
                    conn.execute("ROLLBACK TO one_file")
                    _unplace(library, [item])
                    results.append(ImportResult(item.source.name, "failed", error=str(exc)))
                conn.execute("RELEASE one_file")
    except BaseException:
        _unplace(library, prepared)
        raise
    return results


def _write_one(library: Library, conn: sqlite3.Connection, item: _Prepared) -> ImportResult:
    """Record one prepared source inside the batch's transaction (which may find that
    another process added the same file or text meanwhile)."""
    name = item.source.name
    same_file = articles.article_where(conn, "file_sha256", item.file_sha)
    if same_file is not None:
        restored = item.staged is not None
        _keep_original(conn, library, item)
        return ImportResult(name, "present", same_file, restored=restored)
    if item.extracted is None or item.text_sha is None:
        # Its article was removed since this file was read: read it again to add it.
        return ImportResult(name, "failed", error=f"{name}: removed meanwhile; add it again")
    same_text = articles.article_where(conn, "text_sha256", item.text_sha)
    if same_text is not None:
        return ImportResult(name, "present", same_text)
    _keep_original(conn, library, item)
    source_path = _source_path(item.source)
    url_field = item.extracted.fields.get("url")
    # A new version of an article imported before from the same path or URL updates it.
    known = articles.article_where(conn, "source_path", source_path) or articles.article_where(
        conn, "url", url_field.value if url_field else None
    )
    version = articles.SourceVersion(item.text_sha, item.fmt, source_path, item.file_sha)
    if known is not None:
        article = articles.replace_content(conn, known, item.extracted, version)
        return ImportResult(name, "updated", article)
    article = articles.insert_article(conn, item.extracted, version)
    return ImportResult(name, "added", article)


def _keep_original(conn: sqlite3.Connection, library: Library, item: _Prepared) -> None:
    """Record the original file and rename its staged copy into files/ (flushed before the
    transaction began)."""
    ext = f".{item.fmt}"
    size = item.staged.stat().st_size if item.staged is not None else None
    conn.execute(
        "INSERT OR IGNORE INTO files(sha256, size, ext, added_at) VALUES (?, ?, ?, ?)",
        (item.file_sha, size or 0, ext, articles.now_iso()),
    )
    if item.staged is not None:
        item.placed = place_blob(item.staged, library.files_dir, item.file_sha, ext)
        item.staged = None


def _unplace(library: Library, prepared: Iterable[_Prepared | ImportResult]) -> None:
    """After a rollback: remove the originals these items renamed into files/ that the
    database does not record (an interrupted batch leaves no unrecorded file behind)."""
    for item in prepared:
        if not isinstance(item, _Prepared) or item.placed is None:
            continue
        try:
            select = "SELECT 1 FROM files WHERE sha256 = ?"
            recorded = library.conn.execute(select, (item.file_sha,)).fetchone() is not None
        except sqlite3.Error:  # (then it may be recorded: `folio check --repair` decides)
            recorded = True
        if not recorded:
            with contextlib.suppress(OSError):
                item.placed.unlink(missing_ok=True)
        item.placed = None


def _declared_format(source: Source) -> str | None:
    """The format a file's name says, checked before it is read (ImportRefused for one Folio
    does not read); None for unnamed input, whose bytes tell."""
    if source.fmt is not None:
        return source.fmt
    if source.path is None:
        return None
    fmt = format_for_name(source.path.name)
    if fmt is None:
        raise ImportRefused(
            f"{source.name}: unsupported format '{source.path.suffix or source.path.name}' "
            f"(Folio reads {SUPPORTED_LIST})"
        )
    return fmt


def _read(library: Library, source: Source) -> bytes:
    """The bytes of a source; a file over the size limit is refused before it is read, and
    anything but a regular file (a FIFO would block forever) before it is opened for real."""
    if source.data is None:
        assert source.path is not None
        # Non-blocking: opening a FIFO waits for a writer otherwise.
        fd = os.open(source.path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                kind = mode_kind(info.st_mode)
                raise ImportRefused(f"{source.name}: not a regular file ({kind})")
            _check_size(library, source.name, info.st_size)
            data = handle.read()
    else:
        data = source.data
        _check_size(library, source.name, len(data))
    if not data:
        raise ImportRefused(f"{source.name}: file is empty")
    return data


def _check_size(library: Library, name: str, size: int) -> None:
    if size > library.max_file_bytes:
        raise ImportRefused(
            f"{name}: file is {size / 1048576:.0f} MB, over the "
            f"{library.max_file_bytes / 1048576:.0f} MB limit (set FOLIO_MAX_FILE_MB)"
        )


def _extract(source: Source, data: bytes, fmt: str) -> Extracted:
    """The importer's result; a fetched page's URL is the article's, whatever it says."""
    extracted = extract(data, fmt, source.name)
    if source.url is not None:
        extracted.fields["url"] = FieldValue(source.url, "found")
    return extracted


def _source_path(source: Source) -> str | None:
    return str(source.path.resolve()) if source.path is not None else None


def attach_source(library: Library, source: Source, ref: str) -> ImportResult:
    """Make one file the text of an existing article (one imported from a .bib, say): the
    re-import path, so the article keeps its id, citekey and the metadata the user typed.
    The file is read and extracted before the transaction, as in `import_sources`."""
    articles.get_article(library.conn, ref)  # NotFound before reading anything
    declared = _declared_format(source)
    data = _read(library, source)
    fmt = declared or sniff_format(data)
    file_sha = sha256_of(data)
    extracted = _extract(source, data, fmt)
    text_sha = sha256_of(extracted.text.encode("utf-8"))
    staged = (
        None if _original_on_disk(library, file_sha, fmt) else _stage(library, data, file_sha, fmt)
    )
    item = _Prepared(source, fmt, file_sha, extracted, text_sha, staged)
    try:
        if staged is not None:
            make_durable([staged])
        with library.transaction() as conn:
            target = articles.get_article(conn, ref)
            for column, value in (("file_sha256", file_sha), ("text_sha256", text_sha)):
                owner = articles.article_where(conn, column, value)
                if owner is not None and owner.id != target.id:
                    raise ImportRefused(
                        f"{source.name}: already in the library as {owner.id} [{owner.citekey}]"
                    )
            if target.file_sha256 == file_sha:
                return ImportResult(source.name, "present", target)
            _keep_original(conn, library, item)
            version = articles.SourceVersion(text_sha, fmt, _source_path(source), file_sha)
            article = articles.replace_content(conn, target, extracted, version)
    except BaseException:
        _unplace(library, [item])
        raise
    finally:
        _discard_staged([item])
    library.ensure_index()
    return ImportResult(source.name, "updated", article)
