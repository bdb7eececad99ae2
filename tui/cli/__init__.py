"""The `folio` command line. Imports stay inside commands: a command pays only for what it uses."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from tui.cli.common import (
    Progress,
    confirm_deletion,
    echo_lines,
    emit_json,
    fail,
    guarded,
    one_line,
    open_library,
    stream_json_list,
)
from tui.cli.notes import describe_reanchoring
from tui.plain import describe_matched

if TYPE_CHECKING:
    from library.articles import Article
    from library.store import Library

SORT_CHOICES = ("added", "date", "title")


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--library",
    "library_dir",
    metavar="DIR",
    envvar="FOLIO_LIBRARY",
    help="Library folder (default: $FOLIO_LIBRARY, else the user data folder).",
)
@click.version_option(package_name="folio")
@click.pass_context
def cli(ctx: click.Context, library_dir: str | None) -> None:
    """Folio: a researcher's notebook and citation manager for the terminal.

    Without a command, opens the full-screen notebook (`folio tui`).
    """
    ctx.ensure_object(dict)
    ctx.obj["library"] = library_dir
    if ctx.invoked_subcommand is None:
        _run_tui(library_dir)


def _run_tui(library_dir: str | None) -> None:
    """Open the full-screen app; Textual is imported here only, never by other commands."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        fail("the notebook needs a terminal; see `folio --help` for the commands", 2)
    from library.errors import FolioError

    try:
        from tui.app import FolioApp

        app = FolioApp(library_dir)
        app.run()
    except FolioError as exc:
        fail(str(exc), exc.exit_code)
    if app.return_code:
        sys.exit(app.return_code)


@cli.command()
@click.pass_context
def tui(ctx: click.Context) -> None:
    """Open the full-screen notebook (the same as `folio` with no command)."""
    _run_tui(ctx.obj["library"])


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.pass_context
@guarded
def init(ctx: click.Context, directory: str | None) -> None:
    """Create a library folder (the default one, or DIRECTORY)."""
    with open_library(ctx, directory) as library:
        library.ensure_index()
    click.echo(f"Library ready at {library.root}")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--glob", "glob", metavar="PATTERN", help="Only files matching PATTERN in folders.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@click.option(
    "--max-size",
    type=click.FloatRange(min=0.001),
    metavar="MB",
    help="Refuse files larger than this (default 100, or $FOLIO_MAX_FILE_MB).",
)
@click.option("--to", "to_ref", metavar="REF", help="Make one file the text of article REF.")
@click.pass_context
@guarded
def add(
    ctx: click.Context,
    paths: tuple[str, ...],
    glob: str | None,
    as_json: bool,
    quiet: bool,
    max_size: float | None,
    to_ref: str | None,
) -> None:
    """Import files and folders (recursive); `-` reads stdin.

    Reads .txt, .md, .html/.htm and .pdf. Adding the same content again changes nothing;
    a changed version of a file added before (same path or URL) updates its article.
    With --to REF, one file becomes the text of an existing article (say one from a .bib).
    """
    from library.importing import collect_sources, import_sources

    if to_ref is not None:
        _attach(ctx, paths, to_ref, as_json, max_size)
        return
    sources, failures, skipped = collect_sources(paths, glob)
    results = list(failures)
    with open_library(ctx) as library:
        if max_size:
            library.max_file_bytes = int(max_size * 1024 * 1024)
        show_bar = not (quiet or as_json) and sys.stderr.isatty() and len(sources) > 1
        progress = Progress(show_bar)
        try:
            results.extend(
                import_sources(
                    library,
                    sources,
                    lambda done, total: progress.reach("Importing", done, total),
                    lambda done, total: progress.reach("Indexing", done, total),
                )
            )
        finally:
            progress.close()
        reanchored = _reanchor_notes(library, results)
    if as_json:
        for result in results:
            click.echo(json.dumps(_result_json(result), ensure_ascii=False))
    else:
        for result in results:
            if result.status == "failed":
                click.echo(f"folio: {result.error}", err=True)
        if not quiet:
            _print_import_summary(results, skipped, single=len(paths) == 1 and len(results) == 1)
            if reanchored:
                click.echo(describe_reanchoring(reanchored))
    if any(result.status == "failed" for result in results):
        sys.exit(1)


def _attach(
    ctx: click.Context, paths: tuple[str, ...], ref: str, as_json: bool, max_size: float | None
) -> None:
    """`add FILE --to REF`: one file only, never a folder."""
    from library.importing import attach_source, collect_sources

    if len(paths) != 1 or os.path.isdir(paths[0]):
        fail("--to takes exactly one file (not a folder or several paths)", 2)
    sources, failures, _ = collect_sources(paths)
    if failures:
        fail(str(failures[0].error))
    with open_library(ctx) as library:
        if max_size:
            library.max_file_bytes = int(max_size * 1024 * 1024)
        result = attach_source(library, sources[0], ref)
        _reanchor_notes(library, [result])
    if as_json:
        click.echo(json.dumps(_result_json(result), ensure_ascii=False))
        return
    verb = "Already the text of" if result.status == "present" else "Attached to"
    article = result.article
    click.echo(f"{verb} {article.id} [{article.citekey}] {one_line(article.display_title)}")


def _reanchor_notes(library: Library, results: list[Any]) -> list[Any]:
    """Move the notes of articles whose text an import changed onto their new text."""
    from notes.reanchoring import reanchor_stale

    if not any(result.status == "updated" for result in results):
        return []
    return reanchor_stale(library)


def _result_json(result: Any) -> dict[str, Any]:
    article = result.article
    return {
        "path": result.path,
        "status": result.status,
        "id": article.id if article else None,
        "citekey": article.citekey if article else None,
        "title": article.title if article else None,
        "error": result.error,
    }


def _print_import_summary(results: list[Any], skipped: int, single: bool) -> None:
    counts = {status: 0 for status in ("added", "updated", "present", "failed")}
    for result in results:
        counts[result.status] += 1
        if result.status != "failed" and single:
            verb = {"added": "Added", "updated": "Updated", "present": "Already present:"}
            article = result.article
            click.echo(
                f"{verb[result.status]} {article.id} [{article.citekey}] "
                f"{one_line(article.display_title)}"
            )
    if single:
        return
    parts = [f"{count} {status}" for status, count in counts.items() if count]
    if skipped:
        parts.append(f"{skipped} skipped (other formats)")
    click.echo(", ".join(parts) or "nothing to import")


@cli.command(name="list")
@click.option("--sort", type=click.Choice(SORT_CHOICES), default="added", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of articles.")
@click.pass_context
@guarded
def list_command(ctx: click.Context, sort: str, as_json: bool) -> None:
    """List the articles in the library."""
    from library.articles import iter_articles

    with open_library(ctx) as library:
        items = iter_articles(library.conn, sort)
        if as_json:
            count = stream_json_list(_article_json(article) for article in items)
        else:
            count = echo_lines(_list_line(article) for article in items)
    if not count and not as_json:
        click.echo("The library is empty. Import articles with `folio add PATH`.", err=True)


def _list_line(article: Article) -> str:
    who = one_line(", ".join(article.authors) or article.site or "", 24)
    return (
        f"{article.id}  {article.citekey:<28.28} {article.date or '':<10}  "
        f"{who:<24}  {one_line(article.display_title, 70)}"
    )


def _article_json(article: Article, with_text: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"id": article.id, "citekey": article.citekey}
    data.update(article.metadata())
    data["origins"] = article.origins
    data.update(
        format=article.format,
        source_path=article.source_path,
        added=article.added_at,
        modified=article.modified_at,
    )
    if with_text:
        data["pages"] = article.pages
        data["characters"] = len(article.text)
        data["text"] = article.text
    return data


@cli.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Metadata and text as JSON.")
@click.option("--text", "with_text", is_flag=True, help="Print the clean text too.")
@click.pass_context
@guarded
def show(ctx: click.Context, ref: str, as_json: bool, with_text: bool) -> None:
    """Show an article's metadata (REF is its id or citekey)."""
    from library.articles import get_article
    from library.extracted import METADATA_FIELDS
    from library.paragraphs import paragraph_spans
    from notes.annotations import count_annotations
    from notes.tags import tags_of

    with open_library(ctx) as library:
        article = get_article(library.conn, ref)
        tags = tags_of(library.conn, "article", article.pk)
        notes = count_annotations(library.conn, article.pk)
    if as_json:
        emit_json({**_article_json(article, with_text=True), "tags": tags, "notes": notes})
        return
    title_origin = article.origins.get("title", "found")
    title_mark = f"  ({title_origin})" if title_origin != "found" else ""
    click.echo(f"{click.style(article.display_title, bold=True)}{title_mark}")
    rows = [("id", article.id), ("citekey", article.citekey)]
    for name in METADATA_FIELDS:
        value = getattr(article, name)
        if name == "title" or not value:
            continue
        shown = "; ".join(value) if isinstance(value, list) else value
        origin = article.origins.get(name, "found")
        rows.append(
            (name.replace("_", " "), shown + (f"  ({origin})" if origin != "found" else ""))
        )
    pages = f", {len(article.pages)} pages" if article.pages else ""
    paragraphs = len(paragraph_spans(article.text))
    rows.append(
        (
            "text",
            f"{len(article.text.split())} words, {paragraphs} paragraphs{pages} ({article.format})",
        )
    )
    if tags:
        rows.append(("tags", ", ".join(tags)))
    if notes:
        rows.append(("notes", f"{notes} (folio notes {article.id})"))
    rows.append(("added", article.added_at))
    if article.source_path:
        rows.append(("source", article.source_path))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        click.echo(f"  {label:<{width}}  {value}")
    if with_text:
        click.echo()
        click.echo(article.text)


@cli.command()
@click.argument("ref")
@click.option("--title")
@click.option("--subtitle")
@click.option("--author", "authors", multiple=True, help="Repeat for several authors.")
@click.option("--date", metavar="YYYY[-MM[-DD]]")
@click.option("--site")
@click.option("--republished-by", "republished_by")
@click.option("--url")
@click.option("--language")
@click.option("--type", "type_")
@click.option("--citekey", metavar="KEY", help="Rename the citation key (must be free).")
@click.pass_context
@guarded
def edit(
    ctx: click.Context,
    ref: str,
    authors: tuple[str, ...],
    type_: str | None,
    citekey: str | None,
    **fields: str | None,
) -> None:
    """Correct an article's metadata.

    With no options, opens the metadata as TOML in $EDITOR. An empty value clears a field.
    """
    from library.articles import get_article
    from library.metadata import changes_from_toml, check_changes, save_metadata, to_toml

    raw: dict[str, object] = {name: value for name, value in fields.items() if value is not None}
    if authors:
        raw["authors"] = list(authors)
    if type_ is not None:
        raw["type"] = type_
    with open_library(ctx) as library:
        article = get_article(library.conn, ref)
        if raw or citekey is not None:
            changes = check_changes(raw)
        else:
            edited = click.edit(to_toml(article), extension=".toml", require_save=True)
            if edited is None:
                click.echo("No changes.")
                return
            changes = changes_from_toml(article, edited)
        if not changes and citekey is None:
            click.echo("No changes.")
            return
        article = save_metadata(library, ref, changes, citekey)
    changed = [*changes, *(["citekey"] if citekey is not None else [])]
    click.echo(f"Updated {article.id} [{article.citekey}]: {', '.join(changed)}")


@cli.command()
@click.argument("refs", nargs=-1, required=True)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@guarded
def rm(ctx: click.Context, refs: tuple[str, ...], yes: bool) -> None:
    """Remove articles (asks first).

    The original files stay in the library's files/ folder.
    """
    from library.articles import delete_article, get_article
    from notes.annotations import count_annotations

    with open_library(ctx) as library:
        targets = [get_article(library.conn, ref) for ref in refs]
        unique = {article.id: article for article in targets}
        for article in unique.values():
            click.echo(f"{article.id} [{article.citekey}] {one_line(article.display_title, 70)}")
        notes = sum(count_annotations(library.conn, article.pk) for article in unique.values())
        written = f" and the {notes} note(s) on them" if notes else ""
        confirm_deletion(f"Delete {len(unique)} article(s){written}?", yes)
        with library.write() as conn:
            for article in unique.values():
                delete_article(conn, article)
    click.echo(f"Deleted {len(unique)} article(s).")


@cli.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", "-n", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--sort", type=click.Choice(("score", "date")), default="score", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of hits.")
@click.option("--notes", is_flag=True, help="Find annotations (passages and notes), not articles.")
@click.option("--exact", is_flag=True, help="Words as typed: no spelling variants, no aliases.")
@click.pass_context
@guarded
def search(
    ctx: click.Context,
    query: tuple[str, ...],
    limit: int,
    sort: str,
    as_json: bool,
    notes: bool,
    exact: bool,
) -> None:
    """Full-text search of the library.

    \b
    Syntax: words (all must match), OR, NOT, "a phrase", field:value
    (title author site date type tag note), wild*cards, fuzzy~ and
    date ranges such as date:[2021 to 2022]. Other forms of a word match
    too (drone finds drones), and so do other spellings of a name
    (masood finds Massoud, Masud, Масуд) and its aliases (folio alias);
    --exact turns those off.
    """
    from library.search import search as run_search

    text = " ".join(query)
    if notes:
        _search_notes(ctx, text, limit, as_json, exact)
        return
    with open_library(ctx) as library:
        result = run_search(library, text, limit=limit, sort=sort, exact=exact)
    if result.suggestion:
        click.echo(f"No matches. Did you mean: {result.suggestion}", err=True)
    if as_json:
        emit_json([hit.to_json() for hit in result.hits])
        return
    if not result.hits and not result.suggestion:
        click.echo("No matches.", err=True)
    color = sys.stdout.isatty()
    for hit in result.hits:
        meta = " · ".join(filter(None, [", ".join(hit.authors) or hit.site, hit.date]))
        click.echo(
            f"{click.style(hit.id, fg='cyan')}  [{hit.citekey}]  "
            f"{click.style(one_line(hit.title or '(untitled)'), bold=True)}"
            f"{'  — ' + meta if meta else ''}"
        )
        for snippet in hit.snippets:
            click.echo(f"    …{_highlight(snippet, color)}…")
        if also := describe_matched(hit.matched):
            click.echo(f"    {also}")


def _search_notes(ctx: click.Context, text: str, limit: int, as_json: bool, exact: bool) -> None:
    """`search --notes`: ranked annotations, each with its article."""
    from notes.search import search_notes

    with open_library(ctx) as library:
        hits = search_notes(library, text, limit=limit, exact=exact)
    if as_json:
        emit_json([hit.to_json() for hit in hits])
        return
    if not hits:
        click.echo("No matching notes.", err=True)
    color = sys.stdout.isatty()
    for hit in hits:
        found = hit.annotation
        where = found.locator or ("whole article" if found.exact is None else "orphan")
        click.echo(
            f"{click.style(found.id, fg='cyan')}  [{found.citekey}] {where}  "
            f"{click.style(one_line(found.article_title or '(untitled)', 70), bold=True)}"
        )
        if found.exact is not None:
            click.echo(f"    “{_mark(found.exact, hit.quote_highlights, color)}”")
        if found.note:
            click.echo(f"    {_mark(found.note, hit.note_highlights, color)}")


def _mark(text: str, spans: list[tuple[int, int]], color: bool) -> str:
    """`text` on one line with `spans` (offsets into `text`) emphasised on a terminal."""
    out, position = [], 0
    for start, end in spans if color else ():
        out.extend([text[position:start], click.style(text[start:end], fg="yellow", bold=True)])
        position = end
    out.append(text[position:])
    return one_line("".join(out))


def _highlight(snippet: Any, color: bool) -> str:
    """The snippet with matched words emphasised (plain when not on a terminal)."""
    spans = [(start - snippet.start, end - snippet.start) for start, end in snippet.highlights]
    return _mark(snippet.text, spans, color)


@cli.command()
@click.pass_context
@guarded
def reindex(ctx: click.Context) -> None:
    """Rebuild the search index from the database."""
    with open_library(ctx) as library:
        count = library.index.rebuild(library.conn)
    click.echo(f"Indexed {count} article(s).")


@cli.command()
@click.option("--repair", is_flag=True, help="Fix what can be fixed.")
@click.option("--json", "as_json", is_flag=True, help="The report as JSON.")
@click.pass_context
@guarded
def check(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Check that the database, files and index agree.

    Exit status 1 when something is wrong; --repair brings the index back in step.
    """
    from library.check import check_library, repair_library
    from notes.reanchoring import reanchor_stale

    with open_library(ctx) as library:
        report = check_library(library)
        before = report
        if repair and not report.clean:
            reanchor_stale(library)
            report = repair_library(library, check_library(library))
    if as_json:
        data = report.to_json()
        if repair:
            data["repaired"] = before.to_json()
        emit_json(data)
    else:
        _print_check(before, "Found" if repair else "")
        if repair and not before.clean:
            click.echo("After repair: " + ("clean." if report.clean else "problems remain:"))
            if not report.clean:
                _print_check(report, "")
    if not report.clean:
        sys.exit(1)


def _print_check(report: Any, prefix: str) -> None:
    if report.clean:
        click.echo("Library is clean.")
        return
    lines = []
    if report.database != "ok":
        lines.append(f"database: {report.database}")
    if report.index != "ok":
        lines.append(f"index: {report.index} (folio check --repair or folio reindex rebuilds it)")
    for label, items in (
        ("waiting to be indexed", report.pending),
        ("missing from the index", report.missing),
        ("stale in the index", report.stale),
        ("in the index but not the library", report.orphans),
        ("dead index writer files", report.dead_files),
        ("articles whose original file is missing", report.missing_files),
        ("notes to re-anchor on changed article text", report.unanchored),
    ):
        count = items if isinstance(items, int) else len(items)
        if count:
            sample = "" if isinstance(items, int) else ": " + ", ".join(items[:8])
            lines.append(f"{count} {label}{sample}{' …' if count > 8 else ''}")
    for line in lines:
        click.echo(f"{prefix + ' ' if prefix else ''}{line}")


def _register_commands() -> None:
    """Add the commands that live in their own modules (notes, citations)."""
    from tui.cli import cite as cli_cite
    from tui.cli import names as cli_names
    from tui.cli import notes as cli_notes

    for command in (*cli_notes.COMMANDS, *cli_cite.COMMANDS, *cli_names.COMMANDS):
        cli.add_command(command)


_register_commands()


def main() -> None:
    """Console entry point."""
    if os.environ.get("FOLIO_DEBUG"):
        cli()
        return
    try:
        cli()
    except Exception as exc:
        fail(f"internal error: {type(exc).__name__}: {exc} (set FOLIO_DEBUG=1 for details)")
