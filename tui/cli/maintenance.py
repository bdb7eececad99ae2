"""`folio` commands that look after the library: init, check, reindex."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from tui.cli.common import Progress, echo, echo_notices, emit_json, finish, guarded, open_library

if TYPE_CHECKING:
    from library.check import CheckReport


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.pass_context
@guarded
def init(ctx: click.Context, directory: str | None) -> None:
    """Create a library folder (the default one, or DIRECTORY)."""
    from tui.actions.maintenance import init_library

    with open_library(ctx, directory) as library:
        root = init_library(library).value
    echo(f"Library ready at {root}")


@click.command()
@click.pass_context
@guarded
def reindex(ctx: click.Context) -> None:
    """Rebuild the search index from the database."""
    from tui.actions.maintenance import reindex as rebuild

    with open_library(ctx) as library:
        count = rebuild(library).value
    echo(f"Indexed {count} article(s).")


@click.command()
@click.option("--repair", is_flag=True, help="Fix what can be fixed.")
@click.option(
    "--recover",
    is_flag=True,
    help="Copy what a damaged database still holds into a new one (the old one is kept).",
)
@click.option("--json", "as_json", is_flag=True, help="The report as JSON.")
@click.pass_context
@guarded
def check(ctx: click.Context, repair: bool, recover: bool, as_json: bool) -> None:
    """Check that the database, files and index agree.

    Exit status 1 when something is wrong; --repair brings the index back in step and
    removes what interrupted commands left; --recover rescues a damaged database.
    """
    from tui.actions.maintenance import check as check_library

    if recover:
        _recover(ctx)
        return

    progress = Progress(not as_json and sys.stderr.isatty())
    with open_library(ctx) as library:
        try:
            outcome = check_library(
                library,
                repair=repair,
                progress=lambda done, total: progress.reach("Finding shared passages", done, total),
            )
        finally:
            progress.close()
    result = outcome.value
    if as_json:
        data = result.after.to_json()
        if repair:
            data["repaired"] = result.found.to_json()
        emit_json(data)
    else:
        _print_check(result.found, "Found" if repair else "")
        if result.repaired:
            echo("After repair: " + ("clean." if result.after.clean else "problems remain:"))
            if not result.after.clean:
                _print_check(result.after, "")
    echo_notices(outcome.warnings)
    if not result.after.clean:
        sys.exit(1)


def _recover(ctx: click.Context) -> None:
    """`check --recover`: works on the folder, since a damaged database does not open."""
    from library.location import resolve_library_dir
    from tui.actions.maintenance import recover

    outcome = recover(resolve_library_dir(ctx.obj["library"]))
    if outcome.value is None:
        echo("The library database is not damaged; nothing to recover.")
        return
    echo(outcome.value.summary())
    echo("Search index rebuilt. Check it with `folio check`.")
    finish(outcome)


def _print_check(report: CheckReport, prefix: str) -> None:
    if report.passages_pending:
        echo(
            f"{prefix + ' ' if prefix else ''}{report.passages_pending} article(s) waiting to be "
            "scanned for shared passages (folio check --repair scans them)"
        )
    if report.clean:
        echo("Library is clean.")
        return
    lines = []
    if report.damaged:
        lines.append(
            f"database: {report.database} (`folio check --recover` copies what is still "
            "readable into a new database and keeps the damaged one)"
        )
    elif report.database != "ok":
        lines.append(f"database: {report.database}")
    if report.index != "ok":
        lines.append(f"index: {report.index} (folio check --repair or folio reindex rebuilds it)")
    items: int | list[str]
    for label, items in (
        ("waiting to be indexed", report.pending),
        ("missing from the index", report.missing),
        ("stale in the index", report.stale),
        ("in the index but not the library", report.orphans),
        ("dead index writer files", report.dead_files),
        ("articles whose original file is missing (add the file again)", report.missing_files),
        ("left by interrupted Folio processes", report.leftovers),
        ("notes to re-anchor on changed article text", report.unanchored),
    ):
        count = items if isinstance(items, int) else len(items)
        if count:
            sample = "" if isinstance(items, int) else ": " + ", ".join(items[:8])
            lines.append(f"{count} {label}{sample}{' …' if count > 8 else ''}")
    for line in lines:
        echo(f"{prefix + ' ' if prefix else ''}{line}")


COMMANDS: list[click.Command] = [init, check, reindex]
