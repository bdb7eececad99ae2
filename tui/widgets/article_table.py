"""The article table: a ScrollView that renders only the visible rows (100,000 stay smooth).

DataTable measures every cell on the event loop; this keeps rows as plain tuples, sorts and
filters a permutation of indices, and renders a row only when it scrolls into view.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from library.articles import ArticleRow as Row
from notes.tags import NoteSummary
from tui.app.failures import guarded_work
from tui.plain import one_line

_NO_NOTES = NoteSummary()


@dataclass(frozen=True)
class Column:
    """A table column: what it shows and how wide it is (None: takes the rest)."""

    key: str
    label: str
    width: int | None


COLUMNS: tuple[Column, ...] = (
    Column("title", "Title", None),
    Column("authors", "Authors", 22),
    Column("date", "Date", 10),
    Column("site", "Site", 16),
    Column("notes", "Notes", 5),
    Column("tags", "Tags", 16),
)


# A column's sort value: a str or an int, compared within one column; None (empty) sorts last.
SortValue = Any
# What each sortable column compares, from a row and its notes summary; None sorts last.
SORT_VALUES: dict[str, Callable[[Row, NoteSummary], SortValue]] = {
    "title": lambda row, _: row.title.casefold() or None,
    "authors": lambda row, _: None if row.authors_json == "[]" else row.authors_json.casefold(),
    "date": lambda row, _: row.date or None,
    "site": lambda row, _: row.site.casefold() or None,
    "notes": lambda _, notes: notes.count or None,
    "tags": lambda _, notes: ", ".join(notes.tags).casefold() or None,
}
# From this many rows, a column's sort keys are built in a thread (~100 ms at 100,000).
BACKGROUND_KEYS_ROWS = 20_000
MIN_TITLE = 40
MIN_SHRUNK = 8
SHRINKABLE = (5, 3, 1)  # tags, site, authors: the columns that narrow first


def build_sort_keys(
    key: str, rows: list[Row], summaries: dict[str, NoteSummary]
) -> list[SortValue]:
    """Per row, the value column `key` sorts by (None: empty). Pure: runs in a thread."""
    value = SORT_VALUES[key]
    return [value(row, summaries.get(row.id, _NO_NOTES)) for row in rows]


def _authors_text(row: Row) -> str:
    names = row.authors
    if len(names) > 2:
        return f"{names[0]} et al."
    return "; ".join(names)


class ArticleTable(ScrollView, can_focus=True):
    """All articles, one line each, with a sticky header; sort by column and filter."""

    BINDINGS = [  # noqa: RUF012 (Textual's own idiom)
        Binding("enter", "open", "Open", show=True),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]
    COMPONENT_CLASSES = {  # noqa: RUF012
        "article-table--header",
        "article-table--cursor",
        "article-table--dim",
    }
    DEFAULT_CSS = """
    ArticleTable { background: $surface; }
    ArticleTable > .article-table--header { background: $panel; text-style: bold; }
    ArticleTable > .article-table--cursor { background: $accent 40%; }
    ArticleTable:focus > .article-table--cursor { background: $accent; color: $text; }
    ArticleTable > .article-table--dim { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0, init=False)

    class Opened(Message):
        """The user chose an article (Enter or double click)."""

        def __init__(self, row: Row) -> None:
            self.row = row
            super().__init__()

    class Sorted(Message):
        """The sort column or direction changed."""

        def __init__(self, key: str, reverse: bool) -> None:
            self.key = key
            self.reverse = reverse
            super().__init__()

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.rows: list[Row] = []
        self.summaries: dict[str, NoteSummary] = {}
        self.order: list[int] = []  # indices into rows, filtered and sorted
        self.sort_key = "added"
        self.sort_reverse = False
        self.filter_text = ""
        self.filter_ids: frozenset[str] | None = None
        self._haystacks: list[str] | None = None
        self._key_cache: dict[str, list[SortValue]] = {}
        self.sorting = False  # a sort is waiting for its keys (built in a thread)
        self.total = 0  # rows in the library; more than len(rows) while a first page shows
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(1024)  # (row, width)

    # --- data ---------------------------------------------------------------------------------

    def set_rows(
        self, rows: list[Row], summaries: dict[str, NoteSummary], total: int | None = None
    ) -> None:
        """Replace the data, keeping sort, filter and (when it still exists) the cursor row.

        `total` larger than len(rows): only the first rows are here yet (the rest show as
        placeholders, so the scrollbar is right from the first paint)."""
        current = self.current_row
        self.rows = rows
        self.total = max(total or 0, len(rows))
        self.summaries = summaries
        self._haystacks = None
        self._key_cache = {}
        self.sorting = False  # the rebuild below sorts the new rows itself
        self._rebuild_order()
        if current is not None:
            # Keep the cursor on its article without scrolling: the user may have scrolled
            # away from it (mouse wheel) while the rows were loading.
            position = self._position_of(current.id)
            if position is not None:
                self.set_reactive(ArticleTable.cursor, position)

    def set_summaries(self, summaries: dict[str, NoteSummary]) -> None:
        """New notes counts and tags; the order changes only when it depends on them."""
        self.summaries = summaries
        self._key_cache.pop("notes", None)
        self._key_cache.pop("tags", None)
        if self.sort_key in ("notes", "tags"):
            current = self.current_row
            self._rebuild_order()
            if current is not None and (position := self._position_of(current.id)) is not None:
                self.set_reactive(ArticleTable.cursor, position)
        self._cache.clear()
        self.refresh()

    def summary(self, row: Row) -> NoteSummary:
        """The notes count and tags of a row's article."""
        return self.summaries.get(row.id, _NO_NOTES)

    @property
    def current_row(self) -> Row | None:
        """The row under the cursor, if any."""
        if 0 <= self.cursor < len(self.order):
            return self.rows[self.order[self.cursor]]
        return None

    def _position_of(self, article_id: str) -> int | None:
        rows = self.rows
        for position, index in enumerate(self.order):
            if rows[index].id == article_id:
                return position
        return None

    def select_id(self, article_id: str) -> bool:
        """Move the cursor to an article; False when it is filtered out or gone."""
        position = self._position_of(article_id)
        if position is None:
            return False
        self.cursor = position
        self._scroll_to_cursor(center=True)
        return True

    def sort_by(self, key: str, reverse: bool | None = None) -> None:
        """Sort by a column key (or `added`); the same key again flips the direction.

        On a big library the column's sort keys are built in a thread first (the header
        shows the new sort at once, the rows follow): only the sort itself, ~40 ms at
        100,000 rows, runs on the event loop."""
        if reverse is None:
            reverse = not self.sort_reverse if key == self.sort_key else False
        self.sort_key, self.sort_reverse = key, reverse
        if (
            len(self.rows) >= BACKGROUND_KEYS_ROWS
            and key in SORT_VALUES
            and key not in self._key_cache
        ):
            self.sorting = True
            self.refresh()  # the header shows the new sort at once
            self._build_keys_then_sort(key, reverse)
            return
        self._apply_sort(key, reverse)

    @guarded_work("sorting the table", exclusive=True, group="table-sort-keys")
    async def _build_keys_then_sort(self, key: str, reverse: bool) -> None:
        rows, summaries = self.rows, self.summaries
        keys = await asyncio.to_thread(build_sort_keys, key, rows, summaries)
        if rows is not self.rows or (key, reverse) != (self.sort_key, self.sort_reverse):
            return  # the data or the sort changed meanwhile; that change sorts again
        self._key_cache[key] = keys
        self._apply_sort(key, reverse)

    def _apply_sort(self, key: str, reverse: bool) -> None:
        self.sorting = False
        # The cursor follows its article, unless it was on the first row: then the user is
        # looking at the top and wants to see the new first rows.
        current = self.current_row if self.cursor > 0 else None
        self._rebuild_order()
        if current is not None:
            self.select_id(current.id)
        else:
            self.cursor = 0
            self.scroll_to(y=0, animate=False)
        self.post_message(self.Sorted(key, reverse))

    def set_filter(self, text: str, ids: frozenset[str] | None = None) -> None:
        """Show only rows containing every word of `text` (and, given `ids`, only those)."""
        self.filter_text, self.filter_ids = text, ids
        self._rebuild_order()
        self.cursor = 0
        self.scroll_to(y=0, animate=False)

    def _sort_keys(self) -> list[SortValue] | None:
        """Per row, the value the current sort column compares (None: empty), built once
        per column and data set: sorting 100,000 rows by a cached key list takes ~40 ms."""
        if self.sort_key not in SORT_VALUES:
            return None
        keys = self._key_cache.get(self.sort_key)
        if keys is None:
            keys = build_sort_keys(self.sort_key, self.rows, self.summaries)
            self._key_cache[self.sort_key] = keys
        return keys

    def _rebuild_order(self) -> None:
        indices: list[int] | range = range(len(self.rows))
        words = self.filter_text.casefold().split()
        if words:
            if self._haystacks is None:
                self._haystacks = [
                    f"{r.title} {r.authors_json} {r.site} {r.citekey} {r.date}".casefold()
                    for r in self.rows
                ]
            haystacks = self._haystacks
            indices = [i for i in indices if all(w in haystacks[i] for w in words)]
        if self.filter_ids is not None:
            wanted = self.filter_ids
            indices = [i for i in indices if self.rows[i].id in wanted]
        order = list(indices)
        keys = self._sort_keys()
        if keys is not None:
            # Empty values go last whichever the direction.
            empties = [i for i in order if keys[i] is None]
            order = [i for i in order if keys[i] is not None]
            order.sort(key=keys.__getitem__, reverse=self.sort_reverse)
            order.extend(empties)
        elif self.sort_reverse:
            order.reverse()
        self.order = order
        self.cursor = min(self.cursor, max(len(order) - 1, 0))
        self._cache.clear()
        self.virtual_size = Size(self.size.width, self.line_count + 1)
        self.refresh()

    @property
    def line_count(self) -> int:
        """Rows to scroll through: the shown rows, plus placeholders while loading."""
        unfiltered = not self.filter_text.split() and self.filter_ids is None
        return self.total if unfiltered else len(self.order)

    # --- rendering ----------------------------------------------------------------------------

    def _widths(self, total: int) -> list[int]:
        """Column widths for a table `total` cells wide: the title gets what is left, but at
        least MIN_TITLE; on a narrow terminal authors, site and tags give way first."""
        widths = [c.width or 0 for c in COLUMNS]
        spare = total - sum(widths) - len(COLUMNS)  # one space after each column
        for index in SHRINKABLE:
            if spare >= MIN_TITLE:
                break
            give = min(widths[index] - MIN_SHRUNK, MIN_TITLE - spare)
            widths[index] -= give
            spare += give
        widths[0] = max(spare, 12)
        return widths

    def _cells(self, row: Row) -> list[str]:
        summary = self.summary(row)
        return [
            one_line(row.title) or "(untitled)",
            one_line(_authors_text(row)),
            one_line(row.date),
            one_line(row.site),
            str(summary.count) if summary.count else "",
            one_line(", ".join(summary.tags)),
        ]

    def _strip(self, cells: list[str], style: Style, width: int) -> Strip:
        line = Text(no_wrap=True, end="")
        for cell, cell_width in zip(cells, self._widths(width), strict=True):
            piece = Text(cell, no_wrap=True, end="")
            piece.truncate(cell_width, overflow="ellipsis", pad=True)
            line.append_text(piece)
            line.append(" ")
        line.truncate(width, pad=True)
        segments = [
            Segment(segment.text, style + segment.style if segment.style else style)
            for segment in line.render(self.app.console)
        ]
        return Strip(segments, width)

    def _header_cells(self) -> list[str]:
        cells = []
        for column in COLUMNS:
            mark = ""
            if column.key == self.sort_key:
                mark = " ▼" if self.sort_reverse else " ▲"
            cells.append(column.label + mark)
        return cells

    def render_line(self, y: int) -> Strip:
        """One screen line: the header on the first, rows below it."""
        width = self.size.width
        if y == 0:
            style = self.get_component_rich_style("article-table--header")
            return self._strip(self._header_cells(), style, width)
        position = int(self.scroll_offset.y) + y - 1
        if position >= len(self.order):
            if position < self.line_count:  # still loading
                dim = self.get_component_rich_style("article-table--dim")
                return self._strip(["…"] + [""] * (len(COLUMNS) - 1), self.rich_style + dim, width)
            return Strip.blank(width, self.rich_style)
        index = self.order[position]
        if position == self.cursor:  # one line, restyled as focus comes and goes: not cached
            style = self.rich_style + self.get_component_rich_style("article-table--cursor")
            return self._strip(self._cells(self.rows[index]), style, width)
        key = (index, width)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._strip(self._cells(self.rows[index]), self.rich_style, width)
            self._cache[key] = strip
        return strip

    def on_resize(self, event: events.Resize) -> None:
        """Column widths depend on the width: drop cached lines."""
        self._cache.clear()
        self.virtual_size = Size(event.size.width, self.line_count + 1)

    def notify_style_update(self) -> None:
        """A theme change restyles every line."""
        super().notify_style_update()
        self._cache.clear()

    # --- cursor and scrolling -----------------------------------------------------------------

    @property
    def page_rows(self) -> int:
        """Rows visible below the header."""
        return max(self.size.height - 1, 1)

    def watch_cursor(self, old: int, new: int) -> None:
        """Repaint the two affected lines and keep the cursor in view."""
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self, center: bool = False) -> None:
        top = int(self.scroll_offset.y)
        if center:
            self.scroll_to(y=max(self.cursor - self.page_rows // 2, 0), animate=False)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + self.page_rows:
            self.scroll_to(y=self.cursor - self.page_rows + 1, animate=False)

    def _move(self, delta: int) -> None:
        if self.order:
            self.cursor = max(0, min(self.cursor + delta, len(self.order) - 1))

    def action_cursor_up(self) -> None:
        """Previous row."""
        self._move(-1)

    def action_cursor_down(self) -> None:
        """Next row."""
        self._move(1)

    def action_page_up(self) -> None:
        """One page up."""
        self._move(-self.page_rows)

    def action_page_down(self) -> None:
        """One page down."""
        self._move(self.page_rows)

    def action_first(self) -> None:
        """First row."""
        self._move(-len(self.order))

    def action_last(self) -> None:
        """Last row."""
        self._move(len(self.order))

    def action_open(self) -> None:
        """Open the article under the cursor."""
        row = self.current_row
        if row is not None:
            self.post_message(self.Opened(row))

    def on_click(self, event: events.Click) -> None:
        """A header click sorts; a row click moves the cursor (double click opens)."""
        if event.y == 0:
            x = 0
            for column, width in zip(COLUMNS, self._widths(self.size.width), strict=True):
                if x <= event.x < x + width + 1:
                    self.sort_by(column.key)
                    return
                x += width + 1
            return
        position = int(self.scroll_offset.y) + event.y - 1
        if 0 <= position < len(self.order):
            self.cursor = position
            if event.chain >= 2:
                self.action_open()

    def on_focus(self) -> None:
        """The cursor line looks different with focus."""
        self.refresh()

    def on_blur(self) -> None:
        """The cursor line looks different without focus."""
        self.refresh()
