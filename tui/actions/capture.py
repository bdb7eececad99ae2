"""Adding anything `folio add` takes: files and folders, web pages by URL, and works by
identifier (DOI, arXiv id, ISBN), in one call; and attaching a fetched page to an article.

Everything that goes over the network (pages, look-ups) happens first, outside any
database transaction: the write lock is taken only to store what arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from library.errors import FolioError
from library.store import Library
from tui.actions.exports import keeps_exports_current
from tui.actions.importing import ImportReport, StageProgress, import_collected, texts_stored
from tui.actions.results import Notice, Outcome

if TYPE_CHECKING:
    from library.bibimport import BibRecord
    from library.identifiers import Input
    from library.importing import ImportResult, Source, Status

T = TypeVar("T")
# A look-up's outcome as an import's status: a work already in the library is "present".
_STATUS: dict[str, Status] = {"added": "added", "updated": "updated", "unchanged": "present"}


@keeps_exports_current
def add_inputs(
    library: Library,
    inputs: Sequence[str],
    *,
    glob: str | None = None,
    max_file_bytes: int | None = None,
    progress: StageProgress | None = None,
    stdin: BinaryIO | None = None,
) -> Outcome[ImportReport]:
    """Add files and folders (as `import_paths`), web pages (http(s) URLs: fetched, kept as
    files are, imported by content type; the URL is the article's) and works by identifier
    (`doi:`, `arxiv:`, `isbn:`, a bare DOI, a doi.org or arxiv.org URL: a metadata-only
    article from Crossref, arXiv or Open Library, matched against the library as
    `import-bib` matches). Every input that fails is one error notice; the others are
    added. Results come files and pages first, then identifiers."""
    from library.identifiers import classify
    from library.importing import ImportResult, collect_sources

    if max_file_bytes:
        library.max_file_bytes = max_file_bytes
    refused: list[ImportResult] = []
    paths: list[str] = []
    pages: list[Input] = []
    works: list[Input] = []
    for given in inputs:
        try:
            item = classify(given)
        except FolioError as exc:
            refused.append(ImportResult(given, "failed", error=str(exc)))
            continue
        if item.kind == "path":
            paths.append(given)
        else:
            (pages if item.kind == "url" else works).append(item)
    sources, failures, skipped = collect_sources(paths, glob, stdin) if paths else ([], [], 0)
    fetched, not_fetched = _fetch_pages(library, pages, progress)
    found, not_found = _look_up(library, works, progress)
    report = ImportReport([*refused, *failures, *not_fetched], skipped)
    outcome = import_collected(library, [*sources, *fetched], report, progress)
    outcome.value.results.extend(not_found)
    outcome.warnings.extend(_failed(not_found))
    stored, notices = _store_found(library, found)
    outcome.value.results.extend(stored)
    outcome.warnings.extend(notices)
    if stored:  # works found by identifier: their texts (if any) are scanned too
        outcome.warnings.extend(texts_stored(library, stored).warnings)
    return outcome


def _fetch_pages(
    library: Library, pages: list[Input], progress: StageProgress | None
) -> tuple[list[Source], list[ImportResult]]:
    """Each page fetched (no database work): the sources, and a failed result per page
    that could not be fetched or is not an article."""
    from library.webcapture import fetch_page

    def fetch(page: Input) -> Source:
        return fetch_page(page.value, library.max_file_bytes)

    return _each(pages, fetch, "Fetching", progress)


def _look_up(
    library: Library, works: list[Input], progress: StageProgress | None
) -> tuple[list[tuple[Input, BibRecord]], list[ImportResult]]:
    """Each identifier looked up (network only): its record, or a failed result."""
    from library.bibimport import read_bib_bytes
    from library.lookups import base_url, look_up

    def record(work: Input) -> tuple[Input, BibRecord]:
        text = look_up(work, base_url(library.conn, work.kind))
        read = read_bib_bytes(text.encode("utf-8"), work.label)
        if not read.records:
            raise FolioError(f"{work.label}: the answer could not be read ({read.problems})")
        return work, read.records[0]

    return _each(works, record, "Looking up", progress)


def _each(
    items: list[Input],
    job: Callable[[Input], T],
    stage: str,
    progress: StageProgress | None,
) -> tuple[list[T], list[ImportResult]]:
    """`job` on every input: what it gave, and a failed result for each it refused."""
    from library.importing import ImportResult

    done: list[T] = []
    failed: list[ImportResult] = []
    for count, item in enumerate(items, start=1):
        try:
            done.append(job(item))
        except FolioError as exc:
            failed.append(ImportResult(item.given, "failed", error=str(exc)))
        if progress:
            progress(stage, count, len(items))
    return done, failed


def _store_found(
    library: Library, found: list[tuple[Input, BibRecord]]
) -> tuple[list[ImportResult], list[Notice]]:
    """The looked-up records stored in one short transaction: new metadata-only articles,
    or what they add to articles already here."""
    from library.bibimport import import_found
    from library.importing import ImportResult

    if not found:
        return [], []
    results: list[ImportResult] = []
    notices: list[Notice] = []
    with library.write() as conn:
        for work, record in found:
            stored = import_found(conn, record)
            results.append(ImportResult(work.label, _STATUS[stored.status], stored.article))
            if stored.note:
                notices.append(
                    Notice("lookup-kept", f"{work.label}: {stored.note}", work.label, level="note")
                )
    return results, notices


def _failed(results: list[ImportResult]) -> list[Notice]:
    return [
        Notice("import-failed", result.error or result.path, subject=result.path, level="error")
        for result in results
    ]


@keeps_exports_current
def attach(
    library: Library, given: str, ref: str, *, max_file_bytes: int | None = None
) -> Outcome[ImportResult]:
    """Make a file, or a web page (by URL, fetched first), the text of article `ref` (say
    one added by DOI): it keeps its id, citekey and the metadata the user typed."""
    from library.identifiers import classify
    from library.importing import attach_source
    from library.webcapture import fetch_page
    from tui.actions.importing import attach_file

    item = classify(given)
    if item.kind != "url":
        if item.kind != "path":
            raise FolioError(f"{given}: an identifier has no text to attach; give a file or URL")
        return attach_file(library, given, ref, max_file_bytes=max_file_bytes)
    if max_file_bytes:
        library.max_file_bytes = max_file_bytes
    source = fetch_page(item.value, library.max_file_bytes)
    result = attach_source(library, source, ref)
    return Outcome(result, texts_stored(library, [result]).warnings)


def service_url(library: Library, setting: str) -> Outcome[tuple[str, bool]]:
    """Where look-ups of one kind go (`crossref-url`, `arxiv-url`, `openlibrary-url`), and
    whether that is the public service."""
    from library.lookups import SERVICES, base_url

    kind = _service_kind(setting)
    found = base_url(library.conn, kind)
    return Outcome((found, found == SERVICES[kind].default))


def set_service_url(library: Library, setting: str, url: str | None) -> Outcome[str]:
    """Point look-ups of one kind at `url` (None: back to the public service); a note when
    the environment variable overrides the setting."""
    import os
    import re

    from library.errors import InvalidValue
    from library.lookups import SERVICES
    from library.settings import set_setting

    kind = _service_kind(setting)
    if url is not None and not re.match(r"^https?://[^\s/]+", url.strip()):
        raise InvalidValue(f"not an http(s) URL: {url!r}", field=setting)
    with library.write() as conn:
        set_setting(conn, setting, url.strip().rstrip("/") if url else None)
    service = SERVICES[kind]
    notices = []
    if os.environ.get(service.env):
        notices.append(Notice("setting-overridden", f"{service.env} is set and is used instead",
                              subject=setting, level="note"))  # fmt: skip
    return Outcome(service_url(library, setting).value[0], notices)


def _service_kind(setting: str) -> str:
    from library.errors import InvalidValue
    from library.lookups import SERVICES

    for kind, service in SERVICES.items():
        if service.setting == setting:
            return kind
    raise InvalidValue(f"unknown setting '{setting}'", field="setting")
