"""Articles in the database: the record type and the queries that read and write it."""

from __future__ import annotations

import gc
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from library.errors import NotFound
from library.extracted import METADATA_FIELDS, Extracted, FieldValue, Origin

# Short ids: lowercase letters and digits without look-alikes (no 0/o, 1/l/i).
ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
ID_LENGTH = 6


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Article:
    """One article as stored: metadata with provenance, clean text and bookkeeping."""

    pk: int
    id: str
    citekey: str
    text: str
    format: str
    added_at: str
    modified_at: str
    rev: int
    text_sha256: str
    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    site: str | None = None
    republished_by: str | None = None
    url: str | None = None
    language: str | None = None
    type: str | None = None
    origins: dict[str, Origin] = field(default_factory=dict)
    pages: list[int] | None = None
    page_labels: list[str] | None = None
    source_path: str | None = None
    file_sha256: str | None = None

    def metadata(self) -> dict[str, str | list[str] | None]:
        """The metadata fields by name, in display order."""
        return {name: getattr(self, name) for name in METADATA_FIELDS}

    @property
    def display_title(self) -> str:
        """The title, or a placeholder for an article that has none."""
        return self.title or "(untitled)"


_COLUMNS = (
    "pk, id, citekey, text, format, added_at, modified_at, rev, text_sha256, title, subtitle,"
    " authors, date, site, republished_by, url, language, type, origins, pages, page_labels,"
    " source_path, file_sha256"
)
# Listing never needs the text: leaving it out keeps `folio list` fast on big libraries.
_LIST_COLUMNS = _COLUMNS.replace(" text,", " '' AS text,")


def _from_row(row: sqlite3.Row) -> Article:
    values = dict(row)
    values["authors"] = json.loads(values["authors"])
    values["origins"] = json.loads(values["origins"])
    values["pages"] = json.loads(values["pages"]) if values["pages"] else None
    values["page_labels"] = json.loads(values["page_labels"]) if values["page_labels"] else None
    return Article(**values)


def get_article(conn: sqlite3.Connection, ref: str) -> Article:
    """The article whose id, citekey or old citekey (an alias kept by a rekey) is `ref`
    (keys compare case-insensitively); NotFound otherwise."""
    key = ref.strip()
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE id = ? OR citekey = ? ORDER BY id = ? DESC LIMIT 1",
        (key.lower(), key, key.lower()),
    ).fetchone()
    if row is None:
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE pk ="
            " (SELECT article_pk FROM citekey_aliases WHERE alias = ?)",
            (key,),
        ).fetchone()
    if row is None:
        raise NotFound(f"no article with id or citekey '{ref}'")
    return _from_row(row)


def find_article_id(conn: sqlite3.Connection, article_id: str) -> Article | None:
    """The article with this exact id, or None."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
    return _from_row(row) if row else None


def _written(conn: sqlite3.Connection, article_id: str) -> Article:
    """The article as the caller's transaction has just written it; NotFound if it was
    deleted before the write (a stale Article from an earlier transaction)."""
    article = find_article_id(conn, article_id)
    if article is None:
        raise NotFound(f"article {article_id} no longer exists")
    return article


def article_by_pk(conn: sqlite3.Connection, pk: int) -> Article:
    """The article with this primary key; NotFound when there is none."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM articles WHERE pk = ?", (pk,)).fetchone()
    if row is None:
        raise NotFound(f"no article with pk {pk}")
    return _from_row(row)


SORT_ORDERS = {
    "added": "added_at, pk",
    "date": "date IS NULL, date, added_at",
    "title": "title IS NULL, title COLLATE NOCASE, pk",
}


def iter_articles(conn: sqlite3.Connection, sort: str = "added") -> Iterator[Article]:
    """Every article without its text, in the given order (`added`, `date` or `title`),
    one at a time so a big library is never all in memory."""
    rows = conn.execute(f"SELECT {_LIST_COLUMNS} FROM articles ORDER BY {SORT_ORDERS[sort]}")
    return (_from_row(row) for row in rows)


def count_articles(conn: sqlite3.Connection) -> int:
    """How many articles the library holds."""
    return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


class ArticleRow(NamedTuple):
    """One article as a table shows it: no text, authors still as stored JSON.

    A NamedTuple: building 100,000 of them costs a third of what frozen dataclasses do."""

    id: str
    citekey: str
    title: str
    authors_json: str
    date: str
    site: str
    added_at: str

    @property
    def authors(self) -> list[str]:
        """The author names."""
        return list(json.loads(self.authors_json or "[]"))


def article_rows(conn: sqlite3.Connection, limit: int = -1) -> list[ArticleRow]:
    """Every article (or the first `limit`) as a table row, oldest first, without text."""
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: no sqlite3.Row wrapper per row
    cursor.execute(
        "SELECT id, citekey, coalesce(title, ''), authors, coalesce(date, ''),"
        " coalesce(site, ''), added_at FROM articles ORDER BY pk LIMIT ?",
        (limit,),
    )
    # 100,000 new tuples set off full garbage collections that hold the GIL (and so a UI)
    # for up to ~100 ms; tuples of strings make no cycles, so pause the collector.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return list(map(ArticleRow._make, cursor))
    finally:
        if collecting:
            gc.enable()


# Columns an existing article can be looked up by when a file is imported again.
_LOOKUP_COLUMNS = frozenset({"file_sha256", "text_sha256", "source_path", "url"})


def article_where(conn: sqlite3.Connection, column: str, value: object) -> Article | None:
    """The first article (oldest) whose `column` equals `value`, or None."""
    if column not in _LOOKUP_COLUMNS:
        raise ValueError(f"not a lookup column: {column}")
    if value is None or value == "":
        return None
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE {column} = ? ORDER BY pk LIMIT 1", (value,)
    ).fetchone()
    return _from_row(row) if row else None


def articles_by_ids(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Article]:
    """Full articles for these ids, by id (one query per 900 ids; unknown ids are left out)."""
    found: dict[str, Article] = {}
    # In chunks: SQLite caps the number of parameters in one statement.
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"SELECT {_COLUMNS} FROM articles WHERE id IN ({marks})", chunk)
        found.update((row["id"], _from_row(row)) for row in rows)
    return found


def new_article_id(conn: sqlite3.Connection) -> str:
    """A random short id not used yet."""
    import secrets  # (not at the top: `folio search` never makes an id)

    while True:
        candidate = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
        if conn.execute("SELECT 1 FROM articles WHERE id = ?", (candidate,)).fetchone() is None:
            return candidate


def citekey_owner(conn: sqlite3.Connection, key: str) -> int | None:
    """The pk of the article whose key or old key (alias) this is, case-insensitively."""
    row = conn.execute(
        "SELECT pk FROM articles WHERE citekey = ?"
        " UNION ALL SELECT article_pk FROM citekey_aliases WHERE alias = ? LIMIT 1",
        (key, key),
    ).fetchone()
    return row[0] if row else None


def citekey_taken(conn: sqlite3.Connection, key: str) -> bool:
    """Whether an article already has this key, now or as an old key (an alias)."""
    return citekey_owner(conn, key) is not None


def assign_citekey(conn: sqlite3.Connection, fields: dict[str, FieldValue]) -> str:
    """A fresh unique key for an article with these fields, by the library's formula and
    from found or typed values only (guessed ones stay out of keys)."""
    from library.citekeys import base_citekey, key_source_of_fields, unique_citekey
    from library.settings import citekey_formula

    base = base_citekey(key_source_of_fields(fields), citekey_formula(conn))
    return unique_citekey(base, lambda key: citekey_taken(conn, key))


def aliases_by_article(conn: sqlite3.Connection, pks: list[int]) -> dict[int, list[str]]:
    """The old keys of these articles, by pk, oldest first (one query per 900 articles)."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(pks), 900):
        chunk = pks[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT article_pk, alias FROM citekey_aliases WHERE article_pk IN ({marks})"
            " ORDER BY rowid",
            chunk,
        )
        for pk, alias in rows:
            found.setdefault(pk, []).append(alias)
    return found


def enqueue_index(conn: sqlite3.Connection, article_id: str) -> None:
    """Record, inside the caller's transaction, that the index must catch up on this article."""
    conn.execute("INSERT INTO index_queue(article_id) VALUES (?)", (article_id,))


def _metadata_columns(fields: dict[str, FieldValue]) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in METADATA_FIELDS:
        value = fields[name].value if name in fields else None
        values[name] = json.dumps(list(value or [])) if name == "authors" else value
    values["origins"] = json.dumps({name: fields[name].origin for name in fields})
    return values


@dataclass(frozen=True)
class SourceVersion:
    """Where a version of an article's content came from."""

    text_sha256: str
    format: str
    source_path: str | None
    file_sha256: str | None


def _content_columns(
    extracted: Extracted, fields: dict[str, FieldValue], version: SourceVersion
) -> dict[str, object]:
    values = _metadata_columns(fields)
    values.update(
        text=extracted.text,
        text_sha256=version.text_sha256,
        pages=json.dumps(extracted.pages) if extracted.pages is not None else None,
        page_labels=json.dumps(extracted.page_labels) if extracted.page_labels else None,
        format=version.format,
        source_path=version.source_path,
        file_sha256=version.file_sha256,
        modified_at=now_iso(),
    )
    return values


def insert_article(
    conn: sqlite3.Connection,
    extracted: Extracted,
    version: SourceVersion,
    citekey: str | None = None,
) -> Article:
    """Insert a new article (inside the caller's transaction) and queue it for indexing.
    Its key is `citekey` (a free, valid key the caller checked, e.g. a .bib entry's own)
    or one made from its metadata."""
    article_id = new_article_id(conn)
    values = _content_columns(extracted, extracted.fields, version)
    values.update(
        id=article_id,
        citekey=citekey or assign_citekey(conn, extracted.fields),
        added_at=values["modified_at"],
    )
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    conn.execute(f"INSERT INTO articles ({names}) VALUES ({marks})", values)
    enqueue_index(conn, article_id)
    return _written(conn, article_id)


def replace_content(
    conn: sqlite3.Connection, article: Article, extracted: Extracted, version: SourceVersion
) -> Article:
    """Give an existing article a new version of its source, keeping its id and citekey.

    Metadata the user typed is kept; found and guessed values come from the new version.
    """
    fields = dict(extracted.fields)
    for name, origin in article.origins.items():
        if origin == "user":
            fields[name] = FieldValue(getattr(article, name), "user")
    values = _content_columns(extracted, fields, version)
    values["source_path"] = version.source_path or article.source_path
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    conn.execute(
        f"UPDATE articles SET {assignments}, rev = rev + 1 WHERE pk = :pk",
        {**values, "pk": article.pk},
    )
    enqueue_index(conn, article.id)
    return _written(conn, article.id)


def update_metadata(
    conn: sqlite3.Connection,
    article: Article,
    changes: dict[str, str | list[str] | None],
    origin: Origin = "user",
) -> Article:
    """Set metadata fields the user typed (marked as `user`, or `origin`: "found" for values
    a look-up found); None clears a field."""
    origins = dict(article.origins)
    columns: dict[str, object] = {}
    for name, value in changes.items():
        if name == "authors":
            columns[name] = json.dumps(list(value or []))
        else:
            columns[name] = value
        if value in (None, [], ""):
            origins.pop(name, None)
        else:
            origins[name] = origin
    columns["origins"] = json.dumps(origins)
    columns["modified_at"] = now_iso()
    assignments = ", ".join(f"{name} = :{name}" for name in columns)
    conn.execute(
        f"UPDATE articles SET {assignments}, rev = rev + 1 WHERE pk = :pk",
        {**columns, "pk": article.pk},
    )
    enqueue_index(conn, article.id)
    return _written(conn, article.id)


def delete_article(conn: sqlite3.Connection, article: Article) -> None:
    """Remove an article (inside the caller's transaction); the original file stays in files/."""
    conn.execute("DELETE FROM articles WHERE pk = ?", (article.pk,))
    enqueue_index(conn, article.id)


def rename_citekey(conn: sqlite3.Connection, article: Article, new: str) -> Article:
    """Give the article a new citation key (inside the caller's transaction). The old key
    stays as an alias of the article, so `\\cite{old}` still resolves. InvalidValue (about
    "citekey") when the key is not valid or is another article's key or old key (keys
    compare case-insensitively)."""
    from library.citekeys import check_citekey
    from library.errors import InvalidValue

    key = check_citekey(new)
    current = _written(conn, article.id)  # NotFound for an article deleted meanwhile
    if key == current.citekey:
        return current
    owner = citekey_owner(conn, key)
    if owner is not None and owner != article.pk:
        other = conn.execute("SELECT id, citekey FROM articles WHERE pk = ?", (owner,)).fetchone()
        if other["citekey"].lower() == key.lower():
            raise InvalidValue(f"'{key}' is already the key of {other['id']}", field="citekey")
        raise InvalidValue(
            f"'{key}' is an old key of {other['id']} [{other['citekey']}], kept so "
            "papers that cite it still resolve",
            field="citekey",
        )
    conn.execute("DELETE FROM citekey_aliases WHERE alias = ?", (key,))  # its own, back again
    if current.citekey.lower() != key.lower():
        conn.execute(
            "INSERT INTO citekey_aliases(alias, article_pk) VALUES (?, ?)",
            (current.citekey, current.pk),
        )
    conn.execute(
        "UPDATE articles SET citekey = ?, modified_at = ?, rev = rev + 1 WHERE pk = ?",
        (key, now_iso(), article.pk),
    )
    enqueue_index(conn, article.id)
    return _written(conn, article.id)
