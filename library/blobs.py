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


# Originals are written under this prefix (with the writer's pid) and renamed into place
# inside the transaction that records them: one left behind was never recorded.
STAGING_PREFIX = ".tmp-"


def stage_blob(files_dir: Path, data: bytes, sha256: str, ext: str) -> Path:
    """Write `data` beside where its blob belongs, under a temporary name (`.tmp-PID-…`).

    Not flushed: pass it to `make_durable` before the transaction that places it (with
    `place_blob`) commits."""
    target = blob_path(files_dir, sha256, ext)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{STAGING_PREFIX}{os.getpid()}-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def place_blob(staged: Path, files_dir: Path, sha256: str, ext: str) -> Path:
    """Rename a staged original into place (atomic; inside the transaction recording it)."""
    target = blob_path(files_dir, sha256, ext)
    os.replace(staged, target)
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
