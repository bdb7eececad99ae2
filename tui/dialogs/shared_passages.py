"""The other articles a passage is in: chosen from the reader (key `s`), one opens there."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from library.textnorm import quoted
from tui.plain import one_line


@dataclass(frozen=True)
class SharedPlace:
    """A passage of the article being read, as another article has it."""

    article_id: str
    citekey: str
    title: str
    date: str | None
    kind: str  # republication, same source, quotes
    locator: str | None  # where it is in the other article
    start: int  # offsets in the other article
    end: int
    excerpt: str  # the passage as the other article words it


def place_label(place: SharedPlace) -> Text:
    """One entry: the article (key, title, date), its relation, where, and the words."""
    label = Text()
    label.append(one_line(place.citekey), style="bold")
    label.append(f"  {one_line(place.title, 60)}")
    if place.date:
        label.append(f"  {one_line(place.date)}", style="dim")
    label.append(f"\n{place.kind} · {place.locator or 'header'}  ", style="dim")
    label.append(quoted(one_line(place.excerpt), 70), style="italic")
    return label


class SharedPassagesDialog(ModalScreen[SharedPlace | None]):
    """Where else the passage at the cursor is (or every passage this article shares):
    Enter opens the other article there."""

    BINDINGS = [Binding("escape", "cancel", "Close")]  # noqa: RUF012

    def __init__(self, heading: str, places: list[SharedPlace]) -> None:
        super().__init__()
        self.heading = heading
        self.places = places

    def compose(self) -> ComposeResult:
        """The heading, then one option per place."""
        with Vertical(classes="dialog", id="shared-passages"):
            yield Label(Text(self.heading), classes="dialog-title")
            yield OptionList(
                *[Option(place_label(place), id=str(n)) for n, place in enumerate(self.places)],
                id="shared-list",
            )
            yield Static(Text("Enter: open there · esc: close", style="dim"))

    def on_mount(self) -> None:
        """Choose at once."""
        self.query_one("#shared-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#shared-list")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """Open the chosen place."""
        self.dismiss(self.places[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        """Close without going anywhere."""
        self.dismiss(None)
