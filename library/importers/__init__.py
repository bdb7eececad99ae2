"""Importers: bytes of a supported format in, clean text and metadata out."""

from __future__ import annotations

from library.errors import ImportRefused
from library.extracted import Extracted

# File endings Folio reads, mapped to format names.
FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}

SUPPORTED_LIST = ", ".join(sorted(set(FORMATS)))


def format_for_name(name: str) -> str | None:
    """The format of a file by its ending, or None when Folio does not read it."""
    dot = name.rfind(".")
    return FORMATS.get(name[dot:].lower()) if dot > 0 else None


def sniff_format(data: bytes) -> str:
    """The format of unnamed input (stdin) from its first bytes."""
    head = data[:1024].lstrip().lower()
    if head.startswith(b"%pdf"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    if head.startswith(b"---\n"):
        return "md"
    return "txt"


def extract(data: bytes, fmt: str, name: str) -> Extracted:
    """Run the importer for `fmt` on `data`; `name` is used in error messages."""
    if fmt in ("txt", "md"):
        from library.decoding import decode_text
        from library.textnorm import normalize_text

        text = normalize_text(decode_text(data, name))
        if fmt == "md":
            from library.importers.markdown import extract_markdown

            extracted = extract_markdown(text)
        else:
            from library.importers.plaintext import extract_text

            extracted = extract_text(text)
    elif fmt == "html":
        from library.importers.html import extract_html

        extracted = extract_html(data, name)
    elif fmt == "pdf":
        from library.importers.pdf import extract_pdf

        extracted = extract_pdf(data, name)
    else:
        raise ImportRefused(f"{name}: unsupported format (Folio reads {SUPPORTED_LIST})")
    if not extracted.text.strip():
        raise ImportRefused(f"{name}: no text found")
    return extracted
