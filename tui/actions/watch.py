"""Watching folders: new and changed files are imported as they appear (`folio watch`).

Each settled batch of files goes through `import_paths`, one short import at a time, so the
notebook and other `folio` commands keep working on the library meanwhile. Deleting a file
never deletes an article.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from library.store import Library
from tui.actions.importing import ImportReport, import_paths
from tui.actions.results import Outcome

# How long a file's size and time must stay the same before it is read.
SETTLE_SECONDS = 1.0


@dataclass
class WatchSummary:
    """What a watch imported before it stopped."""

    folders: list[Path]
    batches: int = 0
    changed: int = 0  # articles added or updated
    failed: int = 0


def watch_folders(
    library: Library,
    folders: Sequence[Path],
    *,
    stop: threading.Event,
    on_import: Callable[[Outcome[ImportReport]], None],
    on_ready: Callable[[list[Path]], None] | None = None,
    glob: str | None = None,
    max_file_bytes: int | None = None,
    settle: float = SETTLE_SECONDS,
) -> Outcome[WatchSummary]:
    """Import the files that appear or change under `folders` (recursively) until `stop`
    is set: each batch, once its files have stopped changing, is imported and handed to
    `on_import`. Hidden and temporary files, formats Folio does not read and the library's
    own folder are ignored. `on_ready` is told the folders are being watched."""
    from watchfiles import Change, watch

    from library.watching import Settling, check_folders, wanted

    watched = check_folders(list(folders), library.root)
    summary = WatchSummary(watched)
    settling = Settling(settle)
    if on_ready:
        on_ready(watched)
    changes_seen = watch(
        *watched,
        stop_event=stop,
        watch_filter=lambda change, path: change != Change.deleted,
        debounce=400,
        rust_timeout=max(50, int(settle * 250)),
        yield_on_timeout=True,
        raise_interrupt=False,
    )
    for changes in changes_seen:
        now = time.monotonic()
        for _change, name in changes:
            # A folder that appears (moved in, or made and filled at once) may hold files
            # written before it was watched: look inside.
            path = Path(name)
            for found in _files_under(path) if path.is_dir() else [path]:
                if wanted(found, watched, library.root, glob):
                    settling.changed(found, now)
        ready = settling.ready(now)
        if ready and not stop.is_set():
            outcome = import_paths(library, [str(path) for path in ready],
                                   max_file_bytes=max_file_bytes)  # fmt: skip
            summary.batches += 1
            summary.changed += outcome.value.changed
            summary.failed += outcome.value.counts()["failed"]
            on_import(outcome)
    return Outcome(summary)


def _files_under(folder: Path) -> list[Path]:
    """Every file below `folder` (the caller filters them)."""
    import os

    return [Path(top, name) for top, _dirs, names in os.walk(folder) for name in names]
