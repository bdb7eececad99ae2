"""Pages of a paged article (PDF): where each starts in the text and the number printed on it.

An article imported from a PDF stores the offset in its text where each page starts
(`Article.pages`) and, when the PDF declares page labels (front matter in roman
numerals, a journal issue starting at page 215), the label of each page
(`Article.page_labels`). A citation uses the label, since that is the number a reader
sees on the page; without labels, the physical page number.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

__all__ = ["PageBoundary", "page_boundaries", "page_label_at"]


@dataclass(frozen=True, slots=True)
class PageBoundary:
    """Where a page starts in the article's text, its physical number and its printed label."""

    offset: int
    number: int  # 1-based physical page
    label: str  # the printed page number (the physical one when the PDF declares none)


def page_label_at(pages: list[int], labels: list[str] | None, offset: int) -> str:
    """The label of the page holding `offset` (the last page starting at or before it)."""
    return _label(labels, max(1, bisect_right(pages, offset)))


def page_boundaries(pages: list[int] | None, labels: list[str] | None) -> list[PageBoundary]:
    """Every page's start offset, physical number and label, in order (empty when unpaged).

    Empty pages start where the next text does, so several boundaries may share an
    offset; a reader showing page breaks shows the last label at each offset.
    """
    if not pages:
        return []
    return [
        PageBoundary(offset, number, _label(labels, number))
        for number, offset in enumerate(pages, start=1)
    ]


def _label(labels: list[str] | None, number: int) -> str:
    """The label of physical page `number`, or the number itself."""
    if labels and number <= len(labels) and labels[number - 1]:
        return labels[number - 1]
    return str(number)
