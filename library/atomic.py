"""Writing a user's file so that a crash leaves the old version or the new one, never half."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes, *, backup: bool = False) -> Path | None:
    """Write `data` to `path` through a temporary file in the same folder, fsynced and
    renamed over it. With `backup`, an existing file is first copied to `path.bak`
    (returned)."""
    folder = path.parent if str(path.parent) else Path(".")
    saved = None
    if backup and path.exists():
        saved = path.with_name(path.name + ".bak")
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


def _umask() -> int:
    """The process's file-creation mask (reading it means setting it, so set it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
