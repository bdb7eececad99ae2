"""Collections: named sets of articles a user keeps (a chapter's sources, a reading list).

Names compare case-insensitively and are shown as first typed. Removing an article removes
it from its collections (the database cascades); a collection itself goes only when asked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from library.articles import now_iso
from library.database import rows_in
from library.errors import InvalidValue, NotFound

MAX_NAME = 200


@dataclass(frozen=True)
class CollectionInfo:
    """A collection, how many articles it holds, and their ids (oldest member first)."""

    name: str
    count: int
    article_ids: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The collection as JSON data."""
        return {"name": self.name, "count": self.count, "articles": list(self.article_ids)}


def check_name(name: str, what: str = "collection") -> str:
    """A collection's (or saved search's) name, trimmed; InvalidValue for an empty one, one
    with control characters or one too long to show."""
    name = " ".join(name.split())
    if not name:
        raise InvalidValue(f"a {what} needs a name", field=what)
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in name):
        raise InvalidValue(f"{name!r}: control characters in a name", field=what)
    if len(name) > MAX_NAME:
        raise InvalidValue(f"a name is at most {MAX_NAME} characters", field=what)
    return name


def _pk(conn: sqlite3.Connection, name: str) -> int | None:
    row = conn.execute("SELECT pk FROM collections WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row else None


def _existing_pk(conn: sqlite3.Connection, name: str) -> int:
    pk = _pk(conn, name)
    if pk is None:
        raise NotFound(f"no collection named '{name}' (see `folio collections`)")
    return pk


def add_articles(conn: sqlite3.Connection, name: str, article_pks: Sequence[int]) -> int:
    """Put articles in the collection `name`, creating it if needed (inside the caller's
    transaction); returns how many were not in it already."""
    name = check_name(name)
    pk = _pk(conn, name)
    if pk is None:
        pk = int(
            conn.execute(
                "INSERT INTO collections(name, created_at) VALUES (?, ?) RETURNING pk",
                (name, now_iso()),
            ).fetchone()[0]
        )
    now = now_iso()
    # rowcount sums the rows the statement itself inserted (not the outbox triggers' rows).
    return conn.executemany(
        "INSERT OR IGNORE INTO collection_articles(collection_pk, article_pk, added_at)"
        " VALUES (?, ?, ?)",
        [(pk, article_pk, now) for article_pk in dict.fromkeys(article_pks)],
    ).rowcount


def remove_articles(conn: sqlite3.Connection, name: str, article_pks: Sequence[int]) -> int:
    """Take articles out of the collection (inside the caller's transaction); returns how
    many were in it. NotFound when there is no such collection."""
    pk = _existing_pk(conn, name)
    removed = 0
    for article_pk in dict.fromkeys(article_pks):
        removed += conn.execute(
            "DELETE FROM collection_articles WHERE collection_pk = ? AND article_pk = ?",
            (pk, article_pk),
        ).rowcount
    return removed


def delete_collection(conn: sqlite3.Connection, name: str) -> int:
    """Delete the collection (its articles stay in the library); returns how many it held."""
    pk = _existing_pk(conn, name)
    count = conn.execute(
        "SELECT count(*) FROM collection_articles WHERE collection_pk = ?", (pk,)
    ).fetchone()[0]
    conn.execute("DELETE FROM collection_articles WHERE collection_pk = ?", (pk,))
    conn.execute("DELETE FROM collections WHERE pk = ?", (pk,))
    return int(count)


def collection_article_ids(conn: sqlite3.Connection, name: str) -> list[str]:
    """Ids of the collection's articles, oldest member first; NotFound for no such name."""
    pk = _existing_pk(conn, name)
    rows = conn.execute(
        "SELECT a.id FROM collection_articles c JOIN articles a ON a.pk = c.article_pk"
        " WHERE c.collection_pk = ? ORDER BY c.added_at, a.pk",
        (pk,),
    )
    return [row[0] for row in rows]


def list_collections(conn: sqlite3.Connection, with_ids: bool = False) -> list[CollectionInfo]:
    """Every collection by name (case-insensitively), with its size (and members' ids)."""
    rows = conn.execute(
        "SELECT c.name, count(m.article_pk) AS n FROM collections c"
        " LEFT JOIN collection_articles m ON m.collection_pk = c.pk"
        " GROUP BY c.pk ORDER BY c.name COLLATE NOCASE"
    ).fetchall()
    return [
        CollectionInfo(
            row["name"],
            row["n"],
            tuple(collection_article_ids(conn, row["name"])) if with_ids else (),
        )
        for row in rows
    ]


def collections_of(conn: sqlite3.Connection, article_pks: list[int]) -> dict[int, list[str]]:
    """The names of the collections each of these articles is in, by article pk."""
    found: dict[int, list[str]] = {}
    select = (
        "SELECT m.article_pk, c.name FROM collection_articles m"
        " JOIN collections c ON c.pk = m.collection_pk"
        " WHERE m.article_pk IN ({marks}) ORDER BY c.name COLLATE NOCASE"
    )
    for row in rows_in(conn, select, list(article_pks)):
        found.setdefault(row[0], []).append(row[1])
    return found
