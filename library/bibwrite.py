"""Writing a BibLaTeX/BibTeX export to a file: a new file, a replaced one, or merged into a
paper's .bib; each time remembering which entries are Folio's own there."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from library.atomic import write_atomically
from library.bibentries import BibEntry
from library.bibmerge import Conflict, Ownership, merge_bib
from library.bibrecords import aliases_of
from library.bibsync import remember_entries, seen_entries
from library.bibtext import entry_hash
from library.errors import FolioError, InvalidValue
from library.store import Library

DEFAULT_BACKUPS = 3


def backups_wanted(option: int | None) -> int:
    """How many backups to keep: the option, else FOLIO_BIB_BACKUPS, else 3 (0: none)."""
    if option is None:
        value = os.environ.get("FOLIO_BIB_BACKUPS")
        if not value:
            return DEFAULT_BACKUPS
        try:
            option = int(value)
        except ValueError:
            raise InvalidValue(f"FOLIO_BIB_BACKUPS: not a whole number: {value!r}") from None
    if option < 0:
        raise InvalidValue(f"--backups: {option} is negative (0 keeps none)")
    return option


@dataclass
class BibWritten:
    """What a write did: counts by outcome, the newest backup, and the conflicts."""

    path: Path
    merged: bool
    written: int = 0
    replaced: list[str] = field(default_factory=list)
    appended: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    backup: Path | None = None
    changed: bool = True

    def summary(self) -> str:
        """One line for the user."""
        saved = f" (backup: {self.backup})" if self.backup else ""
        if not self.merged:
            return f"Wrote {self.written} entries to {self.path}{saved}"
        if not self.changed:
            return f"{self.path}: up to date, nothing to write ({len(self.unchanged)} unchanged)"
        counts = [f"{len(self.replaced)} replaced", f"{len(self.appended)} added"]
        counts.append(f"{len(self.unchanged)} unchanged")
        if self.conflicts:
            counts.append(f"{len(self.conflicts)} not written (conflicts)")
        return f"Updated {self.path}: {', '.join(counts)}{saved}"


def write_bib_file(
    library: Library,
    path: Path,
    entries: list[BibEntry],
    text: str,
    pks: dict[str, int],
    *,
    merge: bool,
    force_replace: tuple[str, ...] = (),
    backups: int = DEFAULT_BACKUPS,
) -> BibWritten:
    """Write `text` (the rendered `entries`) to `path`, or with `merge` update the file
    there: Folio's own entries replaced, new ones added, others left alone (conflicts are
    reported, not written). `pks` maps each entry's key (lowercased) to its article."""
    if path.is_dir():
        raise FolioError(f"{path}: is a folder")
    exists = path.exists()
    if merge and exists:
        return _merge(library, path, entries, pks, force_replace, backups)
    data = text.encode("utf-8")
    backup = write_atomically(path, data, backup=exists and backups > 0, keep=backups)
    owned = [(e.key, entry_hash(e.render()), pks[e.key.lower()]) for e in entries]
    _remember(library, path, owned)
    return BibWritten(path, False, written=len(entries), backup=backup)


def _merge(
    library: Library,
    path: Path,
    entries: list[BibEntry],
    pks: dict[str, int],
    force_replace: tuple[str, ...],
    backups: int,
) -> BibWritten:
    conn = library.conn
    ownership = Ownership(
        seen=seen_entries(conn, path),
        pks=pks,
        aliases={pk: aliases_of(conn, pk) for pk in set(pks.values())},
        force=frozenset(key.lower() for key in force_replace),
    )
    existing = path.read_bytes()
    merged = merge_bib(existing, entries, str(path), ownership)
    report = BibWritten(
        path,
        True,
        replaced=merged.replaced,
        appended=merged.appended,
        unchanged=merged.unchanged,
        conflicts=merged.conflicts,
        changed=merged.data != existing,
    )
    if report.changed:
        report.backup = write_atomically(path, merged.data, backup=backups > 0, keep=backups)
    _remember(library, path, merged.owned)
    return report


def _remember(library: Library, path: Path, owned: list[tuple[str, str, int]]) -> None:
    with library.write() as conn:
        remember_entries(conn, path, owned)
