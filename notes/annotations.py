"""Annotations: a note and tags on a quoted passage of an article (or on the whole article)."""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from library.articles import ID_ALPHABET, Article, get_article, now_iso
from library.errors import EditConflict, FolioError, InvalidValue, NotFound
from library.index_documents import tags_by_owner
from library.locators import LOCATOR_VERSION, Locator
from library.textnorm import normalize_text
from notes import anchoring
from notes.changes import annotation_changed, article_changed
from notes.normalised_text import normalise_quote
from notes.tags import drop_unused_tags, link_tags, normalize_tags

# Anchor states: the first four come from re-anchoring; "article" is a note with no passage.
STATES = ("anchored", "moved", "fuzzy", "orphan", "article")
ANNOTATION_ID_PREFIX = "n"
ANNOTATION_ID_LENGTH = 7  # "n" + 6: never the same length as an article id


class QuoteNotFound(FolioError):
    """The quote is not in the article; carries the closest passages to show."""

    def __init__(self, message: str, closest: list[str]) -> None:
        super().__init__(message)
        self.closest = closest


class AmbiguousQuote(FolioError):
    """The quote occurs several times; carries each occurrence with its context."""

    exit_code = 2

    def __init__(self, message: str, occurrences: list[str]) -> None:
        super().__init__(message)
        self.occurrences = occurrences


@dataclass
class Annotation:
    """One annotation as stored, with its article's id and citekey."""

    pk: int
    id: str
    article_id: str
    citekey: str
    article_title: str | None
    article_sha256: str
    exact: str | None
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    state: str
    score: float | None
    locator: str | None
    note: str
    created_at: str
    modified_at: str
    anchored_on: str | None
    rev: int = 1  # its version: bumped by every change of its note, tags or passage
    tags: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        """Where the note sits, for listings: its locator, or why it has none."""
        if self.exact is None:
            return "whole article"
        if self.is_orphan:
            return "orphan"
        return self.locator or "header (no locator)"

    @property
    def is_orphan(self) -> bool:
        """Whether its passage could not be found in the article's current text."""
        return self.state == "orphan"

    def to_json(self) -> dict[str, object]:
        """The annotation as plain JSON data (the shape `import-notes` reads back)."""
        target = None
        if self.exact is not None:
            target = {
                "exact": self.exact,
                "prefix": self.prefix,
                "suffix": self.suffix,
                "start": self.start,
                "end": self.end,
                "text_sha256": self.anchored_on,
            }
        return {
            "id": self.id,
            "article": {
                "id": self.article_id,
                "citekey": self.citekey,
                "title": self.article_title,
                "text_sha256": self.article_sha256,
            },
            "target": target,
            "state": self.state,
            "score": None if self.score is None else round(self.score, 3),
            "locator": self.locator,
            "note": self.note,
            "tags": self.tags,
            "created": self.created_at,
            "modified": self.modified_at,
        }


_SELECT = (
    "SELECT n.pk, n.id, a.id AS article_id, a.citekey, a.title AS article_title,"
    " a.text_sha256 AS article_sha256, n.exact,"
    " n.prefix, n.suffix, n.pos_start AS start, n.pos_end AS end, n.state, n.score, n.locator,"
    " n.note, n.created_at, n.modified_at, n.anchored_on, n.rev"
    " FROM annotations AS n JOIN articles AS a ON a.pk = n.article_pk"
)
# Text order within an article; article-level notes first, orphans last.
_ORDER = " ORDER BY a.pk, n.state = 'orphan', n.pos_start IS NOT NULL, n.pos_start, n.pk"


def _from_rows(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[Annotation]:
    notes = [Annotation(**dict(row)) for row in rows]
    tags = tags_by_owner(conn, "annotation_tags", "annotation_pk", [note.pk for note in notes])
    for note in notes:
        note.tags = tags.get(note.pk, [])
    return notes


def current_version(
    conn: sqlite3.Connection, annotation_id: str, expected_rev: int | None, mine: dict[str, object]
) -> Annotation:
    """The annotation as stored, inside the caller's transaction; EditConflict (carrying
    it and `mine`) when its version is no longer `expected_rev` (None: no comparison)."""
    current = get_annotation(conn, annotation_id)
    if expected_rev is not None and current.rev != expected_rev:
        raise EditConflict(f"note {current.id}", current, mine)
    return current


def get_annotation(conn: sqlite3.Connection, annotation_id: str) -> Annotation:
    """The annotation with this id; NotFound otherwise."""
    rows = conn.execute(f"{_SELECT} WHERE n.id = ?", (annotation_id.strip().lower(),)).fetchall()
    if not rows:
        raise NotFound(f"no annotation with id '{annotation_id}'")
    return _from_rows(conn, rows)[0]


def looks_like_annotation_id(ref: str) -> bool:
    """Whether `ref` has the shape of an annotation id (article ids are shorter)."""
    ref = ref.strip().lower()
    return (
        len(ref) == ANNOTATION_ID_LENGTH
        and ref.startswith(ANNOTATION_ID_PREFIX)
        and all(char in ID_ALPHABET for char in ref[1:])
    )


def list_annotations(
    conn: sqlite3.Connection,
    article: Article | None = None,
    *,
    annotation_pks: set[int] | None = None,
    orphans_only: bool = False,
) -> list[Annotation]:
    """Annotations in text order (all, one article's, or the given ones)."""
    where: list[str] = []
    params: list[object] = []
    if article is not None:
        where.append("n.article_pk = ?")
        params.append(article.pk)
    if orphans_only:
        where.append("n.state = 'orphan'")
    rows = conn.execute(
        _SELECT + (" WHERE " + " AND ".join(where) if where else "") + _ORDER, params
    ).fetchall()
    if annotation_pks is not None:
        rows = [row for row in rows if row["pk"] in annotation_pks]
    return _from_rows(conn, rows)


def annotations_of_articles(conn: sqlite3.Connection, article_ids: list[str]) -> list[Annotation]:
    """The annotations of these articles (ids), in text order (one query per 900 ids)."""
    rows: list[sqlite3.Row] = []
    for start in range(0, len(article_ids), 900):
        chunk = article_ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows += conn.execute(f"{_SELECT} WHERE a.id IN ({marks}){_ORDER}", chunk).fetchall()
    return _from_rows(conn, rows)


def count_annotations(conn: sqlite3.Connection, article_pk: int) -> int:
    """How many annotations an article has."""
    return int(
        conn.execute(
            "SELECT count(*) FROM annotations WHERE article_pk = ?", (article_pk,)
        ).fetchone()[0]
    )


def new_annotation_id(conn: sqlite3.Connection) -> str:
    """A random annotation id not used yet."""
    while True:
        suffix = "".join(secrets.choice(ID_ALPHABET) for _ in range(ANNOTATION_ID_LENGTH - 1))
        candidate = ANNOTATION_ID_PREFIX + suffix
        if conn.execute("SELECT 1 FROM annotations WHERE id = ?", (candidate,)).fetchone() is None:
            return candidate


def locator_for(article: Article, start: int) -> str | None:
    """The citation locator of a passage starting at `start`: the printed page for PDFs,
    else the body paragraph; None for a passage in the headline, standfirst or byline."""
    return Locator(article).at(start)


@dataclass(frozen=True)
class Passage:
    """Where a new annotation goes: a selector on the article text, or None (whole article)."""

    selector: anchoring.Selector | None


def choose_passage(
    article: Article,
    *,
    quote: str | None = None,
    occurrence: int | None = None,
    start: int | None = None,
    end: int | None = None,
    prefix: str = "",
    suffix: str = "",
) -> Passage:
    """Resolve what the user pointed at: a typed quote (through typography differences),
    explicit offsets, or nothing (a note on the whole article)."""
    if quote is not None and (start is not None or end is not None):
        raise InvalidValue("give either a quote or offsets (--start/--end), not both")
    if quote is not None:
        return Passage(_find_one(article, quote, occurrence, prefix, suffix))
    if start is not None or end is not None:
        if start is None or end is None:
            raise InvalidValue("offsets need both --start and --end")
        try:
            return Passage(anchoring.selector_at(article.text, start, end))
        except ValueError as exc:
            raise InvalidValue(f"offsets {start}..{end}: {exc}") from None
    if occurrence is not None:
        raise InvalidValue("--occurrence chooses among the places a --quote occurs")
    return Passage(None)


def _find_one(
    article: Article, quote: str, occurrence: int | None, prefix: str, suffix: str
) -> anchoring.Selector:
    """The selector of the one occurrence of `quote` meant; errors say what to do instead."""
    if not normalise_quote(quote):  # blank, or only soft hyphens and zero widths
        raise InvalidValue("the quote is empty (it has no visible characters)", field="quote")
    name = f"{article.id} [{article.citekey}]"
    if len(" ".join(quote.split())) > len(article.text):
        raise InvalidValue(
            f"the quote ({len(quote)} characters) is longer than the text of {name} "
            f"({len(article.text)} characters)"
        )
    spans = anchoring.find_quote(article.text, quote, prefix, suffix)
    if not spans:
        closest = [
            f"{score:.0%} at {start}: “{_flat(article.text[start:end]).strip()}”"
            for start, end, score in anchoring.closest_passages(article.text, quote)
        ]
        raise QuoteNotFound(f"the quote is not in {name}; nothing was changed", closest)
    if occurrence is None and len(spans) > 1:
        raise AmbiguousQuote(
            f"the quote occurs {len(spans)} times in {name}; choose one with --occurrence N",
            [_occurrence_line(article.text, n, span) for n, span in enumerate(spans, start=1)],
        )
    index = (occurrence or 1) - 1
    if not 0 <= index < len(spans):
        raise InvalidValue(
            f"--occurrence {occurrence}: the quote occurs {len(spans)} time"
            f"{'s' if len(spans) > 1 else ''} in {name}"
        )
    span_start, span_end = spans[index]
    return anchoring.selector_at(article.text, span_start, span_end)


def _flat(text: str, width: int = 90) -> str:
    """`text` on one line (whitespace runs as one space, kept at the ends), cut to `width`."""
    flat = re.sub(r"\s+", " ", text)
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _occurrence_line(text: str, number: int, span: tuple[int, int]) -> str:
    before, after = anchoring.context_of(text, *span)
    passage = _flat(text[span[0] : span[1]], 60)
    return f"{number}: …{_flat(before, 40)}[{passage}]{_flat(after, 40)}… (at {span[0]})"


def clean_note(note: str) -> str:
    """A note as stored: control characters shown as symbols (a note is shown in terminals),
    line breaks as `\n`, no blank edges."""
    return normalize_text(note).strip()


def add_annotation(
    conn: sqlite3.Connection,
    article: Article,
    passage: Passage,
    note: str = "",
    tags: Sequence[str] = (),
) -> Annotation:
    """Store a new annotation inside the caller's transaction and queue its article."""
    tag_list = normalize_tags(tags)
    now = now_iso()
    values: dict[str, object] = {
        "id": new_annotation_id(conn),
        "article_pk": article.pk,
        "note": clean_note(note),
        "created_at": now,
        "modified_at": now,
        "state": "article",
    }
    if passage.selector is not None:
        values.update(_anchor_columns(article, passage.selector, "anchored", 1.0))
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    cursor = conn.execute(f"INSERT INTO annotations ({names}) VALUES ({marks})", values)
    link_tags(conn, "annotation", cursor.lastrowid or 0, tag_list)
    article_changed(conn, article.pk)
    return get_annotation(conn, str(values["id"]))


def _anchor_columns(
    article: Article, selector: anchoring.Selector, state: str, score: float
) -> dict[str, object]:
    """The columns that place an annotation on this version of the article's text."""
    return {
        "exact": selector.exact,
        "prefix": selector.prefix,
        "suffix": selector.suffix,
        "pos_start": selector.start,
        "pos_end": selector.end,
        "anchored_on": article.text_sha256,
        "state": state,
        "score": score,
        "locator": locator_for(article, selector.start),
        "locator_version": LOCATOR_VERSION,
    }


def update_annotation(
    conn: sqlite3.Connection,
    annotation: Annotation,
    *,
    note: str | None = None,
    passage: Passage | None = None,
    accept: bool = False,
) -> Annotation:
    """Change an annotation's note, re-attach it to a passage, or accept a fuzzy move."""
    columns: dict[str, object] = {"modified_at": now_iso()}
    if note is not None:
        columns["note"] = clean_note(note)
    if passage is not None:
        article = get_article(conn, annotation.article_id)
        if passage.selector is None:
            columns.update(
                exact=None, prefix="", suffix="", pos_start=None, pos_end=None,
                anchored_on=None, state="article", score=None, locator=None,
            )  # fmt: skip
        else:
            columns.update(_anchor_columns(article, passage.selector, "anchored", 1.0))
    elif accept:
        if annotation.state == "orphan":
            raise InvalidValue(
                f"annotation {annotation.id} is an orphan: re-attach it with --quote or "
                "--start/--end"
            )
        columns.update(state="anchored")
    assignments = ", ".join(f"{name} = :{name}" for name in columns)
    conn.execute(
        f"UPDATE annotations SET {assignments} WHERE pk = :pk", {**columns, "pk": annotation.pk}
    )
    annotation_changed(conn, annotation.pk)
    return get_annotation(conn, annotation.id)


def delete_annotation(conn: sqlite3.Connection, annotation: Annotation) -> None:
    """Remove an annotation (inside the caller's transaction)."""
    annotation_changed(conn, annotation.pk)
    conn.execute("DELETE FROM annotations WHERE pk = ?", (annotation.pk,))
    drop_unused_tags(conn)
