"""Which files in a watched folder are articles to import, and when a file has finished
being written (a browser or a sync client writes in pieces)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from library.errors import InvalidValue
from library.importers import format_for_name

# Partial downloads, editors' swap and backup files, office lock files.
_TEMPORARY = re.compile(
    r"(?:\.(?:part|partial|crdownload|download|tmp|temp|swp|swo|swx|bak)|~)$|^~\$|^#.*#$",
    re.IGNORECASE,
)


def check_folders(folders: list[Path], library_root: Path) -> list[Path]:
    """The folders to watch, resolved; InvalidValue for one that is not a folder or that
    is (or is inside) the library folder."""
    if not folders:
        raise InvalidValue("give at least one folder to watch", field="folder")
    root = library_root.resolve()
    checked: list[Path] = []
    for folder in folders:
        resolved = folder.expanduser().resolve()
        if not resolved.is_dir():
            raise InvalidValue(f"{folder}: not a folder", field="folder")
        if resolved == root or root in resolved.parents:
            raise InvalidValue(f"{folder}: is the library folder (or inside it)", field="folder")
        checked.append(resolved)
    return checked


def wanted(path: Path, folders: list[Path], library_root: Path, glob: str | None = None) -> bool:
    """Whether a changed file should be imported: a format Folio reads, not hidden (nor in
    a hidden folder) below the watched folder, not a temporary file, not in the library."""
    import fnmatch

    if format_for_name(path.name) is None or _TEMPORARY.search(path.name):
        return False
    if glob and not fnmatch.fnmatch(path.name, glob):
        return False
    root = library_root.resolve()
    if path == root or root in path.parents:
        return False
    base = next((folder for folder in folders if folder in path.parents), None)
    if base is None:
        return False
    return not any(part.startswith(".") for part in path.relative_to(base).parts)


@dataclass
class Settling:
    """Files seen changing, imported once their size and modification time have stayed the
    same for `settle` seconds (a file still being written keeps changing)."""

    settle: float
    seen: dict[Path, tuple[int, int, float]] = field(default_factory=dict)

    def changed(self, path: Path, now: float) -> None:
        """A file was reported created or modified."""
        self.seen.pop(path, None)
        self._stat(path, now)

    def ready(self, now: float) -> list[Path]:
        """Files that have settled (taken out of the waiting list), in name order."""
        done: list[Path] = []
        for path, (size, mtime, since) in list(self.seen.items()):
            if not self._stat(path, now):
                continue
            current = self.seen[path]
            if (current[0], current[1]) == (size, mtime) and now - since >= self.settle:
                done.append(path)
                del self.seen[path]
        return sorted(done)

    @property
    def waiting(self) -> bool:
        """Whether some file is still being watched for its last write."""
        return bool(self.seen)

    def _stat(self, path: Path, now: float) -> bool:
        try:
            stat = os.stat(path)
        except OSError:
            self.seen.pop(path, None)  # gone (renamed, deleted): nothing to import
            return False
        key = (stat.st_size, stat.st_mtime_ns)
        before = self.seen.get(path)
        if before is None or (before[0], before[1]) != key:
            self.seen[path] = (*key, now)
        return True
