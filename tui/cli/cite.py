"""`folio` commands for citations: export, cite, import-bib."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from library.citing import CITE_STYLES, EXPORT_FORMATS
from library.textnorm import one_line
from tui.cli.common import echo, emit_json, fail, finish, guarded, open_library

if TYPE_CHECKING:
    from collections.abc import Mapping

    from library.bibimport import ImportOutcome, ImportPlan
    from tui.actions.export import CiteStyle, ExportFormat


@click.command()
@click.argument("refs", nargs=-1)
@click.option("--query", metavar="Q", help="Every article matching a search (all hits).")
@click.option("--tag", metavar="T", help="Every article with this tag.")
@click.option("--all", "everything", is_flag=True, help="Every article in the library.")
@click.option("--collection", metavar="NAME", help="Every article in a collection.")
@click.option("--saved", metavar="NAME", help="Every match of a saved search.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="biblatex",
    show_default=True,
    help="biblatex: UTF-8 for biber; bibtex: ASCII for classic .bst styles; csl-json: pandoc.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE, not stdout.")
@click.option("--merge", is_flag=True, help="Update Folio's entries in an existing .bib FILE.")
@click.option("--force", is_flag=True, help="Overwrite an existing FILE.")
@click.option(
    "--strict", is_flag=True, help="Fail when a character has no ASCII spelling (bibtex, --ascii)."
)
@click.option(
    "--ascii", "ascii_only", is_flag=True, help="BibLaTeX in ASCII (LaTeX commands), for pdflatex."
)
@click.option(
    "--force-replace",
    "force_replace",
    multiple=True,
    metavar="KEY",
    help="With --merge: replace KEY even if it is not Folio's entry (repeatable).",
)
@click.option(
    "--backups",
    type=int,
    metavar="N",
    help="Backups of FILE to keep (.bak, .bak.1…); default 3 or $FOLIO_BIB_BACKUPS.",
)
@click.option(
    "--keep-updated",
    is_flag=True,
    help="Rewrite FILE after every change to its articles (see `folio exports`).",
)
@click.pass_context
@guarded
def export(
    ctx: click.Context,
    refs: tuple[str, ...],
    query: str | None,
    tag: str | None,
    everything: bool,
    collection: str | None,
    saved: str | None,
    fmt: str,
    output: str | None,
    merge: bool,
    force: bool,
    strict: bool,
    ascii_only: bool,
    force_replace: tuple[str, ...],
    backups: int | None,
    keep_updated: bool,
) -> None:
    """Export citations: REF..., --query Q, --tag T, --collection NAME, --saved NAME or --all.

    \b
    folio export --all -o refs.bib
    folio export dorsey2021afghanistan --format bibtex
    folio export --tag thesis -o paper.bib --merge
    folio export --collection chapter1 -o paper.bib --merge --keep-updated
    """
    from tui.actions.export import OutputExists, Selection
    from tui.actions.export import export as export_articles

    if merge and not output:
        fail("--merge needs -o FILE (the .bib to update)", 2)
    if keep_updated and not output:
        fail("--keep-updated needs -o FILE (the file to keep current)", 2)
    if keep_updated and force_replace:
        fail("--force-replace is for one export, not one kept current (it would replace "
             "hand edits every time)", 2)  # fmt: skip
    with open_library(ctx) as library:
        try:
            outcome = export_articles(
                library,
                Selection(refs, query, tag, everything, collection, saved),
                cast("ExportFormat", fmt),
                output=Path(output) if output else None,
                merge=merge,
                overwrite=force,
                strict=strict,
                ascii_only=ascii_only,
                force_replace=force_replace,
                backups=backups,
                keep_updated=keep_updated,
            )
        except OutputExists as exc:
            fail(f"{exc}; pass --force to overwrite or --merge to update it")
    done = outcome.value
    if output is None:
        echo(done.text, nl=False)
    else:
        echo(done.summary())
    finish(outcome)


@click.command()
@click.argument("refs", nargs=-1, required=True)
@click.option("--style", type=click.Choice(CITE_STYLES), default="latex", show_default=True)
@click.option("--locator", metavar="TEXT", help='Where in the work, e.g. "para. 7".')
@click.pass_context
@guarded
def cite(ctx: click.Context, refs: tuple[str, ...], style: str, locator: str | None) -> None:
    """Print a citation to paste: \\autocite{key} (latex) or [@key] (pandoc, markdown)."""
    from tui.actions.export import cite as citation

    with open_library(ctx) as library:
        echo(citation(library, refs, cast("CiteStyle", style), locator).value)


@click.command(name="import-bib")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--yes", "-y", is_flag=True, help="Overwrite differing fields without asking.")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of what happened per entry.")
@click.pass_context
@guarded
def import_bib(ctx: click.Context, file: str, yes: bool, as_json: bool) -> None:
    """Import a .bib file: new metadata-only articles, or metadata for known ones.

    Entries match articles by URL, DOI or citekey. Fields that differ from the library's
    are overwritten only after asking (or with --yes). Attach a file to a metadata-only
    article later with `folio add FILE --to REF`.
    """
    from tui.actions.bibimport import import_bib as import_entries

    with open_library(ctx) as library:
        outcome = import_entries(library, Path(file), lambda plans: _confirm_overwrites(plans, yes))
    done = outcome.value
    if as_json:
        emit_json([_outcome_json(o) for o in done.outcomes])
    else:
        for entry in done.outcomes:
            article = entry.article
            echo(
                f"{entry.status:<9} {article.id} [{article.citekey}] "
                f"{one_line(article.display_title, 60)}"
            )
        echo(done.summary(), err=True)
    finish(outcome)


def _confirm_overwrites(plans: list[ImportPlan], yes: bool) -> Mapping[str, bool]:
    """Which entries may overwrite fields that differ: all with --yes, else the user says,
    one article at a time; without a terminal to ask on, refuse before changing anything."""
    if yes:
        return {plan.record.key: True for plan in plans}
    if not sys.stdin.isatty():
        fail(
            f"{len(plans)} entr{'y' if len(plans) == 1 else 'ies'} would overwrite fields that "
            "differ (first: "
            f"{plans[0].record.key}: {', '.join(plans[0].conflicts)}); pass --yes to overwrite"
        )
    answers = {}
    for plan in plans:
        article = plan.article
        assert article is not None
        echo(f"{plan.record.key} matches {article.id} [{article.citekey}]:", err=True)
        for name in plan.conflicts:
            before, after = plan.conflict(name)
            echo(
                f"  {name}: {json.dumps(before, ensure_ascii=False)} → "
                f"{json.dumps(after, ensure_ascii=False)}",
                err=True,
            )
        answers[plan.record.key] = click.confirm("Overwrite these fields?", err=True)
    return answers


def _outcome_json(outcome: ImportOutcome) -> dict[str, Any]:
    article = outcome.article
    return {
        "key": outcome.key,
        "status": outcome.status,
        "id": article.id,
        "citekey": article.citekey,
        "title": article.title,
        "note": outcome.note,
    }


COMMANDS: list[click.Command] = [export, cite, import_bib]
