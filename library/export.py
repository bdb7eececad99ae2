"""Exporting a selection of articles as BibLaTeX, BibTeX or CSL-JSON text."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from library.articles import (
    Article,
    aliases_by_article,
    articles_by_ids,
    get_article,
    iter_articles,
)
from library.bibentries import (
    BibEntry,
    EncodingProblem,
    EntryExtras,
    article_entry,
    render_entries,
)
from library.citing import EXPORT_FORMATS
from library.errors import InvalidValue, NotFound
from library.store import Library


def select_articles(
    library: Library,
    refs: tuple[str, ...] = (),
    query: str | None = None,
    tag: str | None = None,
    everything: bool = False,
    tagged: Callable[[sqlite3.Connection, str], list[str]] | None = None,
    collection: str | None = None,
    saved: str | None = None,
) -> list[Article]:
    """The articles named by exactly one selector (REFs, a query, a tag, a collection, a
    saved search or all), in citekey order. An unknown REF or an empty selection is an
    error."""
    chosen = [bool(refs), query is not None, tag is not None, everything]
    chosen += [collection is not None, saved is not None]
    if sum(chosen) != 1:
        raise InvalidValue(
            "choose what to export: REF..., --query Q, --tag T, --collection NAME, "
            "--saved NAME or --all (one of)"
        )
    conn = library.conn
    if saved is not None:
        from library.saved_searches import saved_search

        query = saved_search(conn, saved).query
    if refs:
        found = [get_article(conn, ref) for ref in refs]
    elif everything:
        found = list(iter_articles(conn))
    elif query is not None:
        from library.search import match_documents

        matches = match_documents(library, query, limit=None)
        found = list(articles_by_ids(conn, [doc["id"] for doc, _ in matches.documents]).values())
    elif collection is not None:
        from library.collections import collection_article_ids

        found = list(articles_by_ids(conn, collection_article_ids(conn, collection)).values())
    else:
        assert tagged is not None and tag is not None
        found = list(articles_by_ids(conn, list(tagged(conn, tag))).values())
    unique = {article.id: article for article in found}
    if not unique:
        what = (
            f"saved search '{saved}'" if saved is not None
            else f"query '{query}'" if query is not None
            else f"collection '{collection}'" if collection is not None
            else f"tag '{tag}'" if tag else "library"
        )  # fmt: skip
        raise NotFound(f"nothing to export: the {what} selects no articles")
    return sorted(unique.values(), key=lambda article: article.citekey.lower())


@dataclass
class Exported:
    """The text of an export, the entries behind it and what the ASCII flavour lost."""

    text: str
    count: int
    entries: list[BibEntry] = field(default_factory=list)
    problems: list[EncodingProblem] = field(default_factory=list)
    pks: dict[str, int] = field(default_factory=dict)  # each entry's article, by key lowercased


def citation_extras(conn: sqlite3.Connection, articles: list[Article]) -> dict[int, EntryExtras]:
    """Each article's tags and old keys, by pk (a few queries for the whole selection)."""
    from library.index_documents import tags_by_owner

    pks = [article.pk for article in articles]
    tags = tags_by_owner(conn, "article_tags", "article_pk", pks)
    aliases = aliases_by_article(conn, pks)
    return {pk: EntryExtras(tuple(tags.get(pk, ())), tuple(aliases.get(pk, ()))) for pk in pks}


def export_articles(
    articles: list[Article], fmt: str, conn: sqlite3.Connection, ascii_only: bool = False
) -> Exported:
    """`articles` as the text of a .bib file (biblatex, bibtex) or a CSL-JSON list, with
    their tags (keywords) and old keys (biblatex `ids`) read through `conn`. Articles
    imported from a .bib are written from their whole record (library.bibkept).
    `ascii_only` writes BibLaTeX in ASCII with LaTeX commands (the bibtex flavour always is)."""
    from library.bibkept import kept_doi, kept_entry, link_crossrefs, load_kept

    if ascii_only and fmt != "biblatex":
        raise InvalidValue("--ascii is for the biblatex format (bibtex is always ASCII)")
    extras = citation_extras(conn, articles)
    kept = load_kept(conn, articles)
    if fmt == "csl-json":
        from library.csljson import csl_items

        items = csl_items(articles, extras)
        for article, item in zip(articles, items, strict=True):
            doi = kept_doi(article, kept)
            if doi and "DOI" not in item:
                item["DOI"] = doi  # a DOI from the record, apart from the URL
        return Exported(json.dumps(items, ensure_ascii=False, indent=2) + "\n", len(items))
    if fmt not in EXPORT_FORMATS:
        raise InvalidValue(f"unknown format '{fmt}' (choose from {', '.join(EXPORT_FORMATS)})")
    entries = [
        kept_entry(article_entry(a, fmt, extras[a.pk], ascii_only), a, kept, fmt) for a in articles
    ]
    entries = link_crossrefs(entries, {entry.key.lower() for entry in entries})
    problems = [problem for entry in entries for problem in entry.problems]
    pks = {article.citekey.lower(): article.pk for article in articles}
    return Exported(render_entries(entries), len(entries), entries, problems, pks)
