"""The library screen: every article in a virtual table, a quick filter, sort keys."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from library.articles import ArticleRow
from library.errors import FolioError
from notes.tags import NoteSummary
from tui.actions import articles as article_actions
from tui.actions import notes as note_actions
from tui.actions import tags as tag_actions
from tui.app.failures import guarded_work
from tui.widgets.article_table import COLUMNS, ArticleTable
from tui.widgets.text_boxes import TextBox

if TYPE_CHECKING:
    from library.store import Library
    from tui.app import FolioApp

FIRST_PAGE = 200  # rows shown before the rest of a big library has been read


def parse_filter(text: str) -> tuple[str, list[str]]:
    """Split the filter box into plain words and `#tag` words."""
    words, tags = [], []
    for word in text.split():
        if word.startswith("#") and len(word) > 1:
            tags.append(word[1:])
        else:
            words.append(word)
    return " ".join(words), tags


class LibraryScreen(Screen[None]):
    """All articles: Enter opens one; `/` filters (words, `#tag`); 1–6 sort by a column."""

    app: FolioApp
    loaded = False  # every row (and notes summary) is in the table
    warmed = False  # the index has been asked to catch up once

    BINDINGS = [  # noqa: RUF012
        Binding("slash", "focus_filter", "Filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("down", "focus_table", "To the table", show=False),
        Binding("s", "app.open_search", "Search"),
        Binding("t", "app.open_tags", "Tags"),
        Binding("T", "app.open_timeline", "Timeline of notes", show=False),
        Binding("c", "app.open_collections", "Collections", show=False),
        Binding("plus", "add_to_collection", "Add to collection", show=False),
        Binding("n", "app.open_names", "Names", show=False),
        Binding("e", "edit_metadata", "Edit"),
        Binding("o", "open_original", "Open original"),
        Binding("number_sign", "tag_article", "Tag article"),
        Binding("i", "app.open_import", "Import"),
        Binding("x", "export", "Export"),
        Binding("D,delete", "delete_article", "Delete article", show=False),
        *(
            Binding(str(n), f"sort('{column.key}')", f"Sort by {column.label.lower()}", show=False)
            for n, column in enumerate(COLUMNS, start=1)
        ),
        Binding("0", "sort('added')", "Sort by date added", show=False),
    ]

    def compose(self) -> ComposeResult:
        """Filter box, table, status line, footer."""
        yield TextBox(
            placeholder="/ filter: words, #tag  (Esc clears)", id="library-filter", compact=True
        )
        yield ArticleTable(id="article-table")
        yield Static(id="library-status")
        yield Footer()

    @property
    def table(self) -> ArticleTable:
        """The article table."""
        return self.query_one(ArticleTable)

    def on_mount(self) -> None:
        """Load the rows in the background; the table is focused at once."""
        self.table.focus()
        self.reload()

    @guarded_work("reading the library", exclusive=True, group="library-rows")
    async def reload(self) -> None:
        """Read every article row (and notes summaries) from the database.

        The first time, a first page is shown at once: reading 100,000 rows takes longer
        than a first paint may."""
        table = self.table
        self.loaded = False
        if not table.rows:
            total = (await self.app.call(article_actions.count_articles)).value
            first = (await self.app.call(article_actions.table_rows, FIRST_PAGE)).value
            if len(first) < total:
                table.set_rows(first, {}, total=total)
                self._set_status(Text(f"Loading {total:,} articles…", style="dim"))
        rows, summaries = await self.app.call(_load_table)
        table.set_rows(rows, summaries)
        # The rows (100,000 of them in a large library) live as long as the app: kept out of
        # the collector's full passes, which otherwise walk them all (~45 ms at 100k, in the
        # middle of whatever search allocates next: a keystroke's results came late by that).
        # Objects are still freed when no longer referenced; rows replaced by a reload are.
        gc.freeze()
        await self._apply_filter()
        self._show_count()
        if not self.loaded and not self.warmed:
            self.warmed = True
            self.app.warm_up()
        self.loaded = True

    @guarded_work("reading the notes counts", exclusive=True, group="library-notes")
    async def reload_notes(self) -> None:
        """Read only the notes columns again (after a note was added, edited or deleted)."""
        summaries = (await self.app.call(note_actions.note_summaries)).value
        self.table.set_summaries(summaries)

    def _set_status(self, text: Text) -> None:
        self.query_one("#library-status", Static).update(text)

    def _show_count(self) -> None:
        table = self.table
        shown, total = len(table.order), len(table.rows)
        label = f"{total:,} articles" if shown == total else f"{shown:,} of {total:,} articles"
        sort = f" · sorted by {table.sort_key}{' (descending)' if table.sort_reverse else ''}"
        self._set_status(Text(label + sort, style="dim"))

    @on(Input.Changed, "#library-filter")
    def filter_changed(self) -> None:
        """Filter as the user types (a pass over the rows takes a few ms even at 100k)."""
        self.refilter()

    @guarded_work("filtering the library", exclusive=True, group="library-filter")
    async def refilter(self) -> None:
        """Apply the filter box (a `#tag` asks the library which articles carry it)."""
        await self._apply_filter()
        self._show_count()

    @on(Input.Submitted, "#library-filter")
    def filter_submitted(self) -> None:
        """Enter in the filter box goes to the table."""
        self.table.focus()

    async def _apply_filter(self) -> None:
        words, tags = parse_filter(self.query_one("#library-filter", Input).value)
        ids: frozenset[str] | None = None
        for tag in tags:
            try:
                found = frozenset((await self.app.call(tag_actions.articles_with_tag, tag)).value)
            except FolioError:  # a malformed tag selects nothing
                found = frozenset()
            ids = found if ids is None else ids & found
        table = self.table
        if (words, ids) != (table.filter_text, table.filter_ids):
            table.set_filter(words, ids)

    @on(ArticleTable.Opened)
    def open_article(self, event: ArticleTable.Opened) -> None:
        """Open the reader on the chosen article."""
        self.app.open_reader(event.row.id)

    @on(ArticleTable.Sorted)
    def sorted(self) -> None:
        """Show the new sort in the status line."""
        self._show_count()

    def action_focus_filter(self) -> None:
        """Put the cursor in the filter box."""
        self.query_one("#library-filter", Input).focus()

    def action_focus_table(self) -> None:
        """From the filter box down into the table."""
        self.table.focus()

    def action_clear_filter(self) -> None:
        """Empty the filter and go back to the table."""
        self.query_one("#library-filter", Input).value = ""
        self.table.focus()

    def action_sort(self, key: str) -> None:
        """Sort by a column (again: reverse)."""
        self.table.sort_by(key)

    def _on_current(self, act: Callable[[str], object]) -> None:
        """Run `act` on the id of the article under the cursor, if there is one."""
        row = self.table.current_row
        if row is not None:
            act(row.id)

    def action_edit_metadata(self) -> None:
        """Edit the metadata of the article under the cursor."""
        self._on_current(self.app.edit_metadata)

    def action_open_original(self) -> None:
        """Open the original file (or the URL) of the article under the cursor."""
        self._on_current(self.app.open_original)

    def action_tag_article(self) -> None:
        """Set the tags of the article under the cursor."""
        self._on_current(self.app.tag_article)

    def action_delete_article(self) -> None:
        """Delete the article under the cursor (asks first)."""
        self._on_current(self.app.delete_article)

    def action_add_to_collection(self) -> None:
        """Put the article under the cursor in a collection."""
        row = self.table.current_row
        if row is not None:
            self.app.add_to_collection(row.id)

    def action_export(self) -> None:
        """Export: the article under the cursor, or the tag the filter names."""
        row = self.table.current_row
        tags = parse_filter(self.query_one("#library-filter", Input).value)[1]
        self.app.open_export(
            article_id=row.id if row else None, tag=tags[0] if len(tags) == 1 else None
        )

    def refresh_data(self) -> None:
        """Reload from the database (the CLI may have changed it)."""
        self.reload()


def _load_table(library: Library) -> tuple[list[ArticleRow], dict[str, NoteSummary]]:
    return article_actions.table_rows(library).value, note_actions.note_summaries(library).value
