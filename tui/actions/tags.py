"""Tags on articles and annotations: add, remove, set, rename, list, find by tag.

Changing tags queues the article for the index inside notes.tags itself (tags are
searchable), so no caller has to remember it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from library.store import Library
from tui.actions.exports import keeps_exports_current
from tui.actions.results import Outcome

if TYPE_CHECKING:
    import sqlite3

    from notes.changes import Owner
    from notes.tags import TagCount


@dataclass(frozen=True)
class TagChange:
    """Tags changed on one article or annotation: how many, and its tags now."""

    target: str  # "article ab12cd [key]" or "annotation n123456"
    changed: int
    tags: list[str]


@keeps_exports_current
def add_tags(library: Library, target: str, tags: Sequence[str]) -> Outcome[TagChange]:
    """Tag an article (id or citekey) or an annotation (id) with `tags`."""
    from notes.tags import link_tags

    return _change(library, target, tags, link_tags)


@keeps_exports_current
def remove_tags(library: Library, target: str, tags: Sequence[str]) -> Outcome[TagChange]:
    """Take `tags` off an article (id or citekey) or an annotation (id)."""
    from notes.tags import unlink_tags

    return _change(library, target, tags, unlink_tags)


@keeps_exports_current
def set_tags(
    library: Library, target: str, tags: Sequence[str], *, expected: Sequence[str] | None = None
) -> Outcome[TagChange]:
    """Make an article's or annotation's tags exactly `tags`. Given `expected` (the tags a
    dialog started from), a compare-and-set: when the tags are no longer those (a `folio tag`
    command or another window changed them meanwhile), EditConflict carrying the tags as
    they are now, and nothing is written."""
    from notes.tags import set_tags as set_exactly

    return _change(library, target, tags, set_exactly, expected)


def _change(
    library: Library,
    target: str,
    tags: Sequence[str],
    change: Callable[[sqlite3.Connection, Owner, int, Iterable[str]], int],
    expected: Sequence[str] | None = None,
) -> Outcome[TagChange]:
    from notes.tags import normalize_tags, tags_of

    wanted = normalize_tags(tags)  # refused before anything changes
    owner, pk, label = _target(library.conn, target)
    with library.write() as conn:
        if expected is not None:
            _unchanged_since(conn, owner, pk, label, normalize_tags(expected), wanted)
        count = change(conn, owner, pk, wanted)
    return Outcome(TagChange(label, count, tags_of(library.conn, owner, pk)))


def _unchanged_since(
    conn: sqlite3.Connection,
    owner: Owner,
    pk: int,
    label: str,
    expected: list[str],
    wanted: list[str],
) -> None:
    """Raise EditConflict when the tags stored now are not `expected` (letter case aside)."""
    from library.errors import EditConflict
    from notes.tags import tag_key, tags_of

    now = tags_of(conn, owner, pk)
    if {tag_key(tag) for tag in now} != {tag_key(tag) for tag in expected}:
        raise EditConflict(f"the tags of {label}", TagChange(label, 0, now), {"tags": wanted})


def _target(conn: sqlite3.Connection, target: str) -> tuple[Owner, int, str]:
    """(owner kind, row pk, label) for an annotation id or an article id/citekey."""
    from library.articles import get_article
    from notes.annotations import get_annotation, looks_like_annotation_id

    if looks_like_annotation_id(target):
        annotation = get_annotation(conn, target)
        return "annotation", annotation.pk, f"annotation {annotation.id}"
    article = get_article(conn, target)
    return "article", article.pk, f"article {article.id} [{article.citekey}]"


@keeps_exports_current
def rename_tag(library: Library, old: str, new: str) -> Outcome[int]:
    """Rename tag `old` and the tags under it to `new`, merging into `new` if it exists;
    returns how many tags were renamed."""
    from notes.tags import rename_tag as rename

    with library.write() as conn:
        return Outcome(rename(conn, old, new))


def list_tags(library: Library) -> Outcome[list[TagCount]]:
    """Every tag in use, sorted, with how many articles and annotations carry it."""
    from library.damage import verified_listing
    from notes.tags import tag_counts

    return Outcome(verified_listing(library.conn, library.root, "tags", tag_counts(library.conn)))


def articles_with_tag(library: Library, tag: str) -> Outcome[list[str]]:
    """Ids of the articles carrying `tag` (or a tag under it), themselves or on a note."""
    from notes.tags import article_ids_with_tag

    return Outcome(article_ids_with_tag(library.conn, tag))
