"""Quotes with their citation, ready to paste into a draft."""

from __future__ import annotations

from library.citing import format_citation
from library.errors import InvalidValue
from library.latex import escape_text
from notes.annotations import Annotation
from notes.markdown import escape_markdown


def quote_with_citation(annotation: Annotation, style: str) -> str:
    """The passage with its citation and locator: `\\enquote{…}~\\autocite[para.~7]{key}`
    for LaTeX, `> … [@key, para. 7]` for Markdown."""
    if annotation.exact is None:
        raise InvalidValue(
            f"annotation {annotation.id} is on the whole article: no passage to quote"
        )
    if annotation.is_orphan:
        raise InvalidValue(
            f"annotation {annotation.id} is an orphan (its passage is no longer in the text); "
            "re-attach it with `folio note-edit ID --quote …` first"
        )
    passage = " ".join(annotation.exact.split())
    if style == "latex":
        citation = format_citation([annotation.citekey], "latex", annotation.locator)
        return f"\\enquote{{{escape_text(passage)}}}~{citation}"
    citation = format_citation([annotation.citekey], "markdown", annotation.locator)
    return f"> {escape_markdown(passage)} {citation}"
