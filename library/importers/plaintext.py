"""Plain-text importer: text captured from the web, furniture off, metadata read from it."""

from __future__ import annotations

from library.extracted import Extracted
from library.webtext import extract_web_text


def extract_text(text: str) -> Extracted:
    """Clean text and metadata from a decoded, normalised `.txt` capture.

    Page furniture is removed from the start and end only; title, subtitle, authors,
    date, site and type are read from the header and footer lines (see library.webtext).
    An empty or blank text comes back empty; the caller refuses it.
    """
    if not text.strip():
        return Extracted(text="")
    return extract_web_text(text)
