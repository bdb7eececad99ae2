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
    """A metadata value or option the user gave that is not acceptable."""

    exit_code = 2


class LibraryError(FolioError):
    """The library folder cannot be used (read-only, newer schema, locked…)."""
