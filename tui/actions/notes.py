"""Notes on passages: annotate, edit, delete, list, export, import, quote; and re-anchoring.

Reads go through notes.reading, which re-anchors notes on changed article texts first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from library.errors import InvalidValue
from library.store import Library
from tui.actions.exports import keeps_exports_current
from tui.actions.results import Notice, Outcome

if TYPE_CHECKING:
    from library.articles import Article
    from notes.annotations import Annotation, Passage
    from notes.claims import ArticleFacts, Grouping, NoteSort
    from notes.import_notes import NotesImport
    from notes.reanchoring import Reanchored
    from notes.sources import AlsoIn, PassageSource
    from notes.tags import NoteSummary

NotesFormat = Literal["text", "markdown", "json", "csv", "tsv"]
QuoteStyle = Literal["latex", "markdown"]


@dataclass(frozen=True)
class PassageSpec:
    """What the user pointed at: a quote (with context or an occurrence number to choose
    among several places) or offsets into the text; neither means the whole article."""

    quote: str | None = None
    occurrence: int | None = None
    start: int | None = None
    end: int | None = None
    before: str = ""
    after: str = ""

    @property
    def given(self) -> bool:
        """Whether it names a passage (not the whole article)."""
        return self.quote is not None or self.start is not None or self.end is not None


def _passage(article: Article, spec: PassageSpec) -> Passage:
    """The passage `spec` names in `article`: QuoteNotFound (with the closest passages) or
    AmbiguousQuote (with each occurrence) when it cannot tell."""
    from notes.annotations import choose_passage

    return choose_passage(
        article,
        quote=spec.quote,
        occurrence=spec.occurrence,
        start=spec.start,
        end=spec.end,
        prefix=spec.before,
        suffix=spec.after,
    )


def list_notes(
    library: Library,
    article_ref: str | None = None,
    *,
    tag: str | None = None,
    orphans_only: bool = False,
    collection: str | None = None,
    sort: NoteSort = "position",
) -> Outcome[list[Annotation]]:
    """Annotations: all, an article's (id or citekey), those with `tag` (or a tag under it),
    those on the articles of a collection, or only those whose passage was lost (the filters
    given all apply); in `sort` order: `position` (articles as added, notes in text order),
    `article` (by citation key) or `date` (the article's publication date, oldest first;
    undated last, and a note says how many)."""
    from notes.claims import article_facts, sort_notes

    found = _read(library, article_ref, tag=tag, orphans_only=orphans_only, collection=collection)
    if sort == "position":
        return Outcome(found)
    facts = article_facts(library.conn, found)
    return Outcome(sort_notes(found, facts, sort), _undated_notice(found, facts, sort))


def _read(
    library: Library,
    article_ref: str | None,
    *,
    tag: str | None,
    orphans_only: bool,
    collection: str | None = None,
) -> list[Annotation]:
    """The annotations asked for; when there are none, a check that the table is not
    unreadable rather than empty (DatabaseDamaged then)."""
    from library.damage import verified_listing
    from notes.reading import read_annotations

    found = read_annotations(
        library, article_ref, tag=tag, orphans_only=orphans_only, collection=collection
    )
    return verified_listing(library.conn, library.root, "annotations", found)


def _undated_notice(
    notes: Sequence[Annotation], facts: dict[str, ArticleFacts], sort: NoteSort
) -> list[Notice]:
    """The note that says how many notes a date order put last for want of a date."""
    from notes.claims import undated

    count = undated(notes, facts) if sort == "date" else 0
    if not count:
        return []
    return [
        Notice(
            "notes-undated",
            f"{count} note(s) on articles without a date are listed last",
            level="note",
        )
    ]


def places_elsewhere(
    library: Library, annotations: Sequence[Annotation]
) -> Outcome[dict[str, list[AlsoIn]]]:
    """Where else each annotation's passage appears (by annotation id): the articles that
    share it, with the passage's offsets and locator there."""
    from notes.sources import also_in
    from tui.actions.related import passages_ready

    notices = passages_ready(library)
    return Outcome(also_in(library.conn, annotations), notices)


@dataclass(frozen=True)
class TimelineEntry:
    """A note on the timeline, with its article's publication date, site and title."""

    annotation: Annotation
    date: str | None
    site: str | None
    title: str | None


# Notes a query puts on the timeline at most (the best matches, then in date order).
TIMELINE_QUERY_LIMIT = 2000


def timeline(
    library: Library, *, tag: str | None = None, query: str | None = None
) -> Outcome[list[TimelineEntry]]:
    """Notes in date order (their article's publication date, oldest first; undated last,
    and a note says how many): all of them, those with `tag`, or those matching `query`
    (the search syntax; QueryError when it does not parse)."""
    from notes.claims import ArticleFacts, article_facts, sort_notes
    from notes.reading import read_annotations

    if query is not None and query.strip():
        from notes.search import search_notes as find_notes

        hits = find_notes(library, query, limit=TIMELINE_QUERY_LIMIT)
        found = [hit.annotation for hit in hits]
        if tag is not None:
            found = [note for note in found if tag.casefold() in (t.casefold() for t in note.tags)]
    else:
        found = read_annotations(library, tag=tag)
    facts = article_facts(library.conn, found)
    blank = ArticleFacts(None, None, None)
    entries = [
        TimelineEntry(note, fact.date, fact.site, fact.title)
        for note in sort_notes(found, facts, "date")
        for fact in [facts.get(note.article_id, blank)]
    ]
    return Outcome(entries, _undated_notice(found, facts, "date"))


@keeps_exports_current
def annotate(
    library: Library,
    article_ref: str,
    passage: PassageSpec | None = None,
    *,
    note: str | None = None,
    tags: Sequence[str] = (),
    write_note: Callable[[], str] | None = None,
) -> Outcome[Annotation]:
    """Put a note (Markdown; "" makes a highlight) and tags on a passage of an article, or on
    the whole article (no passage). Without `note`, `write_note` is asked for one once the
    passage is found (the CLI opens $EDITOR then: nothing is typed for a missing quote)."""
    from library.articles import get_article
    from notes.annotations import add_annotation
    from notes.tags import normalize_tags

    wanted = normalize_tags(tags)  # a bad tag is refused before anything else
    article = get_article(library.conn, article_ref)
    chosen = _passage(article, passage or PassageSpec())
    if note is None:
        note = write_note() if write_note is not None else ""
    with library.write() as conn:
        return Outcome(add_annotation(conn, article, chosen, note.strip(), wanted))


@keeps_exports_current
def edit_note(
    library: Library,
    annotation_id: str,
    *,
    note: str | None = None,
    passage: PassageSpec | None = None,
    accept: bool = False,
    tags: Sequence[str] | None = None,
    write_note: Callable[[str], str | None] | None = None,
    expected_rev: int | None = None,
) -> Outcome[Annotation]:
    """Change an annotation: its note, its tags (set to exactly `tags`), its passage
    (re-attach an orphan), or accept a passage that moved. Given none of these,
    `write_note(current note)` is asked for a new note; InvalidValue if there is none.

    A compare-and-set: the save is refused with EditConflict (nothing written) when the
    annotation is no longer at version `expected_rev` (the one a dialog showed), or, after
    `write_note`, no longer the version handed to it."""
    from library.articles import get_article
    from notes.annotations import current_version, update_annotation
    from notes.reading import read_annotation
    from notes.tags import normalize_tags, set_tags

    current = read_annotation(library, annotation_id)
    wanted = None if tags is None else normalize_tags(tags)
    chosen = None
    if passage is not None and passage.given:
        chosen = _passage(get_article(library.conn, current.article_id), passage)
    if note is None and chosen is None and not accept and wanted is None:
        note = write_note(current.note) if write_note is not None else None
        if note is None:
            raise InvalidValue("nothing to change: give a note, a passage, tags, or accept a move")
        if expected_rev is None:
            expected_rev = current.rev  # the version the editor was opened on
    mine: dict[str, object] = {"note": None if note is None else note.strip()}
    if wanted is not None:
        mine["tags"] = wanted
    with library.write() as conn:
        current = current_version(conn, current.id, expected_rev, mine)
        if wanted is not None:
            set_tags(conn, "annotation", current.pk, wanted)
        changed = update_annotation(
            conn,
            current,
            note=None if note is None else note.strip(),
            passage=chosen,
            accept=accept,
        )
    return Outcome(changed)


@keeps_exports_current
def delete_notes(
    library: Library, annotation_ids: Sequence[str], confirm: Callable[[list[Annotation]], bool]
) -> Outcome[int]:
    """Delete annotations once `confirm` agrees (it gets them to show); returns how many
    were deleted (0 when it does not)."""
    from notes.annotations import delete_annotation
    from notes.reading import read_annotation

    found = {item.id: item for item in (read_annotation(library, i) for i in annotation_ids)}
    chosen = list(found.values())
    if not confirm(chosen):
        return Outcome(0)
    with library.write() as conn:
        for item in chosen:
            delete_annotation(conn, item)
    return Outcome(len(chosen))


@dataclass(frozen=True)
class NotesExport:
    """Notes rendered as text, Markdown, JSON, CSV or TSV, and the file they went to (if any)."""

    text: str
    count: int
    path: Path | None = None


def export_notes(
    library: Library,
    article_ref: str | None = None,
    *,
    tag: str | None = None,
    orphans_only: bool = False,
    fmt: NotesFormat = "text",
    output: Path | None = None,
    collection: str | None = None,
    sort: NoteSort = "position",
    group_by: Grouping | None = None,
) -> Outcome[NotesExport]:
    """The annotations `list_notes` selects, in `sort` order, as plain text, Markdown (to
    paste into a draft; in sections by article, date or tag with `group_by`), JSON (that
    `import_notes` reads back; each annotation says where else its passage appears), or a
    CSV/TSV claims table (date, article, citekey, site, locator, quote, note, tags); written
    to `output` when given."""
    from notes.claims import article_facts, claims_markdown, claims_table, sort_notes
    from notes.export import notes_json, notes_text

    if group_by is not None and fmt != "markdown":
        raise InvalidValue("grouping is for Markdown: add --format markdown", field="group-by")
    found = _read(library, article_ref, tag=tag, orphans_only=orphans_only, collection=collection)
    facts = article_facts(library.conn, found)
    ordered = sort_notes(found, facts, sort)
    notices = _undated_notice(found, facts, sort)
    if fmt in ("json", "text"):
        places = places_elsewhere(library, ordered)
        notices.extend(places.warnings)
        if fmt == "json":
            document = notes_json(library.conn, ordered, places.value)
            text = json.dumps(document, ensure_ascii=False, indent=2)
        else:
            text = notes_text(ordered, places.value)
    elif fmt == "markdown":
        text = claims_markdown(ordered, facts, group_by or "article")
    else:
        text = claims_table(ordered, facts, "\t" if fmt == "tsv" else ",")
    if output is not None:
        from library.atomic import write_atomically
        from library.leftovers import remember_output

        remember_output(library, output)
        write_atomically(output, (text.rstrip("\n") + "\n").encode("utf-8"))
    return Outcome(NotesExport(text, len(found), output), notices)


@keeps_exports_current
def import_notes(library: Library, path: Path) -> Outcome[NotesImport]:
    """Restore annotations from a notes JSON file (nothing is added twice), then re-anchor
    the restored passages on this library's texts. Annotations whose article is not here
    are skipped, each reported as an error notice; an alias set that would take a spelling
    from another set is left out, with a warning."""
    from notes.import_notes import import_notes as restore
    from notes.import_notes import read_notes_file

    data = read_notes_file(path)
    with library.write() as conn:
        report = restore(conn, data)
    notices = reanchor_notes(library).warnings
    notices.extend(
        Notice("alias-conflict", f"alias set not imported: {conflict}", subject=str(path))
        for conflict in report.alias_conflicts
    )
    if report.unmatched:
        shown = ", ".join(report.unmatched[:5]) + (" …" if len(report.unmatched) > 5 else "")
        notices.append(
            Notice(
                "notes-unmatched",
                f"{len(report.unmatched)} annotation(s) skipped: their article is not in "
                f"this library ({shown})",
                subject=str(path),
                level="error",
            )
        )
    return Outcome(report, notices)


def quote(library: Library, annotation_id: str, style: QuoteStyle = "markdown") -> Outcome[str]:
    """An annotation's passage with its citation and locator, ready to paste."""
    from notes.quotes import quote_with_citation
    from notes.reading import read_annotation

    return Outcome(quote_with_citation(read_annotation(library, annotation_id), style))


def quote_sources(library: Library, annotation_id: str) -> Outcome[list[PassageSource]]:
    """Every article carrying an annotation's passage, earliest publication date first (the
    likely origin, to cite rather than a copy), undated last; each with the passage's
    offsets and locator there. InvalidValue for a note on a whole article or an orphan."""
    from notes.reading import read_annotation
    from notes.sources import passage_sources
    from tui.actions.related import passages_ready

    note = read_annotation(library, annotation_id)
    if note.exact is None or note.is_orphan:
        what = "is on the whole article" if note.exact is None else "is an orphan"
        raise InvalidValue(f"annotation {note.id} {what}: it has no passage to look for")
    notices = passages_ready(library)
    return Outcome(passage_sources(library.conn, note), notices)


def note_summaries(library: Library) -> Outcome[dict[str, NoteSummary]]:
    """Per article id: how many notes it has, and its tags and its notes' tags."""
    from notes.tags import note_summaries as summaries

    return Outcome(summaries(library.conn))


def reanchor_notes(library: Library) -> Outcome[list[Reanchored]]:
    """Move the notes of articles whose text changed onto the new text, saying what moved:
    call after anything that changes an article's text (an import, a file attached)."""
    from notes.reanchoring import reanchor_stale

    moved = reanchor_stale(library)
    return Outcome(moved, reanchoring_notices(moved))


def reanchoring_notices(moved: Sequence[Reanchored]) -> list[Notice]:
    """What re-anchoring did, for the user: how many notes followed their text (a note),
    how many moved so far they need checking and how many lost their passage (warnings)."""
    if not moved:
        return []
    fuzzy = sum(result.state == "fuzzy" for result in moved)
    orphans = sum(result.state == "orphan" for result in moved)
    notices = [Notice("notes-reanchored", f"{len(moved)} note(s) re-anchored", level="note")]
    if fuzzy:
        notices.append(
            Notice("notes-to-check", f"{fuzzy} note(s) moved and need checking", level="warning")
        )
    if orphans:
        notices.append(
            Notice(
                "notes-orphaned",
                f"{orphans} note(s) orphaned: their passage is no longer in the text",
                level="warning",
            )
        )
    return notices
