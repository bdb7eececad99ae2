"""What the TUI asks of the core: thin adapters over library/ and notes/, no Textual here.

Every function takes the open Library first and calls the same code the CLI commands call
(tui/cli.py, tui/cli_notes.py), so the TUI adds no rules of its own. Core modules are
imported inside the functions: screens that do not need notes or export do not load them.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from library.errors import FolioError
from library.store import Library
from notes.tags import NoteSummary


class Row(NamedTuple):
    """One article as the library table shows it (no text, authors still as stored JSON).

    A NamedTuple: building 100,000 of them costs a third of what frozen dataclasses do."""

    id: str
    citekey: str
    title: str
    authors_json: str
    date: str
    site: str
    added_at: str

    @property
    def authors(self) -> list[str]:
        """The author names."""
        return list(json.loads(self.authors_json or "[]"))


class Session:
    """The app's library, one lock around its connection: workers and the UI take turns."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.library = Library(root)
        self.lock = threading.RLock()

    @contextmanager
    def use(self) -> Iterator[Library]:
        """The library, for one short operation (reads, a search, a small write)."""
        with self.lock:
            yield self.library

    def close(self) -> None:
        """Close the library."""
        with self.lock:
            self.library.close()


# ---------------------------------------------------------------------------------------------
# Articles


def article_count(library: Library) -> int:
    """How many articles the library holds."""
    return int(library.conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def load_rows(library: Library, limit: int = -1) -> list[Row]:
    """Every article (or the first `limit`) as a table row, oldest first, without text."""
    cursor = library.conn.cursor()
    cursor.row_factory = None  # plain tuples: no sqlite3.Row wrapper per row
    cursor.execute(
        "SELECT id, citekey, coalesce(title, ''), authors, coalesce(date, ''),"
        " coalesce(site, ''), added_at FROM articles ORDER BY pk LIMIT ?",
        (limit,),
    )
    # 100,000 new tuples set off full garbage collections that hold the GIL (and so the
    # UI) for up to ~100 ms; tuples of strings make no cycles, so pause the collector.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return list(map(Row._make, cursor))
    finally:
        if collecting:
            gc.enable()


def get_article(library: Library, ref: str) -> Any:
    """The full article (with its text) by id or citekey."""
    from library.articles import get_article as core_get_article

    return core_get_article(library.conn, ref)


def update_article_metadata(
    library: Library, ref: str, raw: dict[str, object], citekey: str | None = None
) -> Any:
    """Check `raw` as `folio edit` does, then save it (and the citekey) as it does."""
    from library.metadata import check_changes, save_metadata

    return save_metadata(library, ref, check_changes(raw), citekey)


def search(library: Library, query: str, limit: int = 50) -> Any:
    """Ranked hits with snippets (library.search.search); QueryError for a bad query."""
    from library.search import search as core_search

    return core_search(library, query, limit=limit)


def search_with_notes(library: Library, query: str, limit: int = 50) -> tuple[Any, dict]:
    """Ranked hits (as `search`) and, by article id, the hits' notes that hold the query's
    words: search results include matching notes."""
    from notes.search import notes_matching

    result = search(library, query, limit)
    return result, notes_matching(library, [hit.id for hit in result.hits], result.words)


def prepare_index(library: Library) -> None:
    """Bring the index up to date with the database and open its searcher."""
    library.ensure_index()
    library.index.searcher()


def search_notes(library: Library, query: str, limit: int = 50) -> list[Any]:
    """Annotations matching `query`, best first (what `folio search --notes` lists)."""
    from notes.search import search_notes as core_search_notes

    return core_search_notes(library, query, limit=limit)


def match_words(library: Library, query: str, text: str) -> list[tuple[int, int]]:
    """Spans of `text` matching the query's words, as the search snippets highlight them."""
    from library.search import matched_spans

    return matched_spans(library, query, text)


def import_paths(
    root: Path,
    paths: list[str],
    progress: Callable[[str, int, int], None],
) -> tuple[list[Any], int]:
    """Import files/folders into the library at `root` as `folio add` does.

    Opens its own connection: a long import must not hold the app's lock. Returns the
    results (one per input) and the count of files skipped for their format.
    """
    from library.importing import collect_sources, import_sources

    sources, failures, skipped = collect_sources(paths)
    results = list(failures)
    with Library(root) as library:
        results.extend(
            import_sources(
                library,
                sources,
                lambda done, total: progress("Importing", done, total),
                lambda done, total: progress("Indexing", done, total),
            )
        )
    return results, skipped


# ---------------------------------------------------------------------------------------------
# Notes and tags (notes/annotations.py, notes/tags.py), called as tui/cli_notes.py calls them.


def list_annotations(
    library: Library, article_ref: str | None = None, tag: str | None = None
) -> list[Any]:
    """The annotations of an article (or with a tag, or all), in text order; re-anchors
    notes whose article text changed first, as the CLI does."""
    from notes.annotations import list_annotations as core_list
    from notes.reanchoring import reanchor_stale
    from notes.tags import annotation_pks_with_tag

    reanchor_stale(library)
    conn = library.conn
    article = get_article(library, article_ref) if article_ref else None
    chosen = annotation_pks_with_tag(conn, tag) if tag else None
    return core_list(conn, article, annotation_pks=chosen)


def add_annotation(
    library: Library, article_ref: str, start: int, end: int, note: str, tags: list[str]
) -> Any:
    """Annotate text[start:end] of an article."""
    from notes.annotations import add_annotation as core_add
    from notes.annotations import choose_passage
    from notes.tags import normalize_tags

    article = get_article(library, article_ref)
    passage = choose_passage(article, start=start, end=end)
    wanted = normalize_tags(tags)
    with library.write() as conn:
        return core_add(conn, article, passage, note.strip(), wanted)


def edit_annotation(library: Library, annotation_id: str, note: str, tags: list[str]) -> Any:
    """Change an annotation's note and set its tags to `tags`."""
    from notes.annotations import get_annotation, update_annotation
    from notes.tags import normalize_tags, set_tags

    current = get_annotation(library.conn, annotation_id)
    wanted = normalize_tags(tags)  # refused before anything changes
    with library.write() as conn:
        set_tags(conn, "annotation", current.pk, wanted)
        # update_annotation queues the article for the index (which reads the tags too).
        return update_annotation(conn, current, note=note)


def delete_annotation(library: Library, annotation_id: str) -> None:
    """Delete an annotation."""
    from notes.annotations import delete_annotation as core_delete
    from notes.annotations import get_annotation

    current = get_annotation(library.conn, annotation_id)
    with library.write() as conn:
        core_delete(conn, current)


def tag_counts(library: Library) -> list[tuple[str, int]]:
    """Every tag with how many articles and annotations carry it (itself, not children)."""
    from notes.tags import tag_counts as core_counts

    return [(count.name, count.articles + count.annotations) for count in core_counts(library.conn)]


def article_ids_with_tag(library: Library, tag: str) -> list[str]:
    """Ids of the articles carrying `tag` (or a tag under it), on themselves or a note."""
    from notes.tags import article_ids_with_tag as core_ids

    return list(core_ids(library.conn, tag))


def note_summaries(library: Library) -> dict[str, NoteSummary]:
    """Per article id: note count and tags (notes.tags.note_summaries)."""
    from notes.tags import note_summaries as core_summaries

    return core_summaries(library.conn)


# ---------------------------------------------------------------------------------------------
# Export (library/export.py, library/bibmerge.py, notes/export.py), as `folio export` does.

EXPORT_FORMATS: dict[str, str] = {
    "biblatex": "BibLaTeX",
    "bibtex": "BibTeX",
    "csl-json": "CSL-JSON",
    "markdown": "Markdown notes",
}


@dataclass
class ExportSelection:
    """Which articles to export: given ids, every match of a query, a tag, or everything."""

    ids: tuple[str, ...] = ()
    query: str | None = None
    tag: str | None = None
    everything: bool = False


@dataclass
class Prepared:
    """An export ready to write: its text, bib entries (for merging) and a description."""

    text: str
    fmt: str
    entries: list[Any]
    what: str
    exported: Any = None  # library.export.Exported, for merging
    root: Path | None = None  # the library the entries came from


def prepare_export(library: Library, selection: ExportSelection, fmt: str) -> Prepared:
    """Render the selected articles (or their notes, for Markdown) in `fmt`."""
    from library.export import export_articles, select_articles

    articles = select_articles(
        library,
        refs=selection.ids,
        query=selection.query,
        tag=selection.tag,
        everything=selection.everything,
        tagged=lambda conn, tag: article_ids_with_tag(library, tag),
    )
    if fmt == "markdown":
        from notes.annotations import annotations_of_articles
        from notes.export import notes_markdown
        from notes.reanchoring import reanchor_stale

        reanchor_stale(library)
        found = annotations_of_articles(library.conn, [article.id for article in articles])
        return Prepared(notes_markdown(found), fmt, [], f"{len(found)} note(s)")
    from library.bibkept import load_kept

    exported = export_articles(articles, fmt, load_kept(library.conn, articles))
    what = f"{len(articles)} article(s)"
    return Prepared(exported.text, fmt, exported.entries, what, exported, library.root)


def write_export(path: Path, prepared: Prepared, merge: bool) -> str:
    """Write an export to `path` as `folio export -o` does: merged into an existing .bib when
    asked, else replacing it (the old file kept as FILE.bak); a summary line."""
    from library.atomic import write_atomically

    if path.is_dir():
        raise FolioError(f"{path}: is a folder")
    exists = path.exists()
    if merge and exists and (not prepared.entries or prepared.root is None):
        raise FolioError("only BibLaTeX and BibTeX exports can be merged into a .bib")
    if prepared.entries and prepared.root is not None:
        from library.bibwrite import backups_wanted
        from tui.actions.bib import write_bib_export

        # Its own connection: this runs in a worker thread (as import_paths does).
        with Library(prepared.root) as library:
            outcome = write_bib_export(
                library, path, prepared.exported, merge=merge, backups=backups_wanted(None)
            )
        notes = [notice.message for notice in outcome.warnings]
        return "\n".join([outcome.value.summary(), *notes])
    backup = write_atomically(path, prepared.text.encode("utf-8"), backup=exists)
    return f"Wrote {prepared.what} to {path}" + (f" (backup: {backup})" if backup else "")
