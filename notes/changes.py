"""Telling the library that what hangs off an article (notes, tags) changed."""

from __future__ import annotations

import sqlite3

from library.articles import enqueue_index


def article_changed(conn: sqlite3.Connection, article_pk: int) -> None:
    """Inside the caller's transaction: bump the article's revision (so `folio check` can
    tell a stale index entry) and queue it for the index, which re-reads its notes and tags."""
    row = conn.execute(
        "UPDATE articles SET rev = rev + 1 WHERE pk = ? RETURNING id", (article_pk,)
    ).fetchone()
    if row is not None:
        enqueue_index(conn, row[0])
