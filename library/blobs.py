"""The content-addressed store of original files: written once, never modified."""

from __future__ import annotations

import hashlib
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def blob_path(files_dir: Path, sha256: str, ext: str) -> Path:
    """Where the file with this hash lives (two-level fan-out keeps folders small)."""
    return files_dir / sha256[:2] / f"{sha256}{ext}"


def store_blob(
    files_dir: Path, data: bytes, sha256: str, ext: str, *, durable: bool = True
) -> Path | None:
    """Write `data` under its hash unless it is already there; atomic (temp file + rename).

    Returns the new file's path, or None when it existed. With `durable=False` the caller
    must pass the path to `make_durable` before it commits anything that refers to it.
    """
    target = blob_path(files_dir, sha256, ext)
    if target.exists():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def make_durable(paths: list[Path]) -> None:
    """Flush these files to disk. fsync releases the GIL, so a few threads overlap the
    waits: a batch costs about one disk round trip instead of one per file."""
    if not paths:
        return
    with ThreadPoolExecutor(max_workers=min(8, len(paths))) as pool:
        list(pool.map(_fsync_path, paths))


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
