"""Names and their variants as user intents: alias sets (add, list, remove) and the
clusters of spellings a library uses (`folio names`, the Names screen). Textual-free."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from library.aliases import (
    AliasChange,
    AliasSet,
    add_aliases,
    find_alias_set,
    list_alias_sets,
    remove_aliases,
)
from library.errors import NotFound
from library.name_clusters import NameCluster, name_clusters
from library.store import Library
from tui.actions.results import Notice, Outcome


def add_alias(library: Library, name: str, variants: Iterable[str]) -> Outcome[AliasChange]:
    """Make `variants` aliases of `name` (a new set, or the set `name` is already in). A
    search for any member then finds them all; nothing is reindexed."""
    with library.write() as conn:
        change = add_aliases(conn, name, variants)
    notices = [
        Notice("alias-present", f"{v!r} was already in this set", subject=v, level="note")
        for v in change.unchanged
    ]
    return Outcome(change, notices)


def list_aliases(library: Library) -> Outcome[list[AliasSet]]:
    """Every alias set of the library; none only when there are none, not when the table
    cannot be read."""
    from library.damage import verified_listing

    found = list_alias_sets(library.conn)
    return Outcome(verified_listing(library.conn, library.root, "alias_members", found))


def remove_alias(
    library: Library,
    name: str,
    variants: Iterable[str],
    confirm: Callable[[AliasSet], bool],
) -> Outcome[AliasChange]:
    """Take `variants` out of the set `name` is in, or, when none are given, remove the
    whole set once `confirm` agrees (a set is something the user wrote); NotFound when no
    set has `name`. Not confirmed, nothing changes (the change names the set, removes none)."""
    chosen = list(variants)
    if not chosen:
        whole = find_alias_set(library.conn, name)
        if whole is None:
            raise NotFound(f"no alias set has {name!r} (see `folio alias list`)")
        if not confirm(whole):
            return Outcome(AliasChange(whole))
    with library.write() as conn:
        change = remove_aliases(conn, name, chosen)
    notices = []
    if chosen and change.set is None:
        notices.append(
            Notice(
                "alias-set-removed",
                "the set had one spelling left, so it was removed",
                subject=name,
                level="note",
            )
        )
    return Outcome(change, notices)


def find_names(library: Library, min_count: int = 1) -> Outcome[list[NameCluster]]:
    """The names the library spells in more than one way, most useful first."""
    return Outcome(name_clusters(library, min_count))
