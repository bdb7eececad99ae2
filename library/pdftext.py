"""Text of PDF pages as a reader sees it: no running heads, paragraphs, and page 1's facts.

pypdf gives each page's text line by line: the running head and the page number come
with it, and paragraphs are not marked. `clean_pages` removes lines that repeat at the
top or bottom of most pages (with their numbers counted as equal) and bare page numbers,
and separates paragraphs by a blank line where a line ends a sentence well short of the
page's usual line length. `front_page_facts` reads the date and the authors printed on
the first page, which state the publication better than the file's own dates.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from library.bylines import clean_byline
from library.sentences import ends_sentence

__all__ = ["FrontPage", "clean_pages", "front_page_facts"]

# How many lines at each end of a page may be a running head or foot.
_EDGE_LINES = 3
_EDGE_WORDS = 15  # running heads are short; a body line repeated on every page is not one
# A line is a running head or foot when it is at the edge of this share of the pages…
_REPEATED_SHARE = 0.5
_MIN_REPEATED_PAGES = 3
# …or at the edge of this share of the pages between its first and last appearance.
_STRETCH_SHARE = 0.45
# …and a paragraph ends on a line shorter than this share of the page's usual line.
_SHORT_LINE_SHARE = 0.8
_MIN_LINES_FOR_PARAGRAPHS = 3
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"(?i)^(?:page|p\.|seite|pág\.?|página)?\s*[-–—]?\s*(?P<n>\d{1,5}|[ivxlcdm]{1,8})\s*[-–—]?"
    r"\s*(?:(?:of|/|von|de)\s*\d{1,5})?$"
)
_PAGE_NUMBER_CHARS = 40
# Page 1 is read for its facts only in its first lines (title block) and its last ones.
_FRONT_LINES = 20
_NOT_PUBLICATION = re.compile(
    r"(?i)\b(?:received|accepted|revised|submitted|reviewed|copyright|printed|downloaded)\b|©"
)
_AFFILIATION_MARKS = re.compile(r"[\d*†‡§¶]+(?=[,;\s]|$)")


@dataclass
class FrontPage:
    """What the first page states about the document."""

    date: str | None = None
    authors: list[str] = field(default_factory=list)


def clean_pages(pages: list[str], labels: list[str] | None = None) -> list[str]:
    """The pages without running heads, feet and page numbers, paragraphs split."""
    lines = [page.split("\n") for page in pages]
    repeated = _repeated_edges(lines)
    cleaned = []
    for number, page_lines in enumerate(lines, start=1):
        label = labels[number - 1] if labels and number <= len(labels) else str(number)
        kept = _without_edges(page_lines, repeated, {str(number), label.lower()})
        cleaned.append(_paragraphs(kept))
    return cleaned


def front_page_facts(first_page: str) -> FrontPage:
    """The publication date and the authors printed near the top of the first page."""
    from library.weblines import classify

    facts = FrontPage()
    lines = [line.strip() for line in first_page.split("\n") if line.strip()]
    for index, line in enumerate(lines[:_FRONT_LINES]):
        if _NOT_PUBLICATION.search(line):
            continue
        meta = classify(index, line, False, False).meta
        if meta is not None and meta.date and not meta.site and facts.date is None:
            facts.date = meta.date
        if meta is not None and meta.authors and not facts.authors:
            facts.authors = meta.authors
    if not facts.authors:
        facts.authors = _author_line(lines[1:4])
    return facts


def _author_line(lines: list[str]) -> list[str]:
    """Names on a line under the title ("Jane Doe¹, John Smith²*"), read strictly."""
    for line in lines:
        if ends_sentence(line) or len(line.split()) > 12:
            continue
        people = clean_byline(_AFFILIATION_MARKS.sub("", line), strict=True).people
        if people:
            return people
    return []


def _edge_key(line: str) -> str:
    """A line compared across pages: case, spacing and numbers (page numbers) ignored."""
    return " ".join(_DIGITS.sub(" # ", line.lower()).split()).strip(" #") or "#"


def _edges(page_lines: list[str]) -> list[int]:
    """Indices of the first and last few non-blank, short lines of a page."""
    filled = [i for i, line in enumerate(page_lines) if line.strip()]
    edges = {*filled[:_EDGE_LINES], *filled[-_EDGE_LINES:]}
    return sorted(i for i in edges if len(page_lines[i].split()) <= _EDGE_WORDS)


def _repeated_edges(lines: list[list[str]]) -> set[str]:
    """Keys of lines at the edge of most pages, or of most pages of a stretch (a chapter's
    running head): running heads and feet."""
    pages_of: dict[str, list[int]] = {}
    for number, page_lines in enumerate(lines):
        for key in {_edge_key(page_lines[i]) for i in _edges(page_lines)}:
            pages_of.setdefault(key, []).append(number)
    needed = max(_MIN_REPEATED_PAGES, _REPEATED_SHARE * len(lines))
    repeated = set()
    for key, pages in pages_of.items():
        stretch = pages[-1] - pages[0] + 1
        if len(pages) >= needed or (
            len(pages) >= _MIN_REPEATED_PAGES and len(pages) >= _STRETCH_SHARE * stretch
        ):
            repeated.add(key)
    return repeated


def _without_edges(page_lines: list[str], repeated: set[str], numbers: set[str]) -> list[str]:
    """A page's lines without its running head and foot and its page number."""
    drop = set()
    for i in _edges(page_lines):
        line = page_lines[i].strip()
        if _edge_key(line) in repeated or _is_page_number(line, numbers):
            drop.add(i)
    return [line for i, line in enumerate(page_lines) if i not in drop]


def _is_page_number(line: str, numbers: set[str]) -> bool:
    """A line that is only this page's number ("12", "- 12 -", "Page 12 of 30", "xii")."""
    if len(line) > _PAGE_NUMBER_CHARS:
        return False
    match = _PAGE_NUMBER.match(line)
    if match is None:
        return False
    return match["n"].lower() in numbers


def _paragraphs(lines: list[str]) -> str:
    """A page's lines with a blank line between paragraphs.

    A paragraph ends where a line ends a sentence and is clearly shorter than the page's
    usual line (the last line of a paragraph rarely fills the measure). Pages with only a
    few lines keep their line breaks as they are.
    """
    filled = [line.rstrip() for line in lines]
    lengths = [len(line) for line in filled if line.strip()]
    if len(lengths) < _MIN_LINES_FOR_PARAGRAPHS:
        return "\n".join(filled).strip("\n")
    usual = statistics.median(lengths)
    out: list[str] = []
    for i, line in enumerate(filled):
        out.append(line)
        following = filled[i + 1] if i + 1 < len(filled) else ""
        if (
            line.strip()
            and following.strip()
            and ends_sentence(line)
            and len(line) < _SHORT_LINE_SHARE * usual
        ):
            out.append("")
    return "\n".join(out).strip("\n")
