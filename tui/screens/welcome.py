"""The first-run screen: an empty library, and how to fill it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from tui.app import FolioApp


def welcome_text(library_root: str) -> Text:
    """What Folio is, where the library is, and the two ways to import."""
    text = Text()
    text.append("Welcome to Folio\n\n", style="bold")
    text.append("Your library is empty. It lives in\n")
    text.append(library_root + "\n\n", style="italic")
    text.append("Press ")
    text.append("i", style="bold reverse")
    text.append(" to import a file or a folder (.txt, .md, .html, .pdf),\nor, from a shell:\n\n")
    text.append("    folio add ~/Downloads/articles/\n\n", style="bold")
    text.append("then press ")
    text.append("ctrl+r", style="bold reverse")
    text.append(" here. ")
    text.append("ctrl+p", style="bold reverse")
    text.append(" lists every command; ")
    text.append("ctrl+q", style="bold reverse")
    text.append(" quits.")
    return text


class WelcomeScreen(Screen[None]):
    """Shown instead of the library while it has no articles."""

    app: FolioApp

    BINDINGS = [Binding("i", "app.open_import", "Import")]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        """The welcome text, centred."""
        with Center(), Vertical(id="welcome"):
            yield Static(welcome_text(str(self.app.library_root)), id="welcome-text")
        yield Footer()

    def refresh_data(self) -> None:
        """Nothing to reload: the app shows the library once articles have arrived."""
