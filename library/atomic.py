"""Writing a user's file so that a crash leaves the old version or the new one, never half.

Every temporary file is named `.NAME.PID.RANDOM.tmp` beside the file NAME it becomes:
hidden, and carrying the writer's process id, so `folio check` can tell what a killed
writer left (library/leftovers.py) from what a running one is still writing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def temporary_prefix(path: Path) -> str:
    """The start of the name of every temporary file that becomes `path`."""
    return f".{path.name}.{os.getpid()}."


def write_atomically(
    path: Path, data: bytes, *, backup: bool = False, keep: int = 1
) -> Path | None:
    """Write `data` to `path` through a temporary file in the same folder, fsynced and
    renamed over it. With `backup`, an existing file is first copied, just as atomically,
    to `path.bak` (returned): the backup is whole before the file is replaced. Older
    backups move to `.bak.1`, `.bak.2`… so that `keep` are kept."""
    saved = None
    if backup and keep > 0 and path.exists():
        saved = rotate_backups(path, keep)
        copy_atomically(path, saved)
    _replace_atomically(path, lambda out: out.write(data), mode_of=path)
    return saved


def copy_atomically(source: Path, target: Path) -> None:
    """Copy `source` to `target` (bytes and permissions) through a temporary file: a crash
    leaves the old `target` or the whole copy, never a torn one."""

    def copy(out: BinaryIO) -> None:
        with source.open("rb") as data:
            shutil.copyfileobj(data, out)

    _replace_atomically(target, copy, mode_of=source)


def _replace_atomically(path: Path, fill: Callable[[BinaryIO], object], *, mode_of: Path) -> None:
    """Make a temporary file beside `path`, let `fill` write it, fsync it, give it the
    permissions of `mode_of` (the usual ones if that does not exist), rename it over `path`."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=temporary_prefix(path), suffix=".tmp", dir=folder
        )
    except OSError as exc:  # name the file the user asked for, not our temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            fill(out)
            out.flush()
            os.fsync(out.fileno())
        if mode_of.exists():
            shutil.copymode(mode_of, temp_name)
        else:
            # mkstemp makes the file private (0600); a new file gets the usual permissions.
            os.chmod(temp_name, 0o666 & ~_umask())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def backup_path(path: Path, generation: int) -> Path:
    """`path.bak` (generation 0), then `path.bak.1`, `path.bak.2`…"""
    suffix = ".bak" if generation == 0 else f".bak.{generation}"
    return path.with_name(path.name + suffix)


def rotate_backups(path: Path, keep: int) -> Path:
    """Make room for a new newest backup: the backups before the first missing generation
    each move one generation older, the oldest beyond `keep` is dropped. (A write killed
    between rotating and copying leaves `.bak` missing: the next one fills that gap instead
    of pushing it along and dropping an old backup for it.) The path to write it to."""
    first_gap = next((g for g in range(keep - 1) if not backup_path(path, g).exists()), keep - 1)
    for generation in range(first_gap, 0, -1):
        os.replace(backup_path(path, generation - 1), backup_path(path, generation))
    return backup_path(path, 0)


def file_kind(path: Path) -> str:
    """What a path that is not a regular file is ("a FIFO", "a socket"…): said when Folio
    refuses to read or replace it (reading a FIFO would wait for a writer forever)."""
    try:
        return mode_kind(path.stat().st_mode)
    except OSError:
        return "a broken link"


def mode_kind(mode: int) -> str:
    """`file_kind` for a file mode (from stat or fstat)."""
    return _MODE_KINDS.get(stat.S_IFMT(mode), "not a file")


_MODE_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


def _umask() -> int:
    """The process's file-creation mask (reading it means setting it, so set it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
