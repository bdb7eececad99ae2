"""`folio check --recover`: copy what a damaged database still holds into a new one.

SQLite's own `.recover` needs the sqlite_dbpage table, which Debian's sqlite3 (and the
library Python links) are built without, so Folio salvages through the stdlib: every row
it can still reach, by scanning each table and through each of its indexes (a row whose
table page is lost is often still listed by an index, and fetched by its rowid through a
path that avoids the bad page). The new database gets Folio's current schema; links whose
ends were lost are dropped, notes whose article was lost are written to a JSON file beside
it (nothing a user wrote is dropped), and the damaged file is kept under a new name.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from library.damage import (
    DB_NAME,
    clear_damage_mark,
    damage_noted,
    database_problems,
    is_damage,
    mark_damaged,
)
from library.database import WRITER_NOTE, connect
from library.errors import LibraryError

# Tables rebuilt rather than copied: the index's outbox (the index is rebuilt after).
_SKIPPED = frozenset({"index_queue"})
# How far past the last readable rowid to look for more rows after a damaged page.
_PROBE_LIMIT = 1 << 20


@dataclass
class Recovery:
    """What a recovery did."""

    database: Path  # the recovered folio.db
    damaged: Path  # the damaged database, kept under this name
    rows: dict[str, int] = field(default_factory=dict)  # table → rows recovered
    dropped_links: int = 0  # tag links whose note, article or tag was lost
    orphan_notes: Path | None = None  # notes whose article was lost, written here

    def summary(self) -> str:
        """One line: what was recovered and where the damaged file is."""
        counts = ", ".join(
            f"{self.rows.get(table, 0)} {label}"
            for table, label in (("articles", "articles"), ("annotations", "notes"))
        )
        orphans = (
            f"; notes whose article was lost are in {self.orphan_notes}"
            if self.orphan_notes
            else ""
        )
        return (
            f"Recovered {counts} into {self.database}; the damaged database is kept as "
            f"{self.damaged}{orphans}"
        )


def database_is_sound(root: Path) -> bool:
    """Whether the library's database reads as sound (and is not marked damaged)."""
    if damage_noted(root) is not None:
        return False
    try:
        conn = sqlite3.connect(root / DB_NAME)
        try:
            return not database_problems(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def recover_database(root: Path) -> Recovery:
    """Salvage the damaged database of the library at `root` into a new one, put that in
    its place and keep the damaged file beside it (`folio.damaged-TIME.db`). Refuses when
    nothing could be read. Every Folio process stops writing meanwhile (the damage mark),
    and one that had the old file open refuses to write afterwards (it was replaced)."""
    source_path = root / DB_NAME
    if not source_path.exists():
        raise LibraryError(f"{source_path}: there is no library database to recover")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    mark_damaged(root, damage_noted(root) or "being recovered")
    target_path = root / f"folio.recovering-{stamp}.db"
    recovery = Recovery(source_path, root / f"folio.damaged-{stamp}.db")
    try:
        _salvage_into(source_path, target_path, recovery)
    except BaseException:
        _remove_database(target_path)
        raise
    if not (recovery.rows.get("articles") or recovery.rows.get("annotations")):
        _remove_database(target_path)
        raise LibraryError(
            f"{source_path}: nothing could be read from the damaged database; it is left as "
            "it was (restore folio.db from a backup if you have one)"
        )
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(f"{source_path}{suffix}", f"{recovery.damaged}{suffix}")
    os.replace(target_path, source_path)
    with contextlib.suppress(FileNotFoundError):
        (root / WRITER_NOTE).unlink()
    clear_damage_mark(root)
    return recovery


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


def _salvage_into(source_path: Path, target_path: Path, recovery: Recovery) -> None:
    """Copy every readable row of `source_path` into a new database at `target_path`."""
    try:
        source = sqlite3.connect(source_path)
        source.execute("PRAGMA query_only=ON")  # salvage only: never write to it
        source_tables = _source_tables(source)
    except sqlite3.DatabaseError as exc:
        raise LibraryError(
            f"{source_path}: nothing could be read from the damaged database ({exc}); it is "
            "left as it was (restore folio.db from a backup if you have one)"
        ) from None
    target = connect(target_path)
    try:
        target.execute("PRAGMA foreign_keys=OFF")
        target.execute("BEGIN")
        for table in _target_tables(target):
            if table in source_tables and table not in _SKIPPED:
                columns = _common_columns(source, target, table)
                recovery.rows[table] = _copy_rows(source, target, table, columns)
        _fix_references(target, recovery, target_path.parent)
        target.execute("COMMIT")
        problems = database_problems(target)
        if problems:
            raise LibraryError(f"{target_path}: the recovered copy does not check: {problems[0]}")
    finally:
        source.close()
        target.close()


def _source_tables(source: sqlite3.Connection) -> set[str]:
    rows = source.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {row[0] for row in rows}


def _target_tables(target: sqlite3.Connection) -> list[str]:
    """The new database's tables, referenced ones first (files before articles before notes)."""
    rows = target.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY rootpage"
    )
    return [row[0] for row in rows]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _common_columns(
    source: sqlite3.Connection, target: sqlite3.Connection, table: str
) -> list[str]:
    """The columns both have (an older Folio's database may lack later ones)."""
    try:
        have = set(_columns(source, table))
    except sqlite3.DatabaseError:
        have = set()
    return [name for name in _columns(target, table) if name in have]


def _copy_rows(
    source: sqlite3.Connection, target: sqlite3.Connection, table: str, columns: list[str]
) -> int:
    """Copy every row of `table` that can still be read; returns how many."""
    if not columns:
        return 0
    names = ", ".join(f'"{name}"' for name in columns)
    insert = f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    has_rowid = _has_rowid(source, table)
    rows = _rowid_rows(source, table, names) if has_rowid else _plain_rows(source, table, names)
    copied = 0
    for row in rows:
        copied += target.execute(insert, row).rowcount
    return copied


def _has_rowid(source: sqlite3.Connection, table: str) -> bool:
    try:
        source.execute(f'SELECT rowid FROM "{table}" LIMIT 0')
    except sqlite3.OperationalError:
        return False  # a WITHOUT ROWID table
    return True


def _rowid_rows(source: sqlite3.Connection, table: str, names: str) -> Iterator[tuple[object, ...]]:
    """Each readable row once, fetched by rowid: the rowids come from a scan of the table
    (resumed past a damaged page) and from every index on it."""
    rowids: set[int] = set(_scanned_rowids(source, table))
    for index in _index_names(source, table):
        query = f'SELECT rowid FROM "{table}" INDEXED BY "{index}"'
        rowids.update(int(row[0]) for row in _readable(source, query))
    fetch = f'SELECT {names} FROM "{table}" WHERE rowid = ?'
    for rowid in sorted(rowids):
        with contextlib.suppress(sqlite3.DatabaseError):
            row = source.execute(fetch, (rowid,)).fetchone()
            if row is not None:
                yield tuple(row)


def _scanned_rowids(source: sqlite3.Connection, table: str) -> Iterator[int]:
    """The rowids a scan reaches; after a damaged page, probe further and further ahead."""
    last = -(1 << 63)
    step = 1
    query = f'SELECT rowid FROM "{table}" WHERE rowid > ? ORDER BY rowid'
    while step <= _PROBE_LIMIT:
        try:
            for (rowid,) in source.execute(query, (last,)):
                last, step = rowid, 1
                yield rowid
            return
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            last += step
            step *= 2


def _plain_rows(source: sqlite3.Connection, table: str, names: str) -> Iterator[tuple[object, ...]]:
    """Rows of a WITHOUT ROWID table: from a scan and from each index (which holds them
    whole), each once."""
    seen: set[tuple[object, ...]] = set()
    queries = [f'SELECT {names} FROM "{table}"']
    queries += [
        f'SELECT {names} FROM "{table}" INDEXED BY "{index}"'
        for index in _index_names(source, table)
    ]
    for query in queries:
        for row in _readable(source, query):
            if row not in seen:
                seen.add(row)
                yield row


def _index_names(source: sqlite3.Connection, table: str) -> list[str]:
    query = f"SELECT name FROM pragma_index_list('{table}')"
    return [str(row[0]) for row in _readable(source, query)]


def _readable(source: sqlite3.Connection, query: str) -> Iterator[tuple[Any, ...]]:
    """The rows `query` returns, until the first damaged page."""
    with contextlib.suppress(sqlite3.DatabaseError):
        for row in source.execute(query):
            yield tuple(row)


def _fix_references(target: sqlite3.Connection, recovery: Recovery, folder: Path) -> None:
    """Make the copy consistent: an article's original is recorded in `files`, tag links
    whose ends were lost go, and notes whose article was lost move to a JSON file."""
    target.execute(
        "INSERT OR IGNORE INTO files(sha256, size, ext, added_at)"
        " SELECT file_sha256, 0, '.' || format, added_at FROM articles"
        " WHERE file_sha256 IS NOT NULL AND file_sha256 NOT IN (SELECT sha256 FROM files)"
    )
    orphans = target.execute(
        "SELECT * FROM annotations WHERE article_pk NOT IN (SELECT pk FROM articles)"
    ).fetchall()
    if orphans:
        names = [
            description[0]
            for description in target.execute("SELECT * FROM annotations LIMIT 0").description
        ]
        path = folder / f"folio.recovered-notes-{time.strftime('%Y%m%d-%H%M%S')}.json"
        data = [dict(zip(names, row, strict=True)) for row in orphans]
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        recovery.orphan_notes = path
        target.execute("DELETE FROM annotations WHERE article_pk NOT IN (SELECT pk FROM articles)")
    dropped = 0
    for statement in (
        "DELETE FROM annotation_tags WHERE annotation_pk NOT IN (SELECT pk FROM annotations)"
        " OR tag_pk NOT IN (SELECT pk FROM tags)",
        "DELETE FROM article_tags WHERE article_pk NOT IN (SELECT pk FROM articles)"
        " OR tag_pk NOT IN (SELECT pk FROM tags)",
    ):
        dropped += target.execute(statement).rowcount
    target.execute(
        "DELETE FROM tags WHERE pk NOT IN (SELECT tag_pk FROM article_tags)"
        " AND pk NOT IN (SELECT tag_pk FROM annotation_tags)"
    )
    recovery.dropped_links = dropped
