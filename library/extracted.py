"""What an importer hands to the store: clean text plus metadata with its provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Origin = Literal["found", "guessed", "user"]

# The metadata fields an article carries, in display order. One source of truth:
# the store, the index, `folio show` and `folio edit` all read this tuple.
METADATA_FIELDS: tuple[str, ...] = (
    "title",
    "subtitle",
    "authors",
    "date",
    "site",
    "republished_by",
    "url",
    "language",
    "type",
)

# Article types, named as in CSL so citation export can map them directly.
ARTICLE_TYPES: tuple[str, ...] = (
    "webpage",
    "post-weblog",
    "article-newspaper",
    "article-magazine",
    "article-journal",
    "report",
    "book",
    "document",
    # Scholarly kinds a .bib file brings (CSL names): @inproceedings, @incollection and
    # @inbook, @thesis, @unpublished.
    "paper-conference",
    "chapter",
    "thesis",
    "manuscript",
)


@dataclass(frozen=True)
class FieldValue:
    """One metadata value and whether it was found in the source, guessed, or typed by the user."""

    value: str | list[str]
    origin: Origin = "found"


@dataclass
class Extracted:
    """An importer's result.

    `text` is the article's clean text, already passed through
    `library.textnorm.normalize_text`. `fields` maps names from METADATA_FIELDS to
    values (`authors` is a list of names, `date` is ISO `YYYY[-MM[-DD]]`).
    `pages` holds, for paged sources (PDF), the offset in `text` where each page starts,
    and `page_labels` the number printed on each page when the source declares them.
    """

    text: str
    fields: dict[str, FieldValue] = field(default_factory=dict)
    pages: list[int] | None = None
    page_labels: list[str] | None = None
