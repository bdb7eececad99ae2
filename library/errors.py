"""Errors a user sees. Each carries a one-line message written for that user."""

from __future__ import annotations


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
