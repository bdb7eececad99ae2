"""The import pipeline: paths → bytes → importer → database (+ original file) → index."""

from __future__ import annotations

import fnmatch
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from library import articles
from library.articles import Article
from library.blobs import make_durable, sha256_of, store_blob
from library.database import transaction
from library.errors import FolioError, ImportRefused
from library.extracted import Extracted, FieldValue
from library.importers import SUPPORTED_LIST, extract, format_for_name, sniff_format
from library.index import Progress
from library.store import Library

Status = Literal["added", "present", "updated", "failed"]
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
            found, other = _walk_folder(path, glob)
            skipped += other
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
            failures.append(ImportResult(item, "failed", error=f"{item}: not a regular file"))
        else:
            failures.append(ImportResult(item, "failed", error=f"{item}: no such file or folder"))
    return sources, failures, skipped


def _walk_folder(folder: Path, glob: str | None) -> tuple[list[Path], int]:
    """Supported files below `folder` in a stable order, skipping hidden ones."""
    found: list[Path] = []
    skipped = 0
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
            found.append(path)
    return found, skipped


def import_sources(
    library: Library,
    sources: list[Source],
    progress: Progress | None = None,
    index_progress: Progress | None = None,
) -> Iterator[ImportResult]:
    """Import each source, yielding a result per source. Every good file is imported
    whatever happens to the others; the database commits every BATCH_SIZE files.

    The index catches up once, at the end: one big write is several times faster in Whoosh
    than many small ones, and until then the outbox remembers what it has to index.
    """
    for start in range(0, len(sources), BATCH_SIZE):
        batch = sources[start : start + BATCH_SIZE]
        results: list[ImportResult] = []
        new_files: list[Path] = []
        with transaction(library.conn) as conn:
            for source in batch:
                results.append(_import_one(library, conn, source, new_files))
                if progress:
                    progress(start + len(results), len(sources))
            make_durable(new_files)  # before the commit that refers to them
        yield from results
    library.index.sync(library.conn, index_progress)


def _import_one(
    library: Library, conn: sqlite3.Connection, source: Source, new_files: list[Path]
) -> ImportResult:
    """Import one source inside the batch's transaction, turning refusals into results."""
    conn.execute("SAVEPOINT one_file")
    try:
        result = _import_source(library, conn, source, new_files)
    except FolioError as exc:
        conn.execute("ROLLBACK TO one_file")
        result = ImportResult(source.name, "failed", error=str(exc))
    except OSError as exc:
        conn.execute("ROLLBACK TO one_file")
        reason = exc.strerror or str(exc)
        result = ImportResult(source.name, "failed", error=f"{source.name}: {reason.lower()}")
    conn.execute("RELEASE one_file")
    return result


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
    """The bytes of a source; a file over the size limit is refused before it is read."""
    if source.data is None:
        assert source.path is not None
        _check_size(library, source.name, source.path.stat().st_size)
        data = source.path.read_bytes()
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


def _import_source(
    library: Library, conn: sqlite3.Connection, source: Source, new_files: list[Path]
) -> ImportResult:
    declared = _declared_format(source)
    data = _read(library, source)
    fmt = declared or sniff_format(data)
    file_sha = sha256_of(data)
    same_file = articles.article_where(conn, "file_sha256", file_sha)
    if same_file:
        return ImportResult(source.name, "present", same_file)
    extracted = _extract(source, data, fmt)
    text_sha = sha256_of(extracted.text.encode("utf-8"))
    same_text = articles.article_where(conn, "text_sha256", text_sha)
    if same_text:
        return ImportResult(source.name, "present", same_text)
    _keep_original(conn, library, data, file_sha, fmt, new_files)
    source_path = _source_path(source)
    url_field = extracted.fields.get("url")
    # A new version of an article imported before from the same path or URL updates it.
    known = articles.article_where(conn, "source_path", source_path) or articles.article_where(
        conn, "url", url_field.value if url_field else None
    )
    version = articles.SourceVersion(text_sha, fmt, source_path, file_sha)
    if known is not None:
        article = articles.replace_content(conn, known, extracted, version)
        return ImportResult(source.name, "updated", article)
    article = articles.insert_article(conn, extracted, version)
    return ImportResult(source.name, "added", article)


def _extract(source: Source, data: bytes, fmt: str) -> Extracted:
    """The importer's result; a fetched page's URL is the article's, whatever it says."""
    extracted = extract(data, fmt, source.name)
    if source.url is not None:
        extracted.fields["url"] = FieldValue(source.url, "found")
    return extracted


def _keep_original(
    conn: sqlite3.Connection,
    library: Library,
    data: bytes,
    file_sha: str,
    fmt: str,
    new_files: list[Path],
) -> None:
    """Record the original file and write it to files/ (made durable by the caller, in one
    batch, before its transaction commits)."""
    ext = f".{fmt}"
    conn.execute(
        "INSERT OR IGNORE INTO files(sha256, size, ext, added_at) VALUES (?, ?, ?, ?)",
        (file_sha, len(data), ext, articles.now_iso()),
    )
    written = store_blob(library.files_dir, data, file_sha, ext, durable=False)
    if written is not None:
        new_files.append(written)


def _source_path(source: Source) -> str | None:
    return str(source.path.resolve()) if source.path is not None else None


def attach_source(library: Library, source: Source, ref: str) -> ImportResult:
    """Make one file the text of an existing article (one imported from a .bib, say): the
    re-import path, so the article keeps its id, citekey and the metadata the user typed."""
    new_files: list[Path] = []
    with transaction(library.conn) as conn:
        target = articles.get_article(conn, ref)
        declared = _declared_format(source)
        data = _read(library, source)
        fmt = declared or sniff_format(data)
        file_sha = sha256_of(data)
        extracted = _extract(source, data, fmt)
        text_sha = sha256_of(extracted.text.encode("utf-8"))
        for column, value in (("file_sha256", file_sha), ("text_sha256", text_sha)):
            owner = articles.article_where(conn, column, value)
            if owner is not None and owner.id != target.id:
                raise ImportRefused(
                    f"{source.name}: already in the library as {owner.id} [{owner.citekey}]"
                )
        if target.file_sha256 == file_sha:
            return ImportResult(source.name, "present", target)
        _keep_original(conn, library, data, file_sha, fmt, new_files)
        version = articles.SourceVersion(text_sha, fmt, _source_path(source), file_sha)
        article = articles.replace_content(conn, target, extracted, version)
        make_durable(new_files)
    library.ensure_index()
    return ImportResult(source.name, "updated", article)
