"""Saved searches: a query kept under a name, run again with `folio search --saved NAME`
and usable wherever a selection of articles is (`export --saved NAME`)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from library.articles import now_iso
from library.collections import check_name
from library.errors import NotFound


@dataclass(frozen=True)
class SavedSearch:
    """A query under a name."""

    name: str
    query: str

    def to_json(self) -> dict[str, str]:
        """The saved search as JSON data."""
        return {"name": self.name, "query": self.query}


def save_search(conn: sqlite3.Connection, name: str, query: str) -> bool:
    """Keep `query` under `name` (inside the caller's transaction), replacing the query a
    search of that name had; returns whether one was replaced. The caller checks that the
    query parses."""
    name = check_name(name, "saved search")
    now = now_iso()
    replaced = conn.execute("SELECT 1 FROM saved_searches WHERE name = ?", (name,)).fetchone()
    conn.execute(
        "INSERT INTO saved_searches(name, query, created_at, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(name) DO UPDATE SET query = excluded.query, updated_at = excluded.updated_at",
        (name, query, now, now),
    )
    return replaced is not None


def saved_search(conn: sqlite3.Connection, name: str) -> SavedSearch:
    """The saved search called `name` (case-insensitively); NotFound otherwise."""
    row = conn.execute("SELECT name, query FROM saved_searches WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise NotFound(f"no saved search named '{name}' (see `folio searches`)")
    return SavedSearch(row["name"], row["query"])


def list_saved_searches(conn: sqlite3.Connection) -> list[SavedSearch]:
    """Every saved search, by name."""
    rows = conn.execute("SELECT name, query FROM saved_searches ORDER BY name COLLATE NOCASE")
    return [SavedSearch(row["name"], row["query"]) for row in rows]


def delete_saved_search(conn: sqlite3.Connection, name: str) -> SavedSearch:
    """Forget a saved search (inside the caller's transaction); what it was."""
    found = saved_search(conn, name)
    conn.execute("DELETE FROM saved_searches WHERE name = ?", (found.name,))
    return found
