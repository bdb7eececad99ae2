"""PDF importer: the text layer page by page (pypdf), the document information, page labels.

Running heads, feet and page numbers are removed and paragraphs separated
(`library.pdftext`); the date printed on page 1 is found, the file's own dates are
guesses.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from library.bylines import clean_byline
from library.errors import ImportRefused
from library.extracted import Extracted, FieldValue
from library.pdftext import FrontPage, clean_pages, front_page_facts
from library.textnorm import normalize_text

if TYPE_CHECKING:
    from pypdf import PdfReader

_PAGE_SEPARATOR = "\n\n"
_HEADER_WINDOW = 1024  # the PDF spec lets the %PDF- header sit anywhere in the first KiB
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")
_PDF_DATE = re.compile(r"(?:D:)?\s*(\d{4})(\d{2})?(\d{2})?")
_AUTHOR_SEPARATORS = re.compile(r"\s*;\s*|\s+and\s+|\s+&\s+")
# Word processors fill /Author with the account's name or a default.
_PLACEHOLDER_AUTHOR = re.compile(
    r"(?i)(?:microsoft office user|windows user|administrator|admin|user|owner|unknown|author"
    r"|anonymous|default|hp|dell|lenovo)"
)
# Word processors and converters fill /Title with the source file's name or a default.
_PLACEHOLDER_TITLE = re.compile(
    r"untitled|microsoft (word|powerpoint|excel) - .*|.*\.(docx?|rtf|odt|tex|dvi|indd|pdf|ps)",
    re.IGNORECASE,
)
_TITLE_GUESS_LENGTH = 200
_DETAIL_LENGTH = 80


def extract_pdf(data: bytes, name: str) -> Extracted:
    """Extract a PDF's text layer and document information.

    Pages are normalised and joined by a blank line; `pages` holds each page's start
    offset (an empty page starts where the next text does). Raise ImportRefused for
    non-PDF, damaged, truncated, password-protected or text-less (scanned) files.
    """
    if not data:
        raise ImportRefused(f"{name}: the file is empty")
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise ImportRefused(f"{name}: not a PDF file (no %PDF header)")
    with _quiet():
        reader = _open(data, name)
        raw_pages = _page_texts(reader, name)
        info = _document_info(reader)
        language = _catalog_language(reader)
        labels = _page_labels(reader, len(raw_pages))
    page_texts = clean_pages(raw_pages, labels)
    text, offsets = _join_pages(page_texts)
    if not text:
        raise ImportRefused(f"{name}: no text layer (scanned PDF?); run OCR first")
    front = front_page_facts(next((page for page in raw_pages if page.strip()), ""))
    return Extracted(
        text=text, fields=_fields(info, language, text, front), pages=offsets, page_labels=labels
    )


@contextmanager
def _quiet() -> Iterator[None]:
    """Mute pypdf: it reports recoverable damage through `logging` and `warnings`."""
    logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _open(data: bytes, name: str) -> PdfReader:
    """Open the PDF (trying the empty password when encrypted) or refuse with the reason."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and not reader.decrypt("")
    except DependencyError:
        raise _aes_refusal(name) from None
    except Exception as err:
        # pypdf raises anything from PdfReadError to KeyError on a damaged file.
        raise ImportRefused(f"{name}: damaged or truncated PDF ({_detail(err)})") from None
    if locked:
        raise _password_refusal(name)
    return reader


def _password_refusal(name: str) -> ImportRefused:
    """The refusal for a PDF that only opens with a password."""
    return ImportRefused(f"{name}: the PDF is password-protected; remove the password first")


def _aes_refusal(name: str) -> ImportRefused:
    """The refusal for AES-encrypted PDFs, which pypdf decrypts only with `cryptography`."""
    return ImportRefused(
        f"{name}: the PDF is AES-encrypted and reading it needs the 'cryptography' package"
    )


def _detail(err: Exception) -> str:
    """An exception's message on one short line, for a refusal's parenthesis."""
    first_line = (normalize_text(str(err)).strip().splitlines() or [""])[0]
    detail = first_line or type(err).__name__
    return detail if len(detail) <= _DETAIL_LENGTH else detail[: _DETAIL_LENGTH - 1] + "…"


def _page_texts(reader: PdfReader, name: str) -> list[str]:
    """Each page's normalised text ("" for a page without text)."""
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        pages = list(reader.pages)
    except Exception as err:
        raise ImportRefused(f"{name}: damaged or truncated PDF ({_detail(err)})") from None
    if not pages:
        raise ImportRefused(f"{name}: the PDF has no pages")
    texts = []
    for number, page in enumerate(pages, start=1):
        try:
            raw = page.extract_text()
        except DependencyError:
            raise _aes_refusal(name) from None
        except FileNotDecryptedError:
            raise _password_refusal(name) from None
        except Exception as err:
            raise ImportRefused(f"{name}: cannot read page {number} ({_detail(err)})") from None
        texts.append(_clean_page(raw or ""))
    return texts


def _clean_page(raw: str) -> str:
    """A page's text normalised, without trailing spaces or runs of blank lines."""
    lines = (line.rstrip() for line in normalize_text(raw).split("\n"))
    return _EXTRA_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def _join_pages(page_texts: list[str]) -> tuple[str, list[int]]:
    """Join non-empty pages with a blank line; return the text and each page's start offset.

    An empty page gets the offset where the next page's text starts (or the end), so
    offsets stay sorted and every offset maps back to the last page starting there.
    """
    parts: list[str] = []
    offsets: list[int] = []
    length = 0
    pending_empty = 0
    for page_text in page_texts:
        if not page_text:
            pending_empty += 1
            continue
        if parts:
            parts.append(_PAGE_SEPARATOR)
            length += len(_PAGE_SEPARATOR)
        offsets += [length] * (pending_empty + 1)
        pending_empty = 0
        parts.append(page_text)
        length += len(page_text)
    offsets += [length] * pending_empty
    return "".join(parts), offsets


def _document_info(reader: PdfReader) -> dict[str, str]:
    """The document information dictionary's string entries, keyed without the slash."""
    try:
        info = reader.metadata
        items = list(info.items()) if info is not None else []
    except Exception:
        # A damaged info dictionary costs the metadata, not the text.
        return {}
    entries = {}
    for key, value in items:
        resolved = _resolve(value)
        if isinstance(resolved, str):
            entries[str(key).lstrip("/")] = resolved
    return entries


def _resolve(value: object) -> object:
    """A PDF object with indirect references followed; None when that fails."""
    try:
        return value.get_object() if hasattr(value, "get_object") else value
    except Exception:
        return None


def _page_labels(reader: PdfReader, count: int) -> list[str] | None:
    """The page labels the PDF declares (/PageLabels), one per page; None without them."""
    try:
        from pypdf.generic import DictionaryObject

        root = reader.trailer["/Root"].get_object()
        if not isinstance(root, DictionaryObject) or "/PageLabels" not in root:
            return None
        labels = [normalize_text(str(label)).strip() for label in reader.page_labels]
    except Exception:
        return None  # a damaged label tree costs the labels, not the import
    return labels if len(labels) == count and any(labels) else None


def _catalog_language(reader: PdfReader) -> str | None:
    """The document's /Lang entry from the catalog, if any."""
    from pypdf.generic import DictionaryObject

    try:
        root = reader.trailer["/Root"].get_object()
        language = _resolve(root.get("/Lang")) if isinstance(root, DictionaryObject) else None
    except Exception:
        return None
    return _clean(language) if isinstance(language, str) else None


def _fields(
    info: dict[str, str], language: str | None, text: str, front: FrontPage
) -> dict[str, FieldValue]:
    """Metadata fields. Found: the title and authors the document information states, the
    date and authors printed on page 1, the language. Guessed: a title from the first
    line, a date from the file's CreationDate or ModDate (the day the file was made, not
    the day the work was published), the type."""
    fields: dict[str, FieldValue] = {}
    title = _clean(info.get("Title"))
    if title and not _PLACEHOLDER_TITLE.fullmatch(title):
        fields["title"] = FieldValue(title)
    else:
        fields["title"] = FieldValue(_first_line(text), "guessed")
    authors = _authors(info.get("Author")) or front.authors
    if authors:
        fields["authors"] = FieldValue(authors)
    if front.date:
        fields["date"] = FieldValue(front.date)
    elif date := _iso_date(info.get("CreationDate")) or _iso_date(info.get("ModDate")):
        fields["date"] = FieldValue(date, "guessed")
    if language:
        fields["language"] = FieldValue(language)
    fields["type"] = FieldValue("document", "guessed")
    return fields


def _clean(value: str | None) -> str | None:
    """A metadata string on one line with visible controls, or None when blank."""
    if value is None:
        return None
    return " ".join(normalize_text(value).split()) or None


def _authors(value: str | None) -> list[str]:
    """/Author as names, through the byline cleaner; word processors' placeholders dropped."""
    cleaned = _clean(value)
    if not cleaned or _PLACEHOLDER_AUTHOR.fullmatch(cleaned):
        return []
    return clean_byline(_AUTHOR_SEPARATORS.split(cleaned)).authors()


def _iso_date(value: str | None) -> str | None:
    """A PDF date (`D:YYYYMMDDHHmmSS…`) as ISO `YYYY[-MM[-DD]]`, keeping only valid parts."""
    match = _PDF_DATE.match(value or "")
    if match is None:
        return None
    year, month, day = match.groups()
    if not 1000 <= int(year) <= 9999:
        return None
    if month is None or not 1 <= int(month) <= 12:
        return year
    try:
        return datetime.date(int(year), int(month), int(day or 1)).isoformat()[: 10 if day else 7]
    except ValueError:
        return f"{year}-{month}"


def _first_line(text: str) -> str:
    """The text's first line, shortened, as a guessed title."""
    line = text.lstrip().split("\n", 1)[0].strip()
    if len(line) > _TITLE_GUESS_LENGTH:
        line = line[:_TITLE_GUESS_LENGTH].rsplit(" ", 1)[0] + "…"
    return line
