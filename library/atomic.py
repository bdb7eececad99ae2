"""Writing a user's file so that a crash leaves the old version or the new one, never half."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def write_atomically(
    path: Path, data: bytes, *, backup: bool = False, keep: int = 1
) -> Path | None:
    """Write `data` to `path` through a temporary file in the same folder, fsynced and
    renamed over it. With `backup`, an existing file is first copied to `path.bak`
    (returned), older backups moving to `.bak.1`, `.bak.2`… so that `keep` are kept."""
    folder = path.parent if str(path.parent) else Path(".")
    saved = None
    if backup and keep > 0 and path.exists():
        saved = rotate_backups(path, keep)
        shutil.copy2(path, saved)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # name the file the user asked for, not our temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            shutil.copymode(path, temp_name)
        else:
            # mkstemp makes the file private (0600); a new file gets the usual permissions.
            os.chmod(temp_name, 0o666 & ~_umask())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    return saved


def backup_path(path: Path, generation: int) -> Path:
    """`path.bak` (generation 0), then `path.bak.1`, `path.bak.2`…"""
    suffix = ".bak" if generation == 0 else f".bak.{generation}"
    return path.with_name(path.name + suffix)


def rotate_backups(path: Path, keep: int) -> Path:
    """Make room for a new newest backup: each of the `keep - 1` newest moves one
    generation older, the oldest beyond `keep` is dropped. The path to write it to."""
    for generation in range(keep - 1, 0, -1):
        older = backup_path(path, generation - 1)
        if older.exists():
            os.replace(older, backup_path(path, generation))
    return backup_path(path, 0)


def _umask() -> int:
    """The process's file-creation mask (reading it means setting it, so set it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
