"""Which entries of which .bib files are Folio's own: those Folio wrote there, or imported
from there, as long as their text is unchanged since (`bib_file_entries`)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from library.articles import now_iso


def file_id(path: Path) -> str:
    """How a .bib file is named in the table: its absolute, resolved path."""
    return str(path.expanduser().resolve())


@dataclass(frozen=True)
class SeenEntry:
    """An entry Folio wrote or read: the hash of its text then, and its article."""

    key: str
    sha256: str
    article_pk: int | None


def seen_entries(conn: sqlite3.Connection, path: Path) -> dict[str, SeenEntry]:
    """Every entry Folio wrote into or read from this file, by lowercased key."""
    rows = conn.execute(
        "SELECT key, sha256, article_pk FROM bib_file_entries WHERE path = ?", (file_id(path),)
    )
    return {
        row["key"].lower(): SeenEntry(row["key"], row["sha256"], row["article_pk"]) for row in rows
    }


def remember_entries(
    conn: sqlite3.Connection, path: Path, entries: list[tuple[str, str, int]]
) -> None:
    """Record (inside the caller's transaction) that these (key, text hash, article pk)
    are the file's entries as Folio last wrote or read them."""
    now = now_iso()
    conn.executemany(
        "INSERT OR REPLACE INTO bib_file_entries (path, key, sha256, article_pk, seen_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [(file_id(path), key, sha, pk, now) for key, sha, pk in entries],
    )
