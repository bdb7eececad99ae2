"""Searching the library: articles (with their notes that match) and notes themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from library.store import Library
from tui.actions.results import Outcome

if TYPE_CHECKING:
    from library.search import Hit
    from notes.search import NoteHit

SearchSort = Literal["score", "date"]


@dataclass
class ArticleSearch:
    """Ranked articles, a corrected query when nothing matched, and (when asked for) the
    hits' notes that hold the query's words, by article id."""

    hits: list[Hit]
    suggestion: str | None = None
    notes: dict[str, list[NoteHit]] = field(default_factory=dict)


def search_articles(
    library: Library,
    query: str,
    *,
    limit: int = 10,
    sort: SearchSort = "score",
    with_notes: bool = False,
    exact: bool = False,
) -> Outcome[ArticleSearch]:
    """Articles matching `query`, best first (or newest first), with snippets; QueryError
    for a query that does not parse. Unless `exact`, a word also finds the spellings of the
    same name the library uses and the members of its alias sets (each hit's `matched`
    says which)."""
    from library.search import search

    result = search(library, query, limit=limit, sort=sort, exact=exact)
    found = ArticleSearch(result.hits, result.suggestion)
    if with_notes:
        from notes.search import notes_matching

        found.notes = notes_matching(library, [hit.id for hit in result.hits], result.words)
    return Outcome(found)


def search_notes(
    library: Library,
    query: str,
    *,
    limit: int = 10,
    sort: SearchSort = "score",
    exact: bool = False,
) -> Outcome[list[NoteHit]]:
    """Annotations whose passage, note or tags match `query`, best first or those on the
    newest articles first (spellings and aliases of its words too, unless `exact`)."""
    from notes.search import search_notes as find_notes

    return Outcome(find_notes(library, query, limit=limit, sort=sort, exact=exact))


def match_spans(
    library: Library, query: str, text: str, *, exact: bool = False
) -> Outcome[list[tuple[int, int]]]:
    """Where `query`'s words are in `text` (an article shown whole, matches marked)."""
    from library.search import matched_spans

    return Outcome(matched_spans(library, query, text, exact=exact))
