"""What killed Folio processes leave behind, found and removed.

A rebuild works in `index.new-PID-…` beside the index, an atomic write in
`.NAME.PID.….tmp` beside the file it replaces, an import stages originals as
`files/xx/.tmp-PID-…`. The pid in each name tells a killed writer's leftovers (its process
is gone) from a running writer's work, which is never touched. Names without a pid come
from older Folio versions and count as leftovers. Originals in files/ that the database
does not record were written by an import that never committed.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from library.articles import now_iso
from library.blobs import STAGING_PREFIX
from library.database import process_alive
from library.errors import FolioError
from library.store import INDEX_DIR, Library

# index.new-PID-random (a rebuild) and index.old-PID-random (the swap after one).
_INDEX_WORK = re.compile(rf"^{INDEX_DIR}\.(?:new|old)-(?:(\d+)-)?[\w]+$")
# .NAME.PID.random.tmp, where NAME is the written file's (or its backup's) name.
_TEMP_PID = re.compile(r"\.(\d+)\.\w+\.tmp$")
_STAGED_PID = re.compile(rf"^{re.escape(STAGING_PREFIX)}(\d+)-")
# An original in files/: its SHA-256 and an extension.
_ORIGINAL = re.compile(r"^([0-9a-f]{64})\.\w+$")


@dataclass(frozen=True)
class Leftover:
    """One file or folder a killed Folio process left."""

    path: Path
    what: str  # "index folder", "temporary file", "staged original", "unrecorded original"


def remember_output(library: Library, path: Path) -> None:
    """Note, before writing it, a file Folio writes outside the library (an export), so
    `folio check` can look beside it for what a killed write left. Best effort: an export
    does not fail for want of this note."""
    with contextlib.suppress(FolioError, sqlite3.Error, OSError), library.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO outputs(path, written_at) VALUES (?, ?)",
            (str(path.resolve()), now_iso()),
        )


def find_leftovers(library: Library) -> list[Leftover]:
    """Everything killed Folio processes left in the library and beside its exports."""
    return [
        *_index_folders(library),
        *_output_temporaries(library),
        *_staged_originals(library),
        *_unrecorded_originals(library),
    ]


def remove_leftovers(library: Library) -> int:
    """Remove what `find_leftovers` finds; returns how many were removed. Unrecorded
    originals are removed holding the write lock, so no import is between renaming one into
    place and recording it."""
    removed = 0
    for leftover in [*_index_folders(library), *_output_temporaries(library)]:
        removed += _remove(leftover.path)
    for leftover in _staged_originals(library):
        removed += _remove(leftover.path)
    with library.transaction():
        for leftover in _unrecorded_originals(library):
            removed += _remove(leftover.path)
    return removed


def _remove(path: Path) -> int:
    """Delete a file or folder; 1 if it went."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return 0
    return 1


def _abandoned(pid: str | None) -> bool:
    """Whether the writer whose pid a name carries is gone (no pid: an older Folio's)."""
    return pid is None or not process_alive(int(pid))


def _index_folders(library: Library) -> list[Leftover]:
    found = []
    for path in sorted(library.root.iterdir()):
        match = _INDEX_WORK.match(path.name)
        if match and path.is_dir() and _abandoned(match.group(1)):
            found.append(Leftover(path, "index folder"))
    return found


def _output_temporaries(library: Library) -> list[Leftover]:
    """`.NAME….tmp` beside each file Folio wrote (NAME, or NAME.bak…), from gone writers."""
    found = []
    rows = library.conn.execute("SELECT path FROM outputs ORDER BY path").fetchall()
    for (recorded,) in rows:
        output = Path(recorded)
        with contextlib.suppress(OSError):
            for path in sorted(output.parent.glob(f".{_glob_escape(output.name)}.*.tmp")):
                match = _TEMP_PID.search(path.name)
                if path.is_file() and _abandoned(match.group(1) if match else None):
                    found.append(Leftover(path, "temporary file"))
    return found


def _glob_escape(name: str) -> str:
    """`name` with glob's special characters taken literally."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _staged_originals(library: Library) -> list[Leftover]:
    found = []
    for path in sorted(library.files_dir.glob(f"*/{STAGING_PREFIX}*")):
        match = _STAGED_PID.match(path.name)
        if _abandoned(match.group(1) if match else None):
            found.append(Leftover(path, "staged original"))
    return found


def _unrecorded_originals(library: Library) -> list[Leftover]:
    recorded = {row[0] for row in library.conn.execute("SELECT sha256 FROM files")}
    found = []
    for path in sorted(library.files_dir.glob("*/*")):
        match = _ORIGINAL.match(path.name)
        if match and match.group(1) not in recorded and path.is_file():
            found.append(Leftover(path, "unrecorded original"))
    return found
