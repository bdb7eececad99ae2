"""Telling the library that what hangs off an article (notes, tags) changed."""

from __future__ import annotations

import sqlite3
from typing import Literal

from library.articles import enqueue_index

Owner = Literal["article", "annotation"]


def article_changed(conn: sqlite3.Connection, article_pk: int) -> None:
    """Inside the caller's transaction: bump the article's revision (so `folio check` can
    tell a stale index entry) and queue it for the index, which re-reads its notes and tags."""
    row = conn.execute(
        "UPDATE articles SET rev = rev + 1 WHERE pk = ? RETURNING id", (article_pk,)
    ).fetchone()
    if row is not None:
        enqueue_index(conn, row[0])


def annotation_changed(conn: sqlite3.Connection, annotation_pk: int) -> None:
    """Bump the annotation's version (a save begun from an older one is refused), then as
    `article_changed` for the article it is on."""
    row = conn.execute(
        "UPDATE annotations SET rev = rev + 1 WHERE pk = ? RETURNING article_pk", (annotation_pk,)
    ).fetchone()
    if row is not None:
        article_changed(conn, row[0])


def owner_changed(conn: sqlite3.Connection, owner: Owner, owner_pk: int) -> None:
    """As `article_changed`, for an article or an annotation (tags are on either)."""
    if owner == "article":
        article_changed(conn, owner_pk)
    else:
        annotation_changed(conn, owner_pk)
