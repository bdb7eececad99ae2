"""Add an article to a collection: a name (completed from the collections there are)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Static

from library.errors import FolioError
from tui.actions import collections as collection_actions
from tui.app.failures import guarded_work
from tui.plain import one_line

if TYPE_CHECKING:
    from tui.app import FolioApp


class AddToCollectionDialog(ModalScreen[str | None]):
    """Put one article in a collection (a new name makes one); dismisses with the name."""

    app: FolioApp

    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    def __init__(self, article_id: str, title: str, names: list[str]) -> None:
        super().__init__()
        self.article_id = article_id
        self.title_text = title
        self.names = names

    def compose(self) -> ComposeResult:
        """The article, the name box, what there is, buttons."""
        with Vertical(classes="dialog", id="collection-add"):
            yield Label("Add to a collection", classes="dialog-title")
            yield Static(Text(one_line(self.title_text) or "(untitled)", style="italic"))
            yield Input(
                placeholder="collection name (→ completes)",
                suggester=SuggestFromList(self.names, case_sensitive=False),
                id="collection-name",
            )
            shown = ", ".join(one_line(name) for name in self.names[:12])
            more = f" and {len(self.names) - 12} more" if len(self.names) > 12 else ""
            yield Static(Text(f"Collections: {shown}{more}" if shown else "No collections yet.",
                              style="dim"))  # fmt: skip
            yield Static("", id="collection-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", id="collection-save", variant="primary")
                yield Button("Cancel  esc", id="collection-cancel")

    def on_mount(self) -> None:
        """Type the name at once."""
        self.query_one("#collection-name", Input).focus()

    @on(Input.Submitted, "#collection-name")
    @on(Button.Pressed, "#collection-save")
    @guarded_work("adding to the collection", exclusive=True, group="collection-add")
    async def save(self) -> None:
        """Add the article; an error (an empty name…) is shown here and nothing changes."""
        name = self.query_one("#collection-name", Input).value
        try:
            outcome = await self.app.call(
                collection_actions.add_to_collection, name, [self.article_id]
            )
        except FolioError as exc:
            self.query_one("#collection-error", Static).update(Text(str(exc), style="red"))
            return
        self.dismiss(outcome.value.name)

    @on(Button.Pressed, "#collection-cancel")
    def action_cancel(self) -> None:
        """Close without adding."""
        self.dismiss(None)
