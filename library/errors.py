"""Errors a user sees. Each carries a one-line message written for that user."""

from __future__ import annotations

from collections.abc import Mapping


class FolioError(Exception):
    """A problem the user can act on; the CLI prints it on one line and exits with `exit_code`."""

    exit_code = 1


class ImportRefused(FolioError):
    """A file that cannot be imported (binary, empty, undecodable, unsupported, too large…)."""


class NotFound(FolioError):
    """An article, annotation or path that does not exist."""


class QueryError(FolioError):
    """A search query that does not parse."""

    exit_code = 2


class InvalidValue(FolioError):
    """A metadata value or option the user gave that is not acceptable.

    `field` names what it is about (a metadata field such as "date", or "citekey", "tags",
    "merge"), so a front door can put `reason` next to that box or name its option; the
    message (`str(exc)`) is `"field: reason"`, readable on its own.
    """

    exit_code = 2

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.reason = reason
        self.field = field


class EditConflict(FolioError):
    """A save refused: the record changed since the edit began (another window, another
    command). Nothing was saved; `current` is the record as stored now, `mine` the values
    the save wanted, so a front door can show both and ask which to keep."""

    def __init__(self, what: str, current: object, mine: Mapping[str, object]) -> None:
        super().__init__(f"{what} changed since you started editing it; nothing was saved")
        self.what = what
        self.current = current
        self.mine = dict(mine)

    def rows(self) -> list[tuple[str, str, str]]:
        """(field, as stored now, as the user wrote it) for each field the save wanted."""
        return [
            (name, _shown(getattr(self.current, name, None)), _shown(value))
            for name, value in self.mine.items()
        ]


def _shown(value: object) -> str:
    """A field value as text: lists (authors, tags) joined, nothing as an empty string."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    return str(value)


class LibraryError(FolioError):
    """The library folder cannot be used (read-only, newer schema, locked…)."""


def database_refusal(exc: BaseException) -> str | None:
    """A one-line message for a database error a user can act on (the database is locked by
    another program, the disk is full, the folder is read-only), or None for any other error.
    The front doors show it instead of a traceback."""
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError):
        if getattr(exc, "sqlite_errorname", "").startswith("SQLITE_FULL") or "disk is full" in str(
            exc
        ):
            return "the disk is full: the change was not saved (what was saved before is kept)"
        return f"the library database refused the change: {exc}"
    return None


class DamagedPostings(ValueError):
    """Bytes of the search index's postings that are not laid out as Folio writes them (a
    damaged file). Never shown as such: reading the index turns it into IndexDamaged."""
