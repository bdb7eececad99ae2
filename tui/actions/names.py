"""Names and their variants as user intents: alias sets (add, list, remove) and the
clusters of spellings a library uses (`folio names`, the Names screen). Textual-free."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from library.search import SearchResult
    from notes.search import NoteHit


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


def search_articles(
    library: Library, query: str, limit: int = 50, exact: bool = False
) -> Outcome[tuple[SearchResult, dict[str, list[NoteHit]]]]:
    """Ranked hits (spelling variants and aliases included unless `exact`, each hit saying
    what matched) and, by article id, the hits' notes that hold the query's words."""
    from library.search import search
    from notes.search import notes_matching

    result = search(library, query, limit=limit, exact=exact)
    notes = notes_matching(library, [hit.id for hit in result.hits], result.words)
    return Outcome((result, notes))


def search_annotations(
    library: Library, query: str, limit: int = 50, exact: bool = False
) -> Outcome[list[NoteHit]]:
    """Annotations matching `query`, best first (`folio search --notes [--exact]`)."""
    from notes.search import search_notes

    return Outcome(search_notes(library, query, limit=limit, exact=exact))
