"""A damaged library database: recognised wherever a read fails, reported in one line that
names `folio check` and the way out, and written to no more.

Once damage is seen (a read fails as corrupt, `folio check` finds it, a listing comes back
empty while the table's indexes still hold rows) a mark is left beside the database; every
Folio process refuses to write while it is there. `folio check` removes it when the database
checks sound again, `folio check --recover` when it has replaced the database.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sized
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from library.errors import LibraryError

DB_NAME = "folio.db"
DAMAGED_MARK = "folio.db.damaged"

Listing = TypeVar("Listing", bound=Sized)


class DatabaseDamaged(LibraryError):
    """The library database is damaged: nothing is written until it is recovered."""


def is_damage(exc: BaseException) -> bool:
    """Whether a database error says the file is corrupt or not a database at all."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or (
        "malformed" in text or "not a database" in text
    )


def damaged(root: Path, detail: str) -> DatabaseDamaged:
    """The error to raise for damage found in the library at `root` (and the mark left)."""
    mark_damaged(root, detail)
    return DatabaseDamaged(
        f"{root / DB_NAME}: the library database is damaged ({detail}); nothing was changed. "
        "`folio check` says more; `folio check --recover` copies what is still readable "
        "into a new database and keeps the damaged one"
    )


def mark_damaged(root: Path, detail: str) -> None:
    """Leave the mark that stops every Folio process writing (best effort)."""
    with contextlib.suppress(OSError):
        (root / DAMAGED_MARK).write_text(detail + "\n", encoding="utf-8")


def damage_noted(root: Path) -> str | None:
    """What damage was found in this library, if it is marked damaged."""
    try:
        return (root / DAMAGED_MARK).read_text(encoding="utf-8").strip() or "damaged"
    except FileNotFoundError:
        return None
    except OSError:
        return "damaged"


def clear_damage_mark(root: Path) -> None:
    """Forget the damage (the database checks sound, or was recovered)."""
    with contextlib.suppress(FileNotFoundError):
        (root / DAMAGED_MARK).unlink()


@contextmanager
def damage_reported(root: Path) -> Iterator[None]:
    """Turn a database error that means damage into DatabaseDamaged (and mark it)."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        raise damaged(root, str(exc)) from None


def _indexes(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[0] for row in conn.execute("SELECT name FROM pragma_index_list(?)", (table,))]


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [row[0] for row in rows]


def count_mismatches(conn: sqlite3.Connection, tables: list[str] | None = None) -> list[str]:
    """Tables whose rows, counted by a scan, differ from what their indexes count: a table
    page lost (it reads as empty) while its indexes still list the rows, or the reverse.
    `PRAGMA quick_check` does not compare indexes with their tables."""
    problems = []
    for table in tables if tables is not None else _tables(conn):
        scanned = conn.execute(f'SELECT count(*) FROM "{table}" NOT INDEXED').fetchone()[0]
        for index in _indexes(conn, table):
            counted = conn.execute(
                f'SELECT count(*) FROM "{table}" INDEXED BY "{index}"'
            ).fetchone()[0]
            if counted != scanned:
                problems.append(f"table {table} holds {scanned} rows, its index {index} {counted}")
                break
    return problems


def database_problems(conn: sqlite3.Connection) -> list[str]:
    """What is wrong with the database file: `PRAGMA quick_check`, then rows that tables and
    their indexes disagree on. Empty when it is sound."""
    problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        return problems
    return count_mismatches(conn)


def verify_empty(conn: sqlite3.Connection, root: Path, table: str) -> None:
    """Before saying "none": check that `table` is really empty, not unreadable. Raises
    DatabaseDamaged when its indexes still hold rows its pages no longer show."""
    with damage_reported(root):
        problems = count_mismatches(conn, [table])
    if problems:
        raise damaged(root, problems[0])


def verified_listing(conn: sqlite3.Connection, root: Path, table: str, found: Listing) -> Listing:
    """`found` (rows read from `table`), after `verify_empty` when there are none: a listing
    says "none" only of a table that is readable and empty."""
    if not len(found):
        verify_empty(conn, root, table)
    return found
