"""`folio exports`: the exports kept current (`folio export … --keep-updated`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tui.cli.common import (
    echo,
    echo_notices,
    finish,
    guarded,
    open_library,
    show_listing,
)

if TYPE_CHECKING:
    from library.kept_exports import KeptExport


@click.group(name="exports", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of the registrations.")
@click.pass_context
@guarded
def exports(ctx: click.Context, as_json: bool) -> None:
    """List the exports kept current (`folio export … -o FILE --keep-updated`).

    \b
    folio exports                 # each file, its selection and format, last written
    folio exports rm FILE         # stop keeping FILE current (the file stays)
    folio exports refresh         # rewrite them all now
    """
    if ctx.invoked_subcommand is not None:
        return
    from tui.actions.exports import list_kept_exports

    with open_library(ctx) as library:
        kept = list_kept_exports(library).value
    show_listing(
        kept,
        as_json,
        empty="No exports are kept current (`folio export … -o FILE --keep-updated`).",
        line=_kept_line,
    )


def _kept_line(item: KeptExport) -> str:
    """A kept export: its file, format, selection and when it was last written (and its last
    problem, on a line of its own)."""
    from tui.actions.export import Selection

    selection = Selection.from_json(item.selection).describe()
    when = (item.refreshed_at or "never")[:19].replace("T", " ")
    problem = f"\n    last problem: {item.last_error}" if item.last_error else ""
    return f"{item.path}  {item.fmt}  {selection}  (written {when}){problem}"


@exports.command(name="rm")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
@guarded
def exports_rm(ctx: click.Context, file: str) -> None:
    """Stop keeping FILE current; the file itself is left as it is."""
    from tui.actions.exports import stop_kept_export

    with open_library(ctx) as library:
        stopped = stop_kept_export(library, Path(file)).value
    echo(f"Stopped keeping {stopped.path} current.")


@exports.command(name="refresh")
@click.pass_context
@guarded
def exports_refresh(ctx: click.Context) -> None:
    """Rewrite every export kept current now (after fixing a folder, say)."""
    from tui.actions.exports import refresh_kept_exports

    with open_library(ctx) as library:
        outcome = refresh_kept_exports(library, everything=True)
    for item in outcome.value:
        if item.written:
            echo(item.summary)
    echo_notices([notice for notice in outcome.warnings if notice.kind != "export-kept-current"])
    finish(outcome)


COMMANDS: list[click.Command] = [exports]
