"""Per-library settings, stored in the database with the library they belong to."""

from __future__ import annotations

import sqlite3

# Setting names a user can change, and what each holds.
SETTINGS = {
    "citekey-format": "the Better BibTeX formula new citation keys are made with",
    "crossref-url": "where `folio add doi:…` asks (FOLIO_CROSSREF_URL overrides it)",
    "arxiv-url": "where `folio add arxiv:…` asks (FOLIO_ARXIV_URL overrides it)",
    "openlibrary-url": "where `folio add isbn:…` asks (FOLIO_OPENLIBRARY_URL overrides it)",
}


def get_setting(conn: sqlite3.Connection, name: str) -> str | None:
    """The stored value of a setting, or None when it was never set."""
    row = conn.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def set_setting(conn: sqlite3.Connection, name: str, value: str | None) -> None:
    """Store a setting (inside the caller's transaction); None goes back to the default."""
    if value is None:
        conn.execute("DELETE FROM settings WHERE name = ?", (name,))
    else:
        conn.execute(
            "INSERT INTO settings(name, value) VALUES (?, ?)"
            " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, value),
        )


def citekey_formula(conn: sqlite3.Connection) -> str:
    """The library's key formula: the one set with `folio config citekey-format`, else
    Better BibTeX's default."""
    from library.citekeys import DEFAULT_FORMULA

    return get_setting(conn, "citekey-format") or DEFAULT_FORMULA
