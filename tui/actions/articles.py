"""Articles: list them, show one, correct its metadata or citation key, remove some."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from library.articles import Article, ArticleRow, article_rows, get_article, iter_articles
from library.articles import count_articles as count_in_database
from library.damage import verified_listing, verify_empty
from library.store import Library
from tui.actions.exports import keeps_exports_current
from tui.actions.results import Outcome

if TYPE_CHECKING:
    from library.related import Related

ArticleSort = Literal["added", "date", "title"]


def count_articles(library: Library) -> Outcome[int]:
    """How many articles the library holds (none only if that is true, not unreadable)."""
    count = count_in_database(library.conn)
    if not count:
        verify_empty(library.conn, library.root, "articles")
    return Outcome(count)


def list_articles(library: Library, sort: ArticleSort = "added") -> Outcome[Iterator[Article]]:
    """Every article without its text, in `sort` order, one at a time (read it while the
    library is open: a big library is never all in memory)."""
    return Outcome(_verified(library, iter_articles(library.conn, sort)))


def _verified(library: Library, items: Iterator[Article]) -> Iterator[Article]:
    """`items`, and when there are none, a check that the articles table is empty rather
    than unreadable (DatabaseDamaged then)."""
    empty = True
    for item in items:
        empty = False
        yield item
    if empty:
        verify_empty(library.conn, library.root, "articles")


def table_rows(library: Library, limit: int = -1) -> Outcome[list[ArticleRow]]:
    """Every article (or the first `limit`), oldest first, as the rows of a table."""
    rows = article_rows(library.conn, limit)
    return Outcome(verified_listing(library.conn, library.root, "articles", rows))


@dataclass(frozen=True)
class ArticleDetails:
    """An article with its text, its own tags and how many notes it has."""

    article: Article
    tags: list[str]
    notes: int
    aliases: list[str]  # the article's old citation keys, still accepted as REF
    bib: dict[str, Any] | None  # the .bib record it was imported from (type, key, fields)
    related: list[Related] = field(default_factory=list)  # articles sharing passages with it


def show_article(library: Library, ref: str) -> Outcome[ArticleDetails]:
    """The article whose id or citekey is `ref`, with its tags, notes, old keys, .bib record
    and the articles sharing passages with it; NotFound otherwise."""
    from library.articles import aliases_by_article
    from library.bibrecords import record_summary
    from library.related import related_articles
    from notes.annotations import count_annotations
    from notes.tags import tags_of
    from tui.actions.related import passages_ready

    conn = library.conn
    article = get_article(conn, ref)
    tags = tags_of(conn, "article", article.pk)
    aliases = aliases_by_article(conn, [article.pk]).get(article.pk, [])
    notes = count_annotations(conn, article.pk)
    bib = record_summary(conn, article.pk)
    notices = passages_ready(library)
    related = related_articles(conn, article)
    return Outcome(ArticleDetails(article, tags, notes, aliases, bib, related), notices)


@dataclass(frozen=True)
class MetadataEdit:
    """An article after an edit, and the names of the fields given (with "citekey")."""

    article: Article
    changed: list[str]


@keeps_exports_current
def edit_metadata(
    library: Library,
    ref: str,
    typed: Mapping[str, object],
    citekey: str | None = None,
    *,
    base: Article | None = None,
) -> Outcome[MetadataEdit]:
    """Check metadata as typed (a text per field, a list of names for "authors"; "" clears a
    field) and save it, with a new citation key if given, in one transaction. A refused value
    raises InvalidValue whose `field` names the field (or "citekey"). Given `base` (the
    article as a form showed it), EditConflict when its metadata changed since."""
    from library.metadata import check_changes, save_metadata

    changes = check_changes(dict(typed))
    if not changes and citekey is None:
        return Outcome(MetadataEdit(get_article(library.conn, ref), []))
    article = save_metadata(library, ref, changes, citekey, base=base)
    return Outcome(MetadataEdit(article, [*changes, *(["citekey"] if citekey is not None else [])]))


def rename_citekey(library: Library, ref: str, citekey: str) -> Outcome[MetadataEdit]:
    """Give an article the citation key the user chose (it must be free)."""
    return edit_metadata(library, ref, {}, citekey)


@dataclass(frozen=True)
class MetadataDraft:
    """An article's metadata as TOML to edit, and the article as it was when shown."""

    article: Article
    toml: str


def metadata_draft(library: Library, ref: str) -> Outcome[MetadataDraft]:
    """The article's metadata as TOML (provenance in comments), to edit in a text editor."""
    from library.metadata import to_toml

    article = get_article(library.conn, ref)
    return Outcome(MetadataDraft(article, to_toml(article)))


@keeps_exports_current
def edit_metadata_from_toml(
    library: Library, draft: MetadataDraft, edited: str
) -> Outcome[MetadataEdit]:
    """Save what the user changed in the TOML of `draft`: EditConflict (nothing written)
    when the article's metadata changed elsewhere while the editor was open."""
    from library.metadata import changes_from_toml, save_metadata

    changes = changes_from_toml(draft.article, edited)
    if not changes:
        return Outcome(MetadataEdit(draft.article, []))
    saved = save_metadata(library, draft.article.id, changes, base=draft.article)
    return Outcome(MetadataEdit(saved, list(changes)))


@dataclass(frozen=True)
class Removal:
    """Articles about to be removed, and how many notes are on them."""

    articles: list[Article]
    notes: int


@keeps_exports_current
def remove_articles(
    library: Library, refs: Sequence[str], confirm: Callable[[Removal], bool]
) -> Outcome[int]:
    """Remove the articles named by id or citekey (and their notes) once `confirm` agrees;
    returns how many were removed (0 when it does not). Their original files stay in the
    library's files/ folder; tags nothing carries any more are forgotten."""
    from library.articles import delete_article
    from notes.annotations import count_annotations
    from notes.tags import drop_unused_tags

    conn = library.conn
    unique = {article.id: article for article in (get_article(conn, ref) for ref in refs)}
    chosen = list(unique.values())
    notes = sum(count_annotations(conn, article.pk) for article in chosen)
    if not confirm(Removal(chosen, notes)):
        return Outcome(0)
    with library.write() as conn:
        for article in chosen:
            delete_article(conn, article)
        drop_unused_tags(conn)
    from tui.actions.related import find_shared_passages

    find_shared_passages(library)  # takes the removed texts' fingerprints out
    return Outcome(len(chosen))
