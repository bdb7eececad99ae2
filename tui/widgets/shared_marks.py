"""Shared-passage marks beside an article's text: a bar on the screen lines of each passage
other articles share (a republication, the same interview in another report, a quote).

Like the page column (page_marks.py), this narrow column never touches the text: it
follows the text's scrolling and wrapping. It hides when nothing is shared.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

from tui.widgets.annotated_text import AnnotatedText

WIDTH = 2  # the bar and a space
MARK = "▌"


class SharedMarks(Widget):
    """The column that marks the text's shared passages (offset spans)."""

    COMPONENT_CLASSES = {"shared-marks--bar"}  # noqa: RUF012
    DEFAULT_CSS = f"""
    SharedMarks {{ width: {WIDTH}; height: 1fr; }}
    SharedMarks > .shared-marks--bar {{ color: $accent; }}
    """

    def __init__(self, text_area: AnnotatedText, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text_area = text_area
        self.spans: list[tuple[int, int]] = []
        self._key: tuple[int, int, int] | None = None  # what the rows below were laid out for
        self._starts: list[int] = []  # screen rows (of the whole wrapped text) of each run
        self._ends: list[int] = []  # and the row after each run

    def on_mount(self) -> None:
        """Follow the text: its scrolling, and its wrapping (which changes its height)."""
        self.watch(self.text_area, "scroll_y", self._text_moved, init=False)
        self.watch(self.text_area, "virtual_size", self._text_moved, init=False)

    def _text_moved(self) -> None:
        self.refresh()

    def set_spans(self, spans: list[tuple[int, int]]) -> None:
        """Mark these [start, end) offsets (none: the column hides)."""
        self.spans = sorted(spans)
        self._key = None
        self.display = bool(self.spans)
        self.refresh()

    def _layout(self) -> None:
        """The screen rows each passage covers, for the text's current wrapping."""
        area = self.text_area
        wrapped = area.wrapped_document
        key = (id(wrapped), area.wrap_width, wrapped.height)
        if key == self._key:
            return
        self._key = key
        self._starts, self._ends = [], []
        for start, end in self.spans:
            first = wrapped.location_to_offset(area.location(start)).y
            last = wrapped.location_to_offset(area.location(max(start, end - 1))).y
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
        if not self.spans or not self.marked(int(self.text_area.scroll_offset.y) + y):
            return Strip.blank(self.size.width, self.rich_style)
        style = self.rich_style + self.get_component_rich_style("shared-marks--bar")
        return Strip([Segment(MARK.ljust(self.size.width), style)], self.size.width)
