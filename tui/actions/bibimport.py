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
    from library.bibimport import ImportOutcome, ImportPlan

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
    with library.write() as conn:
        # Planned again inside the transaction: the library may have changed meanwhile.
        outcomes = import_records(conn, read, lambda record: overwrite.get(record.key, False))
    notices += [
        Notice("bib-key-changed", outcome.note, subject=outcome.key, level="note")
        for outcome in outcomes
        if outcome.note
    ]
    from tui.actions.related import find_shared_passages

    find_shared_passages(library)  # new articles are queued for the scan (their text, if any)
    return Outcome(BibImport(outcomes, len(read.problems)), notices)
