"""`folio` commands for notes and tags on passages."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from library.errors import EditConflict
from library.textnorm import one_line
from tui.cli import common
from tui.cli.common import (
    confirm_deletion,
    echo,
    emit_json,
    fail,
    finish,
    guarded,
    open_library,
    read_text_option,
    show_listing,
    styled,
)

if TYPE_CHECKING:
    from notes.annotations import Annotation
    from notes.claims import Grouping, NoteSort
    from tui.actions.notes import NotesFormat, PassageSpec, QuoteStyle
    from tui.actions.results import Outcome
    from tui.actions.tags import TagChange


def _passage_options(command: Any) -> Any:
    """Options that point at a passage: a quote (with context to choose) or offsets."""
    for option in reversed(
        [
            click.option("--quote", "-q", metavar="TEXT", help="The passage, as typed or pasted."),
            click.option("--before", metavar="TEXT", help="Text just before the quote."),
            click.option("--after", metavar="TEXT", help="Text just after the quote."),
            click.option(
                "--occurrence", type=click.IntRange(min=1), help="Which place the quote occurs."
            ),
            click.option("--start", type=int, help="Start offset (code points)."),
            click.option("--end", type=int, help="End offset (code points, exclusive)."),
        ]
    ):
        command = option(command)
    return command


def _passage_spec(options: dict[str, Any]) -> PassageSpec:
    """The passage the options point at."""
    from tui.actions.notes import PassageSpec

    return PassageSpec(
        quote=options["quote"],
        occurrence=options["occurrence"],
        start=options["start"],
        end=options["end"],
        before=options["before"] or "",
        after=options["after"] or "",
    )


@contextmanager
def _explaining_passages() -> Iterator[None]:
    """When a quote is not found or occurs several times, say so with the closest passages
    or each occurrence under the one-line error."""
    from notes.annotations import AmbiguousQuote, QuoteNotFound

    try:
        yield
    except QuoteNotFound as exc:
        echo(f"folio: {exc}", err=True)
        if exc.closest:
            echo("Closest passages:", err=True)
            for line in exc.closest:
                echo(f"  {line}", err=True)
        sys.exit(exc.exit_code)
    except AmbiguousQuote as exc:
        echo(f"folio: {exc}", err=True)
        for line in exc.occurrences:
            echo(f"  {line}", err=True)
        sys.exit(exc.exit_code)


def _editor(extension: str = ".md") -> Callable[[str], str | None] | None:
    """A way to write a note in $EDITOR, on a terminal only (a script gets None)."""
    if not common.interactive():
        return None

    def write(current: str) -> str | None:
        edited = click.edit(current, extension=extension)
        return current if edited is None else edited

    return write


def _annotation_line(note: Annotation) -> str:
    """The note as `folio notes` lists it (imported here: notes.export loads the anchoring
    code, which commands that print no note should not pay for)."""
    from notes.export import annotation_line

    return annotation_line(note)


@click.command()
@click.argument("ref")
@_passage_options
@click.option("--note", "-m", "note", metavar="TEXT", help="The note (Markdown).")
@click.option("--note-file", metavar="FILE", help="Read the note from FILE (`-` = stdin).")
@click.option("--tag", "-t", "tags", multiple=True, help="A tag (repeat for several).")
@click.option("--json", "as_json", is_flag=True, help="The new annotation as JSON.")
@click.pass_context
@guarded
def note(
    ctx: click.Context, ref: str, note: str | None, note_file: str | None, **options: Any
) -> None:
    """Annotate a passage of article REF (or the whole article without --quote/--start).

    The quote may differ from the text in typography (quotes, dashes, spaces). Without
    --note or --note-file, $EDITOR opens on a terminal; an empty note is a highlight.
    """
    from tui.actions.notes import annotate

    text = read_text_option(note, note_file, "note")
    editor = _editor()
    with open_library(ctx) as library, _explaining_passages():
        outcome = annotate(
            library,
            ref,
            _passage_spec(options),
            note=text,
            tags=options["tags"],
            write_note=(lambda: editor("") or "") if editor else None,
        )
    created = outcome.value
    if options["as_json"]:
        emit_json(created.to_json())
    else:
        echo(f"Added {_annotation_line(created)}")
    finish(outcome)


@click.command(name="notes")
@click.argument("ref", required=False)
@click.option("--tag", "-t", help="Only annotations with this tag (or under it).")
@click.option("--orphans", is_flag=True, help="Only annotations whose passage was lost.")
@click.option("--collection", metavar="NAME", help="Only annotations on a collection's articles.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json", "csv", "tsv"]),
    default="text",
    show_default=True,
    help="csv/tsv: a claims table (date, article, citekey, site, locator, quote, note, tags).",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option(
    "--sort",
    type=click.Choice(["position", "article", "date"]),
    default="position",
    show_default=True,
    help="position: articles as added, notes in text order; article: by citekey; "
    "date: the article's publication date, oldest first (undated last).",
)
@click.option(
    "--group-by",
    type=click.Choice(["article", "date", "tag"]),
    help="Markdown sections by article (the default), date or tag.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@click.pass_context
@guarded
def notes_command(
    ctx: click.Context,
    ref: str | None,
    tag: str | None,
    orphans: bool,
    collection: str | None,
    fmt: str,
    as_json: bool,
    sort: str,
    group_by: str | None,
    output: str | None,
) -> None:
    """List annotations (all, or article REF's) with passage, note, tags, locator and state,
    and the other articles each passage is in."""
    from tui.actions.notes import export_notes

    chosen = cast("NotesFormat", "json" if as_json else fmt)
    with open_library(ctx) as library:
        outcome = export_notes(
            library,
            ref,
            tag=tag,
            orphans_only=orphans,
            collection=collection,
            fmt=chosen,
            output=Path(output) if output else None,
            sort=cast("NoteSort", sort),
            group_by=cast("Grouping | None", group_by),
        )
    exported = outcome.value
    if output:
        echo(f"Wrote {exported.count} annotation(s) to {output}", err=True)
    elif exported.text:
        echo(exported.text.rstrip("\n"))
    if not exported.count and chosen == "text":
        echo("No annotations.", err=True)
    finish(outcome)


@click.command(name="note-edit")
@click.argument("annotation_id")
@_passage_options
@click.option("--note", "-m", "note", metavar="TEXT", help="The new note.")
@click.option("--note-file", metavar="FILE", help="Read the new note from FILE (`-` = stdin).")
@click.option("--accept", is_flag=True, help="Mark a passage that moved as checked.")
@click.option("--json", "as_json", is_flag=True, help="The annotation as JSON.")
@click.pass_context
@guarded
def note_edit(
    ctx: click.Context,
    annotation_id: str,
    note: str | None,
    note_file: str | None,
    accept: bool,
    as_json: bool,
    **options: Any,
) -> None:
    """Change an annotation: its note, its passage (re-attach an orphan with --quote), or
    accept a passage that moved."""
    from tui.actions.notes import edit_note

    text = read_text_option(note, note_file, "note")
    passage = _passage_spec(options)
    editor = _editor()
    if text is None and not passage.given and not accept and editor is None:
        fail("nothing to change: give --note, --note-file, --quote, or --accept", 2)
    with open_library(ctx) as library, _explaining_passages():
        try:
            outcome = edit_note(
                library, annotation_id, note=text, passage=passage, accept=accept, write_note=editor
            )
        except EditConflict as conflict:  # changed elsewhere while $EDITOR was open
            mine = str(conflict.mine["note"])
            common.overwrite_after_conflict(conflict, mine, ".md")
            current = cast("Annotation", conflict.current).rev
            outcome = edit_note(library, annotation_id, note=mine, expected_rev=current)
    changed = outcome.value
    if as_json:
        emit_json(changed.to_json())
    else:
        echo(f"Updated {_annotation_line(changed)}")
    finish(outcome)


@click.command(name="note-rm")
@click.argument("annotation_ids", nargs=-1, required=True)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@guarded
def note_rm(ctx: click.Context, annotation_ids: tuple[str, ...], yes: bool) -> None:
    """Delete annotations (asks first)."""
    from tui.actions.notes import delete_notes

    def ask(found: list[Annotation]) -> bool:
        for item in found:
            echo(_annotation_line(item))
        confirm_deletion(f"Delete {len(found)} annotation(s)?", yes)
        return True

    with open_library(ctx) as library:
        outcome = delete_notes(library, annotation_ids, ask)
    echo(f"Deleted {outcome.value} annotation(s).")
    finish(outcome)


@click.group(name="tag")
def tag_group() -> None:
    """Put tags on, or take them off, an article or an annotation."""


def _print_tag_change(outcome: Outcome[TagChange], verb: str) -> None:
    change = outcome.value
    now = ", ".join(change.tags) or "(none)"
    echo(f"{change.changed} tag(s) {verb} {change.target}; tags now: {now}")
    finish(outcome)


@tag_group.command(name="add")
@click.argument("target")
@click.argument("tags", nargs=-1, required=True)
@click.pass_context
@guarded
def tag_add(ctx: click.Context, target: str, tags: tuple[str, ...]) -> None:
    """Tag TARGET (an article id/citekey or an annotation id) with TAGS."""
    from tui.actions.tags import add_tags

    with open_library(ctx) as library:
        outcome = add_tags(library, target, tags)
    _print_tag_change(outcome, "added to")


@tag_group.command(name="rm")
@click.argument("target")
@click.argument("tags", nargs=-1, required=True)
@click.pass_context
@guarded
def tag_rm(ctx: click.Context, target: str, tags: tuple[str, ...]) -> None:
    """Take TAGS off TARGET (an article id/citekey or an annotation id)."""
    from tui.actions.tags import remove_tags

    with open_library(ctx) as library:
        outcome = remove_tags(library, target, tags)
    _print_tag_change(outcome, "removed from")


@click.command(name="tags")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of tags with counts.")
@click.pass_context
@guarded
def tags_command(ctx: click.Context, as_json: bool) -> None:
    """List tags with how many articles and annotations carry each."""
    from tui.actions.tags import list_tags

    with open_library(ctx) as library:
        counts = list_tags(library).value
    show_listing(
        counts,
        as_json,
        empty="No tags yet. Add some with `folio tag add REF TAG`.",
        line=lambda c: f"{c.name:<40} {c.articles:>5} articles {c.annotations:>5} notes",
    )


@click.command(name="tag-rename")
@click.argument("old")
@click.argument("new")
@click.pass_context
@guarded
def tag_rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename tag OLD (and the tags under it) to NEW, merging into NEW if it exists."""
    from tui.actions.tags import rename_tag

    with open_library(ctx) as library:
        outcome = rename_tag(library, old, new)
    echo(f"Renamed {outcome.value} tag(s).")
    finish(outcome)


@click.command(name="import-notes")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="The report as JSON.")
@click.pass_context
@guarded
def import_notes_command(ctx: click.Context, path: str, as_json: bool) -> None:
    """Restore annotations from a `folio notes --json` file (nothing is added twice)."""
    from tui.actions.notes import import_notes

    with open_library(ctx) as library:
        outcome = import_notes(library, Path(path))
    report = outcome.value
    if as_json:
        emit_json(report.to_json())
    else:
        echo(
            f"{report.added} added, {report.updated} updated, {report.unchanged} already present"
            + (f", {report.tagged_articles} articles tagged" if report.tagged_articles else "")
            + (f", {report.aliases_added} alias spellings added" if report.aliases_added else "")
        )
    finish(outcome)


@click.command()
@click.argument("annotation_id")
@click.option(
    "--style", type=click.Choice(["latex", "markdown"]), default="markdown", show_default=True
)
@click.option(
    "--sources",
    is_flag=True,
    help="List every article carrying the passage, earliest publication date first.",
)
@click.option("--json", "as_json", is_flag=True, help="With --sources: a JSON list.")
@click.pass_context
@guarded
def quote(ctx: click.Context, annotation_id: str, style: str, sources: bool, as_json: bool) -> None:
    """Print an annotation's passage with its citation and locator, ready to paste; with
    --sources, the articles that carry the passage, the likely origin first."""
    if sources:
        _quote_sources(ctx, annotation_id, as_json)
        return
    if as_json:
        fail("--json goes with --sources", 2)
    from tui.actions.notes import quote as quote_of

    with open_library(ctx) as library:
        echo(quote_of(library, annotation_id, cast("QuoteStyle", style)).value)


def _quote_sources(ctx: click.Context, annotation_id: str, as_json: bool) -> None:
    """`quote --sources`: one line per article carrying the passage, oldest first."""
    from tui.actions.notes import quote_sources

    with open_library(ctx) as library:
        outcome = quote_sources(library, annotation_id)
    if as_json:
        emit_json([source.to_json() for source in outcome.value])
    else:
        for source in outcome.value:
            article = source.article
            mark = "  (your note)" if source.noted else f"  ({source.similarity:.0%} alike)"
            echo(
                f"{article.date or 'undated':<10}  ",
                styled(article.id, fg="cyan"),
                f" [{article.citekey}] {source.locator or 'header'}  "
                f"{one_line(article.display_title, 60)}{mark}",
            )
    finish(outcome)


COMMANDS: list[click.Command] = [
    note,
    notes_command,
    note_edit,
    note_rm,
    tag_group,
    tags_command,
    tag_rename,
    import_notes_command,
    quote,
]
