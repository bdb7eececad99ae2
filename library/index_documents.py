"""What the index holds for an article: one document for the article (its notes and tags
included) and one per annotation, so `search --notes` can rank the annotations themselves."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from library.index_schema import NOTE_KIND, tag_terms
from library.variants import name_terms


def parse_iso_date(value: str | None) -> datetime | None:
    """`YYYY[-MM[-DD]]` as a datetime at the start of that period, or None."""
    if not value:
        return None
    try:
        year, month, day = ([int(part) for part in value.split("-")[:3]] + [1, 1])[:3]
        return datetime(year, month, day)
    except ValueError:
        return None


def document_for(
    row: sqlite3.Row,
    tags: Iterable[str] = (),
    notes: str = "",
    carried: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The Whoosh document for an article row (columns as in the `articles` table);
    `carried` counts the `names` terms the writer was given already (see name_terms)."""
    doc: dict[str, Any] = {"id": row["id"], "citekey": row["citekey"], "rev": row["rev"]}
    doc.update(_described_by(row))
    terms = tag_terms(tags)
    if terms:
        doc["tags"] = ",".join(terms)
    if notes:
        doc["notes"] = notes
    doc["body"] = row["text"]
    names = name_terms(
        [notes, row["text"]],
        carried,
        headings=[row["title"] or "", row["subtitle"] or ""],
        people=json.loads(row["authors"]),
    )
    if names:
        doc["names"] = names
    return doc


def _described_by(row: sqlite3.Row) -> dict[str, Any]:
    """The metadata fields of an article's document (shared by its annotations' documents)."""
    doc: dict[str, Any] = {}
    for name in ("title", "site", "type"):
        if row[name]:
            doc[name] = row[name]
    if row["subtitle"]:
        doc["title"] = f"{doc.get('title', '')}\n{row['subtitle']}"
    if row["republished_by"]:
        doc["site"] = f"{doc.get('site', '')}\n{row['republished_by']}"
    authors = json.loads(row["authors"])
    if authors:
        doc["authors"] = "\n".join(authors)
    when = parse_iso_date(row["date"])
    if when:
        doc["date"] = when
    return doc


def annotation_document(article: sqlite3.Row, note: sqlite3.Row, tags: list[str]) -> dict[str, Any]:
    """An annotation's document: its quote as the body, its note, its tags, and the
    article's metadata, so the same query syntax finds annotations as articles."""
    doc = _described_by(article)
    doc.update(kind=NOTE_KIND, nid=note["id"], article=article["id"])
    if note["exact"]:
        doc["body"] = note["exact"]
    if note["note"]:
        doc["notes"] = note["note"]
    terms = tag_terms(tags)
    if terms:
        doc["tags"] = ",".join(terms)
    return doc


def documents_for(
    conn: sqlite3.Connection, ids: list[str], carried: dict[str, int] | None = None
) -> Iterator[dict[str, Any]]:
    """Documents for these article ids (ids of deleted articles yield nothing)."""
    marks = ",".join("?" * len(ids))
    articles = conn.execute(f"SELECT * FROM articles WHERE id IN ({marks})", ids).fetchall()
    pks = [row["pk"] for row in articles]
    article_tags = tags_by_owner(conn, "article_tags", "article_pk", pks)
    annotations = _annotations_by_article(conn, pks)
    note_tags = tags_by_owner(
        conn,
        "annotation_tags",
        "annotation_pk",
        [n["pk"] for ns in annotations.values() for n in ns],
    )
    for row in articles:
        notes = annotations.get(row["pk"], [])
        tags = set(article_tags.get(row["pk"], []))
        for note in notes:
            tags.update(note_tags.get(note["pk"], []))
        text = "\n\n".join(note["note"] for note in notes if note["note"])
        yield document_for(row, sorted(tags), text, carried)
        for note in notes:
            yield annotation_document(row, note, note_tags.get(note["pk"], []))


def _annotations_by_article(
    conn: sqlite3.Connection, pks: list[int]
) -> dict[int, list[sqlite3.Row]]:
    found: dict[int, list[sqlite3.Row]] = defaultdict(list)
    if pks:
        marks = ",".join("?" * len(pks))
        for row in conn.execute(
            f"SELECT pk, id, article_pk, exact, note FROM annotations WHERE article_pk IN ({marks})"
            " ORDER BY pos_start, pk",
            pks,
        ):
            found[row["article_pk"]].append(row)
    return found


def tags_by_owner(
    conn: sqlite3.Connection, table: str, key: str, pks: list[int]
) -> dict[int, list[str]]:
    """Tag names (sorted as tags compare) by owner pk, from `article_tags` or
    `annotation_tags`: one query per 900 owners, not one per owner."""
    found: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(pks), 900):
        chunk = pks[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for owner, name in conn.execute(
            f"SELECT link.{key}, tags.name FROM {table} AS link JOIN tags ON tags.pk = link.tag_pk"
            f" WHERE link.{key} IN ({marks}) ORDER BY tags.key",
            chunk,
        ):
            found[owner].append(name)
    return found
