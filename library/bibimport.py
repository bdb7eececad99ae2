"""Reading a .bib file into the library: metadata-only articles, or metadata for articles
already there (matched by URL, DOI or citekey)."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from library import articles
from library.articles import Article
from library.bibmerge import block_line, failed_block_messages, parse_bib
from library.citekeys import CITEKEY_PATTERN
from library.errors import FolioError, InvalidValue
from library.extracted import Extracted, FieldValue
from library.latex import decode_latex

if TYPE_CHECKING:
    from bibtexparser.middlewares import NameParts
    from bibtexparser.model import Entry

BIB_FORMAT = "bib"
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_LANGUAGES = {
    "english": "en",
    "american": "en",
    "british": "en",
    "french": "fr",
    "german": "de",
    "ngerman": "de",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "russian": "ru",
    "dutch": "nl",
    "arabic": "ar",
    "persian": "fa",
    "turkish": "tr",
    "polish": "pl",
}
_SITE_FIELDS = ("journaltitle", "journal", "organization", "institution", "publisher")
# LaTeX decoding (pylatexenc) takes seconds per 100,000 characters: a field Folio reads is
# decoded only up to this length; longer ones are left out with a warning.
MAX_DECODED_CHARS = 10_000
_URL_MACRO = re.compile(r"\\url\{([^{}\s]+)\}")
_REPUBLISHED = re.compile(r"Republished by (.+?)(?:\.\s+Accessed\b.*)?$", re.IGNORECASE)


@dataclass
class BibRecord:
    """One entry read from the file, mapped to Folio's metadata fields."""

    key: str
    line: int
    fields: dict[str, str | list[str]]
    doi: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class ReadBib:
    """What a .bib file held: the entries Folio can use and the blocks it could not read."""

    records: list[BibRecord]
    problems: list[str]


def read_bib_file(path: Path) -> ReadBib:
    """Parse a .bib file. Problems are reported per block ("FILE:LINE: reason"); an empty
    file or one without any entry is an error."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # classic BibTeX files are often Latin-1
    if not text.strip():
        raise FolioError(f"{path}: the file is empty")
    return read_bib_text(text, str(path))


def read_bib_text(text: str, name: str = "<bib>") -> ReadBib:
    """Parse .bib text into records mapped to Folio's fields, and per-block problems."""
    from bibtexparser import middlewares

    parsed = parse_bib(
        text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    )
    problems = [f"{name}:{message}" for message in failed_block_messages(parsed)]
    records: list[BibRecord] = []
    for entry in parsed.entries:
        try:
            records.append(_record(entry))
        except InvalidValue as exc:
            problems.append(f"{name}:line {block_line(entry)}: {entry.key}: {exc}")
    if not records and not problems:
        raise FolioError(f"{name}: no BibTeX entries found")
    return ReadBib(records, problems)


class _Decoded:
    """An entry's field values, LaTeX decoded on first use: a field Folio does not read (an
    abstract, a file list) is never decoded, and one over MAX_DECODED_CHARS is left out."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.cache: dict[str, str] = {}
        self.too_long: dict[str, str] = {}  # field name → why it was left out

    def get(self, name: str, default: str = "") -> str:
        """The decoded value, or `default` when the entry has none (or it is too long)."""
        if name not in self.cache:
            value = self.raw.get(name)
            if not isinstance(value, str):
                return default
            if len(value) > MAX_DECODED_CHARS:
                self.too_long[name] = (
                    f"{name} skipped: {len(value):,} characters is too long "
                    f"(the limit is {MAX_DECODED_CHARS:,})"
                )
                self.cache[name] = ""
            else:
                self.cache[name] = decode_latex(value)
        return self.cache[name] or default


def _record(entry: Entry) -> BibRecord:
    raw = {f.key.lower(): f.value for f in entry.fields}
    values = _Decoded(raw)
    record = BibRecord(entry.key, block_line(entry), {})
    title = values.get("title")
    if not title:
        raise InvalidValue(values.too_long.get("title", "the entry has no title"))
    record.fields["title"] = title
    if values.get("subtitle"):
        record.fields["subtitle"] = values.get("subtitle")
    names = raw.get("author") or raw.get("editor")
    if names:
        record.fields["authors"] = [_person(parts) for parts in names]
    date = _date(values)
    if date:
        record.fields["date"] = date
    site = next((values.get(name) for name in _SITE_FIELDS if values.get(name)), None)
    if site:
        record.fields["site"] = site
    record.doi = raw.get("doi", "").strip() or None
    url = _url(raw, record.doi)
    if url:
        record.fields["url"] = url
    republished = _REPUBLISHED.search(values.get("addendum") or values.get("note") or "")
    if republished:
        record.fields["republished_by"] = republished.group(1).strip()
    language = _language(values.get("langid") or values.get("language") or "")
    if language:
        record.fields["language"] = language
    kind = _article_type(entry.entry_type.lower(), values, bool(url))
    if kind:
        record.fields["type"] = kind
    record.warnings.extend(f"{record.key}: {reason}" for reason in values.too_long.values())
    return _checked(record)


def _person(parts: NameParts) -> str:
    """ "First von Last Jr" from bibtexparser's name parts (an organisation stays whole)."""
    words = [*parts.first, *parts.von, *parts.last, *parts.jr]
    return decode_latex(" ".join(words))


def _date(values: _Decoded) -> str | None:
    if values.get("date"):
        return values.get("date").split("/")[0].strip() or None
    year = values.get("year", "").strip()
    if not re.fullmatch(r"\d{4}", year):
        return None
    month = values.get("month", "").strip().lower().rstrip(".")
    number = int(month) if month.isdigit() else _MONTHS.get(month)
    return f"{year}-{number:02d}" if number and 1 <= number <= 12 else year


def _url(raw: dict[str, Any], doi: str | None) -> str | None:
    url = raw.get("url")
    if isinstance(url, str) and url.strip():
        return url.strip()
    match = _URL_MACRO.search(str(raw.get("howpublished", "")))
    if match:
        return match.group(1)
    return f"https://doi.org/{doi}" if doi else None


def _language(value: str) -> str | None:
    value = value.strip().lower()
    if value in _LANGUAGES:
        return _LANGUAGES[value]
    return value if re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*", value) else None


def _article_type(entry_type: str, values: _Decoded, has_url: bool) -> str | None:
    """Folio's type for a BibTeX type; None for a @misc without a URL, which says nothing."""
    subtype = values.get("entrysubtype", "").lower()
    if entry_type == "article":
        return {"newspaper": "article-newspaper", "magazine": "article-magazine"}.get(
            subtype, "article-journal"
        )
    if entry_type in ("online", "www", "webpage", "electronic"):
        return "webpage"
    if entry_type in ("book", "mvbook", "inbook", "booklet"):
        return "book"
    if entry_type in ("report", "techreport"):
        return "report"
    if entry_type == "misc":
        return "webpage" if has_url else None
    return "document"


def _checked(record: BibRecord) -> BibRecord:
    """Drop (with a warning) field values Folio would refuse from `folio edit`."""
    from library.metadata import check_changes

    for name in list(record.fields):
        try:
            value = check_changes({name: record.fields[name]})[name]
        except InvalidValue as exc:
            record.warnings.append(f"{record.key}: {name} skipped: {exc}")
            value = None
        if value is None:  # refused, or blank once tidied: the entry does not give it
            del record.fields[name]
        else:
            record.fields[name] = value
    return record


@dataclass
class ImportPlan:
    """What importing one record will do: add an article, or change an existing one."""

    record: BibRecord
    article: Article | None
    changes: dict[str, str | list[str] | None]
    conflicts: list[str]


def find_match(conn: sqlite3.Connection, record: BibRecord) -> Article | None:
    """The library's article for this record: same URL, same DOI URL, or same citekey."""
    url = record.fields.get("url")
    match = articles.article_where(conn, "url", url) if isinstance(url, str) else None
    if match is None and record.doi:
        match = articles.article_where(conn, "url", f"https://doi.org/{record.doi}")
    if match is None:
        row = conn.execute("SELECT id FROM articles WHERE citekey = ?", (record.key,)).fetchone()
        match = articles.find_article_id(conn, row["id"]) if row else None
    return match


def plan_import(conn: sqlite3.Connection, record: BibRecord) -> ImportPlan:
    """Compare a record with the library: which fields it adds and which it would overwrite."""
    article = find_match(conn, record)
    if article is None:
        return ImportPlan(record, None, dict(record.fields), [])
    changes: dict[str, str | list[str] | None] = {}
    conflicts: list[str] = []
    for name, value in record.fields.items():
        current = getattr(article, name)
        if value == current:
            continue
        changes[name] = value
        if current not in (None, "", []):
            conflicts.append(name)
    return ImportPlan(record, article, changes, conflicts)


@dataclass
class ImportOutcome:
    """What happened to one record."""

    key: str
    status: str  # added | updated | unchanged
    article: Article
    note: str | None = None


_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def apply_plan(conn: sqlite3.Connection, plan: ImportPlan, overwrite: bool) -> ImportOutcome:
    """Carry out a plan inside the caller's transaction. Fields that differ from the
    library's are changed only with `overwrite`; everything set counts as typed by the user."""
    if plan.article is not None:
        changes = {
            name: value
            for name, value in plan.changes.items()
            if overwrite or name not in plan.conflicts
        }
        if not changes:
            return ImportOutcome(plan.record.key, "unchanged", plan.article)
        article = articles.update_metadata(conn, plan.article, changes)
        return ImportOutcome(plan.record.key, "updated", article)
    key = plan.record.key
    key_free = bool(CITEKEY_PATTERN.match(key)) and not articles.citekey_taken(conn, key)
    extracted = Extracted(
        "", {name: FieldValue(value, "user") for name, value in plan.changes.items() if value}
    )
    version = articles.SourceVersion(_EMPTY_SHA256, BIB_FORMAT, None, None)
    article = articles.insert_article(conn, extracted, version)
    note = None
    if key_free and article.citekey != key:
        article = articles.rename_citekey(conn, article, key)
    elif not key_free:
        reason = "is taken" if CITEKEY_PATTERN.match(key) else "is not a valid Folio key"
        note = f"{key}: the key {reason}; the article's key is {article.citekey}"
    return ImportOutcome(key, "added", article, note)
