"""A web page as a source to import: fetched (library.fetching), its format read from the
content type, and refused when it is not an article (an image, a login page).

The result is the same in-memory `Source` standard input makes, plus the page's URL and
format, so the import pipeline treats it as it treats a file.
"""

from __future__ import annotations

import re

from library.errors import ImportRefused
from library.fetching import Fetched, LoginRequired, fetch
from library.importers import sniff_format
from library.importing import Source

# What Folio reads, by media type.
MEDIA_TYPES: dict[str, str] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "text/plain": "txt",
    "text/markdown": "md",
    "text/x-markdown": "md",
}
# Servers that do not say, or say only "bytes": the bytes tell.
_UNSPECIFIC = frozenset({"", "application/octet-stream", "binary/octet-stream"})
ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.1"
_PASSWORD_FIELD = re.compile(rb"<input\b[^>]*\btype\s*=\s*[\"']?password", re.IGNORECASE)
_SIGN_IN = re.compile(
    rb"\b(?:sign|log)\s*-?\s*in\b|\blogin\b|\bsubscribe to (?:continue|read)\b", re.IGNORECASE
)
_INVISIBLE = re.compile(
    rb"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_TAGS = re.compile(rb"<[^>]+>")
# A login form with less readable text than this is the page, not a box beside an article.
LOGIN_WALL_TEXT = 2000


def fetch_page(url: str, max_bytes: int) -> Source:
    """The page at `url` as a source to import. FetchError for network and HTTP failures,
    LoginRequired for a page behind a login, ImportRefused for content that is not an
    article (an image, an archive…)."""
    fetched = fetch(url, max_bytes=max_bytes, accept=ACCEPT)
    fmt = page_format(url, fetched)
    if not fetched.data.strip():
        raise ImportRefused(f"{url}: the page is empty")
    if fmt == "html" and is_login_wall(fetched.data):
        raise LoginRequired(f"{url}: the page asks to sign in; save it from your browser instead")
    return Source(name=url, path=None, data=fetched.data, url=fetched.url, fmt=fmt)


def page_format(url: str, fetched: Fetched) -> str:
    """Folio's format for what the server sent; ImportRefused when it is not one Folio
    reads."""
    if fetched.media_type in MEDIA_TYPES:
        return MEDIA_TYPES[fetched.media_type]
    if fetched.media_type in _UNSPECIFIC:
        sniffed = sniff_format(fetched.data)
        if sniffed in ("pdf", "html"):
            return sniffed
    raise ImportRefused(
        f"{url}: not an article ({fetched.media_type or 'no content type'}); Folio reads "
        "web pages, PDFs and plain text"
    )


def is_login_wall(data: bytes) -> bool:
    """Whether an HTML page is a sign-in form rather than an article: a password field, a
    sign-in wording, and little readable text besides."""
    if not _PASSWORD_FIELD.search(data):
        return False
    visible = _TAGS.sub(b" ", _INVISIBLE.sub(b" ", data))
    words = b" ".join(visible.split())
    return bool(_SIGN_IN.search(words)) and len(words) < LOGIN_WALL_TEXT
