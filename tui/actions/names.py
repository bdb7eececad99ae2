"""Names and their variants as user intents: alias sets (add, list, remove) and the
clusters of spellings a library uses (`folio names`, the Names screen). Textual-free."""

from __future__ import annotations

from collections.abc import Iterable

from library.aliases import (
    AliasChange,
    AliasSet,
    add_aliases,
    find_alias_set,
    list_alias_sets,
    remove_aliases,
)
from library.names import NameCluster, name_clusters
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
    """Every alias set of the library."""
    return Outcome(list_alias_sets(library.conn))


def alias_set_of(library: Library, text: str) -> AliasSet | None:
    """The alias set `text` is a member of, if any (to show before removing it)."""
    return find_alias_set(library.conn, text)


def remove_alias(library: Library, name: str, variants: Iterable[str]) -> Outcome[AliasChange]:
    """Take `variants` out of the set `name` is in, or remove the whole set when none are
    given (the caller asks first: a set is something the user wrote)."""
    chosen = list(variants)
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
