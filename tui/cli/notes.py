"""`folio` commands for notes and tags on passages."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tui.cli.common import (
    confirm_deletion,
    emit_json,
    fail,
    guarded,
    one_line,
    open_library,
    read_text_option,
)

if TYPE_CHECKING:
    from library.store import Library
    from notes.annotations import Annotation


@contextmanager
def _open_notes(ctx: click.Context) -> Iterator[Library]:
    """The library, with annotations re-anchored if article texts changed since."""
    from notes.reanchoring import reanchor_stale

    with open_library(ctx) as library:
        reanchor_stale(library)
        yield library


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


def _choose_passage(article: Any, options: dict[str, Any]) -> Any:
    """The passage the options name; prints occurrences or closest passages when unsure."""
    from notes.annotations import AmbiguousQuote, QuoteNotFound, choose_passage

    try:
        return choose_passage(
            article,
            quote=options["quote"],
            occurrence=options["occurrence"],
            start=options["start"],
            end=options["end"],
            prefix=options["before"] or "",
            suffix=options["after"] or "",
        )
    except QuoteNotFound as exc:
        click.echo(f"folio: {exc}", err=True)
        if exc.closest:
            click.echo("Closest passages:", err=True)
            for line in exc.closest:
                click.echo(f"  {line}", err=True)
        sys.exit(exc.exit_code)
    except AmbiguousQuote as exc:
        click.echo(f"folio: {exc}", err=True)
        for line in exc.occurrences:
            click.echo(f"  {line}", err=True)
        sys.exit(exc.exit_code)


def _note_text(note: str | None, note_file: str | None, current: str = "") -> str | None:
    """The note from --note / --note-file, else from $EDITOR on a terminal, else None."""
    text = read_text_option(note, note_file, "note")
    if text is None and sys.stdin.isatty() and sys.stdout.isatty():
        edited = click.edit(current, extension=".md")
        text = current if edited is None else edited
    return None if text is None else text.strip()


_STATE_MARKS = {"anchored": "", "moved": "", "fuzzy": " (moved: check)", "orphan": " (ORPHAN)"}


def _annotation_line(note: Annotation) -> str:
    where = note.locator or ("whole article" if note.exact is None else "?")
    head = f"{note.id}  [{note.citekey}] {where}{_STATE_MARKS.get(note.state, '')}"
    parts = [head]
    if note.exact is not None:
        parts.append(f"  “{one_line(note.exact, 100)}”")
    if note.note:
        parts.append(f"  {one_line(note.note, 100)}")
    if note.tags:
        parts.append("  tags: " + ", ".join(note.tags))
    return "\n".join(parts)


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
    from library.articles import get_article
    from notes.annotations import add_annotation
    from notes.tags import normalize_tags

    tags = normalize_tags(options.pop("tags"))
    as_json = options.pop("as_json")
    with _open_notes(ctx) as library:
        article = get_article(library.conn, ref)
        passage = _choose_passage(article, options)
        text = _note_text(note, note_file) or ""
        with library.write() as conn:
            created = add_annotation(conn, article, passage, text, tags)
    if as_json:
        emit_json(created.to_json())
    else:
        click.echo(f"Added {_annotation_line(created)}")


@click.command(name="notes")
@click.argument("ref", required=False)
@click.option("--tag", "-t", help="Only annotations with this tag (or under it).")
@click.option("--orphans", is_flag=True, help="Only annotations whose passage was lost.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@click.pass_context
@guarded
def notes_command(
    ctx: click.Context,
    ref: str | None,
    tag: str | None,
    orphans: bool,
    fmt: str,
    as_json: bool,
    output: str | None,
) -> None:
    """List annotations (all, or article REF's) with passage, note, tags, locator and state."""
    from library.articles import get_article
    from notes.annotations import list_annotations
    from notes.export import notes_json, notes_markdown
    from notes.tags import annotation_pks_with_tag

    fmt = "json" if as_json else fmt
    with _open_notes(ctx) as library:
        article = get_article(library.conn, ref) if ref else None
        chosen = annotation_pks_with_tag(library.conn, tag) if tag else None
        found = list_annotations(library.conn, article, annotation_pks=chosen, orphans_only=orphans)
        if fmt == "json":
            import json

            text = json.dumps(notes_json(library.conn, found), ensure_ascii=False, indent=2)
        elif fmt == "markdown":
            text = notes_markdown(found)
        else:
            text = "\n".join(_annotation_line(item) for item in found)
    if output:
        from library.atomic import write_atomically

        write_atomically(Path(output), (text.rstrip("\n") + "\n").encode("utf-8"))
        click.echo(f"Wrote {len(found)} annotation(s) to {output}", err=True)
    elif text:
        click.echo(text)
    if not found and fmt == "text":
        click.echo("No annotations.", err=True)


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
    from library.articles import get_article
    from notes.annotations import get_annotation, update_annotation

    with _open_notes(ctx) as library:
        current = get_annotation(library.conn, annotation_id)
        passage = None
        if any(options[name] is not None for name in ("quote", "start", "end")):
            passage = _choose_passage(get_article(library.conn, current.article_id), options)
        text = read_text_option(note, note_file, "note")
        if text is None and passage is None and not accept:
            text = _note_text(None, None, current.note)
            if text is None:
                fail("nothing to change: give --note, --note-file, --quote, or --accept", 2)
        with library.write() as conn:
            changed = update_annotation(
                conn,
                current,
                note=None if text is None else text.strip(),
                passage=passage,
                accept=accept,
            )
    if as_json:
        emit_json(changed.to_json())
    else:
        click.echo(f"Updated {_annotation_line(changed)}")


@click.command(name="note-rm")
@click.argument("annotation_ids", nargs=-1, required=True)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@guarded
def note_rm(ctx: click.Context, annotation_ids: tuple[str, ...], yes: bool) -> None:
    """Delete annotations (asks first)."""
    from notes.annotations import delete_annotation, get_annotation

    with _open_notes(ctx) as library:
        found = {
            item.id: item for item in (get_annotation(library.conn, i) for i in annotation_ids)
        }
        for item in found.values():
            click.echo(_annotation_line(item))
        confirm_deletion(f"Delete {len(found)} annotation(s)?", yes)
        with library.write() as conn:
            for item in found.values():
                delete_annotation(conn, item)
    click.echo(f"Deleted {len(found)} annotation(s).")


@click.group(name="tag")
def tag_group() -> None:
    """Put tags on, or take them off, an article or an annotation."""


def _tag_target(conn: Any, target: str) -> tuple[str, int, str]:
    """(owner kind, row pk, label) for an annotation id or an article id/citekey."""
    from library.articles import get_article
    from notes.annotations import get_annotation, looks_like_annotation_id

    if looks_like_annotation_id(target):
        annotation = get_annotation(conn, target)
        return "annotation", annotation.pk, f"annotation {annotation.id}"
    article = get_article(conn, target)
    return "article", article.pk, f"article {article.id} [{article.citekey}]"


def _change_tags(ctx: click.Context, target: str, tags: tuple[str, ...], add: bool) -> None:
    from notes.changes import article_changed
    from notes.tags import link_tags, normalize_tags, tags_of, unlink_tags

    wanted = normalize_tags(tags)
    with _open_notes(ctx) as library:
        kind, pk, label = _tag_target(library.conn, target)
        with library.write() as conn:
            count = (link_tags if add else unlink_tags)(conn, kind, pk, wanted)
            article_pk = pk
            if kind == "annotation":
                article_pk = conn.execute(
                    "SELECT article_pk FROM annotations WHERE pk = ?", (pk,)
                ).fetchone()[0]
            if count:
                article_changed(conn, article_pk)
        now = tags_of(library.conn, kind, pk)
    verb = "added to" if add else "removed from"
    click.echo(f"{count} tag(s) {verb} {label}; tags now: {', '.join(now) or '(none)'}")


@tag_group.command(name="add")
@click.argument("target")
@click.argument("tags", nargs=-1, required=True)
@click.pass_context
@guarded
def tag_add(ctx: click.Context, target: str, tags: tuple[str, ...]) -> None:
    """Tag TARGET (an article id/citekey or an annotation id) with TAGS."""
    _change_tags(ctx, target, tags, add=True)


@tag_group.command(name="rm")
@click.argument("target")
@click.argument("tags", nargs=-1, required=True)
@click.pass_context
@guarded
def tag_rm(ctx: click.Context, target: str, tags: tuple[str, ...]) -> None:
    """Take TAGS off TARGET (an article id/citekey or an annotation id)."""
    _change_tags(ctx, target, tags, add=False)


@click.command(name="tags")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of tags with counts.")
@click.pass_context
@guarded
def tags_command(ctx: click.Context, as_json: bool) -> None:
    """List tags with how many articles and annotations carry each."""
    from notes.tags import tag_counts

    with open_library(ctx) as library:
        counts = tag_counts(library.conn)
    if as_json:
        emit_json([count.to_json() for count in counts])
        return
    if not counts:
        click.echo("No tags yet. Add some with `folio tag add REF TAG`.", err=True)
    for count in counts:
        click.echo(f"{count.name:<40} {count.articles:>5} articles {count.annotations:>5} notes")


@click.command(name="tag-rename")
@click.argument("old")
@click.argument("new")
@click.pass_context
@guarded
def tag_rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename tag OLD (and the tags under it) to NEW, merging into NEW if it exists."""
    from notes.tags import rename_tag

    with open_library(ctx) as library, library.write() as conn:
        count = rename_tag(conn, old, new)
    click.echo(f"Renamed {count} tag(s).")


@click.command(name="import-notes")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="The report as JSON.")
@click.pass_context
@guarded
def import_notes_command(ctx: click.Context, path: str, as_json: bool) -> None:
    """Restore annotations from a `folio notes --json` file (nothing is added twice)."""
    from notes.import_notes import import_notes, read_notes_file

    data = read_notes_file(Path(path))
    with _open_notes(ctx) as library:
        with library.write() as conn:
            report = import_notes(conn, data)
        moved = _reanchor_after_import(library)
    if as_json:
        emit_json(report.to_json())
        return
    click.echo(
        f"{report.added} added, {report.updated} updated, {report.unchanged} already present"
        + (f", {report.tagged_articles} articles tagged" if report.tagged_articles else "")
        + (f", {report.aliases_added} alias spellings added" if report.aliases_added else "")
        + moved
    )
    for conflict in report.alias_conflicts:
        click.echo(f"folio: warning: alias set not imported: {conflict}", err=True)
    if report.unmatched:
        click.echo(
            f"folio: {len(report.unmatched)} annotation(s) skipped: their article is not in "
            f"this library ({', '.join(report.unmatched[:5])})",
            err=True,
        )
        sys.exit(1)


def _reanchor_after_import(library: Library) -> str:
    from notes.reanchoring import reanchor_stale

    results = reanchor_stale(library)
    return f"; {describe_reanchoring(results)}" if results else ""


def describe_reanchoring(results: list[Any]) -> str:
    """One phrase for what re-anchoring did (`3 notes re-anchored, 1 to check, 1 orphaned`)."""
    fuzzy = sum(result.state == "fuzzy" for result in results)
    orphans = sum(result.state == "orphan" for result in results)
    text = f"{len(results)} note(s) re-anchored"
    if fuzzy:
        text += f", {fuzzy} moved and need checking (folio notes)"
    if orphans:
        text += f", {orphans} orphaned (folio notes --orphans)"
    return text


@click.command()
@click.argument("annotation_id")
@click.option(
    "--style", type=click.Choice(["latex", "markdown"]), default="markdown", show_default=True
)
@click.pass_context
@guarded
def quote(ctx: click.Context, annotation_id: str, style: str) -> None:
    """Print an annotation's passage with its citation and locator, ready to paste."""
    from notes.annotations import get_annotation
    from notes.quotes import quote_with_citation

    with _open_notes(ctx) as library:
        found = get_annotation(library.conn, annotation_id)
    click.echo(quote_with_citation(found, style))


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
