"""Where a quote comes from: the articles that share passages with one, finding the shared
passages after texts are stored, and scanning a library again from scratch.

Texts are scanned for shared passages when they are stored (every import, attach and
capture ends with `find_shared_passages`). What reads the links first lets the scan catch
up on texts stored by other means (another process, an import interrupted before its scan):
`related` always does, with progress; the other readers (`folio show`, `folio notes`, the
notebook) do when only a few texts wait (SMALL_BACKLOG), and otherwise say how many.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from library.store import Library
from tui.actions.results import Notice, Outcome

if TYPE_CHECKING:
    from library.articles import Article
    from library.passages import Discovery
    from library.related import Related

# (done, total) of the texts scanned.
ScanProgress = Callable[[int, int], object]
# Readers scan this many waiting texts themselves before answering; more, they say so.
SMALL_BACKLOG = 200
# Related articles named in an import's notice, per imported article.
NAMED_PER_ARTICLE = 3


@dataclass(frozen=True)
class Scan:
    """How many texts a scan read, and what it found for those sharing passages."""

    scanned: int
    found: list[Discovery]


@dataclass(frozen=True)
class RelatedArticles:
    """An article and the articles sharing passages with it, most shared first."""

    article: Article
    related: list[Related]


def related_articles(
    library: Library, ref: str, progress: ScanProgress | None = None
) -> Outcome[RelatedArticles]:
    """The articles sharing passages with article `ref` (id or citekey), most shared first,
    each with its share of `ref`'s text, its kind (republication, same source, quotes) and
    the passages; texts not scanned yet are scanned first."""
    from library.articles import get_article
    from library.related import related_articles as find_related

    article = get_article(library.conn, ref)
    scanned = find_shared_passages(library, progress)
    notices = []
    if scanned.value.scanned:
        notices.append(
            Notice(
                "passages-scanned",
                f"{scanned.value.scanned} article(s) scanned for shared passages first",
                level="note",
            )
        )
    return Outcome(RelatedArticles(article, find_related(library.conn, article)), notices)


def find_shared_passages(library: Library, progress: ScanProgress | None = None) -> Outcome[Scan]:
    """Scan every text waiting to be scanned (new, changed, or never scanned) for passages
    it shares with the library: how many were scanned, and what they share."""
    from library.passage_links import pending_count

    waiting = pending_count(library.conn)
    if not waiting:
        return Outcome(Scan(0, []))
    from library.passages import catch_up  # the scanning code, only when something waits

    return Outcome(Scan(waiting, catch_up(library.conn, progress)))


def passages_ready(library: Library) -> list[Notice]:
    """Let the scan catch up before links are read, when only a few texts wait; else the
    notice to show (the links found so far are read meanwhile)."""
    from library.passage_links import pending_count

    waiting = pending_count(library.conn)
    if not waiting:
        return []
    if waiting <= SMALL_BACKLOG:
        find_shared_passages(library)
        return []
    return [
        Notice(
            "passages-pending",
            f"{waiting} article(s) not scanned for shared passages yet: run "
            "`folio related --rebuild` (or any `folio related REF`) to scan them",
            level="note",
        )
    ]


def rescan_passages(library: Library, progress: ScanProgress | None = None) -> Outcome[int]:
    """Forget every shared passage found and scan the whole library again; returns how
    many articles were scanned."""
    from library.database import transaction
    from library.passage_links import pending_count
    from library.passages import catch_up, requeue_all

    with transaction(library.conn) as conn:
        requeue_all(conn)
    total = pending_count(library.conn)
    catch_up(library.conn, progress)
    return Outcome(total)


def discovery_notices(
    library: Library, discoveries: list[Discovery], names: Mapping[int, str]
) -> list[Notice]:
    """What scanning new texts found, for the user: "FILE: shares 12 passages with ID [key]
    (same source)", one line per related article (the first NAMED_PER_ARTICLE of each)."""
    from library.articles import article_by_pk

    notices = []
    for found in discoveries:
        name = names.get(found.article_pk) or article_by_pk(library.conn, found.article_pk).id
        ranked = sorted(found.shared.items(), key=lambda item: -len(item[1]))
        for other_pk, passages in ranked[:NAMED_PER_ARTICLE]:
            other = article_by_pk(library.conn, other_pk)
            count = len(passages)
            notices.append(
                Notice(
                    "shares-passages",
                    f"{name}: shares {count} passage{'s' if count != 1 else ''} with "
                    f"{other.id} [{other.citekey}] ({found.kinds[other_pk]})",
                    subject=name,
                    level="note",
                )
            )
        more = len(ranked) - NAMED_PER_ARTICLE
        if more > 0:
            notices.append(
                Notice(
                    "shares-passages",
                    f"{name}: shares passages with {more} more article(s) (see `folio related`)",
                    subject=name,
                    level="note",
                )
            )
    return notices
