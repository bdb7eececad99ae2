"""The `folio` command line: the group, the notebook launcher, and the commands by topic.

Each command parses its options, calls one action from tui/actions/ and renders the outcome:
results on stdout, notices on stderr. Imports stay inside commands: a command pays only for
what it uses (and never for Textual).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from tui.cli.common import fail


class FolioGroup(click.Group):
    """The `folio` group: click's own errors (a usage mistake, an unknown command) end in one
    line on stderr like every other error, not click's usage block."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; exits with the status (0, 1 for a failure, 2 for usage)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
            fail(exc.format_message() + where, exc.exit_code)
        except click.ClickException as exc:
            fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            fail("aborted", 1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(
    cls=FolioGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    if library_dir is not None and not library_dir.strip():
        fail("--library: the folder name is empty (leave the option out for the default)", 2)
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


def _register_commands() -> None:
    """Add the commands, one module per topic (`folio --help` lists them by name)."""
    from tui.cli import (
        articles,
        cite,
        citekeys,
        collections,
        exports,
        importing,
        maintenance,
        names,
        notes,
        related,
        search,
        watch,
    )

    for module in (
        maintenance, importing, articles, search, notes, related, cite, citekeys, collections,
        exports, watch, names,
    ):  # fmt: skip
        for command in module.COMMANDS:
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
