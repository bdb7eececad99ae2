"""The article text: a read-only TextArea that highlights passages given as code-point offsets."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

# A sentence ends at . ! ? … (with closing quotes/brackets) followed by a space, or at a line end.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)|\n")


@dataclass(frozen=True)
class Span:
    """A highlighted range of the text: [start, end) and the component class that styles it."""

    start: int
    end: int
    kind: str  # "note", "current" or "match"


class AnnotatedText(TextArea):
    """Read-only article text with highlighted spans, and selection by word and sentence."""

    BINDINGS = [  # noqa: RUF012
        Binding("w", "extend_word(1)", "Select +word", show=False),
        Binding("b", "extend_word(-1)", "Select −word", show=False),
        Binding("right_parenthesis", "extend_sentence(1)", "Select +sentence", show=False),
        Binding("left_parenthesis", "extend_sentence(-1)", "Select −sentence", show=False),
    ]
    COMPONENT_CLASSES = TextArea.COMPONENT_CLASSES | {
        "annotated-text--note",
        "annotated-text--current",
        "annotated-text--match",
    }
    # Three colours that never mix up: notes amber, search hits green, the selection blue
    # (TextArea's own). Each is the theme colour blended into the text's background, so the
    # text keeps a WCAG contrast of at least 4.5:1 in the dark and the light theme
    # (tests/test_tui_colours.py measures it on the rendered lines).
    DEFAULT_CSS = """
    AnnotatedText > .annotated-text--note { background: $warning 25%; color: $foreground; }
    AnnotatedText > .annotated-text--current {
        background: $warning 40%; color: $foreground; text-style: bold underline;
    }
    AnnotatedText > .annotated-text--match {
        background: $success 30%; color: $foreground; text-style: bold;
    }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        # No cursor-line band: it would paint over the highlights of the line it is on.
        super().__init__(
            text,
            read_only=True,
            soft_wrap=True,
            id=id,
            show_line_numbers=False,
            highlight_cursor_line=False,
        )
        self.cursor_blink = False
        self._line_starts = _line_starts(text)
        self._spans_by_row: dict[int, list[Span]] = {}

    # --- offsets ------------------------------------------------------------------------------

    def load_article_text(self, text: str) -> None:
        """Show a new text (and forget highlights)."""
        self._line_starts = _line_starts(text)
        self._spans_by_row = {}
        self.load_text(text)

    def location(self, offset: int) -> tuple[int, int]:
        """(row, column) of a code-point offset."""
        offset = max(0, min(offset, len(self.text)))
        row = bisect_right(self._line_starts, offset) - 1
        return row, offset - self._line_starts[row]

    def offset_at(self, location: tuple[int, int]) -> int:
        """Code-point offset of a (row, column) location."""
        row, column = location
        row = max(0, min(row, len(self._line_starts) - 1))
        return self._line_starts[row] + column

    @property
    def selected_range(self) -> tuple[int, int]:
        """The selection as sorted offsets (equal when nothing is selected)."""
        start, end = self.offset_at(self.selection.start), self.offset_at(self.selection.end)
        return min(start, end), max(start, end)

    def select_range(self, start: int, end: int) -> None:
        """Select [start, end) and bring it into view, centred."""
        self.selection = Selection(self.location(start), self.location(end))
        self.scroll_cursor_visible(center=True, animate=False)

    # --- highlights ---------------------------------------------------------------------------

    def set_spans(self, spans: list[Span]) -> None:
        """Replace the highlighted ranges and repaint."""
        by_row: dict[int, list[Span]] = {}
        for span in spans:
            if span.end <= span.start:
                continue
            first, last = self.location(span.start)[0], self.location(span.end - 1)[0]
            for row in range(first, last + 1):
                by_row.setdefault(row, []).append(span)
        self._spans_by_row = by_row
        # The TextArea caches rendered lines and does not know about these spans.
        self.notify_style_update()
        self.refresh()

    def get_line(self, line_index: int) -> Text:
        """The line, with the spans that touch it styled."""
        line = super().get_line(line_index)
        spans = self._spans_by_row.get(line_index)
        if not spans:
            return line
        row_start = self._line_starts[line_index]
        # Notes first, then the current note and search matches on top.
        order = {"note": 0, "current": 1, "match": 2}
        for span in sorted(spans, key=lambda s: order.get(s.kind, 0)):
            # The full style: its background is the theme colour already blended into the
            # text's (a partial style would carry the colour unblended, at full strength).
            style = self.get_component_rich_style(f"annotated-text--{span.kind}")
            line.stylize(style, max(span.start - row_start, 0), span.end - row_start)
        return line

    # --- selection by word and sentence -------------------------------------------------------

    def action_extend_word(self, direction: int) -> None:
        """Extend the selection by a word (shift+ctrl+arrows do the same)."""
        if direction > 0:
            self.action_cursor_word_right(select=True)
        else:
            self.action_cursor_word_left(select=True)

    def action_extend_sentence(self, direction: int) -> None:
        """Extend the selection to the end of this sentence (or back to its start)."""
        anchor = self.selection.start
        cursor = self.offset_at(self.selection.end)
        target = sentence_boundary(self.text, cursor, direction)
        self.selection = Selection(anchor, self.location(target))
        self.scroll_cursor_visible(animate=False)


def sentence_boundary(text: str, offset: int, direction: int) -> int:
    """The offset after the next sentence end (direction 1) or at the start of the sentence
    before `offset` (direction -1)."""
    if direction > 0:
        position = offset
        while position < len(text) and text[position].isspace():
            position += 1
        match = _SENTENCE_END.search(text, position)
        return match.end() if match else len(text)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, max(offset - 1, 0))]
    start = ends[-1] if ends else 0
    while start < offset and text[start].isspace():
        start += 1
    if start >= offset and ends:
        # Already at a sentence start: go back one more sentence.
        return sentence_boundary(text, max(offset - 1, 0), -1)
    return start


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts
