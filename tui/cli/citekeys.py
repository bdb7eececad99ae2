"""`folio` commands for citation keys: rekey, and the library's key formula (config)."""

from __future__ import annotations

import click

from tui.cli.common import echo, echo_notices, emit_json, fail, guarded, open_library


@click.command()
@click.argument("refs", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every article in the library.")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--format", "formula", metavar="FORMULA", help="Use this formula for this run only.")
@click.option("--json", "as_json", is_flag=True, help="A JSON list: id, old, new, changed.")
@click.pass_context
@guarded
def rekey(
    ctx: click.Context,
    refs: tuple[str, ...],
    everything: bool,
    dry_run: bool,
    formula: str | None,
    as_json: bool,
) -> None:
    """Regenerate citation keys from today's metadata: REF... or --all.

    Keys are pinned: only this command changes them. The old key stays as an alias that
    every command accepts and that BibLaTeX export writes as `ids`, so \\cite{old} in a
    paper still resolves.

    \b
    folio rekey dorsey2021afghanistan
    folio rekey --all --dry-run
    folio rekey --all --dry-run --format 'auth.lower + year'
    """
    from tui.actions.citekeys import rekey as rekey_action

    with open_library(ctx) as library:
        outcome = rekey_action(library, refs, everything, dry_run, formula)
    plan = outcome.value
    if as_json:
        emit_json(
            [{"id": r.article.id, "old": r.old, "new": r.new, "changed": r.changed} for r in plan]
        )
    else:
        for item in plan:
            if item.changed:
                echo(f"{item.article.id}  {item.old} → {item.new}")
        changed = sum(item.changed for item in plan)
        verb = "would change" if dry_run else "changed"
        kept = "" if dry_run or not changed else " (the old keys still resolve, as aliases)"
        echo(f"{changed} {verb}, {len(plan) - changed} unchanged{kept}", err=True)
    echo_notices(outcome.warnings)


@click.command()
@click.argument("name", required=False)
@click.argument("value", required=False)
@click.option("--reset", is_flag=True, help="Go back to the default value.")
@click.pass_context
@guarded
def config(ctx: click.Context, name: str | None, value: str | None, reset: bool) -> None:
    """Show or change library settings.

    \b
    folio config                                   # every setting
    folio config citekey-format                    # the key formula
    folio config citekey-format 'auth.lower + year'
    folio config citekey-format --reset            # Better BibTeX's default
    folio config crossref-url http://localhost:8080  # where `folio add doi:…` asks
    """
    from library.settings import SETTINGS
    from tui.actions.citekeys import citekey_format, set_citekey_format

    if name is not None and name not in SETTINGS:
        fail(f"unknown setting '{name}' (settings: {', '.join(SETTINGS)})", 2)
    if reset and name is None:
        fail("--reset needs the setting's name, e.g. folio config citekey-format --reset", 2)
    if reset and value is not None:
        fail("give a value or --reset, not both", 2)
    if name is not None and name != "citekey-format":
        _service_setting(ctx, name, value, reset)
        return
    with open_library(ctx) as library:
        if value is not None or reset:
            outcome = set_citekey_format(library, None if reset else value)
            echo(f"citekey-format = {outcome.value}")
            echo_notices(outcome.warnings)
            return
        formula, default = citekey_format(library).value
    if name is not None:
        echo(formula)
        return
    marker = "  (default)" if default else ""
    echo(f"citekey-format = {formula}{marker}    # {SETTINGS['citekey-format']}")
    for setting in SETTINGS:
        if setting != "citekey-format":
            _service_setting(ctx, setting, None, False, described=True)


def _service_setting(
    ctx: click.Context, name: str, value: str | None, reset: bool, described: bool = False
) -> None:
    """Show or set where look-ups go (crossref-url, arxiv-url, openlibrary-url)."""
    from library.settings import SETTINGS
    from tui.actions.capture import service_url, set_service_url

    with open_library(ctx) as library:
        if value is not None or reset:
            outcome = set_service_url(library, name, None if reset else value)
            echo(f"{name} = {outcome.value}")
            echo_notices(outcome.warnings)
            return
        url, default = service_url(library, name).value
    if described:
        marker = "  (default)" if default else ""
        echo(f"{name} = {url}{marker}    # {SETTINGS[name]}")
    else:
        echo(url)


COMMANDS: list[click.Command] = [rekey, config]
