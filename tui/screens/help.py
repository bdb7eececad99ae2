"""The help screen: the keys of the screen it was opened from, read from its bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# Keys every screen has (the App's bindings and the palette), described once here.
GLOBAL_KEYS: tuple[tuple[str, str], ...] = (
    ("ctrl+p", "Command palette: every action"),
    ("ctrl+r / f5", "Reload from the library (after `folio` changed it)"),
    ("f1 / ?", "This help"),
    ("ctrl+q", "Quit"),
)


def keys_table(title: str, keys: list[tuple[str, str]]) -> Table:
    """A two-column table of keys and what they do (plain Text cells, no markup)."""
    table = Table(title=Text(title, style="bold"), show_header=False, box=None, expand=True)
    table.add_column("key", style="bold", no_wrap=True, width=16)
    table.add_column("does", ratio=1)
    for key, description in keys:
        table.add_row(Text(key), Text(description))
    return table


class HelpScreen(ModalScreen[None]):
    """Lists keys: the screen's own (from BINDINGS), its focused widget's, and global ones."""

    BINDINGS = [  # noqa: RUF012
        Binding("escape,f1,question_mark,q", "close", "Close"),
    ]

    def __init__(self, screen_name: str, keys: list[tuple[str, str]], doc: str) -> None:
        super().__init__()
        self.screen_name = screen_name
        self.keys = keys
        self.doc = doc

    def compose(self) -> ComposeResult:
        """The tables."""
        with VerticalScroll(classes="dialog", id="help"):
            if self.doc:
                yield Static(Text(self.doc), id="help-doc")
            yield Static(keys_table(self.screen_name, self.keys))
            yield Static(keys_table("Everywhere", list(GLOBAL_KEYS)))
            yield Static(Text("Esc closes this help.", style="dim"))

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)
