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

# Each command's module (its COMMANDS list defines it): a command's module, and what it
# imports, is loaded only when that command runs (or `--help` lists them all). A fresh
# `folio search` imports tui.cli.search alone. tests/test_import_hygiene.py checks this map.
COMMAND_MODULES = {
    "init": "maintenance", "check": "maintenance", "reindex": "maintenance",
    "add": "importing",
    "list": "articles", "show": "articles", "edit": "articles", "rm": "articles",
    "search": "search",
    "note": "notes", "notes": "notes", "note-edit": "notes", "note-rm": "notes", "tag": "notes",
    "tags": "notes", "tag-rename": "notes", "import-notes": "notes", "quote": "notes",
    "export": "cite", "cite": "cite", "import-bib": "cite",
    "rekey": "citekeys", "config": "citekeys",
    "collection": "collections", "collections": "collections", "searches": "collections",
    "exports": "exports",
    "watch": "watch",
    "alias": "names", "names": "names",
    "related": "related",
}  # fmt: skip


class FolioGroup(click.Group):
    """The `folio` group: click's own errors (a usage mistake, an unknown command) end in one
    line on stderr like every other error, not click's usage block. Commands are loaded from
    their modules when asked for (COMMAND_MODULES)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, sorted (as click lists them)."""
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, its module imported on first use."""
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            import importlib

            module = importlib.import_module(f"tui.cli.{COMMAND_MODULES[cmd_name]}")
            for command in module.COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, cmd_name)

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


def main() -> None:
    """Console entry point."""
    if os.environ.get("FOLIO_DEBUG"):
        cli()
        return
    try:
        cli()
    except Exception as exc:
        fail(f"internal error: {type(exc).__name__}: {exc} (set FOLIO_DEBUG=1 for details)")
