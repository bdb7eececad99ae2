"""Actions for .bib files: writing an export into one (merging safely), for both doors."""

from __future__ import annotations

from pathlib import Path

from library.bibwrite import BibWritten, write_bib_file
from library.export import Exported
from library.store import Library
from tui.actions.results import Notice, Outcome


def write_bib_export(
    library: Library,
    path: Path,
    exported: Exported,
    *,
    merge: bool,
    force_replace: tuple[str, ...] = (),
    backups: int = 3,
) -> Outcome[BibWritten]:
    """Write a BibLaTeX/BibTeX export to `path` (with `merge`, into the .bib there, never
    replacing an entry that is not Folio's own); each conflict is a warning."""
    written = write_bib_file(
        library,
        path,
        exported.entries,
        exported.text,
        exported.pks,
        merge=merge,
        force_replace=force_replace,
        backups=backups,
    )
    warnings = [
        Notice("bib-conflict", conflict.message(str(path)), subject=conflict.key)
        for conflict in written.conflicts
    ]
    return Outcome(written, warnings)
