"""An article's original: find the file (or URL) it came from, open it in the desktop's program.

Textual-free, as every action: `original_of` takes the open library and returns an
`Outcome` (a notice when the kept copy has gone missing); `launch_viewer` opens what it
found, detached. Each raises a `FolioError` when it cannot. The notebook's `o` calls them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from library.articles import Article, get_article
from library.blobs import blob_path
from library.errors import FolioError, NotFound
from library.store import Library
from tui.actions.results import Notice, Outcome

VIEWER_WAIT_S = 3.0  # how long to wait for the opener to say it failed (it runs detached)


@dataclass(frozen=True)
class Original:
    """What to open for an article: its original file (a path) or its URL."""

    target: str
    kind: Literal["file", "url"]
    label: str  # for the user: "the original PDF (kept in the library)", "its URL"…


def original_of(library: Library, ref: str) -> Outcome[Original]:
    """The article's original: the copy kept in the library's files/, else the file it was
    imported from, else its URL. NotFound when it has none of them."""
    article = get_article(library.conn, ref)
    warnings: list[Notice] = []
    kind = article.format.upper()
    if article.file_sha256:
        kept = blob_path(library.files_dir, article.file_sha256, f".{article.format}")
        if kept.is_file():
            label = f"the original {kind}"
            return Outcome(Original(str(kept), "file", label))
        warnings.append(
            Notice(
                "original-missing",
                f"the copy of the original kept in the library is missing ({kept}); "
                "`folio check` lists such articles",
                subject=article.id,
            )
        )
    if article.source_path and Path(article.source_path).is_file():
        label = f"the {kind} it was imported from"
        return Outcome(Original(article.source_path, "file", label), warnings)
    if article.url:
        return Outcome(Original(article.url, "url", "its URL"), warnings)
    raise NotFound(f"{_name(article)}: no original file or URL to open")


def _name(article: Article) -> str:
    return f"{article.id} [{article.citekey}]"


def viewer_command(
    target: str, platform: str = sys.platform, env: Mapping[str, str] = os.environ
) -> list[str]:
    """The command that opens `target` (a path or URL) in the desktop's default program.

    FolioError when there is none: in a terminal without a graphical session, a browser
    started from here would take over the terminal the notebook runs in."""
    if platform == "darwin":
        return ["open", target]
    if platform.startswith("win"):
        return ["cmd", "/c", "start", "", target]
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        raise FolioError("no desktop to open it in ($DISPLAY is not set)")
    opener = shutil.which("xdg-open", path=env.get("PATH"))
    if opener is None:
        raise FolioError("xdg-open is not installed, so nothing can open it from here")
    return [opener, target]


def launch_viewer(original: Original) -> None:
    """Open the original in the desktop's program, detached (never waits for it to close).

    FolioError when there is no program to open it, or the opener says it failed."""
    command = viewer_command(original.target)
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not killed with the notebook, never reads its terminal
        )
    except OSError as exc:
        raise FolioError(f"{command[0]}: {exc.strerror or exc}") from None
    try:
        code = process.wait(timeout=VIEWER_WAIT_S)
    except subprocess.TimeoutExpired:
        return  # still running: some openers stay until the program closes
    if code != 0:
        raise FolioError(f"{Path(command[0]).name} could not open {original.target} (exit {code})")
