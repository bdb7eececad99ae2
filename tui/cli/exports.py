"""`folio exports`: the exports kept current (`folio export … --keep-updated`)."""

from __future__ import annotations

from pathlib import Path

import click

from tui.cli.common import echo, echo_notices, emit_json, finish, guarded, open_library


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
    from tui.actions.export import Selection
    from tui.actions.exports import list_kept_exports

    with open_library(ctx) as library:
        kept = list_kept_exports(library).value
    if as_json:
        emit_json([item.to_json() for item in kept])
        return
    if not kept:
        echo("No exports are kept current (`folio export … -o FILE --keep-updated`).",
             err=True)  # fmt: skip
    for item in kept:
        selection = Selection.from_json(item.selection).describe()
        when = (item.refreshed_at or "never")[:19].replace("T", " ")
        echo(f"{item.path}  {item.fmt}  {selection}  (written {when})")
        if item.last_error:
            echo(f"    last problem: {item.last_error}")


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
