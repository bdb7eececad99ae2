"""Shared-passage marks beside an article's text: a bar on the screen lines of each passage
other articles share (a republication, the same interview in another report, a quote).

A margin column (margin.py), like the page column: it hides when nothing is shared.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.segment import Segment
from textual.strip import Strip

from tui.widgets.annotated_text import AnnotatedText
from tui.widgets.margin import MarginColumn

WIDTH = 2  # the bar and a space
MARK = "▌"


class SharedMarks(MarginColumn):
    """The column that marks the text's shared passages (offset spans)."""

    COMPONENT_CLASSES = {"shared-marks--bar"}  # noqa: RUF012
    DEFAULT_CSS = f"""
    SharedMarks {{ width: {WIDTH}; height: 1fr; }}
    SharedMarks > .shared-marks--bar {{ color: $accent; }}
    """

    def __init__(self, text_area: AnnotatedText, *, id: str | None = None) -> None:
        super().__init__(text_area, id=id)
        self.spans: list[tuple[int, int]] = []
        self._starts: list[int] = []  # screen rows (of the whole wrapped text) of each run
        self._ends: list[int] = []  # and the row after each run

    def set_spans(self, spans: list[tuple[int, int]]) -> None:
        """Mark these [start, end) offsets (none: the column hides)."""
        self.spans = sorted(spans)
        self.forget_layout()
        self.display = bool(self.spans)
        self.refresh()

    def _layout(self) -> None:
        """The screen rows each passage covers, for the text's current wrapping."""
        if not self.needs_layout():
            return
        self._starts, self._ends = [], []
        for start, end in self.spans:
            first = self.row_of(start)
            last = self.row_of(max(start, end - 1))
            if self._ends and first <= self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], last + 1)
                continue
            self._starts.append(first)
            self._ends.append(last + 1)

    def marked(self, row: int) -> bool:
        """Whether screen row `row` of the wrapped text is part of a shared passage."""
        self._layout()
        at = bisect_right(self._starts, row) - 1
        return at >= 0 and row < self._ends[at]

    def render_line(self, y: int) -> Strip:
        """The bar on rows of shared passages, blank elsewhere."""
        if not self.spans or not self.marked(self.top_row + y):
            return Strip.blank(self.size.width, self.rich_style)
        style = self.rich_style + self.get_component_rich_style("shared-marks--bar")
        return Strip([Segment(MARK.ljust(self.size.width), style)], self.size.width)
