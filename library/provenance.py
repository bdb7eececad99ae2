"""Which facts about an article Folio found, guessed, or was told by the user.

Every metadata field records its origin (`library.extracted.Origin`): *found* when the
source states it (page metadata, a byline, a dateline, a date printed on a PDF's first
page), *guessed* when Folio inferred it (a title made from the first sentence, a PDF's
file date, the article type), *user* when someone typed or imported it. Exports report
the guesses so that nothing inferred reaches a paper unchecked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from library.extracted import METADATA_FIELDS

if TYPE_CHECKING:
    from library.articles import Article

__all__ = ["guessed_fields", "guesses_note"]

# The article type is always Folio's choice unless the page declares it; listing it for
# every entry would bury the guesses that matter.
_NOT_REPORTED = frozenset({"type"})


def guessed_fields(article: Article) -> list[str]:
    """The metadata fields of `article` whose value is a guess, in display order."""
    return [
        name
        for name in METADATA_FIELDS
        if article.origins.get(name) == "guessed" and getattr(article, name) not in (None, "", [])
    ]


def guesses_note(articles: Iterable[Article], shown: int = 5) -> str | None:
    """One line naming the exported entries whose title, authors, date… are guesses, or None.

    "guessed values, check them before citing: k1 (title, date), k2 (date) and 3 more
    (confirm with folio edit)".
    """
    entries = []
    for article in articles:
        fields = [name for name in guessed_fields(article) if name not in _NOT_REPORTED]
        if fields:
            entries.append(f"{article.citekey} ({', '.join(fields)})")
    if not entries:
        return None
    listed = ", ".join(entries[:shown])
    more = f" and {len(entries) - shown} more" if len(entries) > shown else ""
    return f"guessed values, check them before citing: {listed}{more} (confirm with folio edit)"
