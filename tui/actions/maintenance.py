"""Looking after a library: create it, check it (and repair it), rebuild its index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from library.store import Library
from tui.actions.results import Notice, Outcome

if TYPE_CHECKING:
    from library.check import CheckReport
    from library.recovery import Recovery
    from tui.actions.related import ScanProgress


def init_library(library: Library) -> Outcome[Path]:
    """Make the library folder ready (database and index); returns its path."""
    library.ensure_index()
    return Outcome(library.root)


@dataclass(frozen=True)
class CheckResult:
    """What a check found and, after a repair, what is left (the same report otherwise)."""

    found: CheckReport
    after: CheckReport

    @property
    def repaired(self) -> bool:
        """Whether a repair was attempted (something was found and repair was asked for)."""
        return self.after is not self.found


def check(
    library: Library, *, repair: bool = False, progress: ScanProgress | None = None
) -> Outcome[CheckResult]:
    """Compare the database, the original files and the index; with `repair`, re-anchor
    notes on changed texts, bring the index back in step and scan the texts waiting to be
    scanned for shared passages, then check again."""
    from library.check import check_library, repair_library

    found = check_library(library)
    if not repair or found.damaged or (found.clean and not found.passages_pending):
        return Outcome(CheckResult(found, found))
    from tui.actions.notes import reanchor_notes
    from tui.actions.related import find_shared_passages

    moved = reanchor_notes(library)
    find_shared_passages(library, progress)
    after = repair_library(library, check_library(library)) if not found.clean else None
    return Outcome(CheckResult(found, after or check_library(library)), moved.warnings)


def recover(root: Path) -> Outcome[Recovery | None]:
    """Copy what a damaged database still holds into a new one in its place (the damaged
    file is kept beside it) and rebuild the index; None when the database is not damaged.
    Takes the library's folder: a damaged database cannot be opened as a library."""
    from library.recovery import database_is_sound, recover_database

    if database_is_sound(root):
        return Outcome(None)
    recovery = recover_database(root)
    with Library(root) as library:
        library.index.rebuild(library.conn)
    notices = []
    if recovery.dropped_links:
        notices.append(
            Notice(
                "links-dropped",
                f"{recovery.dropped_links} tag link(s) dropped: their note, article or tag "
                "was lost",
                level="note",
            )
        )
    if recovery.orphan_notes is not None:
        notices.append(
            Notice(
                "notes-set-aside",
                f"notes whose article was lost are in {recovery.orphan_notes}",
                subject=str(recovery.orphan_notes),
            )
        )
    return Outcome(recovery, notices)


def reindex(library: Library) -> Outcome[int]:
    """Rebuild the search index from the database; returns how many articles it holds."""
    return Outcome(library.index.rebuild(library.conn))


def warm_up(library: Library) -> Outcome[None]:
    """Let the index catch up on what other processes changed and open its searcher, so
    the first search does not pay for it."""
    library.ensure_index()
    library.index.searcher()
    return Outcome(None)
