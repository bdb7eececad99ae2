"""Reading annotations from an open library, with their anchors up to date.

Every read here goes through `anchored_connection`, the one place notes are re-anchored
lazily: an article's text may have changed since its notes were placed (a re-import by an
older Folio, notes restored from another library, an import interrupted before it
re-anchored). Re-anchoring after an import that changed a text is the import's own job.
"""

from __future__ import annotations

import sqlite3

from library.articles import get_article
from library.store import Library
from notes.annotations import Annotation, annotations_of_articles, get_annotation, list_annotations
from notes.reanchoring import reanchor_stale
from notes.tags import annotation_pks_with_tag


def anchored_connection(library: Library) -> sqlite3.Connection:
    """The library's connection, once every annotation sits on its article's current text
    (one query when none needs moving)."""
    reanchor_stale(library)
    return library.conn


def read_annotations(
    library: Library,
    article_ref: str | None = None,
    *,
    tag: str | None = None,
    orphans_only: bool = False,
    collection: str | None = None,
) -> list[Annotation]:
    """Annotations in text order: all, one article's (id or citekey), those with `tag` (or a
    tag under it), those on a collection's articles, or only the orphans (filters combine)."""
    conn = anchored_connection(library)
    article = get_article(conn, article_ref) if article_ref else None
    chosen = annotation_pks_with_tag(conn, tag) if tag else None
    if collection is not None:
        from library.collections import collection_article_ids

        ids = collection_article_ids(conn, collection)
        in_collection = {note.pk for note in annotations_of_articles(conn, ids)}
        chosen = in_collection if chosen is None else chosen & in_collection
    return list_annotations(conn, article, annotation_pks=chosen, orphans_only=orphans_only)


def read_annotation(library: Library, annotation_id: str) -> Annotation:
    """One annotation by id; NotFound otherwise."""
    return get_annotation(anchored_connection(library), annotation_id)


def read_annotations_of_articles(library: Library, article_ids: list[str]) -> list[Annotation]:
    """The annotations of these articles, in text order."""
    return annotations_of_articles(anchored_connection(library), article_ids)
