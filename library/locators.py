"""Citation locators: where a passage is, as a reader of the work would point to it.

Web text is cited by body paragraph (`para. 7`, see `library.paragraphs`); a PDF by the
page number printed on the page (`p. xii`, `p. 215`) when the PDF declares its page
labels, else by the physical page (see `library.pages`).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from library.pages import page_label_at
from library.paragraphs import Paragraph, numbered_paragraphs, paragraph_number_at

if TYPE_CHECKING:
    from library.articles import Article

__all__ = ["LOCATOR_VERSION", "Locator", "article_paragraphs"]

# The rules locators are computed by. Stored with each annotation: one stored with an
# older number is recomputed (notes.reanchoring.relocate_stale) without moving the note.
# 1: body paragraphs only (no headline, standfirst, byline, dateline, Markdown heading);
#    PDF page labels.
LOCATOR_VERSION = 1


def article_paragraphs(article: Article) -> list[Paragraph]:
    """The article's paragraphs, numbered as a reader counts its body."""
    title = article.title if article.origins.get("title") != "guessed" else None
    return numbered_paragraphs(
        article.text, markdown=article.format == "md", title=title, subtitle=article.subtitle
    )


class Locator:
    """The locators of passages in one article (its paragraphs are counted once)."""

    def __init__(self, article: Article) -> None:
        self.article = article

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        """The article's numbered paragraphs."""
        return article_paragraphs(self.article)

    def within(self, start: int, end: int) -> str | None:
        """The locator of a passage [start, end): where it starts, or, for one that starts in
        the headline or byline, the first body paragraph it reaches."""
        found = self.at(start)
        if found is not None or self.article.pages:
            return found
        for paragraph in self.paragraphs:
            if paragraph.number is not None and start <= paragraph.start < end:
                return f"para. {paragraph.number}"
        return None

    def at(self, offset: int) -> str | None:
        """`p. N` or `para. N` for a passage starting at `offset`; None in a headline or byline."""
        if self.article.pages:
            return f"p. {page_label_at(self.article.pages, self.article.page_labels, offset)}"
        paragraph = paragraph_number_at(self.paragraphs, offset)
        if paragraph is None or paragraph.number is None:
            return None
        return f"para. {paragraph.number}"
