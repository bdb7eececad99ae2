"""`folio alias …` and `folio names`: alias sets of names, and the spelling variants a
library uses. The commands parse options and render tui/actions/names.py's outcomes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tui.cli.common import (
    confirm_deletion,
    echo,
    emit_json,
    finish,
    guarded,
    open_library,
    show_listing,
)

if TYPE_CHECKING:
    from library.aliases import AliasChange, AliasSet
    from library.name_clusters import NameCluster

_ARTICLES_SHOWN = 5  # citation keys listed under each spelling


def _quoted(text: str) -> str:
    """A member as a shell would need it typed (quoted when it has spaces)."""
    return f'"{text}"' if " " in text else text


def _set_line(alias_set: AliasSet) -> str:
    return f"{alias_set.name}: " + ", ".join(_quoted(m) for m in alias_set.members[1:])


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
    _print_change(outcome.value, as_json)
    finish(outcome)


@alias_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of sets.")
@click.pass_context
@guarded
def alias_list(ctx: click.Context, as_json: bool) -> None:
    """List the alias sets."""
    from tui.actions.names import list_aliases

    with open_library(ctx) as library:
        sets = list_aliases(library).value
    show_listing(
        sets,
        as_json,
        empty="No alias sets (folio alias add NAME VARIANT… makes one).",
        line=_set_line,
    )


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
    """Remove VARIANTS from NAME's set, or (without VARIANTS) the whole set (asks first)."""
    from tui.actions.names import remove_alias

    def confirm(alias_set: AliasSet) -> bool:
        confirm_deletion(f"Remove the alias set {_set_line(alias_set)}?", yes)
        return True

    with open_library(ctx) as library:
        outcome = remove_alias(library, name, variants, confirm)
    _print_change(outcome.value, as_json)
    finish(outcome)


def _print_change(change: AliasChange, as_json: bool) -> None:
    if as_json:
        emit_json(change.to_json())
    elif change.set is None:
        echo("Removed the alias set " + ", ".join(_quoted(m) for m in change.removed) + ".")
    else:
        echo(_set_line(change.set))


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
        echo("No names with more than one spelling.", err=True)
    for cluster in clusters:
        _print_cluster(cluster)


def _print_cluster(cluster: NameCluster) -> None:
    echo(" / ".join(f"{s.written} {s.count}" for s in cluster.spellings), one_line=True)
    for spelling in cluster.spellings:
        keys = ", ".join(key for _, key in spelling.articles[:_ARTICLES_SHOWN])
        more = f" +{spelling.count - _ARTICLES_SHOWN}" if spelling.count > _ARTICLES_SHOWN else ""
        echo(f"    {spelling.written}: {keys}{more}", one_line=True)
    echo("    folio alias add " + " ".join(_quoted(s.written) for s in cluster.spellings))


COMMANDS: list[click.Command] = [alias_group, names_command]
