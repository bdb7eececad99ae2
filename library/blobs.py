"""The content-addressed store of original files: written once, never modified."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def blob_path(files_dir: Path, sha256: str, ext: str) -> Path:
    """Where the file with this hash lives (two-level fan-out keeps folders small)."""
    return files_dir / sha256[:2] / f"{sha256}{ext}"


def store_blob(files_dir: Path, data: bytes, sha256: str, ext: str) -> Path:
    """Write `data` under its hash unless it is already there; atomic (temp file + rename)."""
    target = blob_path(files_dir, sha256, ext)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
