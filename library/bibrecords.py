"""The whole .bib record behind an article: every field the file had (LaTeX and all), the
entry type, what a crossref parent gave it, and the modelled values Folio read from them.
Also the other keys an article is cited by (`citekey_aliases`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from library.bibtext import FieldValue
from library.database import rows_in


@dataclass
class StoredRecord:
    """A record as stored: fields as [name, value, bare]; `promoted` holds the value read
    for each modelled attribute and `sources` the field names it was read from."""

    entry_type: str
    bib_key: str
    fields: list[tuple[str, FieldValue]] = field(default_factory=list)
    inherited: list[tuple[str, FieldValue]] = field(default_factory=list)
    promoted: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)
    doi: str | None = None
    crossref_pk: int | None = None

    def names(self) -> list[str]:
        """The record's own field names, first occurrence order, no repeats."""
        return list(dict.fromkeys(name for name, _ in self.fields))

    def first(self) -> dict[str, FieldValue]:
        """Each own field's first value."""
        values: dict[str, FieldValue] = {}
        for name, value in self.fields:
            values.setdefault(name, value)
        return values


def _dump_fields(fields: Iterable[tuple[str, FieldValue]]) -> str:
    return json.dumps([[n, v.value, v.bare] for n, v in fields], ensure_ascii=False)


def _load_fields(text: str) -> list[tuple[str, FieldValue]]:
    return [(n, FieldValue(v, bool(b))) for n, v, b in json.loads(text)]


def save_record(conn: sqlite3.Connection, article_pk: int, record: StoredRecord, now: str) -> None:
    """Store (or replace) the article's record, inside the caller's transaction."""
    conn.execute(
        "INSERT OR REPLACE INTO bib_records (article_pk, entry_type, bib_key, fields,"
        " inherited, promoted, doi, crossref_pk, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            article_pk,
            record.entry_type,
            record.bib_key,
            _dump_fields(record.fields),
            _dump_fields(record.inherited),
            json.dumps({"values": record.promoted, "sources": record.sources}, ensure_ascii=False),
            record.doi,
            record.crossref_pk,
            now,
        ),
    )


def _from_row(row: sqlite3.Row) -> StoredRecord:
    promoted = json.loads(row["promoted"])
    return StoredRecord(
        entry_type=row["entry_type"],
        bib_key=row["bib_key"],
        fields=_load_fields(row["fields"]),
        inherited=_load_fields(row["inherited"]),
        promoted=promoted.get("values", {}),
        sources=promoted.get("sources", {}),
        doi=row["doi"],
        crossref_pk=row["crossref_pk"],
    )


def records_for(conn: sqlite3.Connection, pks: list[int]) -> dict[int, StoredRecord]:
    """The stored records of these articles, by article pk (one query per 900)."""
    rows = rows_in(conn, "SELECT * FROM bib_records WHERE article_pk IN ({marks})", list(pks))
    return {row["article_pk"]: _from_row(row) for row in rows}


def record_of(conn: sqlite3.Connection, article_pk: int) -> StoredRecord | None:
    """One article's record, or None."""
    return records_for(conn, [article_pk]).get(article_pk)


def citekeys_of(conn: sqlite3.Connection, pks: list[int]) -> dict[int, str]:
    """The current citation key of each of these articles."""
    rows = rows_in(conn, "SELECT pk, citekey FROM articles WHERE pk IN ({marks})", list(pks))
    return {row["pk"]: row["citekey"] for row in rows}


def key_owner(conn: sqlite3.Connection, key: str) -> int | None:
    """The pk of the article whose citekey or alias is `key` (case-insensitive), or None."""
    row = conn.execute("SELECT pk FROM articles WHERE citekey = ?", (key,)).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT article_pk AS pk FROM citekey_aliases WHERE alias = ?", (key,)
        ).fetchone()
    return int(row["pk"]) if row else None


def add_alias(conn: sqlite3.Connection, article_pk: int, alias: str) -> bool:
    """Make `alias` another key of the article, unless it names any article already
    (its citekey or another alias). Whether the article has it now."""
    owner = key_owner(conn, alias)
    if owner is not None:
        return owner == article_pk
    conn.execute(
        "INSERT INTO citekey_aliases (alias, article_pk) VALUES (?, ?)", (alias, article_pk)
    )
    return True


def aliases_of(conn: sqlite3.Connection, article_pk: int) -> list[str]:
    """The article's other keys, in the order they were added."""
    rows = conn.execute(
        "SELECT alias FROM citekey_aliases WHERE article_pk = ? ORDER BY rowid", (article_pk,)
    )
    return [row["alias"] for row in rows]


def record_summary(conn: sqlite3.Connection, article_pk: int) -> dict[str, Any] | None:
    """The article's record for `folio show`: entry type, key, DOI, every own field (raw
    LaTeX) and the crossref parent's pk; None when the article has no record."""
    record = record_of(conn, article_pk)
    if record is None:
        return None
    return {
        "type": record.entry_type,
        "key": record.bib_key,
        "doi": record.doi,
        "fields": {name: value.value for name, value in record.first().items()},
        "inherited": [name for name, _ in record.inherited],
    }
