"""A narrow column beside the article text that marks lines of it (page starts, shared
passages): it follows the text's scrolling and wrapping, and never touches the text."""

from __future__ import annotations

from textual.widget import Widget

from tui.widgets.annotated_text import AnnotatedText


class MarginColumn(Widget):
    """The base of the reader's margin columns: knows which screen row of the wrapped text
    an offset is on, and when the wrapping changed since the marks were laid out."""

    def __init__(self, text_area: AnnotatedText, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text_area = text_area
        self._key: tuple[int, int, int] | None = None  # the wrapping the marks were laid out for

    def on_mount(self) -> None:
        """Follow the text: its scrolling, and its wrapping (which changes its height)."""
        self.watch(self.text_area, "scroll_y", self._text_moved, init=False)
        self.watch(self.text_area, "virtual_size", self._text_moved, init=False)

    def _text_moved(self) -> None:
        self.refresh()

    def forget_layout(self) -> None:
        """The marks changed: lay them out again before the next paint."""
        self._key = None

    def needs_layout(self) -> bool:
        """Whether the text was wrapped differently since the marks were laid out (and
        remember this wrapping as laid out)."""
        area = self.text_area
        wrapped = area.wrapped_document
        key = (id(wrapped), area.wrap_width, wrapped.height)
        if key == self._key:
            return False
        self._key = key
        return True

    def row_of(self, offset: int) -> int:
        """The screen row (of the whole wrapped text) that shows code point `offset`."""
        area = self.text_area
        return area.wrapped_document.location_to_offset(area.location(offset)).y

    @property
    def top_row(self) -> int:
        """The row of the wrapped text at the top of the view."""
        return int(self.text_area.scroll_offset.y)
