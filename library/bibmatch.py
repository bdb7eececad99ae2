"""Which library article a .bib entry describes: same DOI, then same URL, then the same
title (fuzzy) with the same first author and year. A citation key alone never decides:
the same key on an article with another title is a conflict, not a match."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

if TYPE_CHECKING:
    from library.bibimport import BibRecord

DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_IN_URL = re.compile(r"doi\.org/(10\.\S+)$", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^a-z0-9]+")
TITLE_SIMILARITY = 90.0


def normal_doi(value: str) -> str | None:
    """A DOI without resolver prefix, lowercased (DOIs ignore case); None if it is not one."""
    value = value.strip()
    in_url = _DOI_IN_URL.search(value)
    doi = in_url.group(1) if in_url else DOI_PREFIX.sub("", value)
    doi = doi.replace("\\_", "_").strip().lower()
    return doi if doi.startswith("10.") and "/" in doi else None


def normal_url(url: str) -> str:
    """A URL compared loosely: no scheme, no `www.`, no trailing slash, host lowercased."""
    url = re.sub(r"^[a-z]+://", "", url.strip(), flags=re.IGNORECASE)
    host, _, rest = url.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}/{rest}".rstrip("/")


def fold(text: str) -> str:
    """Lowercase ASCII words separated by single spaces (accents and punctuation gone)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub(" ", ascii_text.lower()).strip()


def family(author: str) -> str:
    """The folded family name of an author written "First Last" or "Last, First"."""
    name = author.split(",", 1)[0] if "," in author else (author.split() or [""])[-1]
    return fold(name).replace(" ", "")


@dataclass
class Match:
    """The article an entry matched (by which rule), or a note on why none did."""

    pk: int | None
    how: str | None = None
    note: str | None = None


class Matcher:
    """The library's articles indexed for matching, read once per import."""

    def __init__(self, conn: sqlite3.Connection, known: dict[str, int] | None = None) -> None:
        # Entries of the file being imported that an earlier import or export saw, by key.
        self.known = known or {}
        self.by_doi: dict[str, int] = {}
        self.by_url: dict[str, int] = {}
        self.by_key: dict[str, int] = {}
        self.titles: dict[int, str] = {}
        self.by_print: dict[tuple[str, str], list[int]] = defaultdict(list)
        rows = conn.execute(
            "SELECT pk, citekey, title, subtitle, authors, date, url FROM articles ORDER BY pk"
        )
        for row in rows:
            pk = row["pk"]
            self.by_key.setdefault(row["citekey"].lower(), pk)
            if row["url"]:
                self.by_url.setdefault(normal_url(row["url"]), pk)
                doi = normal_doi(row["url"]) if "doi.org/" in row["url"] else None
                if doi:
                    self.by_doi.setdefault(doi, pk)
            authors = json.loads(row["authors"])
            self._add_print(pk, row["title"], row["subtitle"], authors, row["date"])
        for row in conn.execute("SELECT alias, article_pk FROM citekey_aliases"):
            self.by_key.setdefault(row["alias"].lower(), row["article_pk"])
        for row in conn.execute("SELECT doi, article_pk FROM bib_records WHERE doi IS NOT NULL"):
            self.by_doi[row["doi"].lower()] = row["article_pk"]

    def _add_print(
        self, pk: int, title: str | None, subtitle: str | None, authors: list[str], date: str | None
    ) -> None:
        folded = fold(" ".join(filter(None, [title, subtitle])))
        if not folded:
            return
        self.titles[pk] = folded
        first = family(authors[0]) if authors else ""
        self.by_print[((date or "")[:4], first)].append(pk)

    def _same_title(self, pk: int, title: str) -> bool:
        theirs = self.titles.get(pk, "")
        if not theirs or not title:
            return False
        # A subtitle on one side only: compare the shorter title with the other's start.
        shorter, longer = sorted((theirs, title), key=len)
        return fuzz.ratio(theirs, title) >= TITLE_SIMILARITY or (
            fuzz.ratio(shorter, longer[: len(shorter)]) >= TITLE_SIMILARITY and len(shorter) >= 20
        )

    def match(self, record: BibRecord) -> Match:
        """The article `record` describes, if the library has it."""
        promoted = record.record.promoted
        if record.key.lower() in self.known:
            return Match(self.known[record.key.lower()], "file")
        if record.doi and record.doi in self.by_doi:
            return Match(self.by_doi[record.doi], "doi")
        url = promoted.get("url")
        if url and normal_url(url) in self.by_url:
            return Match(self.by_url[normal_url(url)], "url")
        title = fold(" ".join(filter(None, [promoted.get("title"), promoted.get("subtitle")])))
        authors = promoted.get("authors") or []
        key = ((promoted.get("date") or "")[:4], family(authors[0]) if authors else "")
        if title and key[0]:
            for pk in self.by_print.get(key, []):
                if self._same_title(pk, title):
                    return Match(pk, "title")
        owner = self.by_key.get(record.key.lower())
        if owner is not None:
            if self._same_title(owner, title):
                return Match(owner, "key")
            return Match(
                None,
                note=f"{record.key}: the key belongs to an article with another title; "
                "nothing of it was changed",
            )
        return Match(None)
