"""Paragraphs of an article's text: the locator web citations use (`para. 7`)."""

from __future__ import annotations

import re

_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_LINES = re.compile(r"\n\s*")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each paragraph, in order.

    Paragraphs are blocks between blank lines. Text copied from a browser often has one
    paragraph per line and no blank lines at all: there, each line is a paragraph.
    """
    separator = _BLANK_LINES if _BLANK_LINES.search(text) else _LINES
    spans: list[tuple[int, int]] = []
    start = 0
    for match in separator.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans
