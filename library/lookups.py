"""A work's metadata from public services, by identifier: Crossref (DOIs, JSON), arXiv
(ids, Atom XML), Open Library (ISBNs, JSON). Each answer becomes the text of one .bib
entry, so what a look-up found is read, kept and matched exactly as an entry `folio
import-bib` reads (library/bibimport.py).

Each service's base URL is a setting: the environment variable, else the library's
setting (`folio config crossref-url URL`), else the public service. Tests point them at a
local server with recorded answers.
"""

from __future__ import annotations

import html
import json
import os
import re
import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree

from library.bibentries import BibEntry, bib_names
from library.errors import FolioError
from library.fetching import FetchError, fetch
from library.identifiers import Input
from library.latex import latex_field
from library.webdates import parse_date

# An API answer is small; anything bigger is not one.
MAX_ANSWER_BYTES = 5 * 1024 * 1024
_TAG = re.compile(r"<[^>]+>")
_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"


@dataclass(frozen=True)
class Service:
    """A metadata service: its name, its setting and environment variable, its address."""

    name: str
    setting: str
    env: str
    default: str


SERVICES: dict[str, Service] = {
    "doi": Service("Crossref", "crossref-url", "FOLIO_CROSSREF_URL", "https://api.crossref.org"),
    "arxiv": Service("arXiv", "arxiv-url", "FOLIO_ARXIV_URL", "https://export.arxiv.org/api"),
    "isbn": Service(
        "Open Library", "openlibrary-url", "FOLIO_OPENLIBRARY_URL", "https://openlibrary.org"
    ),
}


class NotKnown(FetchError):
    """The service answered, but has no work under this identifier."""


def base_url(conn: sqlite3.Connection, kind: str) -> str:
    """Where to ask about identifiers of `kind`: its environment variable, else the
    library's setting, else the public service (no trailing slash)."""
    from library.settings import get_setting

    service = SERVICES[kind]
    found = os.environ.get(service.env) or get_setting(conn, service.setting) or service.default
    return found.rstrip("/")


def look_up(identifier: Input, base: str) -> str:
    """The .bib entry text for the work `identifier` names (FetchError when the service
    cannot be reached or does not know it). Network only: no database."""
    if identifier.kind == "doi":
        return _crossref(identifier, base)
    if identifier.kind == "arxiv":
        return _arxiv(identifier, base)
    if identifier.kind == "isbn":
        return _open_library(identifier, base)
    raise FolioError(f"{identifier.given}: not an identifier")


def _get_json(identifier: Input, url: str) -> Any:
    service = SERVICES[identifier.kind].name
    try:
        data = fetch(url, max_bytes=MAX_ANSWER_BYTES, accept="application/json").data
    except FetchError as exc:
        if "not found (HTTP 404)" in str(exc):
            raise NotKnown(f"{identifier.label}: {service} does not know it") from None
        raise FetchError(f"{identifier.label}: {service}: {exc}") from None
    try:
        return json.loads(data)
    except ValueError:
        raise FetchError(f"{identifier.label}: {service} sent something that is not JSON") from None


def _text(value: str) -> str:
    """Plain text from a service's value: tags (JATS, HTML) and entities gone."""
    return " ".join(html.unescape(_TAG.sub("", value)).split())


def _field(entry: BibEntry, name: str, value: object, *, title: bool = False) -> None:
    if value is None or value == "" or value == []:
        return
    text = _text(str(value))
    entry.add(name, latex_field(text, ascii_only=False, protect_case=title))


def _verbatim(entry: BibEntry, name: str, value: object) -> None:
    if isinstance(value, str) and value.strip() and not re.search(r"[\s{}\\]", value.strip()):
        entry.add(name, value.strip())


def _first(value: object) -> str | None:
    if isinstance(value, list):
        return str(value[0]) if value else None
    return str(value) if value else None


# --- Crossref -----------------------------------------------------------------------------

# Crossref's work types, as biblatex entry types and the field their container goes in.
_CROSSREF_TYPES: dict[str, tuple[str, str | None]] = {
    "journal-article": ("article", "journaltitle"),
    "proceedings-article": ("inproceedings", "booktitle"),
    "book-chapter": ("incollection", "booktitle"),
    "book-section": ("incollection", "booktitle"),
    "book-part": ("incollection", "booktitle"),
    "reference-entry": ("inreference", "booktitle"),
    "book": ("book", None),
    "monograph": ("book", None),
    "edited-book": ("collection", None),
    "reference-book": ("reference", None),
    "report": ("report", None),
    "dissertation": ("thesis", None),
    "posted-content": ("online", None),
    "dataset": ("dataset", None),
    "standard": ("standard", None),
}


def _crossref(identifier: Input, base: str) -> str:
    answer = _get_json(identifier, f"{base}/works/{quote(identifier.value, safe='/')}")
    work = answer.get("message") if isinstance(answer, dict) else None
    if not isinstance(work, dict) or not work.get("DOI"):
        raise NotKnown(f"{identifier.label}: Crossref sent no work for it")
    entry_type, container = _CROSSREF_TYPES.get(str(work.get("type")), ("misc", None))
    entry = BibEntry(entry_type, "found")
    _field(entry, "title", _first(work.get("title")), title=True)
    _field(entry, "subtitle", _first(work.get("subtitle")), title=True)
    entry.add("author", _crossref_names(work.get("author")))
    entry.add("editor", _crossref_names(work.get("editor")))
    if container:
        _field(entry, container, _first(work.get("container-title")), title=True)
    date = _crossref_date(work)
    if date:
        entry.add("date", date)
    _field(entry, "volume", work.get("volume"))
    _field(entry, "number", work.get("issue"))
    pages = work.get("page")
    if isinstance(pages, str) and re.fullmatch(r"[A-Za-z0-9 ,.\-–]+", pages):
        entry.add("pages", re.sub(r"\s*[-–]+\s*", "--", pages.strip()))  # a range: 117--139
    publisher = work.get("publisher")
    if entry_type == "report":
        _field(entry, "institution", publisher)
    elif entry_type == "thesis":
        institution = work.get("institution")
        name = institution[0].get("name") if isinstance(institution, list) and institution else None
        _field(entry, "institution", name or publisher)
        entry.add("type", "phdthesis")
    elif entry_type != "article":
        _field(entry, "publisher", publisher)
    _field(entry, "issn", _first(work.get("ISSN")))
    _field(entry, "isbn", _first(work.get("ISBN")))
    _field(entry, "langid", _language(work.get("language")))
    _verbatim(entry, "doi", work.get("DOI"))
    if entry_type == "online":
        _verbatim(entry, "url", work.get("URL"))
    return entry.render()


def _crossref_names(people: object) -> str | None:
    """ "Family, Given and …" from Crossref's people (an organisation's name braced)."""
    if not isinstance(people, list):
        return None
    written = []
    for person in people:
        if not isinstance(person, dict):
            continue
        family, given, name = person.get("family"), person.get("given"), person.get("name")
        if family:
            parts = [_name_part(family)] + ([_name_part(given)] if given else [])
            written.append(", ".join(parts))
        elif name:
            written.append("{" + latex_field(_text(str(name)), ascii_only=False).text + "}")
    return " and ".join(written) or None


def _name_part(text: object) -> str:
    """A family or given name escaped; a word "and" braced, or BibTeX would split there."""
    words = latex_field(_text(str(text)), ascii_only=False).text.split(" ")
    return " ".join("{and}" if word.lower() == "and" else word for word in words)


def _crossref_date(work: dict[str, Any]) -> str | None:
    """The date of publication: issued, else the print or online one (YYYY[-MM[-DD]])."""
    for name in ("issued", "published-print", "published-online", "published", "created"):
        parts = (work.get(name) or {}).get("date-parts") or [[]]
        numbers = [int(n) for n in (parts[0] or []) if str(n).isdigit()]
        if numbers and 1000 <= numbers[0] <= 2999:
            return "-".join(f"{n:02d}" if i else f"{n:04d}" for i, n in enumerate(numbers[:3]))
    return None


def _language(value: object) -> str | None:
    """biblatex's name for a language code (`en` → `english`), as `langid` wants it."""
    from library.babel import babel_language

    return babel_language(value) if isinstance(value, str) else None


# --- arXiv --------------------------------------------------------------------------------


def _arxiv(identifier: Input, base: str) -> str:
    url = f"{base}/query?id_list={quote(identifier.value, safe='/')}&max_results=1"
    try:
        data = fetch(url, max_bytes=MAX_ANSWER_BYTES, accept="application/atom+xml").data
    except FetchError as exc:
        raise FetchError(f"{identifier.label}: arXiv: {exc}") from None
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise FetchError(f"{identifier.label}: arXiv sent something that is not Atom XML") from None
    entries = [
        node for node in root.iter(f"{_ATOM}entry")
        if "/api/errors" not in (node.findtext(f"{_ATOM}id") or "")
        and (node.findtext(f"{_ATOM}title") or "").strip()
    ]  # fmt: skip
    if not entries:
        raise NotKnown(f"{identifier.label}: arXiv does not know it")
    node = entries[0]
    entry = BibEntry("online", "found")
    _field(entry, "title", node.findtext(f"{_ATOM}title"), title=True)
    names = [_text(a.findtext(f"{_ATOM}name") or "") for a in node.iter(f"{_ATOM}author")]
    entry.add("author", bib_names([n for n in names if n], ascii_only=False))
    published = parse_date((node.findtext(f"{_ATOM}published") or "")[:10])
    if published:
        entry.add("date", published)
    entry.add("eprint", identifier.value)
    entry.add("eprinttype", "arxiv")
    category = node.find(f"{_ARXIV}primary_category")
    if category is not None and category.get("term"):
        _field(entry, "eprintclass", category.get("term"))
    _field(entry, "organization", "arXiv")
    _verbatim(entry, "doi", node.findtext(f"{_ARXIV}doi"))
    _field(entry, "note", node.findtext(f"{_ARXIV}journal_ref"))
    entry.add("url", f"https://arxiv.org/abs/{identifier.value}")
    return entry.render()


# --- Open Library -------------------------------------------------------------------------


def _open_library(identifier: Input, base: str) -> str:
    key = f"ISBN:{identifier.value}"
    answer = _get_json(identifier, f"{base}/api/books?bibkeys={key}&format=json&jscmd=data")
    book = answer.get(key) if isinstance(answer, dict) else None
    if not isinstance(book, dict) or not book.get("title"):
        raise NotKnown(f"{identifier.label}: Open Library does not know it")
    entry = BibEntry("book", "found")
    _field(entry, "title", book.get("title"), title=True)
    _field(entry, "subtitle", book.get("subtitle"), title=True)
    authors = [a for a in book.get("authors") or [] if isinstance(a, dict)]
    names = [_text(str(author.get("name", ""))) for author in authors]
    entry.add("author", bib_names([n for n in names if n], ascii_only=False))
    date = parse_date(str(book.get("publish_date") or ""))
    if date is None:
        year = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", str(book.get("publish_date") or ""))
        date = year.group(1) if year else None
    if date:
        entry.add("date", date)
    _field(entry, "publisher", _named(book.get("publishers")))
    _field(entry, "location", _named(book.get("publish_places")))
    pages = book.get("number_of_pages")
    if isinstance(pages, int) and pages > 0:
        entry.add("pagetotal", str(pages))
    entry.add("isbn", identifier.value)
    return entry.render()


def _named(items: object) -> str | None:
    """The first `{"name": …}` of a list."""
    if isinstance(items, list) and items and isinstance(items[0], dict):
        name = items[0].get("name")
        return str(name) if name else None
    return None
