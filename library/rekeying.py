"""Regenerating citation keys on request (`folio rekey`): keys are pinned otherwise. The old
key stays with the article as an alias, so papers that cite it still resolve."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from library.articles import Article, rename_citekey
from library.citekeys import base_citekey, key_source, unique_citekey
from library.keyfunctions import KeySource


@dataclass(frozen=True)
class Rekey:
    """One article's key before and after, and the guessed fields the key had to leave out."""

    article: Article
    old: str
    new: str
    left_out: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the key changes."""
        return self.old != self.new


def article_key_source(article: Article) -> KeySource:
    """What a key for this article may use: its metadata today, without guessed values."""
    return key_source(article.metadata(), article.origins)


def _owners(conn: sqlite3.Connection) -> dict[str, int]:
    """Every key and old key in the library (lowercased: keys compare case-insensitively),
    with the pk of the article it belongs to; one query for the whole library."""
    rows = conn.execute(
        "SELECT citekey, pk FROM articles UNION ALL SELECT alias, article_pk FROM citekey_aliases"
    )
    return {key.lower(): pk for key, pk in rows}


def plan_rekeys(conn: sqlite3.Connection, articles: Iterable[Article], formula: str) -> list[Rekey]:
    """The key each article would get from `formula` now. An article keeps a key that is
    already its own (so `smith2020a` stays when `smith2020` belongs to another article); a
    key another article has, or had, is never reused."""
    owners = _owners(conn)
    plan = []
    seen: set[int] = set()
    for article in articles:
        if article.pk in seen:
            continue
        seen.add(article.pk)
        source = article_key_source(article)

        def taken(key: str, pk: int = article.pk) -> bool:
            owner = owners.get(key.lower())
            return owner is not None and owner != pk

        new = unique_citekey(base_citekey(source, formula), taken)
        owners[new.lower()] = article.pk
        plan.append(Rekey(article, article.citekey, new, source.left_out))
    return plan


def apply_rekeys(conn: sqlite3.Connection, plan: list[Rekey]) -> None:
    """Give each article in the plan its new key (inside the caller's transaction)."""
    for rekey in plan:
        if rekey.changed:
            rename_citekey(conn, rekey.article, rekey.new)
