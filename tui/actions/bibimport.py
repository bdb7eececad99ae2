"""Importing a .bib file: new metadata-only articles, or metadata for articles already there.

Fields that differ from the library's are overwritten only where the injected
`confirm_overwrite` says so: the CLI asks on the terminal (or takes --yes), the notebook
can ask in a dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from library.store import Library
from tui.actions.exports import keeps_exports_current
from tui.actions.results import Notice, Outcome

if TYPE_CHECKING:
    import sqlite3

    from library.bibimport import ImportOutcome, ImportPlan, ReadBib

# Gets the plans of the entries that would overwrite fields, returns by .bib key which may.
ConfirmOverwrite = Callable[[list["ImportPlan"]], Mapping[str, bool]]


@dataclass
class BibImport:
    """What happened to each entry read, and how many blocks could not be read."""

    outcomes: list[ImportOutcome]
    failed: int

    def summary(self) -> str:
        """ "2 added, 1 updated, 1 failed", or "nothing imported"."""
        counts = {
            status: sum(outcome.status == status for outcome in self.outcomes)
            for status in ("added", "updated", "unchanged", "alias")
        }
        summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
        return (summary or "nothing imported") + (f", {self.failed} failed" if self.failed else "")


@keeps_exports_current
def import_bib(
    library: Library, path: Path, confirm_overwrite: ConfirmOverwrite
) -> Outcome[BibImport]:
    """Import every entry of the .bib file at `path` in one transaction, keeping each whole
    record. Entries match articles by DOI, URL, then title + first author + year (a citekey
    alone never does). A block that cannot be read is an error notice (the others are still
    imported); a value Folio refuses is dropped with a warning."""
    from library.bibimport import import_bib as import_records
    from library.bibimport import plan_imports, read_bib_file

    read = read_bib_file(path)
    notices = [Notice("bib-entry-failed", problem, subject=str(path), level="error")
               for problem in read.problems]  # fmt: skip
    notices += [
        Notice("bib-field-skipped", warning, subject=record.key)
        for record in read.records
        for warning in record.warnings
    ]
    plans = plan_imports(library.conn, read.records, read.path)
    conflicting = [plan for plan in plans if plan.conflicts]
    overwrite = confirm_overwrite(conflicting) if conflicting else {}
    asked = {plan.record.key: _differences(plan) for plan in conflicting}
    with library.write() as conn:
        # Planned again inside the transaction: the library may have changed meanwhile. A
        # yes holds only for the values it was given to (a compare-and-set): an article
        # changed while the user was asked keeps its fields.
        stale = _changed_since_asked(conn, read, asked, overwrite)
        outcomes = import_records(
            conn, read, lambda record: overwrite.get(record.key, False) and record.key not in stale
        )
    notices += [
        Notice("bib-key-changed", outcome.note, subject=outcome.key, level="note")
        for outcome in outcomes
        if outcome.note
    ]
    notices += [
        Notice(
            "bib-changed-meanwhile",
            f"{key}: its article changed while you were asked; its fields were kept "
            "(import the file again to be asked again)",
            subject=key,
        )
        for key in sorted(stale)
    ]
    from tui.actions.related import find_shared_passages

    find_shared_passages(library)  # new articles are queued for the scan (their text, if any)
    return Outcome(BibImport(outcomes, len(read.problems)), notices)


def _differences(plan: ImportPlan) -> dict[str, tuple[object, object]]:
    """What the user is asked about for one entry: (the library's value, the entry's) for
    each field that differs."""
    return {name: plan.conflict(name) for name in plan.conflicts}


def _changed_since_asked(
    conn: sqlite3.Connection,
    read: ReadBib,
    asked: Mapping[str, dict[str, tuple[object, object]]],
    overwrite: Mapping[str, bool],
) -> set[str]:
    """The .bib keys the user allowed to overwrite whose differences are no longer the ones
    shown (their article was edited, or another import changed it, meanwhile)."""
    from library.bibimport import plan_imports

    allowed = [record for record in read.records if overwrite.get(record.key)]
    if not allowed:
        return set()
    again = plan_imports(conn, allowed, read.path)
    return {plan.record.key for plan in again if _differences(plan) != asked.get(plan.record.key)}
