"""The SQLite database: connection settings, schema and forward migrations."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from library.damage import damaged, is_damage
from library.errors import LibraryError

# How long a writer waits for another's write lock before giving up.
BUSY_TIMEOUT_MS = 30_000
# Beside the database while a Folio process holds its write lock: who (pid, command) and
# since when, so a writer that waited too long can say who it waited for.
WRITER_NOTE = "folio.db.writer"

# Each migration takes the schema from version i to i + 1. Append, never edit.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE files (
        sha256     TEXT PRIMARY KEY,
        size       INTEGER NOT NULL,
        ext        TEXT NOT NULL,
        added_at   TEXT NOT NULL
    );
    CREATE TABLE articles (
        pk             INTEGER PRIMARY KEY,
        id             TEXT NOT NULL UNIQUE,
        citekey        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        title          TEXT,
        subtitle       TEXT,
        authors        TEXT NOT NULL DEFAULT '[]',
        date           TEXT,
        site           TEXT,
        republished_by TEXT,
        url            TEXT,
        language       TEXT,
        type           TEXT,
        origins        TEXT NOT NULL DEFAULT '{}',
        text           TEXT NOT NULL,
        text_sha256    TEXT NOT NULL,
        pages          TEXT,
        format         TEXT NOT NULL,
        source_path    TEXT,
        file_sha256    TEXT REFERENCES files(sha256),
        added_at       TEXT NOT NULL,
        modified_at    TEXT NOT NULL,
        rev            INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX articles_source_path ON articles(source_path);
    CREATE INDEX articles_url ON articles(url);
    CREATE INDEX articles_file ON articles(file_sha256);
    CREATE INDEX articles_text_sha ON articles(text_sha256);
    -- Outbox: written in the same transaction as the change, cleared once the
    -- index has committed it, so an index that fell behind knows what it missed.
    CREATE TABLE index_queue (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id TEXT NOT NULL
    );
    """,
    # 2: passage annotations and tags (the notes package owns the logic, the store the rows).
    """
    CREATE TABLE annotations (
        pk          INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        article_pk  INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
        -- The quote selector; exact IS NULL for a note on the whole article.
        exact       TEXT,
        prefix      TEXT NOT NULL DEFAULT '',
        suffix      TEXT NOT NULL DEFAULT '',
        -- The position selector: code points into the article text, half-open.
        pos_start   INTEGER,
        pos_end     INTEGER,
        -- The article text the selectors were last anchored on: when the article's
        -- text_sha256 differs, the annotation must be re-anchored.
        anchored_on TEXT,
        state       TEXT NOT NULL,
        score       REAL,
        locator     TEXT,
        note        TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL,
        modified_at TEXT NOT NULL
    );
    CREATE INDEX annotations_article ON annotations(article_pk);
    -- key: the name case-folded, so `Taliban` and `taliban` are one tag.
    CREATE TABLE tags (
        pk   INTEGER PRIMARY KEY,
        key  TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL
    );
    CREATE TABLE annotation_tags (
        annotation_pk INTEGER NOT NULL REFERENCES annotations(pk) ON DELETE CASCADE,
        tag_pk        INTEGER NOT NULL REFERENCES tags(pk) ON DELETE CASCADE,
        PRIMARY KEY (annotation_pk, tag_pk)
    ) WITHOUT ROWID;
    CREATE INDEX annotation_tags_tag ON annotation_tags(tag_pk);
    CREATE TABLE article_tags (
        article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
        tag_pk     INTEGER NOT NULL REFERENCES tags(pk) ON DELETE CASCADE,
        PRIMARY KEY (article_pk, tag_pk)
    ) WITHOUT ROWID;
    CREATE INDEX article_tags_tag ON article_tags(tag_pk);
    """,
    # 3 (hardening, leftovers): files Folio writes outside the library (an exported .bib, a
    # notes file), so `folio check` can look beside them for what a killed write left.
    """
    CREATE TABLE outputs (
        path       TEXT PRIMARY KEY,
        written_at TEXT NOT NULL
    );
    """,
    # 4 (hardening, compare-and-set edits): a note's version, bumped by every change of its
    # note, tags or passage; a save compares it with the version its edit began from.
    """
    ALTER TABLE annotations ADD COLUMN rev INTEGER NOT NULL DEFAULT 1;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class Connection(sqlite3.Connection):
    """A connection that knows where to leave its writer note while it holds the lock."""

    writer_note: Path | None = None


def connect(path: Path) -> sqlite3.Connection:
    """Open the database with Folio's settings and bring its schema up to date."""
    try:
        conn = sqlite3.connect(
            path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
            factory=Connection,
        )
        conn.writer_note = path.with_name(WRITER_NOTE)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise damaged(path.parent, str(exc)) from None
        raise LibraryError(f"{path}: cannot open the library database ({exc})") from None
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations the database has not seen yet, each in its own transaction."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"the library was written by a newer Folio (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); upgrade Folio"
        )
    for number in range(version, SCHEMA_VERSION):
        with transaction(conn):
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={number + 1}")


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements (executescript would commit behind our back)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: BEGIN IMMEDIATE takes the write lock up front, so a second
    writer waits (busy_timeout) instead of failing half-way; any exception rolls back.

    While it holds the lock, a Folio connection leaves a note saying who holds it (removed
    before the lock is released), so a writer that waited too long can name the holder."""
    note = conn.writer_note if isinstance(conn, Connection) else None
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "").startswith("SQLITE_BUSY") and note is not None:
            raise LibraryError(_locked_message(note)) from None
        raise
    if note is not None:
        _leave_note(note)
    try:
        yield conn
    except BaseException:
        _remove_note(note)
        conn.execute("ROLLBACK")
        raise
    _remove_note(note)
    conn.execute("COMMIT")


def process_label() -> str:
    """The command this process runs, as a person would type it (`folio add papers/`)."""
    argv = sys.argv or ["python"]
    return " ".join([Path(argv[0]).name, *argv[1:]])[:200]


def _leave_note(note: Path) -> None:
    """Say who holds the write lock (best effort: a full disk must not stop the write)."""
    record = {
        "pid": os.getpid(),
        "command": process_label(),
        "since": time.strftime("%H:%M:%S"),
    }
    with contextlib.suppress(OSError):
        note.write_text(json.dumps(record), encoding="utf-8")


def _remove_note(note: Path | None) -> None:
    if note is not None:
        with contextlib.suppress(OSError):
            note.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (on this machine)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # it exists, and belongs to someone else
    return True


def _locked_message(note: Path) -> str:
    """Why a write could not start: who held the write lock for longer than we wait."""
    waited = f"{BUSY_TIMEOUT_MS / 1000:g} s"
    holder = "another program (not a Folio command, or one that left no note)"
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        record = json.loads(note.read_text(encoding="utf-8"))
        pid = int(record["pid"])
        if process_alive(pid):
            holder = (
                f"another Folio process (pid {pid}: `{record['command']}`, "
                f"writing since {record.get('since', '?')})"
            )
    return (
        f"{note.parent}: the library is locked by {holder} and stayed locked for over "
        f"{waited}; try again once it has finished"
    )
