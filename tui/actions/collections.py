"""Collections and saved searches: named sets of articles and named queries, kept in the
library's database and usable wherever a selection is (export, notes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from library.store import Library
from tui.actions.exports import keeps_exports_current
from tui.actions.results import Notice, Outcome

if TYPE_CHECKING:
    import sqlite3

    from library.articles import Article
    from library.collections import CollectionInfo
    from library.saved_searches import SavedSearch


@dataclass(frozen=True)
class CollectionChange:
    """A collection after articles went in or out: how many moved, how many it holds."""

    name: str
    changed: int
    count: int


def _pks(library: Library, refs: Sequence[str]) -> list[int]:
    """The articles named by id or citekey (NotFound for an unknown one, nothing changed)."""
    from library.articles import get_article

    return [get_article(library.conn, ref).pk for ref in refs]


def _size(library: Library, name: str) -> tuple[str, int]:
    from library.collections import list_collections

    for found in list_collections(library.conn):
        if found.name.lower() == name.lower():
            return found.name, found.count
    return name, 0


@keeps_exports_current
def add_to_collection(
    library: Library, name: str, refs: Sequence[str]
) -> Outcome[CollectionChange]:
    """Put articles (ids or citekeys) in the collection `name`, creating it if needed."""
    from library.collections import add_articles, check_name

    return _change(library, check_name(name), refs, add_articles, "already-in-collection",
                   "{n} article(s) already in '{name}'")  # fmt: skip


@keeps_exports_current
def remove_from_collection(
    library: Library, name: str, refs: Sequence[str]
) -> Outcome[CollectionChange]:
    """Take articles out of the collection `name` (the articles stay in the library)."""
    from library.collections import remove_articles

    return _change(library, name, refs, remove_articles, "not-in-collection",
                   "{n} article(s) were not in '{name}'")  # fmt: skip


def _change(
    library: Library,
    name: str,
    refs: Sequence[str],
    change: Callable[[sqlite3.Connection, str, Sequence[int]], int],
    kind: str,
    unchanged: str,
) -> Outcome[CollectionChange]:
    """Apply `change` to the articles `refs` name (all found first, or nothing changes);
    a note says how many were left as they were."""
    pks = set(_pks(library, refs))
    with library.write() as conn:
        changed = change(conn, name, list(pks))
    shown, count = _size(library, name)
    notices = []
    if changed < len(pks):
        message = unchanged.format(n=len(pks) - changed, name=shown)
        notices.append(Notice(kind, message, subject=shown, level="note"))
    return Outcome(CollectionChange(shown, changed, count), notices)


@keeps_exports_current
def delete_collection(
    library: Library, name: str, confirm: Callable[[CollectionInfo], bool]
) -> Outcome[int]:
    """Delete the collection `name` once `confirm` agrees (its articles stay in the
    library); returns how many articles it held (0 when not confirmed)."""
    from library.collections import CollectionInfo, collection_article_ids
    from library.collections import delete_collection as delete

    members = collection_article_ids(library.conn, name)  # NotFound first
    shown = _size(library, name)[0]
    if not confirm(CollectionInfo(shown, len(members), tuple(members))):
        return Outcome(0)
    with library.write() as conn:
        return Outcome(delete(conn, name))


def list_collections(library: Library, with_ids: bool = False) -> Outcome[list[CollectionInfo]]:
    """Every collection with its size (and, `with_ids`, its articles' ids); none only when
    there are none, not when the table cannot be read."""
    from library.collections import list_collections as listed
    from library.damage import verified_listing

    found = listed(library.conn, with_ids)
    return Outcome(verified_listing(library.conn, library.root, "collections", found))


def collection_articles(library: Library, name: str) -> Outcome[list[Article]]:
    """The collection's articles (without their text), oldest member first."""
    from library.articles import articles_by_ids
    from library.collections import collection_article_ids
    from library.damage import verified_listing

    ids = collection_article_ids(library.conn, name)
    verified_listing(library.conn, library.root, "collection_articles", ids)
    found = articles_by_ids(library.conn, ids)
    return Outcome([found[article_id] for article_id in ids if article_id in found])


def collections_of_article(library: Library, ref: str) -> Outcome[list[str]]:
    """The names of the collections an article is in."""
    from library.articles import get_article
    from library.collections import collections_of

    article = get_article(library.conn, ref)
    return Outcome(collections_of(library.conn, [article.pk]).get(article.pk, []))


def save_search(library: Library, name: str, query: str) -> Outcome[SavedSearch]:
    """Keep `query` under `name` (checked first: a query that does not parse is refused);
    a saved search of that name gets the new query, with a note."""
    from library.saved_searches import save_search as save
    from library.search import validate_query

    validate_query(query)
    with library.write() as conn:
        replaced = save(conn, name, query)
    found = saved_search(library, name).value
    notices = [
        Notice("saved-search-replaced", f"saved search '{found.name}' now runs: {query}",
               subject=found.name, level="note")
    ] if replaced else []  # fmt: skip
    return Outcome(found, notices)


def saved_search(library: Library, name: str) -> Outcome[SavedSearch]:
    """The saved search `name`; NotFound otherwise."""
    from library.saved_searches import saved_search as find

    return Outcome(find(library.conn, name))


def list_saved_searches(library: Library) -> Outcome[list[SavedSearch]]:
    """Every saved search, by name (none only when the table is readable and empty)."""
    from library.damage import verified_listing
    from library.saved_searches import list_saved_searches as listed

    found = listed(library.conn)
    return Outcome(verified_listing(library.conn, library.root, "saved_searches", found))


def delete_saved_search(library: Library, name: str) -> Outcome[SavedSearch]:
    """Forget a saved search; what it was."""
    from library.saved_searches import delete_saved_search as delete

    with library.write() as conn:
        return Outcome(delete(conn, name))
