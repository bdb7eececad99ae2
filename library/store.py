"""An open library folder: the database (system of record), original files and the index."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from library.damage import DB_NAME, damage_noted, damaged
from library.database import connect, transaction
from library.errors import LibraryError
from library.index import IndexBehind, Progress, SearchIndex

FILES_DIR = "files"
INDEX_DIR = "index"
DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024


class Library:
    """A library folder opened for use. Close it (or use `with`) when done."""

    def __init__(self, root: Path) -> None:
        self.root = root
        _prepare_folder(root)
        self.files_dir = root / FILES_DIR
        self.index = SearchIndex(root / INDEX_DIR)
        self.conn: sqlite3.Connection = connect(root / DB_NAME)
        self._db_file = _file_id(root / DB_NAME)
        self.max_file_bytes = _max_file_bytes()
        # Why the index could not catch up with the database (a full disk), until told.
        self.index_lag: str | None = None

    @property
    def database_path(self) -> Path:
        """The library's database file."""
        return self.root / DB_NAME

    def close(self) -> None:
        """Close the index searcher and the database connection."""
        self.index.close()
        self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A database write transaction (the index does not follow: see `write`). Refused
        while the database is marked damaged, or after it was replaced by a recovery."""
        self.check_writable()
        with transaction(self.conn) as conn:
            yield conn

    def check_writable(self) -> None:
        """Raise unless writing is safe: the database is not marked damaged, and the file
        this connection has open is still the library's (`check --recover` swaps it)."""
        detail = damage_noted(self.root)
        if detail is not None:
            raise damaged(self.root, detail)
        if _file_id(self.root / DB_NAME) != self._db_file:
            raise LibraryError(
                f"{self.root / DB_NAME}: the database was replaced (by a recovery?) since this "
                "Folio opened it; nothing was changed: start Folio again"
            )

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A database transaction; once it commits, the index catches up on what it changed."""
        with self.transaction() as conn:
            yield conn
        self.ensure_index()

    def ensure_index(self, progress: Progress | None = None) -> None:
        """Make the index answer for the database: apply what it missed, rebuild if it is gone.

        On a full disk a usable index stays as it was: search answers from it, the outbox
        keeps what it missed for later, and `index_lag` says why."""
        try:
            self.index.sync(self.conn, progress)
        except IndexBehind as exc:
            if not self.index.is_current():
                raise
            self.index_lag = exc.reason

    def take_index_lag(self) -> str | None:
        """Why the index fell behind in this session (then forgotten: tell the user once)."""
        lag, self.index_lag = self.index_lag, None
        return lag


def _prepare_folder(root: Path) -> None:
    """Create the folder on first use and refuse one that cannot be written."""
    if root.exists() and not root.is_dir():
        raise LibraryError(f"{root}: the library path is a file, not a folder")
    if not root.exists():
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(
                f"{root}: cannot create the library folder ({exc.strerror})"
            ) from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise LibraryError(f"{root}: the library folder is read-only")
    (root / FILES_DIR).mkdir(exist_ok=True)


def _file_id(path: Path) -> tuple[int, int] | None:
    """The file's identity (device, inode): a replaced file has another."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _max_file_bytes() -> int:
    """The largest file `folio add` takes: FOLIO_MAX_FILE_MB, or 100 MB."""
    value = os.environ.get("FOLIO_MAX_FILE_MB")
    if not value:
        return DEFAULT_MAX_FILE_BYTES
    try:
        return int(float(value) * 1024 * 1024)
    except ValueError:
        raise LibraryError(f"FOLIO_MAX_FILE_MB: not a number: {value!r}") from None
