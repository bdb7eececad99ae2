"""The one place the index's fields and text analysis are defined."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from whoosh.fields import Schema

    from library.analysis import FoldingWordAnalyzer

# Bump when the schema or analysis changes: a mismatching index is rebuilt from the database.
INDEX_SCHEMA_VERSION = 7  # 6, 7: Folio's posting layout (library.index_codec)

# A word: letters and digits; or a compound of them joined by dots, underscores or `@`
# (`importlib.machinery.BuiltinLoader`, `PerlIOBase_close`, `userfunc.c`, `U.S`, `3.11`,
# `joe@example.com`), maybe after an `@` or `#` (`@handle`, `#hashtag`). The analyzer indexes
# a compound's parts and its whole. An explicit expression, because Whoosh's default one keeps
# `*` inside words (Markdown `*very*` would not match "very"). (`\w` takes underscores in: a
# class without them makes the expression, which reads every character indexed, 25 % slower.)
WORD_PATTERN = r"[@#]?\w+(?:[.@]\w+)*"
WORD_RE = re.compile(WORD_PATTERN)
# The parts of a compound word.
PART_RE = re.compile(r"[^\W_]+")


def compound_whole(word: str) -> str:
    """A WORD_RE match (folded) as the index's one word for the whole: without underscores at
    its ends (`__init__` is `init`, Markdown's `_word_` is `word`); `""` when that leaves no
    compound (one part, or none: `___`), whose parts are then all there is."""
    whole = word.strip("_")
    return "" if whole.isalnum() or not whole else whole


# Words too common to index: Whoosh's English list without "us" and "may", which news
# text uses as names (the US, May 2021).
STOP_WORDS = frozenset(
    """a an and are as at be by can for from have if in is it not of on or tbd that
    the this to we when will with yet you your""".split()
)


def fold(word: str) -> str:
    """A word as the index sees it: lower case, accents removed ("Café" → "cafe")."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# The `kind` of an annotation's document (articles' documents have none).
NOTE_KIND = "note"

# Fields searched when a query names none, with their weights.
DEFAULT_FIELDS: dict[str, float] = {
    "title": 3.0,
    "authors": 2.0,
    "site": 1.0,
    "tags": 2.0,
    "notes": 1.5,
    "body": 1.0,
}

# Names people type for fields, mapped to the index's names.
FIELD_ALIASES: dict[str, str] = {
    "author": "authors",
    "tag": "tags",
    "note": "notes",
    "text": "body",
    "year": "date",
    "publisher": "site",
    "key": "citekey",
}

# Fields a query may name.
QUERY_FIELDS = frozenset(
    {"id", "citekey", "title", "authors", "site", "date", "type", "tags", "notes", "body"}
)


def build_analyzer() -> FoldingWordAnalyzer:
    """Lower-cased, accent-folded words without English stop words."""
    from library.analysis import FoldingWordAnalyzer

    return FoldingWordAnalyzer()


def build_schema() -> Schema:
    """The Whoosh schema. Bodies are not stored: snippets are cut from the database's text."""
    from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema

    from library.index_codec import FolioPositions

    analyzer = build_analyzer()

    def text(field_boost: float = 1.0) -> TEXT:
        # Positions in Folio's encoding (uint32 arrays, no pickle: library.index_codec).
        field = TEXT(analyzer=analyzer, field_boost=field_boost)
        field.format = FolioPositions(field_boost=field_boost)
        return field

    return Schema(
        id=ID(stored=True, unique=True),
        citekey=KEYWORD(stored=True, lowercase=True),
        rev=NUMERIC(stored=True),
        title=text(DEFAULT_FIELDS["title"]),
        authors=text(DEFAULT_FIELDS["authors"]),
        site=text(),
        date=DATETIME(sortable=True),
        type=KEYWORD(lowercase=True),
        tags=KEYWORD(lowercase=True, commas=True, scorable=True),
        notes=text(),
        body=text(),
        # Name-like words as `KEY|word` (library.variants): the dictionary of spellings that
        # a query's word is looked up in, and how many articles use each (`folio names`).
        names=KEYWORD(),
        # Annotation documents: kind = NOTE_KIND, their own id and their article's id.
        kind=ID,
        nid=ID(stored=True, unique=True),
        article=ID(stored=True),
    )


def tag_terms(tags: Iterable[str]) -> list[str]:
    """Index terms for hierarchical tags: `groups/isis-k` is also found under `groups`."""
    terms: set[str] = set()
    for tag in tags:
        parts = tag.lower().strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            terms.add("/".join(parts[:depth]))
    return sorted(terms)
