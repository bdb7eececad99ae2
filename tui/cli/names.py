"""`folio alias …` and `folio names`: alias sets of names, and the spelling variants a
library uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from tui.cli.common import confirm_deletion, emit_json, guarded, open_library

if TYPE_CHECKING:
    from library.aliases import AliasChange, AliasSet
    from library.names import NameCluster
    from tui.actions.results import Outcome


def _quoted(text: str) -> str:
    return f'"{text}"' if " " in text else text


def _set_line(alias_set: AliasSet) -> str:
    return f"{alias_set.name}: " + ", ".join(_quoted(m) for m in alias_set.members[1:])


def _notices(outcome: Outcome[Any]) -> None:
    for notice in outcome.warnings:
        click.echo(f"folio: {notice.level}: {notice.message}", err=True)


@click.group(name="alias")
def alias_group() -> None:
    """Alias sets: spellings and names that a search treats as one.

    \b
    folio alias add ISKP "ISIS-K" IS-K "Islamic State Khorasan Province"
    A search for any member then finds them all (a member of several
    words as a phrase), and tag: queries resolve through them too.
    """


@alias_group.command(name="add")
@click.argument("name")
@click.argument("variants", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="The set as JSON.")
@click.pass_context
@guarded
def alias_add(ctx: click.Context, name: str, variants: tuple[str, ...], as_json: bool) -> None:
    """Make VARIANTS aliases of NAME (NAME may be a member of an existing set)."""
    from tui.actions.names import add_alias

    with open_library(ctx) as library:
        outcome = add_alias(library, name, variants)
    _notices(outcome)
    _print_change(outcome.value, as_json)


@alias_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of sets.")
@click.pass_context
@guarded
def alias_list(ctx: click.Context, as_json: bool) -> None:
    """List the alias sets."""
    from tui.actions.names import list_aliases

    with open_library(ctx) as library:
        sets = list_aliases(library).value
    if as_json:
        emit_json([alias_set.to_json() for alias_set in sets])
        return
    if not sets:
        click.echo("No alias sets (folio alias add NAME VARIANT… makes one).", err=True)
    for alias_set in sets:
        click.echo(_set_line(alias_set))


@alias_group.command(name="rm")
@click.argument("name")
@click.argument("variants", nargs=-1)
@click.option("--yes", "-y", is_flag=True, help="Remove a whole set without asking.")
@click.option("--json", "as_json", is_flag=True, help="What is left, as JSON.")
@click.pass_context
@guarded
def alias_rm(
    ctx: click.Context, name: str, variants: tuple[str, ...], yes: bool, as_json: bool
) -> None:
    """Remove VARIANTS from NAME's set, or (without VARIANTS) the whole set."""
    from library.errors import NotFound
    from tui.actions.names import alias_set_of, remove_alias

    with open_library(ctx) as library:
        if not variants:
            alias_set = alias_set_of(library, name)
            if alias_set is None:
                raise NotFound(f"no alias set has {name!r} (see `folio alias list`)")
            confirm_deletion(f"Remove the alias set {_set_line(alias_set)}?", yes)
        outcome = remove_alias(library, name, variants)
    _notices(outcome)
    _print_change(outcome.value, as_json)


def _print_change(change: AliasChange, as_json: bool) -> None:
    if as_json:
        emit_json(change.to_json())
    elif change.set is None:
        click.echo("Removed the alias set " + ", ".join(_quoted(m) for m in change.removed) + ".")
    else:
        click.echo(_set_line(change.set))


@click.command(name="names")
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Only spellings used in at least this many articles.",
)
@click.option("--limit", "-n", type=click.IntRange(min=1), help="Show at most this many names.")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of clusters.")
@click.pass_context
@guarded
def names_command(ctx: click.Context, min_count: int, limit: int | None, as_json: bool) -> None:
    """Names the library spells in more than one way (Masood 3 / Massoud 5 / Masud 1),
    most useful first, with the articles using each spelling.

    Searches find these spellings of a name anyway; the `folio alias add` line under each
    makes it an alias set, which also ranks every spelling as high as the one you typed.
    """
    from tui.actions.names import find_names

    with open_library(ctx) as library:
        clusters = find_names(library, min_count).value[:limit]
    if as_json:
        emit_json([cluster.to_json() for cluster in clusters])
        return
    if not clusters:
        click.echo("No names with more than one spelling.", err=True)
    for cluster in clusters:
        _print_cluster(cluster)


def _print_cluster(cluster: NameCluster) -> None:
    click.echo(" / ".join(f"{s.written} {s.count}" for s in cluster.spellings))
    for spelling in cluster.spellings:
        keys = ", ".join(key for _, key in spelling.articles[:5])
        more = f" +{spelling.count - 5}" if spelling.count > 5 else ""
        click.echo(f"    {spelling.written}: {keys}{more}")
    click.echo("    folio alias add " + " ".join(_quoted(s.written) for s in cluster.spellings))


COMMANDS = (alias_group, names_command)
