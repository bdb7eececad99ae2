"""User text made safe to show: control characters as visible symbols, never markup.

Article text is cleaned at import, but titles, authors, notes and tags can also come from
`folio edit`, `folio note` or a .bib file; an ESC in them would reach the terminal through
any widget (no Textual API strips it). Widgets build Text/Content from these strings only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from library.textnorm import one_line as flat_line
from library.textnorm import visible

if TYPE_CHECKING:
    from library.search import Matched

_HOW = {"variant": "spelling of", "alias": "alias of", "form": "form of"}


def shown(text: str) -> str:
    """The text with C0/C1 controls (but newline and tab) replaced by visible symbols (one
    character for one, so offsets into the text still hold)."""
    return visible(text)


def one_line(text: str, width: int | None = None) -> str:
    """Safe, with line breaks and runs of spaces collapsed (for a table cell or a title),
    cut to `width` with an ellipsis when given."""
    return flat_line(shown(text), width)


def describe_matched(matched: Sequence[Matched]) -> str:
    """One line naming what a search hit matched besides the words as typed (for the CLI and
    the notebook alike), or "": `≈ Massoud (spelling of masood), ISKP (alias of isis-k)`."""
    besides = [m for m in matched if m.how in _HOW]
    if not besides:
        return ""
    return "≈ " + ", ".join(
        f"{one_line(m.found)} ({_HOW[m.how]} {one_line(m.query)})" for m in besides
    )
