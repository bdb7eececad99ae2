"""Text from articles written into Markdown as text: what pandoc would read as a citation
(`@handle`), a link, emphasis, a footnote, math, raw HTML, a list or a heading is
backslash-escaped (pandoc's Markdown lets any ASCII punctuation be escaped)."""

from __future__ import annotations

import re

# Characters with a meaning anywhere in a line of pandoc Markdown.
_INLINE = re.compile(r"([\\`*_\[\]<>@$~^|&{}#!])")
# What only means something at the start of a line: list markers, definition lists,
# setext underlines, ordered-list numbers ("1." / "1)").
_LINE_START = re.compile(r"^([-+=:])(?=\s|$)|^(\d+)([.)])(?=\s|$)")


def escape_markdown(text: str) -> str:
    """One line of untrusted text as Markdown that pandoc shows exactly as written."""
    escaped = _INLINE.sub(r"\\\1", text.strip())
    return _LINE_START.sub(
        lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", escaped
    )


def code_span(text: str) -> str:
    """`text` as an inline code span, fenced with more backticks than it holds."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}"
