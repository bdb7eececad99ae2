"""Page marks beside a PDF's text: `p.N` on the screen line where page N begins (N as
printed on the page when the PDF declares page labels, as locators cite it).

The text itself is never touched (a note's offsets stay the article's offsets): this
narrow column sits left of the text and follows its scrolling and wrapping. Its top line
always names the page being read.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

from library.pages import page_label_at
from tui.widgets.annotated_text import AnnotatedText

WIDTH = 6  # "p.123 "


class PageMarks(Widget):
    """The page column of a text with page offsets (empty for other texts)."""

    COMPONENT_CLASSES = {"page-marks--start", "page-marks--current"}  # noqa: RUF012
    DEFAULT_CSS = f"""
    PageMarks {{ width: {WIDTH}; height: 1fr; }}
    PageMarks > .page-marks--start {{ color: $text-accent; text-style: bold; }}
    PageMarks > .page-marks--current {{ color: $text-muted; }}
    """

    def __init__(self, text_area: AnnotatedText, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text_area = text_area
        self.pages: list[int] = []
        self.labels: list[str] | None = None  # the printed page numbers, when the PDF has them
        self._key: tuple[int, int, int] | None = None  # what the marks below were laid out for
        self._rows: list[int] = []  # screen lines (of the whole wrapped text) where pages begin
        self._labels: list[str] = []  # the page beginning on each of those lines

    def on_mount(self) -> None:
        """Follow the text: its scrolling, and its wrapping (which changes its height)."""
        self.watch(self.text_area, "scroll_y", self._text_moved, init=False)
        self.watch(self.text_area, "virtual_size", self._text_moved, init=False)

    def _text_moved(self) -> None:
        self.refresh()

    def set_pages(self, pages: list[int] | None, labels: list[str] | None = None) -> None:
        """Mark these page offsets, by their printed `labels` when given (None or one page:
        nothing to mark, the column hides)."""
        self.pages = list(pages or [])
        self.labels = labels
        self._key = None
        self.display = len(self.pages) > 1
        self.refresh()

    def _layout(self) -> None:
        """Where each page begins on screen, for the text's current wrapping."""
        area = self.text_area
        wrapped = area.wrapped_document
        key = (id(wrapped), area.wrap_width, wrapped.height)
        if key == self._key:
            return
        self._key = key
        self._rows, self._labels = [], []
        for offset in sorted(set(self.pages)):
            row = wrapped.location_to_offset(area.location(offset)).y
            label = page_label_at(self.pages, self.labels, offset)
            if self._rows and row == self._rows[-1]:
                self._labels[-1] = label
                continue
            self._rows.append(row)
            self._labels.append(label)

    @property
    def current_page(self) -> str:
        """The page (its label) of the text's top screen line."""
        self._layout()
        at = bisect_right(self._rows, int(self.text_area.scroll_offset.y)) - 1
        return self._labels[at] if at >= 0 else page_label_at(self.pages, self.labels, 0)

    def render_line(self, y: int) -> Strip:
        """`p.N` where page N begins; on the top line, the page being read."""
        if not self.pages:
            return Strip.blank(self.size.width, self.rich_style)
        self._layout()
        row = int(self.text_area.scroll_offset.y) + y
        at = bisect_right(self._rows, row) - 1
        if at >= 0 and self._rows[at] == row:
            label, part = f"p.{self._labels[at]}", "page-marks--start"
        elif y == 0:
            label, part = f"p.{self.current_page}", "page-marks--current"
        else:
            return Strip.blank(self.size.width, self.rich_style)
        style = self.rich_style + self.get_component_rich_style(part)
        text = label[: self.size.width].ljust(self.size.width)
        return Strip([Segment(text, style)], self.size.width)
