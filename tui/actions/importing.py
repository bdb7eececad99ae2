"""Importing files: add files and folders as articles, or make a file an article's text.

After any import, `texts_stored` re-anchors the notes on texts that changed (library/
cannot do it: it never imports notes/) and finds the passages new texts share with the
library; the notices say what moved and what is shared.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from library.errors import FolioError, InvalidValue
from library.store import Library
from tui.actions.exports import keeps_exports_current
from tui.actions.notes import reanchor_notes
from tui.actions.results import Notice, Outcome

if TYPE_CHECKING:
    from library.background_scan import BackgroundScan
    from library.importing import ImportResult, Source, Status
    from library.passages import Discovery
    from notes.reanchoring import Reanchored

# (stage, done, total): the stages are "Importing" (files read), "Indexing", then "Finding
# shared passages". What it returns is ignored (the notebook's posts a message, which
# returns a flag).
StageProgress = Callable[[str, int, int], None]
STATUSES: tuple[Status, ...] = ("added", "updated", "present", "failed", "skipped")
# How a summary names each status.
_SUMMARY_NAMES = {"skipped": "skipped (not regular files)"}
_SCANNING = "Finding shared passages"


@dataclass
class ImportReport:
    """What an import did: one result per file (or per input that failed), how many files
    in folders were skipped for their format, and the notes that moved onto new text."""

    results: list[ImportResult]
    skipped: int = 0
    reanchored: list[Reanchored] = field(default_factory=list)

    def counts(self) -> dict[Status, int]:
        """How many results have each status, in the order added, updated, present, failed."""
        counts = dict.fromkeys(STATUSES, 0)
        for result in self.results:
            counts[result.status] += 1
        return counts

    def summary(self) -> str:
        """ "2 added, 1 failed, 3 skipped (other formats)", or "nothing to import"."""
        parts = [
            f"{count} {_SUMMARY_NAMES.get(status, status)}"
            for status, count in self.counts().items()
            if count
        ]
        if self.skipped:
            parts.append(f"{self.skipped} skipped (other formats)")
        return ", ".join(parts) or "nothing to import"

    @property
    def changed(self) -> int:
        """How many articles were added or updated."""
        return sum(result.status in ("added", "updated") for result in self.results)


@keeps_exports_current
def import_paths(
    library: Library,
    paths: Sequence[str],
    *,
    glob: str | None = None,
    max_file_bytes: int | None = None,
    progress: StageProgress | None = None,
    stdin: BinaryIO | None = None,
) -> Outcome[ImportReport]:
    """Import files and folders (recursively; "-" reads `stdin`), files larger than
    `max_file_bytes` refused. Every good file is imported whatever happens to the others:
    each failure is an error notice; files of other formats in folders are skipped."""
    from library.importing import collect_sources

    sources, failures, skipped = collect_sources(paths, glob, stdin)
    if max_file_bytes:
        library.max_file_bytes = max_file_bytes
    return import_collected(library, sources, ImportReport(list(failures), skipped), progress)


def import_collected(
    library: Library,
    sources: Sequence[Source],
    report: ImportReport,
    progress: StageProgress | None = None,
) -> Outcome[ImportReport]:
    """Import sources already read or fetched into `report` (which may hold failures of
    inputs that never became sources); re-anchor the notes on texts that changed."""
    from library.importers import SUPPORTED_LIST
    from library.importing import import_sources

    stage = progress or _no_progress
    scanning = _scan_alongside(library, len(sources))
    try:
        report.results.extend(
            import_sources(
                library,
                list(sources),
                lambda done, total: stage("Importing", done, total),
                lambda done, total: stage("Indexing", done, total),
            )
        )
    except BaseException:
        if scanning is not None:
            scanning.stop()
        raise
    scanned: list[Discovery] = []
    if scanning is not None:
        stage(_SCANNING, 0, 0)
        scanned = scanning.finish() or []  # (when it failed, what it left is scanned below)
    notices = [notice for result in report.results if (notice := _result_notice(result))]
    if report.skipped and sources:  # (with no file to import, the failure says what Folio reads)
        notices.append(
            Notice(
                "files-skipped",
                f"{report.skipped} file(s) in folders skipped: Folio reads {SUPPORTED_LIST}",
                level="note",
            )
        )
    lag = library.take_index_lag()
    if lag:
        notices.append(
            Notice(
                "index-behind",
                f"imported; the search index will catch up when there is space ({lag})",
            )
        )
    after = texts_stored(library, report.results, stage, scanned)
    report.reanchored = after.value
    notices.extend(after.warnings)
    return Outcome(report, notices)


@keeps_exports_current
def attach_file(
    library: Library, path: str, ref: str, *, max_file_bytes: int | None = None
) -> Outcome[ImportResult]:
    """Make one file the text of article `ref` (say one imported from a .bib): it keeps its
    id, citekey and the metadata the user typed; its notes move onto the new text."""
    from library.importing import attach_source, collect_sources

    if path != "-" and os.path.isdir(path):
        raise InvalidValue(f"{path} is a folder: one file becomes an article's text", field="to")
    sources, failures, _ = collect_sources([path])
    if failures:
        raise FolioError(failures[0].error or path)
    if max_file_bytes:
        library.max_file_bytes = max_file_bytes
    result = attach_source(library, sources[0], ref)
    return Outcome(result, texts_stored(library, [result]).warnings)


def texts_stored(
    library: Library,
    results: Sequence[ImportResult],
    progress: StageProgress | None = None,
    scanned: Sequence[Discovery] = (),
) -> Outcome[list[Reanchored]]:
    """What every action that stores article texts (import, attach, capture, watch) does
    once they are committed: move the notes on texts that changed, and find the passages
    the new texts share with the library (stage "Finding shared passages"; `scanned`: what
    a scan alongside the import found already); the notices say what moved and which
    imports share passages with which articles."""
    from tui.actions.related import discovery_notices, find_shared_passages

    notices: list[Notice] = []
    moved: list[Reanchored] = []
    if any(result.status == "updated" for result in results):
        outcome = reanchor_notes(library)
        moved, notices = outcome.value, outcome.warnings
    stage = progress or _no_progress
    scan = find_shared_passages(library, lambda done, total: stage(_SCANNING, done, total))
    names = {result.article.pk: result.path for result in results if result.article is not None}
    notices.extend(discovery_notices(library, [*scanned, *scan.value.found], names))
    return Outcome(moved, notices)


def _scan_alongside(library: Library, count: int) -> BackgroundScan | None:
    """For an import of many texts: a process finding their shared passages while the
    import stores them (on the core it leaves idle), instead of after."""
    from library.background_scan import MIN_TEXTS, BackgroundScan

    if count < MIN_TEXTS:
        return None
    from library.passages import chunk_size

    return BackgroundScan.start(library.database_path, chunk_size(count))


def _result_notice(result: ImportResult) -> Notice | None:
    """What the user must hear about one file: why it failed or was skipped, or that its
    missing original was put back."""
    if result.status == "failed":
        return Notice("import-failed", result.error or result.path, result.path, level="error")
    if result.status == "skipped":
        return Notice("file-skipped", result.error or result.path, result.path)
    if result.restored:
        return Notice(
            "original-restored",
            f"{result.path}: its original was missing from the library's files/ and is restored",
            result.path,
            level="note",
        )
    return None


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    """Progress nobody watches."""
