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

from library.pages import page_label_at
from tui.widgets.annotated_text import AnnotatedText
from tui.widgets.margin import MarginColumn

WIDTH = 6  # "p.123 "


class PageMarks(MarginColumn):
    """The page column of a text with page offsets (empty for other texts)."""

    COMPONENT_CLASSES = {"page-marks--start", "page-marks--current"}  # noqa: RUF012
    DEFAULT_CSS = f"""
    PageMarks {{ width: {WIDTH}; height: 1fr; }}
    PageMarks > .page-marks--start {{ color: $text-accent; text-style: bold; }}
    PageMarks > .page-marks--current {{ color: $text-muted; }}
    """

    def __init__(self, text_area: AnnotatedText, *, id: str | None = None) -> None:
        super().__init__(text_area, id=id)
        self.pages: list[int] = []
        self.labels: list[str] | None = None  # the printed page numbers, when the PDF has them
        self._rows: list[int] = []  # screen lines (of the whole wrapped text) where pages begin
        self._labels: list[str] = []  # the page beginning on each of those lines

    def set_pages(self, pages: list[int] | None, labels: list[str] | None = None) -> None:
        """Mark these page offsets, by their printed `labels` when given (None or one page:
        nothing to mark, the column hides)."""
        self.pages = list(pages or [])
        self.labels = labels
        self.forget_layout()
        self.display = len(self.pages) > 1
        self.refresh()

    def _layout(self) -> None:
        """Where each page begins on screen, for the text's current wrapping."""
        if not self.needs_layout():
            return
        self._rows, self._labels = [], []
        for offset in sorted(set(self.pages)):
            row = self.row_of(offset)
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
        at = bisect_right(self._rows, self.top_row) - 1
        return self._labels[at] if at >= 0 else page_label_at(self.pages, self.labels, 0)

    def render_line(self, y: int) -> Strip:
        """`p.N` where page N begins; on the top line, the page being read."""
        if not self.pages:
            return Strip.blank(self.size.width, self.rich_style)
        self._layout()
        row = self.top_row + y
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
