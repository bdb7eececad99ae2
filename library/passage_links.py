"""Shared passages as stored: the links between articles, how two articles are related by
them, and how many texts wait to be scanned. Reading them needs none of the scanning code
(library/passages.py), so a command that only reads links starts fast."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "REPUBLICATION_SHARE",
    "SAME_SOURCE_PASSAGES",
    "Kind",
    "Link",
    "covered_length",
    "kind_of",
    "links_of",
    "pending_count",
]

Kind = Literal["republication", "same source", "quotes"]
# Both texts mostly shared: a republication. Several passages: the same source (an
# interview reported by two outlets). One or two: quotes.
REPUBLICATION_SHARE = 0.5
SAME_SOURCE_PASSAGES = 3


@dataclass(frozen=True)
class Link:
    """A passage of one article (start, end) found in another (other_start, other_end)."""

    other_pk: int
    start: int
    end: int
    other_start: int
    other_end: int
    similarity: float


def pending_count(conn: sqlite3.Connection) -> int:
    """How many texts are waiting to be scanned."""
    return int(conn.execute("SELECT count(*) FROM passage_queue").fetchone()[0])


def covered_length(spans: Iterable[tuple[int, int]]) -> int:
    """How many characters the spans cover together (overlaps counted once)."""
    total, reach = 0, -1
    for start, end in sorted(spans):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def kind_of(passages: int, shared: int, chars: int, other_shared: int, other_chars: int) -> Kind:
    """How two articles are related by what they share: `shared` of this one's `chars`
    characters, `other_shared` of the other's `other_chars`, in `passages` passages."""
    share = shared / chars if chars else 0.0
    other_share = other_shared / other_chars if other_chars else 0.0
    if min(share, other_share) >= REPUBLICATION_SHARE:
        return "republication"
    if passages >= SAME_SOURCE_PASSAGES:
        return "same source"
    return "quotes"


def links_of(conn: sqlite3.Connection, article_pk: int) -> list[Link]:
    """Every passage of article `article_pk` found elsewhere, in text order."""
    return [
        Link(*row)
        for row in conn.execute(
            'SELECT other_pk, start, "end", other_start, other_end, similarity'
            " FROM passage_links WHERE article_pk = ? ORDER BY start, other_pk",
            (article_pk,),
        )
    ]
