"""`folio search`: articles (or, with --notes, annotations) matching a query."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, cast

import click

from library.textnorm import one_line
from tui.cli.common import (
    Styled,
    echo,
    echo_notices,
    emit_json,
    fail,
    guarded,
    open_library,
    styled,
)
from tui.plain import describe_matched

if TYPE_CHECKING:
    from library.snippets import Snippet
    from tui.actions.search import SearchSort


@click.command()
@click.argument("query", nargs=-1)
@click.option("--limit", "-n", type=click.IntRange(min=1), default=10, show_default=True)
@click.option(
    "--sort",
    type=click.Choice(("score", "date")),
    default="score",
    show_default=True,
    help="date: newest article first (with --notes too).",
)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of hits.")
@click.option("--notes", is_flag=True, help="Find annotations (passages and notes), not articles.")
@click.option("--exact", is_flag=True, help="Words as typed: no spelling variants, no aliases.")
@click.option("--save", metavar="NAME", help="Also keep QUERY as saved search NAME.")
@click.option("--saved", metavar="NAME", help="Run saved search NAME (instead of QUERY).")
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
    save: str | None,
    saved: str | None,
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
    from tui.actions.search import search_articles

    text = _query_text(ctx, query, save, saved)
    if notes:
        _search_notes(ctx, text, limit, as_json, cast("SearchSort", sort), exact)
        return
    with open_library(ctx) as library:
        found = search_articles(
            library, text, limit=limit, sort=cast("SearchSort", sort), exact=exact
        ).value
    if found.suggestion:
        echo(f"No matches. Did you mean: {found.suggestion}", err=True, one_line=True)
    if as_json:
        emit_json([hit.to_json() for hit in found.hits])
        return
    if not found.hits and not found.suggestion:
        echo("No matches.", err=True)
    color = sys.stdout.isatty()
    for hit in found.hits:
        meta = " · ".join(filter(None, [", ".join(hit.authors) or hit.site, hit.date]))
        echo(
            styled(hit.id, fg="cyan"),
            f"  [{hit.citekey}]  ",
            styled(one_line(hit.title or "(untitled)"), bold=True),
            f"  — {meta}" if meta else "",
        )
        for snippet in hit.snippets:
            echo("    …", *_highlight(snippet, color), "…")
        if also := describe_matched(hit.matched):
            echo(f"    {also}", one_line=True)


def _query_text(
    ctx: click.Context, query: tuple[str, ...], save: str | None, saved: str | None
) -> str:
    """The query to run: QUERY (kept under `save` if asked), or saved search `saved`."""
    if saved is not None:
        from tui.actions.collections import saved_search

        if query or save is not None:
            fail("give QUERY or --saved NAME, not both (--save needs a QUERY)", 2)
        with open_library(ctx) as library:
            return saved_search(library, saved).value.query
    if not query:
        fail("give a QUERY to search for (or --saved NAME)", 2)
    text = " ".join(query)
    if save is not None:
        from tui.actions.collections import save_search

        with open_library(ctx) as library:
            outcome = save_search(library, save, text)
        echo(f"Saved search '{outcome.value.name}'.", err=True)
        echo_notices(outcome.warnings)
    return text


def _search_notes(
    ctx: click.Context, text: str, limit: int, as_json: bool, sort: SearchSort, exact: bool
) -> None:
    """`search --notes`: ranked annotations (or newest article first), each with its article."""
    from tui.actions.search import search_notes

    with open_library(ctx) as library:
        hits = search_notes(library, text, limit=limit, sort=sort, exact=exact).value
    if as_json:
        emit_json([hit.to_json() for hit in hits])
        return
    if not hits:
        echo("No matching notes.", err=True)
    color = sys.stdout.isatty()
    for hit in hits:
        found = hit.annotation
        echo(
            styled(found.id, fg="cyan"),
            f"  [{found.citekey}] {found.where}  ",
            styled(one_line(found.article_title or "(untitled)", 70), bold=True),
            f"  — {hit.date}" if hit.date else "",
        )
        if found.exact is not None:
            echo("    “", *_mark(found.exact, hit.quote_highlights, color), "”")
        if found.note:
            echo("    ", *_mark(found.note, hit.note_highlights, color))


def _mark(text: str, spans: list[tuple[int, int]], color: bool) -> list[str | Styled]:
    """`text` on one line (each whitespace run one space) with `spans` (offsets into `text`)
    emphasised on a terminal."""
    out: list[str | Styled] = []
    position = 0
    for start, end in spans if color else ():
        out.extend(
            [_flat(text[position:start]), styled(_flat(text[start:end]), fg="yellow", bold=True)]
        )
        position = end
    out.append(_flat(text[position:]))
    if out and isinstance(out[0], str):
        out[0] = out[0].lstrip()
    if out and isinstance(out[-1], str):
        out[-1] = out[-1].rstrip()
    return out


def _flat(text: str) -> str:
    """Every whitespace run as one space, the edges kept (they join other parts)."""
    return re.sub(r"\s+", " ", text)


def _highlight(snippet: Snippet, color: bool) -> list[str | Styled]:
    """The snippet with matched words emphasised (plain when not on a terminal)."""
    spans = [(start - snippet.start, end - snippet.start) for start, end in snippet.highlights]
    return _mark(snippet.text, spans, color)


COMMANDS: list[click.Command] = [search]
