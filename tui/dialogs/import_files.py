"""The import dialog: a path (file or folder), a web page's URL or an identifier (doi:…,
arxiv:…, isbn:…), imported in a worker with a progress bar."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, ProgressBar, Static

from library.errors import FolioError
from tui.actions import capture as capture_actions
from tui.actions.importing import ImportReport
from tui.actions.results import Outcome
from tui.app.failures import guarded_work
from tui.widgets.notices import with_notices
from tui.widgets.text_boxes import TextBox

if TYPE_CHECKING:
    from tui.app import FolioApp


class PathSuggester(Suggester):
    """Completes a file or folder name from what exists on disk."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        """The first entry of the folder that starts with what was typed."""
        if not value:
            return None
        path = Path(value).expanduser()
        folder, prefix = (path, "") if value.endswith(os.sep) else (path.parent, path.name)
        try:
            names = sorted(entry.name for entry in os.scandir(folder))
        except OSError:
            return None
        for name in names:
            if name.startswith(prefix) and name != prefix and not name.startswith("."):
                return value + name[len(prefix) :]
        return None


def summary_text(outcome: Outcome[ImportReport]) -> Text:
    """Counts per status, then what the import says: failures with their reasons, files
    skipped, notes re-anchored on changed texts."""
    summary = outcome.value.summary()
    return with_notices(Text(summary[:1].upper() + summary[1:], style="bold"), outcome.warnings)


class ImportScreen(ModalScreen[int]):
    """Import files or folders; dismisses with the number of articles added or updated."""

    app: FolioApp

    BINDINGS = [Binding("escape", "close", "Close")]  # noqa: RUF012

    class Progressed(Message):
        """Posted from the import thread: `done` of `total` through `stage`."""

        def __init__(self, stage: str, done: int, total: int) -> None:
            self.stage, self.done, self.total = stage, done, total
            super().__init__()

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.initial_path = path
        self.changed = 0
        self.running = False

    def compose(self) -> ComposeResult:
        """Path box, progress, summary, buttons."""
        with Vertical(classes="dialog", id="import"):
            yield Label("Import articles", classes="dialog-title")
            yield Static(
                "A file or a folder (read recursively): .txt, .md, .html, .pdf; a web page's "
                "URL; or doi:…, arxiv:…, isbn:…",
                classes="dim",
            )
            yield TextBox(
                self.initial_path,
                placeholder="~/Downloads/articles",
                suggester=PathSuggester(),
                id="import-path",
            )
            yield Label("", id="import-stage")
            yield ProgressBar(id="import-progress", show_eta=False)
            with VerticalScroll(id="import-report"):  # up to 20 failures are listed
                yield Static("", id="import-summary")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Import", id="import-start", variant="primary", compact=True)
                yield Button("Close  esc", id="import-close", compact=True)

    def on_mount(self) -> None:
        """Type the path at once."""
        self.query_one("#import-progress").display = False
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import-start")
    def start(self) -> None:
        """Import the typed path."""
        if self.running:
            return
        path = self.query_one("#import-path", Input).value.strip()
        if not path:
            self.query_one("#import-summary", Static).update(Text("Type a path first.", "red"))
            return
        self.running = True
        self.query_one("#import-start", Button).disabled = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#import-summary", Static).update("")
        self.run_import(os.path.expanduser(path))  # (a URL is left as it is)

    @guarded_work("importing", thread=True, exclusive=True, group="import")
    def run_import(self, path: str) -> None:
        """Runs in a thread with its own library connection; reports through messages.
        However it ends, the dialog is told, so it never stays "running"."""
        session = self.app.session
        assert session is not None
        outcome: Outcome[ImportReport] | None = None
        error: str | None = "The import stopped (see the message); what was imported is kept."
        try:
            with session.separately() as library:
                outcome = capture_actions.add_inputs(library, [path], progress=self._progress)
            error = None
        except FolioError as exc:
            error = str(exc)
        finally:
            self.app.call_from_thread(self._finished, outcome, error)

    def _progress(self, stage: str, done: int, total: int) -> None:
        """The import's progress callback (in its thread): tell the dialog."""
        self.post_message(self.Progressed(stage, done, total))

    @on(Progressed)
    def progressed(self, event: Progressed) -> None:
        """Move the bar (on the UI thread)."""
        self.query_one("#import-stage", Label).update(Text(event.stage))
        self.query_one("#import-progress", ProgressBar).update(
            total=event.total, progress=event.done
        )

    def _finished(self, outcome: Outcome[ImportReport] | None, error: str | None) -> None:
        self.running = False
        added = outcome.value.changed if outcome else 0
        self.changed += added
        if self.is_attached:  # the dialog may have been closed while importing
            self.query_one("#import-start", Button).disabled = False
            self.query_one("#import-stage", Label).update(Text("Stopped" if error else "Done"))
            self.query_one("#import-progress", ProgressBar).display = False  # the summary says
            if outcome is None or error is not None:
                summary = Text(error or "", style="red")
            else:
                summary = summary_text(outcome)
            self.query_one("#import-summary", Static).update(summary)
            self.query_one("#import-close", Button).focus()
        if added or error:  # a failed import may have committed its first batches
            self.app.library_changed()

    @on(Button.Pressed, "#import-close")
    def action_close(self) -> None:
        """Close (an import in progress keeps going and its results stay committed)."""
        self.dismiss(self.changed)
