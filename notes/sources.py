"""Notes follow their passage: where else a noted passage appears, and which copy came first.

A note sits on a passage of one article; the passage links (library/passages.py) say which
stretches of that article other articles share. For a note inside such a stretch, the
quote is looked for in the other article's side of it (through typography, and with the
words another translation changed), so `also_in` points at the words themselves, with
their locator there.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from library.articles import Article, article_by_pk
from library.locators import Locator
from library.passage_links import Link, links_of
from library.related import article_brief
from notes.annotations import Annotation
from notes.normalised_text import normalise, normalise_quote

__all__ = ["AlsoIn", "also_in", "passage_sources"]

# How much of the note's passage must lie in a shared stretch, and how alike the words
# found in the other article must be, for the note to be said to be there too.
MIN_OVERLAP = 0.5
MIN_SIMILARITY = 0.75


@dataclass(frozen=True)
class AlsoIn:
    """A noted passage in another article: where, its locator there, how alike."""

    article: Article
    start: int
    end: int
    locator: str | None
    similarity: float

    def to_json(self) -> dict[str, object]:
        """The place as plain JSON data (an entry of a note's `also_in`)."""
        return {
            "article": self.article.id,
            "citekey": self.article.citekey,
            "start": self.start,
            "end": self.end,
            "locator": self.locator,
            "similarity": round(self.similarity, 3),
        }


class _Articles:
    """Articles read once per call (a source many notes point into is read once)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.found: dict[int, tuple[Article, Locator]] = {}

    def get(self, pk: int) -> tuple[Article, Locator]:
        if pk not in self.found:
            article = article_by_pk(self.conn, pk)
            self.found[pk] = (article, Locator(article))
        return self.found[pk]


def also_in(conn: sqlite3.Connection, annotations: Iterable[Annotation]) -> dict[str, list[AlsoIn]]:
    """For each annotation (by id) whose passage other articles share, where it is in each
    of them, best match first. Notes on the whole article and orphans have none."""
    placed = [note for note in annotations if _placed(note)]
    by_article: dict[str, list[Annotation]] = defaultdict(list)
    for note in placed:
        by_article[note.article_id].append(note)
    articles = _Articles(conn)
    found: dict[str, list[AlsoIn]] = {}
    for article_id, notes in by_article.items():
        pk = conn.execute("SELECT pk FROM articles WHERE id = ?", (article_id,)).fetchone()
        links = links_of(conn, pk[0]) if pk else []
        if not links:
            continue
        for note in notes:
            places = _places(note, links, articles)
            if places:
                found[note.id] = places
    return found


def _placed(note: Annotation) -> bool:
    return note.exact is not None and note.start is not None and not note.is_orphan


def _places(note: Annotation, links: list[Link], articles: _Articles) -> list[AlsoIn]:
    """Where the note's passage is in the other articles its links point to."""
    assert note.start is not None and note.end is not None and note.exact is not None
    length = max(note.end - note.start, 1)
    best: dict[int, AlsoIn] = {}
    for link in links:
        overlap = min(link.end, note.end) - max(link.start, note.start)
        if overlap < MIN_OVERLAP * length:
            continue
        other, locator = articles.get(link.other_pk)
        place = _find_in(note.exact, other, link.other_start, link.other_end, locator)
        if place is not None and (
            link.other_pk not in best or place.similarity > best[link.other_pk].similarity
        ):
            best[link.other_pk] = place
    return sorted(best.values(), key=lambda place: (-place.similarity, place.article.id))


def _find_in(quote: str, other: Article, start: int, end: int, locator: Locator) -> AlsoIn | None:
    """The words of `quote` inside other.text[start:end], if they are there."""
    view = normalise(other.text[start:end])
    wanted = normalise_quote(quote)
    if not wanted or not view.text:
        return None
    found = fuzz.partial_ratio_alignment(wanted, view.text)
    if found is None or found.score / 100 < MIN_SIMILARITY or found.dest_end <= found.dest_start:
        return None
    first, last = view.to_stored(found.dest_start, found.dest_end)
    return AlsoIn(other, start + first, start + last, locator.at(start + first), found.score / 100)


@dataclass(frozen=True)
class PassageSource:
    """One article carrying a noted passage (the note's own, or one that shares it)."""

    article: Article
    start: int
    end: int
    locator: str | None
    similarity: float
    noted: bool  # the article the note is on

    def to_json(self) -> dict[str, object]:
        """The source as plain JSON data."""
        return {
            **article_brief(self.article),
            "site": self.article.site,
            "start": self.start,
            "end": self.end,
            "locator": self.locator,
            "similarity": round(self.similarity, 3),
            "noted": self.noted,
        }


def passage_sources(conn: sqlite3.Connection, note: Annotation) -> list[PassageSource]:
    """Every article carrying the note's passage, earliest publication date first (the
    likely origin), undated ones last; the noted article first among equals."""
    own = article_by_pk(conn, _pk(conn, note.article_id))
    sources = [PassageSource(own, note.start or 0, note.end or 0, note.locator, 1.0, noted=True)]
    for place in also_in(conn, [note]).get(note.id, []):
        sources.append(
            PassageSource(
                place.article, place.start, place.end, place.locator, place.similarity, False
            )
        )
    return sorted(sources, key=_date_order)


def _date_order(source: PassageSource) -> tuple[bool, str, bool, str]:
    date = source.article.date
    return (date is None, date or "", not source.noted, source.article.id)


def _pk(conn: sqlite3.Connection, article_id: str) -> int:
    return int(conn.execute("SELECT pk FROM articles WHERE id = ?", (article_id,)).fetchone()[0])
