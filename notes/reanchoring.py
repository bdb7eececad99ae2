"""Keeping annotations on their words when an article's text changes."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from library.articles import find_article_id
from library.locators import LOCATOR_VERSION, Locator
from library.store import Library
from notes import anchoring
from notes.changes import article_changed


@dataclass(frozen=True)
class Reanchored:
    """What happened to one annotation whose article text changed."""

    annotation_id: str
    article_id: str
    state: str
    score: float


def stale_annotations(conn: sqlite3.Connection) -> dict[str, list[sqlite3.Row]]:
    """Annotations made on a text their article no longer has, by article id."""
    rows = conn.execute(
        "SELECT n.pk, n.id, n.state, n.exact, n.prefix, n.suffix, n.pos_start, n.pos_end,"
        " a.id AS article"
        " FROM annotations AS n JOIN articles AS a ON a.pk = n.article_pk"
        " WHERE n.exact IS NOT NULL AND n.anchored_on IS NOT a.text_sha256"
    )
    stale: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for row in rows:
        stale[row["article"]].append(row)
    return stale


def reanchor_stale(library: Library) -> list[Reanchored]:
    """Re-anchor every annotation whose article text changed since it was anchored, in one
    transaction; first recompute locators made under older rules (relocate_stale). Cheap
    when there is nothing to do (two queries)."""
    relocate_stale(library)
    if not stale_annotations(library.conn):
        return []
    results: list[Reanchored] = []
    with library.write() as conn:
        for article_id, rows in stale_annotations(conn).items():
            results.extend(_reanchor_article(conn, article_id, rows))
    return results


def relocate_stale(library: Library) -> int:
    """Recompute the locators computed under older rules (LOCATOR_VERSION), in one
    transaction; the notes stay where they are. How many locators were recomputed."""
    rows = _unlocated(library.conn)
    if not rows:
        return 0
    with library.write() as conn:
        rows = _unlocated(conn)
        by_article: dict[str, list[sqlite3.Row]] = defaultdict(list)
        for row in rows:
            by_article[row["article"]].append(row)
        for article_id, notes in by_article.items():
            article = find_article_id(conn, article_id)
            if article is None:
                continue
            locator = Locator(article)
            conn.executemany(
                "UPDATE annotations SET locator = ?, locator_version = ? WHERE pk = ?",
                [(_relocated(locator, row), LOCATOR_VERSION, row["pk"]) for row in notes],
            )
    return len(rows)


def _relocated(locator: Locator, row: sqlite3.Row) -> str | None:
    """A note's locator under the current rules (an orphan has none)."""
    if row["state"] == "orphan" or row["pos_start"] is None:
        return None
    return locator.at(row["pos_start"])


def _unlocated(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Passage notes whose locator was computed under older rules (their text unchanged)."""
    return conn.execute(
        "SELECT n.pk, n.state, n.pos_start, a.id AS article"
        " FROM annotations AS n JOIN articles AS a ON a.pk = n.article_pk"
        " WHERE n.exact IS NOT NULL AND n.locator_version < ?"
        " AND n.anchored_on IS a.text_sha256",
        (LOCATOR_VERSION,),
    ).fetchall()


def _reanchor_article(
    conn: sqlite3.Connection, article_id: str, rows: list[sqlite3.Row]
) -> list[Reanchored]:
    article = find_article_id(conn, article_id)
    if article is None:
        return []
    selectors = [
        anchoring.Selector(
            exact=row["exact"],
            prefix=row["prefix"],
            suffix=row["suffix"],
            start=row["pos_start"],
            end=row["pos_end"],
        )
        for row in rows
    ]
    results = []
    locator = Locator(article)
    for row, anchor in zip(rows, anchoring.reanchor_all(article.text, selectors), strict=True):
        if anchor.state == "orphan":
            # Keep the quote and context it was made on: they are what a person re-attaches by.
            conn.execute(
                "UPDATE annotations SET state = 'orphan', score = ?, anchored_on = ?,"
                " locator = NULL, locator_version = ? WHERE pk = ?",
                (anchor.score, article.text_sha256, LOCATOR_VERSION, row["pk"]),
            )
        else:
            moved = anchoring.selector_at(article.text, anchor.start, anchor.end)
            conn.execute(
                "UPDATE annotations SET exact = ?, prefix = ?, suffix = ?, pos_start = ?,"
                " pos_end = ?, state = ?, score = ?, anchored_on = ?, locator = ?,"
                " locator_version = ? WHERE pk = ?",
                (
                    moved.exact,
                    moved.prefix,
                    moved.suffix,
                    moved.start,
                    moved.end,
                    _state_after(row, anchor.state),
                    anchor.score,
                    article.text_sha256,
                    locator.at(moved.start),
                    LOCATOR_VERSION,
                    row["pk"],
                ),
            )
        results.append(Reanchored(row["id"], article_id, anchor.state, anchor.score))
    article_changed(conn, article.pk)
    return results


def _state_after(row: sqlite3.Row, new_state: str) -> str:
    """A fuzzy move the user has not accepted yet stays flagged through later edits."""
    return "fuzzy" if row["state"] == "fuzzy" else new_state
