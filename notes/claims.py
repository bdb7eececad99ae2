"""Claims in date order: notes sorted by their article's publication date, as a table for
spreadsheets, and as Markdown grouped by date, article or tag."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Literal

from library.database import rows_in
from library.textnorm import one_line
from notes.annotations import Annotation
from notes.export import annotation_markdown, notes_markdown
from notes.markdown import escape_markdown

__all__ = [
    "CLAIM_COLUMNS",
    "GROUPINGS",
    "NOTE_SORTS",
    "ArticleFacts",
    "article_facts",
    "claims_markdown",
    "claims_table",
    "sort_notes",
    "undated",
]

NoteSort = Literal["position", "article", "date"]
Grouping = Literal["article", "date", "tag"]
NOTE_SORTS: tuple[NoteSort, ...] = ("position", "article", "date")
GROUPINGS: tuple[Grouping, ...] = ("article", "date", "tag")
CLAIM_COLUMNS = ("date", "article", "citekey", "site", "locator", "quote", "note", "tags")
# A spreadsheet reads a cell that begins with one of these as a formula: such a cell gets
# a leading apostrophe, so that text from an article stays text (OWASP's advice for CSV).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UNDATED = "Undated"


@dataclass(frozen=True)
class ArticleFacts:
    """What a claims table says about an article besides its id and key."""

    date: str | None
    site: str | None
    title: str | None


def article_facts(conn: sqlite3.Connection, notes: Sequence[Annotation]) -> dict[str, ArticleFacts]:
    """Date, site and title of the articles these notes are on, by article id."""
    ids: list[object] = list(dict.fromkeys(note.article_id for note in notes))
    select = "SELECT id, date, site, title FROM articles WHERE id IN ({marks})"
    return {row[0]: ArticleFacts(row[1], row[2], row[3]) for row in rows_in(conn, select, ids)}


def sort_notes(
    notes: Sequence[Annotation], facts: dict[str, ArticleFacts], by: NoteSort
) -> list[Annotation]:
    """Notes in `by` order: `position` (as given: articles as added, notes in text order),
    `article` (by citation key, then text order), or `date` (the article's publication date,
    oldest first, then key and text order; notes on undated articles last)."""
    if by == "position":
        return list(notes)
    order = {note.id: index for index, note in enumerate(notes)}
    if by == "article":
        return sorted(notes, key=lambda note: (note.citekey.casefold(), order[note.id]))

    def by_date(note: Annotation) -> tuple[bool, str, str, int]:
        date = facts[note.article_id].date if note.article_id in facts else None
        return (date is None, date or "", note.citekey.casefold(), order[note.id])

    return sorted(notes, key=by_date)


def undated(notes: Sequence[Annotation], facts: dict[str, ArticleFacts]) -> int:
    """How many of the notes are on articles without a date."""
    return sum(
        1 for note in notes if note.article_id not in facts or not facts[note.article_id].date
    )


def claims_table(
    notes: Sequence[Annotation], facts: dict[str, ArticleFacts], delimiter: str = ","
) -> str:
    """The notes as CSV (or, with a tab `delimiter`, TSV: each field on one line), one row a
    note under a header: date, article, citekey, site, locator, quote, note, tags."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(CLAIM_COLUMNS)
    flat = delimiter == "\t"
    for note in notes:
        fact = facts.get(note.article_id, ArticleFacts(None, None, None))
        texts = [fact.site or "", note.exact or "", note.note, ", ".join(note.tags)]
        if flat:
            texts = [one_line(text) for text in texts]
        site, quote, text, tags = (_as_text(value) for value in texts)
        locator = "" if note.exact is None or note.is_orphan else note.locator or ""
        writer.writerow(
            [fact.date or "", note.article_id, note.citekey, site, locator, quote, text, tags]
        )
    return out.getvalue()


def _as_text(value: str) -> str:
    """A cell a spreadsheet shows as the text it is, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def claims_markdown(
    notes: Sequence[Annotation], facts: dict[str, ArticleFacts], group_by: Grouping
) -> str:
    """The notes as Markdown in sections: one per article (title and key), per date (the
    article's publication date; undated last), or per tag (a note with several tags is in
    each of their sections; untagged notes last)."""
    if group_by == "article":
        return notes_markdown(notes)
    if group_by == "date":
        sections = [
            (date or UNDATED, list(group))
            for date, group in groupby(notes, key=lambda note: _fact(facts, note).date)
        ]
    else:
        tags = sorted({tag for note in notes for tag in note.tags}, key=str.casefold)
        sections = [(f"#{tag}", [note for note in notes if tag in note.tags]) for tag in tags]
        untagged = [note for note in notes if not note.tags]
        if untagged:
            sections.append(("Untagged", untagged))
    return "\n".join(_section(title, group, facts) for title, group in sections)


def _fact(facts: dict[str, ArticleFacts], note: Annotation) -> ArticleFacts:
    return facts.get(note.article_id, ArticleFacts(None, None, None))


def _section(title: str, notes: list[Annotation], facts: dict[str, ArticleFacts]) -> str:
    """One Markdown section: a heading, then each note under the article it comes from."""
    lines = [f"## {escape_markdown(title)}", ""]
    for note in notes:
        fact = _fact(facts, note)
        named = [one_line(fact.title or "(untitled)"), fact.site, fact.date]
        lines.extend(["*" + escape_markdown(" · ".join(filter(None, named))) + "*", ""])
        lines.extend(annotation_markdown(note))
    return "\n".join(lines).rstrip() + "\n"
