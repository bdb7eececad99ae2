"""The timeline: notes in the order their articles were published, to follow a claim from
who said it first to who repeated it. A filter narrows it to a #tag or a search query."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from library.errors import FolioError
from library.textnorm import quoted
from tui.actions import notes as note_actions
from tui.app.failures import guarded_work
from tui.plain import one_line
from tui.widgets.notices import notices_text
from tui.widgets.text_boxes import TextBox

if TYPE_CHECKING:
    from tui.app import FolioApp

DEBOUNCE_S = 0.2
PLACEHOLDER = "all notes · #tag · or a search: words, tag:…, site:…"


def filter_of(typed: str) -> tuple[str | None, str | None]:
    """(tag, query) from what was typed: `#tag` alone is a tag, anything else a query."""
    typed = typed.strip()
    if typed.startswith("#") and " " not in typed and len(typed) > 1:
        return typed[1:], None
    return None, typed or None


def entry_label(entry: Any) -> Text:
    """One note: date, key, locator and article; then its passage, note and tags."""
    note = entry.annotation
    label = Text()
    label.append(f"{one_line(entry.date) if entry.date else 'undated':<10}", style="bold")
    label.append(f"  {one_line(note.citekey)} {one_line(note.where)}", style="bold")
    source = " · ".join(one_line(part) for part in (entry.title, entry.site) if part)
    if source:
        label.append(f"  {one_line(source, 60)}", style="dim")
    if note.exact:
        label.append("\n" + quoted(one_line(note.exact), 100), style="italic")
    if note.note:
        label.append("\n" + one_line(note.note, 100))
    if note.tags:
        label.append("\n" + one_line(" ".join(f"#{tag}" for tag in note.tags)), style="bold")
    return label


class TimelineScreen(Screen[None]):
    """Notes in date order (the article's publication date; undated last). Type `#tag` or a
    query to narrow it; Enter opens the note's passage."""

    app: FolioApp

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "app.pop_screen", "Back"),
        Binding("down", "focus_notes", "Notes", show=False),
        Binding("ctrl+l", "focus_filter", "Filter"),
    ]

    def __init__(self, typed: str = "") -> None:
        super().__init__()
        self.initial = typed
        self.entries: list[Any] = []
        self.generation = 0

    def compose(self) -> ComposeResult:
        """Filter box, status line, the notes."""
        yield TextBox(self.initial, placeholder=PLACEHOLDER, id="timeline-filter")
        yield Static(id="timeline-status")
        yield OptionList(id="timeline-notes")
        yield Footer()

    def on_mount(self) -> None:
        """Every note at once; the filter box has the focus."""
        self.query_one("#timeline-filter", Input).focus()
        self.load(self.initial)

    @on(Input.Changed, "#timeline-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        """Narrow the timeline as the user types."""
        self.load(event.value)

    @on(Input.Submitted, "#timeline-filter")
    def filter_submitted(self) -> None:
        """Enter in the box moves to the notes."""
        self.action_focus_notes()

    @guarded_work("reading the timeline", exclusive=True, group="timeline")
    async def load(self, typed: str) -> None:
        """Read the notes (debounced: a newer keystroke cancels this one)."""
        self.generation += 1
        generation = self.generation
        await asyncio.sleep(DEBOUNCE_S)
        tag, query = filter_of(typed)
        status = self.query_one("#timeline-status", Static)
        try:
            outcome = await self.app.call(
                lambda library: note_actions.timeline(library, tag=tag, query=query)
            )
        except FolioError as exc:
            if generation == self.generation:
                self.entries = []
                self.query_one("#timeline-notes", OptionList).clear_options()
                status.update(Text(str(exc), style="bold red"))
            return
        if generation != self.generation:
            return
        self._show(outcome.value)
        count = Text(f"{len(outcome.value)} note(s), oldest first", style="dim")
        if outcome.warnings:
            count.append("\n")
            count.append_text(notices_text(outcome.warnings))
        status.update(count)

    def _show(self, entries: list[Any]) -> None:
        self.entries = entries
        notes = self.query_one("#timeline-notes", OptionList)
        notes.clear_options()
        options: list[Option | None] = []
        for number, entry in enumerate(entries):
            if options:
                options.append(None)
            options.append(Option(entry_label(entry), id=f"entry-{number}"))
        notes.add_options(options)

    @on(OptionList.OptionSelected, "#timeline-notes")
    def entry_chosen(self, event: OptionList.OptionSelected) -> None:
        """Open the note's article at its passage."""
        assert event.option.id is not None
        note = self.entries[int(event.option.id.removeprefix("entry-"))].annotation
        placed = note.start is not None and note.end is not None and not note.is_orphan
        self.app.open_reader(
            note.article_id,
            passage=note.start if placed else None,
            passage_end=note.end if placed else None,
        )

    def action_focus_notes(self) -> None:
        """Move to the notes."""
        notes = self.query_one("#timeline-notes", OptionList)
        if notes.option_count:
            notes.focus()
            if notes.highlighted is None:
                notes.highlighted = 0

    def action_focus_filter(self) -> None:
        """Back to the filter box."""
        self.query_one("#timeline-filter", Input).focus()

    def refresh_data(self) -> None:
        """Read the timeline again (the library may have changed)."""
        self.load(self.query_one("#timeline-filter", Input).value)
