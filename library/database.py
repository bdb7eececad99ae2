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
    # Citation keys (issue 10): library settings (the key formula) and the old keys an
    # article keeps after a rekey or a .bib import, so an existing \cite{old} still resolves.
    # Existing articles keep their keys: nothing here rewrites one.
    """
    CREATE TABLE IF NOT EXISTS settings (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS citekey_aliases (
        alias TEXT PRIMARY KEY COLLATE NOCASE,
        article_pk INTEGER REFERENCES articles(pk) ON DELETE CASCADE
    );
    CREATE INDEX IF NOT EXISTS citekey_aliases_article ON citekey_aliases(article_pk);
    """,
    # Bibliographic records without loss (issue 10): the whole .bib entry an article was
    # imported from, and which entries of which .bib files Folio wrote or read (so a merge
    # replaces only entries that are Folio's own).
    """
    -- fields: JSON [[name, value, bare], ...] as the file had them (names lowercased,
    -- @string macros and # expanded, LaTeX kept); inherited: the same for what a crossref
    -- parent gave; promoted: the modelled values read from them and the field names
    -- each came from, to tell later edits in Folio from what the file said.
    CREATE TABLE bib_records (
        article_pk  INTEGER PRIMARY KEY REFERENCES articles(pk) ON DELETE CASCADE,
        entry_type  TEXT NOT NULL,
        bib_key     TEXT NOT NULL,
        fields      TEXT NOT NULL DEFAULT '[]',
        inherited   TEXT NOT NULL DEFAULT '[]',
        promoted    TEXT NOT NULL DEFAULT '{}',
        doi         TEXT COLLATE NOCASE,
        crossref_pk INTEGER REFERENCES articles(pk) ON DELETE SET NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX bib_records_doi ON bib_records(doi);
    CREATE INDEX bib_records_crossref ON bib_records(crossref_pk);
    -- sha256: of the entry's text as Folio wrote or read it (line ends as LF).
    CREATE TABLE bib_file_entries (
        path       TEXT NOT NULL,
        key        TEXT NOT NULL COLLATE NOCASE,
        sha256     TEXT NOT NULL,
        article_pk INTEGER REFERENCES articles(pk) ON DELETE CASCADE,
        seen_at    TEXT NOT NULL,
        PRIMARY KEY (path, key)
    );
    CREATE INDEX bib_file_entries_article ON bib_file_entries(article_pk);
    """,
    # Capture and stay current (issue 15): collections, saved searches, and exports that keep
    # themselves current. `export_queue` is their outbox, like `index_queue` for the index:
    # the triggers below write it in the same transaction as any change to an article (every
    # change queues the article for the index), to its .bib record or to a collection's
    # members, once at least one export is kept current; the actions rewrite the registered
    # files after the commit (tui/actions/exports.py).
    """
    CREATE TABLE collections (
        pk         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE collection_articles (
        collection_pk INTEGER NOT NULL REFERENCES collections(pk) ON DELETE CASCADE,
        article_pk    INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
        added_at      TEXT NOT NULL,
        PRIMARY KEY (collection_pk, article_pk)
    ) WITHOUT ROWID;
    CREATE INDEX collection_articles_article ON collection_articles(article_pk);
    CREATE TABLE saved_searches (
        name       TEXT PRIMARY KEY COLLATE NOCASE,
        query      TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    -- selection: JSON {"kind": refs|query|tag|collection|saved|all, "value": ...};
    -- options: JSON of the export options kept (ascii, backups); written_sha256: of the
    -- bytes Folio last wrote there (a file that is not a .bib is only replaced while unchanged).
    CREATE TABLE kept_exports (
        path           TEXT PRIMARY KEY,
        selection      TEXT NOT NULL,
        format         TEXT NOT NULL,
        options        TEXT NOT NULL DEFAULT '{}',
        written_sha256 TEXT,
        created_at     TEXT NOT NULL,
        refreshed_at   TEXT,
        last_error     TEXT
    );
    CREATE TABLE export_queue (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id TEXT NOT NULL
    );
    CREATE TRIGGER export_queue_article AFTER INSERT ON index_queue
    WHEN EXISTS (SELECT 1 FROM kept_exports)
    BEGIN
        INSERT INTO export_queue(article_id) VALUES (NEW.article_id);
    END;
    -- A .bib record changes without the index hearing of it (fields Folio does not search).
    CREATE TRIGGER export_queue_record_new AFTER INSERT ON bib_records
    WHEN EXISTS (SELECT 1 FROM kept_exports)
    BEGIN
        INSERT INTO export_queue(article_id) SELECT id FROM articles WHERE pk = NEW.article_pk;
    END;
    CREATE TRIGGER export_queue_record_changed AFTER UPDATE ON bib_records
    WHEN EXISTS (SELECT 1 FROM kept_exports)
    BEGIN
        INSERT INTO export_queue(article_id) SELECT id FROM articles WHERE pk = NEW.article_pk;
    END;
    CREATE TRIGGER export_queue_collection_add AFTER INSERT ON collection_articles
    WHEN EXISTS (SELECT 1 FROM kept_exports)
    BEGIN
        INSERT INTO export_queue(article_id) SELECT id FROM articles WHERE pk = NEW.article_pk;
    END;
    CREATE TRIGGER export_queue_collection_rm AFTER DELETE ON collection_articles
    WHEN EXISTS (SELECT 1 FROM kept_exports)
    BEGIN
        INSERT INTO export_queue(article_id) SELECT id FROM articles WHERE pk = OLD.article_pk;
    END;
    """,
    # What Folio extracts is right (issue 11): the labels printed on PDF pages, and
    # locators recomputed under the new rules (body paragraphs only, page labels):
    # every existing note gets locator_version 0, so notes.reanchoring.relocate_stale
    # recomputes its locator on the next notes command without moving it. Dates of PDFs
    # imported so far all came from the file's CreationDate: a guess, not a found fact.
    """
    ALTER TABLE articles ADD COLUMN page_labels TEXT;
    ALTER TABLE annotations ADD COLUMN locator_version INTEGER NOT NULL DEFAULT 0;
    UPDATE articles SET origins = json_set(origins, '$.date', 'guessed')
     WHERE format = 'pdf' AND json_extract(origins, '$.date') = 'found';
    """,
    # Hardening (issue 12), leftovers: files Folio writes outside the library (an exported
    # .bib, a notes file), so `folio check` can look beside them for what a killed write left.
    """
    CREATE TABLE outputs (
        path       TEXT PRIMARY KEY,
        written_at TEXT NOT NULL
    );
    """,
    # Hardening (issue 12), compare-and-set edits: a note's version, bumped by every change
    # of its note, tags or passage; a save compares it with the version its edit began from.
    """
    ALTER TABLE annotations ADD COLUMN rev INTEGER NOT NULL DEFAULT 1;
    """,
    # Alias sets (issue 13, names and their variants, `folio alias`): a query for any member
    # of a set matches all of them. Applied at query time, so they live here, never in the index.
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
    # Where a quote comes from (issue 14): passages articles share. `passage_queue` is the
    # outbox of texts to scan (new, changed or deleted articles; the triggers write it in the
    # change's own transaction, and every article there when this runs is queued once);
    # `passage_prints` the fingerprints of scanned segments (library/fingerprints.py), by
    # hash, to find candidates with one lookup per segment; `passage_scans` what was scanned
    # (the text's hash, its length in segment characters, its segments' offsets, and its
    # prints, to take them out again); `passage_links` the shared passages found, once from
    # each side.
    """
    CREATE TABLE passage_queue (
        article_pk INTEGER PRIMARY KEY
    );
    CREATE TABLE passage_prints (
        hash       INTEGER NOT NULL,
        article_pk INTEGER NOT NULL,
        segment    INTEGER NOT NULL,
        PRIMARY KEY (hash, article_pk, segment)
    ) WITHOUT ROWID;
    CREATE TABLE passage_scans (
        article_pk  INTEGER PRIMARY KEY,
        text_sha256 TEXT NOT NULL,
        chars       INTEGER NOT NULL,
        scan        BLOB NOT NULL
    );
    CREATE TABLE passage_links (
        article_pk  INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
        other_pk    INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
        start       INTEGER NOT NULL,
        "end"       INTEGER NOT NULL,
        other_start INTEGER NOT NULL,
        other_end   INTEGER NOT NULL,
        similarity  REAL NOT NULL
    );
    CREATE INDEX passage_links_article ON passage_links(article_pk, start);
    CREATE INDEX passage_links_other ON passage_links(other_pk);
    CREATE TRIGGER passage_queue_new AFTER INSERT ON articles
    BEGIN
        INSERT OR IGNORE INTO passage_queue(article_pk) VALUES (NEW.pk);
    END;
    CREATE TRIGGER passage_queue_text AFTER UPDATE OF text_sha256 ON articles
    WHEN NEW.text_sha256 IS NOT OLD.text_sha256
    BEGIN
        INSERT OR IGNORE INTO passage_queue(article_pk) VALUES (NEW.pk);
    END;
    CREATE TRIGGER passage_queue_gone AFTER DELETE ON articles
    BEGIN
        INSERT OR IGNORE INTO passage_queue(article_pk) VALUES (OLD.pk);
    END;
    INSERT INTO passage_queue(article_pk) SELECT pk FROM articles;
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


def rows_in(conn: sqlite3.Connection, select: str, values: list[object]) -> Iterator[sqlite3.Row]:
    """Rows of `select` (ending in `IN ({marks})`) for any number of values, one query per
    900: SQLite caps the parameters of one statement."""
    for start in range(0, len(values), 900):
        chunk = values[start : start + 900]
        yield from conn.execute(select.format(marks=",".join("?" * len(chunk))), chunk)


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
