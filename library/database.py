"""The SQLite database: connection settings, schema and forward migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from library.errors import LibraryError

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
    # Alias sets (names and their variants, `folio alias`): a query for any member of a set
    # matches all of them. Applied at query time, so they live here, never in the index.
    # key: the member folded (case, accents, spaces), unique across all sets.
    """
    CREATE TABLE alias_sets (
        pk         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE alias_members (
        set_pk   INTEGER NOT NULL REFERENCES alias_sets(pk) ON DELETE CASCADE,
        key      TEXT NOT NULL UNIQUE,
        text     TEXT NOT NULL,
        position INTEGER NOT NULL
    );
    CREATE INDEX alias_members_set ON alias_members(set_pk);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path) -> sqlite3.Connection:
    """Open the database with Folio's settings and bring its schema up to date."""
    try:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
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
    writer waits (busy_timeout) instead of failing half-way; any exception rolls back."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
