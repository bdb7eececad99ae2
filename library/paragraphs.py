"""Paragraphs of an article's text and their numbers: the locator web citations use (`para. 7`).

A reader counting paragraphs to find `para. 7` counts the article's body: not the
headline, the standfirst, the byline or the dateline above it, and not the headings
between its sections. `numbered_paragraphs` gives every paragraph of the stored text
with its number, or None for those a reader skips, so that the locator written into a
citation, the reader's margin and `folio show` agree.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

__all__ = ["Paragraph", "numbered_paragraphs", "paragraph_number_at", "paragraph_spans"]

_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_LINES = re.compile(r"\n\s*")
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_MD_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
# A header line is short: a headline, a byline, a dateline.
_HEADER_WORDS = 25
_HEADER_CHARS = 400
# Header kinds that are not body paragraphs.
HEADLINE, STANDFIRST, BYLINE, HEADING = "headline", "standfirst", "byline", "heading"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph: its span in the text and its body number (None when not counted)."""

    start: int
    end: int
    number: int | None
    kind: str = "body"  # or headline, standfirst, byline (also datelines), heading


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


def numbered_paragraphs(
    text: str,
    *,
    markdown: bool = False,
    title: str | None = None,
    subtitle: str | None = None,
) -> list[Paragraph]:
    """Every paragraph of `text`, numbered as a reader counts the body.

    The paragraphs before the body are not counted: the headline (the article's `title`,
    or a short first line without a full stop), the standfirst (`subtitle`), bylines,
    datelines and reading times. Markdown headings are not counted anywhere. Pass the
    title only when it was found or typed, not guessed from the first sentence.
    """
    from library.webtitles import title_key

    wanted = {title_key(value) for value in (title, subtitle) if value}
    paragraphs: list[Paragraph] = []
    number = 0
    in_header = True
    for index, (start, end) in enumerate(paragraph_spans(text)):
        block = text[start:end]
        kind = "body"
        if markdown and _is_heading(block):
            kind = HEADING
        elif in_header:
            kind = _header_kind(block, wanted, first=index == 0) or "body"
        if kind == "body":
            in_header = False
            number += 1
            paragraphs.append(Paragraph(start, end, number))
        else:
            paragraphs.append(Paragraph(start, end, None, kind))
    return paragraphs


def paragraph_number_at(paragraphs: list[Paragraph], offset: int) -> Paragraph | None:
    """The paragraph that holds `offset` (or the last one starting before it), if any."""
    starts = [paragraph.start for paragraph in paragraphs]
    index = bisect_right(starts, offset) - 1
    return paragraphs[index] if index >= 0 else (paragraphs[0] if paragraphs else None)


def _is_heading(block: str) -> bool:
    """A Markdown heading block: `# Title` lines, or a line over `===`/`---`."""
    lines = [line for line in block.split("\n") if line.strip()]
    if all(_MD_HEADING.match(line) for line in lines):
        return True
    return len(lines) == 2 and _MD_SETEXT_UNDERLINE.match(lines[1]) is not None


def _header_kind(block: str, wanted: set[str], *, first: bool) -> str | None:
    """What a paragraph above the body is (headline, standfirst, byline), or None (body)."""
    from library.webtitles import has_headline_shape, title_key

    flat = " ".join(block.split())
    if not flat or len(flat) > _HEADER_CHARS:
        return None
    key = title_key(flat)
    if key in wanted:
        return STANDFIRST if not first and _is_sentence(flat) else HEADLINE
    words = len(flat.split())
    if words > _HEADER_WORDS:
        return None
    if _is_byline(flat):
        return BYLINE
    if first and "\n" not in block.strip() and not _is_sentence(flat):
        return HEADLINE if has_headline_shape(flat, words) else None
    return None


def _is_sentence(flat: str) -> bool:
    from library.sentences import ends_sentence

    return ends_sentence(flat) and not flat.endswith(("?", "!"))


def _is_byline(flat: str) -> bool:
    """A byline, dateline, reading time or site line, as the capture cleaner reads them."""
    from library.weblines import META, classify

    return classify(0, flat, False, False).kind == META
