"""Text normalisation, applied once at import (stable offsets), and `visible`, the one
function through which text reaches a terminal: no text drives one."""

from __future__ import annotations

import re

_NEWLINES = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _control_symbol(code: int) -> str:
    """The visible stand-in for a control character (U+2400 block for C0, a replacement for C1)."""
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"  # C1 controls have no picture; U+FFFD is visible and inert


_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
# One character for one character, so offsets into the text (highlights) still hold.
_CONTROL_TABLE = {code: _control_symbol(code) for code in _CONTROLS if code not in (0x09, 0x0A)}
_ONE_LINE_TABLE = {code: _control_symbol(code) for code in _CONTROLS}
# Anything normalize_text changes: a control character (\r included) or a Unicode line
# or paragraph separator.
_CHANGED = re.compile("[" + re.escape("".join(map(chr, _CONTROL_TABLE))) + "\u2028\u2029]")


def visible(text: str, *, one_line: bool = False) -> str:
    """`text` safe to print: C0/C1 controls and DEL as visible symbols (ESC as ␛), so a file
    name, a .bib key or an error quoting input cannot set a title or clear the screen.
    Newlines and tabs stay, unless `one_line` (a one-line message) shows them too (␊, ␉).
    Idempotent, and the same length as `text`."""
    return text.translate(_ONE_LINE_TABLE if one_line else _CONTROL_TABLE)


def normalize_text(text: str) -> str:
    """Normalise line breaks to `\\n` and map C0/C1 controls (but `\\n`, `\\t`) to visible symbols.

    Idempotent: normalising normalised text changes nothing. Most text needs no change
    and is returned after one scan; otherwise only the characters that change are
    touched (str.translate with a table costs as much as trafilatura on a large page).
    """
    first = _CHANGED.search(text)
    if first is None:
        return text
    head, tail = text[: first.start()], text[first.start() :]
    tail = _NEWLINES.sub("\n", tail)
    return head + _CHANGED.sub(_visible, tail)


def _visible(match: re.Match[str]) -> str:
    return _CONTROL_TABLE[ord(match.group())]


def one_line(text: str, width: int | None = None) -> str:
    """`text` on one line (whitespace runs as one space), cut to `width` with an ellipsis."""
    flat = " ".join(text.split())
    if width and len(flat) > width:
        return flat[: width - 1] + "…"
    return flat


# Marks a passage may begin or end with that a quotation puts its own around.
_QUOTE_MARKS = "\"'“”‘’«»„ "


def quoted(text: str, width: int | None = None) -> str:
    """A passage as a quotation to show: on one line, cut to `width`, in “…” (its own
    opening and closing quote marks dropped, so none are doubled)."""
    return "“" + one_line(text.strip(_QUOTE_MARKS), width) + "”"
