"""`folio collection`, `folio collections`, `folio searches`: named sets of articles and
saved searches."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from library.textnorm import one_line
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
    from library.collections import CollectionInfo


@click.group(name="collection")
def collection_group() -> None:
    """Put articles in a collection, take them out, delete one, show one."""


@collection_group.command(name="add")
@click.argument("name")
@click.argument("refs", nargs=-1, required=True)
@click.pass_context
@guarded
def collection_add(ctx: click.Context, name: str, refs: tuple[str, ...]) -> None:
    """Put articles (REF: id or citekey) in collection NAME, creating it if needed."""
    from tui.actions.collections import add_to_collection

    with open_library(ctx) as library:
        outcome = add_to_collection(library, name, refs)
    change = outcome.value
    echo(f"{change.name}: {change.changed} added, {change.count} article(s) in it")
    finish(outcome)


@collection_group.command(name="rm")
@click.argument("name")
@click.argument("refs", nargs=-1)
@click.option("--yes", "-y", is_flag=True, help="Delete the whole collection without asking.")
@click.pass_context
@guarded
def collection_rm(ctx: click.Context, name: str, refs: tuple[str, ...], yes: bool) -> None:
    """Take articles out of collection NAME; without REF, delete the collection (asks
    first). The articles stay in the library."""
    from tui.actions.collections import delete_collection, remove_from_collection

    with open_library(ctx) as library:
        if refs:
            outcome = remove_from_collection(library, name, refs)
            change = outcome.value
            echo(f"{change.name}: {change.changed} removed, {change.count} article(s) in it")
            finish(outcome)
            return

        def confirm(found: CollectionInfo) -> bool:
            confirm_deletion(
                f"Delete collection '{found.name}' ({found.count} article(s); they stay in "
                "the library)?",
                yes,
            )
            return True

        deleted = delete_collection(library, name, confirm)
    echo(f"Deleted collection '{name}' ({deleted.value} article(s) were in it).")
    finish(deleted)


@collection_group.command(name="show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of the articles.")
@click.pass_context
@guarded
def collection_show(ctx: click.Context, name: str, as_json: bool) -> None:
    """The articles of collection NAME."""
    from tui.actions.collections import collection_articles

    with open_library(ctx) as library:
        found = collection_articles(library, name).value
    if as_json:
        emit_json([{"id": a.id, "citekey": a.citekey, "title": a.title} for a in found])
        return
    for article in found:
        echo(f"{article.id}  [{article.citekey}]  {one_line(article.display_title)}")


@click.command(name="collections")
@click.option("--json", "as_json", is_flag=True, help="A JSON list (with the articles' ids).")
@click.pass_context
@guarded
def collections_command(ctx: click.Context, as_json: bool) -> None:
    """Every collection and how many articles it holds."""
    from tui.actions.collections import list_collections

    with open_library(ctx) as library:
        found = list_collections(library, with_ids=as_json).value
    show_listing(
        found,
        as_json,
        empty="No collections (`folio collection add NAME REF…` makes one).",
        line=lambda item: f"{one_line(item.name)}  ({item.count} article(s))",
    )


@click.group(name="searches", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of saved searches.")
@click.pass_context
@guarded
def searches(ctx: click.Context, as_json: bool) -> None:
    """List saved searches (`folio search QUERY --save NAME` saves one)."""
    if ctx.invoked_subcommand is not None:
        return
    from tui.actions.collections import list_saved_searches

    with open_library(ctx) as library:
        found = list_saved_searches(library).value
    show_listing(
        found,
        as_json,
        empty="No saved searches (`folio search QUERY --save NAME` saves one).",
        line=lambda item: f"{one_line(item.name)}: {one_line(item.query)}",
    )


@searches.command(name="rm")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@guarded
def searches_rm(ctx: click.Context, name: str, yes: bool) -> None:
    """Forget saved search NAME (asks first)."""
    from tui.actions.collections import delete_saved_search, saved_search

    with open_library(ctx) as library:
        found = saved_search(library, name).value
        confirm_deletion(f"Forget saved search '{found.name}' ({found.query})?", yes)
        delete_saved_search(library, name)
    echo(f"Forgot saved search '{found.name}': {found.query}")


COMMANDS: list[click.Command] = [collection_group, collections_command, searches]
