"""`folio related`: the articles that share passages with one (where a quote comes from)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from library.textnorm import one_line, quoted
from tui.cli.common import (
    Progress,
    echo,
    emit_json,
    fail,
    finish,
    guarded,
    open_library,
    styled,
)

if TYPE_CHECKING:
    from library.related import Related

_SCANNING = "Finding shared passages"


@click.command()
@click.argument("ref", required=False)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of related articles.")
@click.option(
    "--rebuild", is_flag=True, help="Forget the shared passages found and scan every article again."
)
@click.pass_context
@guarded
def related(ctx: click.Context, ref: str | None, as_json: bool, rebuild: bool) -> None:
    """The articles sharing passages with article REF, most shared first.

    \b
    Each is labelled: republication (most of both texts), same source
    (several passages, or a long one: an interview two outlets report),
    or quotes (one or two passages). Its passages follow, with their
    locators in REF and in it. Articles not scanned yet are scanned first.
    """
    from tui.actions.related import related_articles, rescan_passages

    if ref is None and not rebuild:
        fail("give an article REF (or --rebuild to scan the whole library again)", 2)
    progress = Progress(not as_json and sys.stderr.isatty())

    def scanning(done: int, total: int) -> None:
        progress.reach(_SCANNING, done, total)

    with open_library(ctx) as library:
        try:
            if rebuild:
                scanned = rescan_passages(library, scanning).value
                progress.close()
                echo(f"Scanned {scanned} article(s) for shared passages.", err=True)
            if ref is None:
                return
            outcome = related_articles(library, ref, scanning)
        finally:
            progress.close()
        found = outcome.value
        if as_json:
            emit_json([item.to_json() for item in found.related])
        elif not found.related:
            echo(f"No passages of {found.article.id} found in other articles.", err=True)
        else:
            for item in found.related:
                _print_related(item, found.article.text)
    finish(outcome)


def _print_related(item: Related, text: str) -> None:
    """One related article: its line, its kind and share, then each shared passage."""
    other = item.article
    dated = f"  — {other.date}" if other.date else ""
    echo(
        styled(other.id, fg="cyan"),
        f"  [{other.citekey}]  ",
        styled(one_line(other.display_title, 70), bold=True),
        dated,
    )
    count = len(item.passages)
    echo(
        f"  {item.kind} · {count} passage{'s' if count != 1 else ''} · "
        f"{item.share:.0%} of this article's text ({item.other_share:.0%} of theirs)"
    )
    for passage in item.passages:
        here = passage.locator or "header"
        there = passage.other_locator or "header"
        quote = quoted(text[passage.start : passage.end], 70)
        echo(f"    {here} ↔ {there}  {passage.similarity:.0%}  {quote}")


COMMANDS: list[click.Command] = [related]
