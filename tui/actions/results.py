"""What every action returns: its value and the warnings a front door must show.

An action (one user intent: import, annotate, export, tag…) succeeds with an `Outcome`,
or raises a `FolioError` when it cannot do the job. Things the user should know about a
job that did succeed (characters replaced in an export, notes that moved, files skipped)
are `Notice`s: the CLI prints them on stderr, the notebook shows them.

Notice levels: "note" (for information), "warning" (the result is not quite what was
asked: characters replaced, notes orphaned), "error" (one part of the job failed while the
rest was done: a file that could not be imported; the CLI then exits with status 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

T = TypeVar("T")
Level = Literal["note", "warning", "error"]


@dataclass(frozen=True)
class Notice:
    """One thing to tell the user about a finished action, on one line."""

    kind: str  # a stable slug, e.g. "replaced-characters", "notes-reanchored", "files-skipped"
    message: str  # written for the user, without the "folio: warning:" prefix
    subject: str | None = None  # what it is about: an article id or citekey, a path, a .bib key
    field: str | None = None  # the metadata field, when it is about one
    level: Level = "warning"

    def to_json(self) -> dict[str, str | None]:
        """The notice as a JSON object."""
        return {
            "kind": self.kind,
            "level": self.level,
            "message": self.message,
            "subject": self.subject,
            "field": self.field,
        }


@dataclass
class Outcome(Generic[T]):
    """An action's result and what the user should be told about it."""

    value: T
    warnings: list[Notice] = field(default_factory=list)

    @property
    def failed_in_part(self) -> bool:
        """Whether part of the job failed (an "error" notice): the CLI exits with status 1."""
        return any(notice.level == "error" for notice in self.warnings)


def confirmed(_question: object) -> bool:
    """The `confirm` argument of a deleting action for a front door that already asked."""
    return True
