"""User text made safe to show: control characters as visible symbols, never markup.

Article text is cleaned at import, but titles, authors, notes and tags can also come from
`folio edit`, `folio note` or a .bib file; an ESC in them would reach the terminal through
any widget (no Textual API strips it). Widgets build Text/Content from these strings only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_HOW = {"variant": "spelling of", "alias": "alias of", "form": "form of"}


def _symbol(code: int) -> str:
    # The same stand-ins as library/textnorm.py uses at import (␛ for ESC…).
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


# One character for one character, so offsets into the text (highlights) still hold.
_VISIBLE = {
    code: _symbol(code)
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
    if code not in (0x09, 0x0A)
}


def shown(text: str) -> str:
    """The text with C0/C1 controls (but newline and tab) replaced by visible symbols."""
    return text.translate(_VISIBLE)


def one_line(text: str) -> str:
    """Safe, with line breaks and runs of spaces collapsed (for a table cell or a title)."""
    return " ".join(shown(text).split())


def describe_matched(matched: Sequence[Any]) -> str:
    """One line naming what a search hit matched besides the words as typed (for the CLI and
    the notebook alike), or "": `≈ Massoud (spelling of masood), ISKP (alias of isis-k)`."""
    shown = [m for m in matched if m.how in _HOW]
    if not shown:
        return ""
    return "≈ " + ", ".join(f"{m.found} ({_HOW[m.how]} {m.query})" for m in shown)
