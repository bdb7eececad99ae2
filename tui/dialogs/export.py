"""The export dialog: what (article, search results, a tag, a collection, a saved search,
all), which format, where to, and whether to keep the file updated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from library.errors import FolioError
from tui.actions import export as export_actions
from tui.app.failures import guarded_work
from tui.plain import one_line
from tui.widgets.notices import with_notices
from tui.widgets.text_boxes import TextBox

if TYPE_CHECKING:
    from tui.app import FolioApp


@dataclass(frozen=True)
class ExportContext:
    """What the screen the export was opened from can offer as a selection."""

    article_id: str | None = None
    query: str | None = None  # the search shown: exports every article it matches
    tag: str | None = None
    collection: str | None = None  # chosen on the collections screen
    saved: str | None = None  # a saved search chosen there


MERGEABLE = export_actions.BIB_FORMATS  # what a .bib merge takes
MERGE_LABEL = "Merge into an existing .bib"
MERGE_UNAVAILABLE = "Merge into an existing .bib (BibLaTeX and BibTeX only)"
KEEP_LABEL = "Keep this file updated"
KEEP_UNAVAILABLE = "Keep this file updated (type a file path: not for the clipboard)"
KEPT_CURRENT = "Kept current: rewritten after every change to its articles."
# Which offered selection starts chosen: the one the user pressed `x` on (a collection or
# saved search on the collections screen), else what the screen beneath shows.
PREFERRED = ("collection", "saved", "article", "results", "tag", "all")


@dataclass(frozen=True)
class SelectionChoice:
    """One "what to export" choice: its key, its label (with why, when unavailable)."""

    key: str
    label: str
    available: bool
    chosen: bool


def selection_choices(context: ExportContext) -> list[SelectionChoice]:
    """The selections the dialog offers, the one the context suggests chosen; an
    unavailable choice says why it is."""
    article, query, tag = context.article_id, context.query, context.tag
    collection, saved = context.collection, context.saved
    offered = [  # (key, available, label)
        ("article", bool(article), "Current article" if article else "Current article (none open)"),
        ("results", bool(query),
         f"Search results: {query}" if query else "Search results (no search on screen)"),
        ("tag", bool(tag), f"Tag #{tag}" if tag else "A tag (none chosen)"),
        ("collection", bool(collection),
         f"Collection: {one_line(collection)}" if collection else "A collection (none chosen)"),
        ("saved", bool(saved),
         f"Saved search: {one_line(saved)}" if saved else "A saved search (none chosen)"),
        ("all", True, "All articles"),
    ]  # fmt: skip
    chosen = next(key for key in PREFERRED if any(k == key and ok for k, ok, _ in offered))
    return [SelectionChoice(key, label, ok, key == chosen) for key, ok, label in offered]


class ExportScreen(ModalScreen[None]):
    """Export citations or notes to a file (optionally merged into a .bib) or the clipboard.
    Tab moves between the choices, the path and the buttons; in a list of choices, arrows
    move and Space or Enter choose."""

    app: FolioApp

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "close", "Close"),
        Binding("ctrl+s", "write", "Write file"),
        Binding("ctrl+y", "copy", "Copy"),
    ]

    def __init__(self, context: ExportContext) -> None:
        super().__init__()
        self.context = context
        self._replace_confirmed: str | None = None  # a path the user agreed to replace

    def compose(self) -> ComposeResult:
        """Selection, format, destination, buttons, outcome."""
        context = self.context
        with Vertical(classes="dialog", id="export"):
            yield Label("Export", classes="dialog-title")
            with Horizontal(id="export-choices"):
                with RadioSet(id="export-selection"):
                    for choice in selection_choices(context):
                        yield RadioButton(
                            Content(choice.label),
                            value=choice.chosen,
                            disabled=not choice.available,
                            id=f"sel-{choice.key}",
                        )
                with RadioSet(id="export-format"):
                    for n, (key, label) in enumerate(export_actions.FORMAT_LABELS.items()):
                        yield RadioButton(label, value=n == 0, id=f"fmt-{key}")
            yield TextBox(placeholder="file path, e.g. ~/paper/refs.bib", id="export-path")
            with Vertical(id="export-options"):
                yield Checkbox(MERGE_LABEL, id="export-merge")
                yield Checkbox(KEEP_UNAVAILABLE, id="export-keep", disabled=True)
            yield Static("", id="export-outcome")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    "Write file  ctrl+s", id="export-write", variant="primary", compact=True
                )
                yield Button("Copy  ctrl+y", id="export-copy", compact=True)
                yield Button("Close  esc", id="export-close", compact=True)

    def on_mount(self) -> None:
        """Start on the path: the selection and format come preset from where the dialog was
        opened (shift+tab goes back to change them)."""
        self.query_one("#export-path", Input).focus()
        self._offer_merge()
        self._offer_keep()

    @on(RadioSet.Changed, "#export-format")
    def _offer_merge(self) -> None:
        """Merging is for .bib files: offered with BibLaTeX and BibTeX only, and says so."""
        merge = self.query_one("#export-merge", Checkbox)
        mergeable = self._choice("#export-format", "fmt-") in MERGEABLE
        merge.disabled = not mergeable
        merge.label = MERGE_LABEL if mergeable else MERGE_UNAVAILABLE
        if not mergeable:
            merge.value = False

    @on(Input.Changed, "#export-path")
    def _offer_keep(self) -> None:
        """Keeping an export current needs a file: offered once a path is typed, and says
        so before (the clipboard cannot be kept current)."""
        keep = self.query_one("#export-keep", Checkbox)
        has_path = bool(self.query_one("#export-path", Input).value.strip())
        keep.disabled = not has_path
        keep.label = KEEP_LABEL if has_path else KEEP_UNAVAILABLE
        if not has_path:
            keep.value = False

    def _choice(self, radio_set_id: str, prefix: str) -> str:
        pressed = self.query_one(radio_set_id, RadioSet).pressed_button
        return (pressed.id or "").removeprefix(prefix) if pressed else ""

    def _outcome(self, text: Text) -> None:
        self.query_one("#export-outcome", Static).update(text)

    @guarded_work("exporting", exclusive=True, group="export")
    async def export(self, output: Path | None) -> None:
        """Render in a thread, then write the file `output` (registering it to be kept
        current when ticked, as `folio export --keep-updated`) or copy to the clipboard."""
        selection = _selection(self._choice("#export-selection", "sel-"), self.context)
        fmt = _format(self._choice("#export-format", "fmt-"))
        merge = output is not None and self.query_one("#export-merge", Checkbox).value
        keep_ticked = self.query_one("#export-keep", Checkbox).value
        keep = output is not None and keep_ticked
        try:
            # Replacing an existing file was confirmed by a second press (see action_write).
            outcome = await self.app.call(
                lambda library: export_actions.export(
                    library,
                    selection,
                    fmt,
                    output=output,
                    merge=merge,
                    overwrite=True,
                    keep_updated=keep,
                )
            )
        except (FolioError, OSError) as exc:
            self._outcome(Text(str(exc), style="red"))
            return
        except Exception:
            self._outcome(Text("Nothing was exported (see the message).", style="red"))
            raise  # to the app's handler
        done, notices = outcome.value, outcome.warnings
        if output is None:
            self.app.copy_to_clipboard(done.text)
            message = (
                f"Copied {done.what} as {export_actions.FORMAT_LABELS[fmt]} "
                "to the clipboard (OSC 52)."
            )
            if keep_ticked:
                message += " A copy is not kept updated: Write file is."
        else:
            message = done.summary()
            if any(notice.kind == "export-kept" for notice in notices):
                # Under the summary, not lost below other notes in a short dialog (the note
                # itself, with how to stop it, follows them).
                message += f"\n{KEPT_CURRENT}"
        self._outcome(with_notices(Text(message, style="green"), notices))

    @on(Button.Pressed, "#export-write")
    def action_write(self) -> None:
        """Write to the file path."""
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self._outcome(Text("Type a file path first.", style="red"))
            self.query_one("#export-path", Input).focus()
            return
        merge = self.query_one("#export-merge", Checkbox).value
        if Path(path).expanduser().is_file() and not merge and self._replace_confirmed != path:
            # As `folio export` refuses without --force: replacing a file takes a second press.
            self._replace_confirmed = path
            self._outcome(
                Text(
                    f"{path} exists: tick Merge to update it, or press ctrl+s again to "
                    "replace it (the old file is kept as .bak).",
                    style="yellow",
                )
            )
            return
        self.export(Path(path).expanduser())

    @on(Button.Pressed, "#export-copy")
    def action_copy(self) -> None:
        """Copy to the clipboard (OSC 52: works over ssh in most terminals)."""
        self.export(None)

    @on(Button.Pressed, "#export-close")
    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)


def _selection(choice: str, context: ExportContext) -> export_actions.Selection:
    """The selection a radio button stands for."""
    if choice == "article" and context.article_id:
        return export_actions.Selection(refs=(context.article_id,))
    if choice == "results" and context.query:
        return export_actions.Selection(query=context.query)
    if choice == "tag" and context.tag:
        return export_actions.Selection(tag=context.tag)
    if choice == "collection" and context.collection:
        return export_actions.Selection(collection=context.collection)
    if choice == "saved" and context.saved:
        return export_actions.Selection(saved=context.saved)
    return export_actions.Selection(everything=True)


def _format(choice: str) -> export_actions.ExportFormat:
    """The format a radio button stands for (the first one if none is pressed)."""
    for fmt in export_actions.FORMAT_LABELS:
        if fmt == choice:
            return fmt
    return "biblatex"
