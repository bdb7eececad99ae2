"""Exports that keep themselves current: the registrations (`kept_exports`) and their
outbox (`export_queue`).

A registration names a file, the selection and format it was exported with, and options.
The outbox is written by database triggers (see the migration in library/database.py) in
the same transaction as every change to an article, so no write path can forget it and a
crash between the commit and the rewrite is caught up by the next command. The rewriting
itself is the export action's (tui/actions/exports.py): this module only stores.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from library.articles import now_iso
from library.bibsync import file_id
from library.errors import NotFound

LOCK_NAME = "exports.lock"


@dataclass(frozen=True)
class KeptExport:
    """One registered export."""

    path: Path
    selection: dict[str, Any]
    fmt: str
    options: dict[str, Any] = field(default_factory=dict)
    written_sha256: str | None = None
    created_at: str = ""
    refreshed_at: str | None = None
    last_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The registration as JSON data."""
        return {
            "path": str(self.path),
            "selection": self.selection,
            "format": self.fmt,
            "options": self.options,
            "created_at": self.created_at,
            "refreshed_at": self.refreshed_at,
            "last_error": self.last_error,
        }


def _from_row(row: sqlite3.Row) -> KeptExport:
    return KeptExport(
        Path(row["path"]),
        json.loads(row["selection"]),
        row["format"],
        json.loads(row["options"]),
        row["written_sha256"],
        row["created_at"],
        row["refreshed_at"],
        row["last_error"],
    )


def file_sha256(path: Path) -> str | None:
    """The hash of a file's bytes, or None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def register(
    conn: sqlite3.Connection,
    path: Path,
    selection: dict[str, Any],
    fmt: str,
    options: dict[str, Any],
) -> bool:
    """Keep `path` current (inside the caller's transaction), replacing the registration it
    had; returns whether it had one."""
    name = file_id(path)
    had = conn.execute("SELECT 1 FROM kept_exports WHERE path = ?", (name,)).fetchone()
    conn.execute(
        "INSERT OR REPLACE INTO kept_exports (path, selection, format, options, written_sha256,"
        " created_at, refreshed_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
        (
            name,
            json.dumps(selection, ensure_ascii=False),
            fmt,
            json.dumps(options, ensure_ascii=False),
            file_sha256(Path(name)),
            now_iso(),
            now_iso(),
        ),
    )
    return had is not None


def kept_exports(conn: sqlite3.Connection) -> list[KeptExport]:
    """Every registered export, by path."""
    rows = conn.execute("SELECT * FROM kept_exports ORDER BY path")
    return [_from_row(row) for row in rows]


def forget(conn: sqlite3.Connection, path: Path) -> KeptExport:
    """Stop keeping `path` current (inside the caller's transaction); NotFound when it was
    not registered. When no export is left, the outbox is emptied."""
    name = file_id(path)
    row = conn.execute("SELECT * FROM kept_exports WHERE path = ?", (name,)).fetchone()
    if row is None:
        raise NotFound(f"{path}: not an export kept current (see `folio exports`)")
    conn.execute("DELETE FROM kept_exports WHERE path = ?", (name,))
    if conn.execute("SELECT 1 FROM kept_exports").fetchone() is None:
        conn.execute("DELETE FROM export_queue")
    return _from_row(row)


def pending(conn: sqlite3.Connection) -> tuple[int | None, set[str]]:
    """The outbox: its newest entry's number (None when empty) and the articles changed."""
    high = conn.execute("SELECT max(seq) FROM export_queue").fetchone()[0]
    if high is None:
        return None, set()
    rows = conn.execute("SELECT DISTINCT article_id FROM export_queue WHERE seq <= ?", (high,))
    return int(high), {row[0] for row in rows}


def clear_pending(conn: sqlite3.Connection, high: int) -> None:
    """Forget the outbox up to `high` (inside the caller's transaction): those changes are
    in the files now, or were reported as not written."""
    conn.execute("DELETE FROM export_queue WHERE seq <= ?", (high,))


def record_refresh(
    conn: sqlite3.Connection, kept: KeptExport, written: bool, error: str | None
) -> None:
    """Remember (inside the caller's transaction) when the file was last brought up to
    date, the hash of what is there now, or why it could not be."""
    sha = file_sha256(kept.path) if written else kept.written_sha256
    conn.execute(
        "UPDATE kept_exports SET written_sha256 = ?, refreshed_at = ?, last_error = ?"
        " WHERE path = ?",
        (sha, now_iso() if error is None else kept.refreshed_at, error, str(kept.path)),
    )


def exported_article_ids(conn: sqlite3.Connection, path: Path) -> set[str]:
    """The articles whose entries Folio wrote into (or read from) the .bib at `path`."""
    rows = conn.execute(
        "SELECT a.id FROM bib_file_entries e JOIN articles a ON a.pk = e.article_pk"
        " WHERE e.path = ?",
        (file_id(path),),
    )
    return {row[0] for row in rows}


@contextlib.contextmanager
def refresh_lock(root: Path) -> Iterator[None]:
    """Held while the registered files are rewritten, so two Folio processes never
    interleave their rewrites of one file (where the platform has flock)."""
    try:
        import fcntl
    except ImportError:  # Windows: one process at a time is the user's to keep
        yield
        return
    with open(root / LOCK_NAME, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
