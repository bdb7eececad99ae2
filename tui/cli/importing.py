"""`folio add`: import files, folders, web pages (URLs) and works by identifier (DOI, arXiv,
ISBN), or make a file or page an article's text (--to)."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from library.textnorm import one_line
from tui.cli.common import Progress, echo, fail, finish, guarded, open_library

if TYPE_CHECKING:
    from library.importing import ImportResult


@click.command()
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
@click.option(
    "--to", "to_ref", metavar="REF", help="Make one file (or URL) the text of article REF."
)
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
    """Import files and folders (recursive), web pages and works by identifier; `-` reads
    stdin.

    \b
    folio add ~/Downloads/articles/ notes.md
    folio add https://example.org/2024/story.html     # fetched; the URL is the article's
    folio add doi:10.1038/nphys1170 arxiv:2101.00001 isbn:9780262033848

    Reads .txt, .md, .html/.htm and .pdf (a page by its content type). Adding the same
    content again changes nothing; a changed version of a file or page added before (same
    path or URL) updates its article. An identifier (also a bare DOI or a doi.org URL)
    adds a metadata-only article from Crossref, arXiv or Open Library, or fills in the one
    it matches. With --to REF, one file or page becomes the text of an existing article.
    """
    from tui.actions.capture import add_inputs

    max_bytes = int(max_size * 1024 * 1024) if max_size else None
    if to_ref is not None:
        _attach(ctx, paths, to_ref, as_json, max_bytes)
        return
    show_bar = not (quiet or as_json) and sys.stderr.isatty()
    progress = Progress(show_bar)
    with open_library(ctx) as library:
        try:
            outcome = add_inputs(
                library, paths, glob=glob, max_file_bytes=max_bytes, progress=progress.reach
            )
        finally:
            progress.close()
    report = outcome.value
    if as_json:
        for result in report.results:
            echo(json.dumps(_result_json(result), ensure_ascii=False))
    elif not quiet:
        if len(paths) == 1 and len(report.results) == 1:
            _print_one(report.results[0])
        else:
            echo(report.summary())
    finish(outcome, quiet=quiet or as_json)


def _attach(
    ctx: click.Context, paths: tuple[str, ...], ref: str, as_json: bool, max_bytes: int | None
) -> None:
    """`add FILE --to REF`: one file (or URL) only, never a folder."""
    from tui.actions.capture import attach

    if len(paths) != 1 or os.path.isdir(paths[0]):
        fail("--to takes exactly one file (not a folder or several paths)", 2)
    with open_library(ctx) as library:
        outcome = attach(library, paths[0], ref, max_file_bytes=max_bytes)
    result = outcome.value
    if as_json:
        echo(json.dumps(_result_json(result), ensure_ascii=False))
    else:
        _print_one(result, attached=True)
    finish(outcome)


def _print_one(result: ImportResult, attached: bool = False) -> None:
    """The line for one file: what happened to it and its article."""
    article = result.article
    if article is None:  # it failed: its notice on stderr says why
        return
    verbs = {"added": "Added", "updated": "Updated", "present": "Already present:"}
    if attached:
        verbs = {"updated": "Attached to", "present": "Already the text of"}
    echo(
        f"{verbs[result.status]} {article.id} [{article.citekey}] {one_line(article.display_title)}"
    )


def _result_json(result: ImportResult) -> dict[str, Any]:
    article = result.article
    return {
        "path": result.path,
        "status": result.status,
        "id": article.id if article else None,
        "citekey": article.citekey if article else None,
        "title": article.title if article else None,
        "error": result.error,
    }


COMMANDS: list[click.Command] = [add]
