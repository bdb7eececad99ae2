"""`folio watch DIR…`: import new and changed files as they appear, until Ctrl-C."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from library.textnorm import one_line
from tui.cli.common import echo, echo_notices, guarded, open_library

if TYPE_CHECKING:
    from tui.actions.importing import ImportReport
    from tui.actions.results import Outcome


@click.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(file_okay=False))
@click.option("--glob", "glob", metavar="PATTERN", help="Only files whose name matches.")
@click.option(
    "--max-size",
    type=click.FloatRange(min=0.001),
    metavar="MB",
    help="Refuse files larger than this (default 100, or $FOLIO_MAX_FILE_MB).",
)
@click.pass_context
@guarded
def watch(ctx: click.Context, folders: tuple[str, ...], glob: str | None,
          max_size: float | None) -> None:  # fmt: skip
    """Import new and changed files in FOLDERS (recursively) as they appear; Ctrl-C stops.

    A file is read once it has stopped changing (a download in progress is waited for).
    Hidden and temporary files and formats Folio does not read are ignored; deleting a
    file deletes nothing. Safe while the notebook or other commands use the library.
    """
    from tui.actions.watch import watch_folders

    stop = threading.Event()
    counts = {"changed": 0, "failed": 0}

    def ready(watched: list[Path]) -> None:
        names = ", ".join(str(folder) for folder in watched)
        echo(f"Watching {names} (Ctrl-C stops)", err=True)

    def imported(outcome: Outcome[ImportReport]) -> None:
        for result in outcome.value.results:
            article = result.article
            if result.status in ("failed", "skipped"):  # (the notices say why)
                counts["failed"] += result.status == "failed"
                continue
            counts["changed"] += result.status in ("added", "updated")
            verb = {"added": "Added", "updated": "Updated", "present": "Already present:"}
            assert article is not None
            echo(f"{verb[result.status]} {article.id} [{article.citekey}] "
                 f"{one_line(article.display_title)}  ({result.path})")  # fmt: skip
        echo_notices(outcome.warnings)
        sys.stdout.flush()

    max_bytes = int(max_size * 1024 * 1024) if max_size else None
    try:
        with open_library(ctx) as library:
            watch_folders(library, [Path(folder) for folder in folders], stop=stop,
                          on_import=imported, on_ready=ready, glob=glob,
                          max_file_bytes=max_bytes)  # fmt: skip
    except KeyboardInterrupt:
        pass  # Ctrl-C while a batch was being imported: what committed is kept
    failed = f", {counts['failed']} failed" if counts["failed"] else ""
    echo(f"folio: stopped watching; {counts['changed']} added or updated{failed}", err=True)


COMMANDS: list[click.Command] = [watch]
