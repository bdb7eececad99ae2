"""Reading shared passages: the articles related to one, with the passages and their locators.

The links are found and stored by library/passages.py; callers catch its queue up first.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from itertools import groupby

from library.articles import Article, article_by_pk
from library.locators import Locator
from library.passage_links import Kind, Link, covered_length, kind_of, links_of

__all__ = [
    "Related",
    "RelatedPassage",
    "article_brief",
    "related_articles",
]


@dataclass(frozen=True)
class RelatedPassage:
    """A shared passage: offsets and locator in this article and in the other."""

    start: int
    end: int
    other_start: int
    other_end: int
    similarity: float
    locator: str | None = None
    other_locator: str | None = None

    def to_json(self) -> dict[str, object]:
        """The passage as plain JSON data."""
        return {
            "start": self.start,
            "end": self.end,
            "other_start": self.other_start,
            "other_end": self.other_end,
            "similarity": self.similarity,
            "locator": self.locator,
            "other_locator": self.other_locator,
        }


@dataclass
class Related:
    """An article that shares passages with another: how much of the other's text (share)
    and of its own, what kind of relation that is, and the passages."""

    article: Article
    share: float
    other_share: float
    kind: Kind
    passages: list[RelatedPassage] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The relation as plain JSON data (`folio related --json`)."""
        return {
            **article_brief(self.article),
            "share": round(self.share, 3),
            "kind": self.kind,
            "passages": [passage.to_json() for passage in self.passages],
        }

    @property
    def extent(self) -> str:
        """`12 passages, 41% of the text` (of the article it is related to)."""
        count = len(self.passages)
        return f"{count} passage{'s' if count != 1 else ''}, {self.share:.0%} of the text"

    @property
    def summary(self) -> str:
        """`12 passages, 41% of the text (same source)`."""
        return f"{self.extent} ({self.kind})"


def article_brief(article: Article) -> dict[str, object]:
    """Who an article is, for a JSON listing: id, citekey, title, date."""
    return {
        "id": article.id,
        "citekey": article.citekey,
        "title": article.title,
        "date": article.date,
    }


def _chars(conn: sqlite3.Connection, pks: list[int]) -> dict[int, int]:
    """How many characters of segments each scanned article has."""
    found: dict[int, int] = {}
    for start in range(0, len(pks), 900):
        chunk = pks[start : start + 900]
        marks = ",".join("?" * len(chunk))
        found.update(
            conn.execute(
                f"SELECT article_pk, chars FROM passage_scans WHERE article_pk IN ({marks})",
                chunk,
            ).fetchall()
        )
    return found


def related_articles(conn: sqlite3.Connection, article: Article) -> list[Related]:
    """The articles sharing passages with `article`, most shared first, each with its
    passages (offsets and locators in both)."""
    links = links_of(conn, article.pk)
    if not links:
        return []
    ordered = sorted(links, key=lambda link: (link.other_pk, link.start))
    by_other = {
        other: list(group) for other, group in groupby(ordered, key=lambda link: link.other_pk)
    }
    chars = _chars(conn, [article.pk, *by_other])
    mine = Locator(article)
    related = []
    for other_pk, group in by_other.items():
        other = article_by_pk(conn, other_pk)
        theirs = Locator(other)
        shared = covered_length((link.start, link.end) for link in group)
        other_shared = covered_length((link.other_start, link.other_end) for link in group)
        own_chars = chars.get(article.pk, 0)
        other_chars = chars.get(other_pk, 0)
        related.append(
            Related(
                other,
                min(1.0, shared / own_chars) if own_chars else 0.0,
                min(1.0, other_shared / other_chars) if other_chars else 0.0,
                kind_of(len(group), shared, own_chars, other_shared, other_chars),
                [_located(link, mine, theirs) for link in group],
            )
        )
    related.sort(key=lambda item: (-item.share, -len(item.passages), item.article.id))
    return related


def _located(link: Link, mine: Locator, theirs: Locator) -> RelatedPassage:
    return RelatedPassage(
        link.start,
        link.end,
        link.other_start,
        link.other_end,
        link.similarity,
        mine.within(link.start, link.end),
        theirs.within(link.other_start, link.other_end),
    )
