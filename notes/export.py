"""Notes out of Folio: Markdown to paste into a draft, JSON that `import-notes` reads back."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from library.aliases import list_alias_sets
from library.articles import articles_by_ids
from library.citing import format_citation
from library.index_documents import tags_by_owner
from library.textnorm import one_line
from notes.annotations import Annotation
from notes.markdown import code_span, escape_markdown

if TYPE_CHECKING:
    from notes.sources import AlsoIn

# The version of the notes JSON format; `import-notes` refuses files from a newer one.
NOTES_JSON_VERSION = 1
NOTES_JSON_KEY = "folio_notes"


def notes_json(
    conn: sqlite3.Connection,
    annotations: list[Annotation],
    places: Mapping[str, list[AlsoIn]] | None = None,
) -> dict[str, object]:
    """The annotations as a versioned JSON document, with their articles' own tags and the
    library's alias sets (part of what a researcher wrote); with `places`, each annotation's
    `also_in` lists where else its passage appears."""
    ids = list(dict.fromkeys(note.article_id for note in annotations))
    articles = articles_by_ids(conn, ids)
    tags = tags_by_owner(conn, "article_tags", "article_pk", [a.pk for a in articles.values()])
    article_tags = [
        {
            "article": {"id": a.id, "citekey": a.citekey, "text_sha256": a.text_sha256},
            "tags": tags[a.pk],
        }
        for a in (articles[article_id] for article_id in ids if article_id in articles)
        if tags.get(a.pk)
    ]
    return {
        NOTES_JSON_KEY: NOTES_JSON_VERSION,
        "annotations": [
            note.to_json()
            if places is None
            else {
                **note.to_json(),
                "also_in": [place.to_json() for place in places.get(note.id, [])],
            }
            for note in annotations
        ],
        "article_tags": article_tags,
        "aliases": [alias_set.to_json() for alias_set in list_alias_sets(conn)],
    }


# How `notes_text` marks a passage whose place is not certain.
_STATE_MARKS = {"anchored": "", "moved": "", "fuzzy": " (moved: check)", "orphan": " (ORPHAN)"}


def annotation_line(note: Annotation, places: Sequence[AlsoIn] = ()) -> str:
    """One annotation as plain text: id, citekey, locator and state, then its passage,
    note, tags and the other articles its passage is in, each on an indented line (cut to a
    terminal's width)."""
    parts = [f"{note.id}  [{note.citekey}] {note.where}{_STATE_MARKS.get(note.state, '')}"]
    if note.exact is not None:
        parts.append(f"  “{one_line(note.exact, 100)}”")
    if note.note:
        parts.append(f"  {one_line(note.note, 100)}")
    if note.tags:
        parts.append("  tags: " + ", ".join(note.tags))
    if places:
        elsewhere = ", ".join(
            f"{place.article.id} [{place.article.citekey}]"
            + (f" {place.locator}" if place.locator else "")
            for place in places
        )
        parts.append(f"  also in: {one_line(elsewhere, 100)}")
    return "\n".join(parts)


def notes_text(
    annotations: Iterable[Annotation], places: Mapping[str, list[AlsoIn]] | None = None
) -> str:
    """The annotations as plain text, one `annotation_line` block each."""
    return "\n".join(annotation_line(note, (places or {}).get(note.id, ())) for note in annotations)


def notes_markdown(annotations: Iterable[Annotation]) -> str:
    """One section per article (title and citekey); each passage as a blockquote followed
    by its note, tags and a pandoc citation with the locator."""
    sections = []
    for _article_id, group in groupby(annotations, key=lambda note: note.article_id):
        notes = list(group)
        first = notes[0]
        lines = [f"## {_inline(first.article_title or '(untitled)')} [@{first.citekey}]", ""]
        placed = [note for note in notes if not note.is_orphan]
        orphans = [note for note in notes if note.is_orphan]
        for note in placed:
            lines.extend(annotation_markdown(note))
        if orphans:
            lines.extend(["### Orphaned notes (their passage is no longer in the text)", ""])
            for note in orphans:
                lines.extend(annotation_markdown(note))
        sections.append("\n".join(lines).rstrip() + "\n")
    return "\n".join(sections)


def annotation_markdown(note: Annotation) -> list[str]:
    """One annotation as Markdown lines: its passage as a blockquote, its note, then its
    tags and its citation with the locator."""
    lines: list[str] = []
    if note.exact is not None:
        # The quoted passage is the article's text: shown as written, never as markup.
        lines.extend(f"> {escape_markdown(line)}".rstrip() for line in note.exact.splitlines())
        lines.append("")
    if note.note.strip():
        lines.extend([note.note.strip(), ""])
    trailer = []
    if note.tags:
        trailer.append("Tags: " + ", ".join(code_span(tag) for tag in note.tags))
    locator = None if note.is_orphan else note.locator
    trailer.append(format_citation([note.citekey], "pandoc", locator))
    if note.state == "fuzzy":
        trailer.append("(passage moved when the text changed: check it)")
    lines.extend([" · ".join(trailer), ""])
    return lines


def _inline(text: str) -> str:
    """A title on one Markdown line, as text (titles come from the article)."""
    return escape_markdown(" ".join(text.split()))
