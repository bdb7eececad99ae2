"""Reading a .bib file into the library without losing any of it: every entry's whole
record is kept (library.bibrecords), the fields Folio models are read from it, and each
entry is matched to the article it describes (DOI, URL, then title + first author + year).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from library import articles
from library.articles import Article
from library.bibmatch import Matcher, normal_doi
from library.bibrecords import StoredRecord, add_alias, key_owner, record_of, save_record
from library.bibtext import BibText, FieldValue, ParsedBib, decode_bib, entry_hash, parse_bib_text
from library.citekeys import CITEKEY_PATTERN
from library.errors import FolioError, InvalidValue
from library.extracted import METADATA_FIELDS, Extracted, Origin
from library.extracted import FieldValue as MetaValue
from library.latex import decode_latex

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
# Where each kind of entry names the work it appears in (Folio's "site"), best first.
_SITE_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("journaltitle", "journal"),
    "periodical": ("journaltitle", "journal"),
    "inproceedings": ("booktitle",),
    "conference": ("booktitle",),
    "incollection": ("booktitle",),
    "inbook": ("booktitle",),
    "bookinbook": ("booktitle",),
    "suppbook": ("booktitle",),
    "suppcollection": ("booktitle",),
    "inreference": ("booktitle",),
    "book": ("publisher",),
    "mvbook": ("publisher",),
    "booklet": ("publisher", "howpublished"),
    "collection": ("publisher",),
    "mvcollection": ("publisher",),
    "proceedings": ("publisher", "organization"),
    "mvproceedings": ("publisher", "organization"),
    "reference": ("publisher",),
    "thesis": ("institution", "school"),
    "phdthesis": ("school", "institution"),
    "mastersthesis": ("school", "institution"),
    "report": ("institution",),
    "techreport": ("institution",),
}
_DEFAULT_SITE_FIELDS = ("journaltitle", "journal", "organization", "institution", "publisher")
_ENTRY_KINDS = {
    "online": "webpage",
    "www": "webpage",
    "webpage": "webpage",
    "electronic": "webpage",
    "book": "book",
    "mvbook": "book",
    "booklet": "book",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "inreference": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "report": "report",
    "techreport": "report",
    "unpublished": "manuscript",
}
# biblatex's crossref inheritance: fields renamed from a book-like parent to its parts.
_BOOK_PARENTS = frozenset({"book", "mvbook", "collection", "mvcollection", "proceedings",
                           "mvproceedings", "reference", "mvreference"})  # fmt: skip
_BOOK_PARTS = frozenset({"inbook", "bookinbook", "suppbook", "incollection", "suppcollection",
                         "inproceedings", "inreference", "conference"})  # fmt: skip
_RENAMED_FOR_PARTS = {"title": "booktitle", "subtitle": "booksubtitle",
                      "titleaddon": "booktitleaddon", "shorttitle": None, "sorttitle": None,
                      "indextitle": None, "indexsorttitle": None}  # fmt: skip
_NEVER_INHERITED = frozenset({"ids", "crossref", "xref", "entryset", "entrysubtype", "execute",
                              "label", "options", "presort", "related", "relatedoptions",
                              "relatedstring", "relatedtype", "shorthand", "shorthandintro",
                              "sortkey", "key"})  # fmt: skip
# LaTeX decoding (pylatexenc) takes seconds per 100,000 characters: a field Folio reads is
# decoded only up to this length; a longer one stays in the record, unread, with a warning.
MAX_DECODED_CHARS = 10_000
_URL_MACRO = re.compile(r"\\(?:url|href)\s*\{([^{}\s]+)\}")
_URL_ESCAPES = re.compile(r"\\([_%&#~$])")
_REPUBLISHED = re.compile(r"Republished by (.+?)(?:\.\s+Accessed\b.*)?$", re.IGNORECASE)
_COMMAND_GROUP = re.compile(r"\\[A-Za-z]+\s*\{[^{}]*\}")
_PLAIN = re.compile(r"[\\$~%]|--|''|``|<<|>>")


@dataclass
class BibRecord:
    """One entry read from the file: its whole record and the values Folio models."""

    key: str
    line: int
    record: StoredRecord
    text_sha256: str
    crossref: str | None = None
    aliases: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def fields(self) -> dict[str, Any]:
        """The modelled values (METADATA_FIELDS names) the entry gives, empty ones left out."""
        return {name: value for name, value in self.record.promoted.items() if value}

    @property
    def doi(self) -> str | None:
        """The entry's DOI, normalised (lowercase, no resolver prefix)."""
        return self.record.doi


@dataclass
class ReadBib:
    """What a .bib file held: its records, the blocks it could not read, and where it is."""

    records: list[BibRecord]
    problems: list[str]
    path: Path | None = None
    source: BibText | None = None


def read_bib_file(path: Path) -> ReadBib:
    """Parse a .bib file. Problems are reported per block ("FILE:line N: reason"); an empty
    file or one without any entry is an error."""
    data = path.read_bytes()
    read = read_bib_bytes(data, str(path))
    read.path = path
    return read


def read_bib_bytes(data: bytes, name: str = "<bib>") -> ReadBib:
    """Parse .bib bytes into records, and per-block problems."""
    source = decode_bib(data, name)
    if not source.text.strip():
        raise FolioError(f"{name}: the file is empty")
    parsed = parse_bib_text(source)
    problems = [f"{name}:{message}" for message in parsed.problems]
    records = _records(parsed, name, problems)
    if not records and not problems:
        raise FolioError(f"{name}: no BibTeX entries found")
    return ReadBib(records, problems, None, source)


def _records(parsed: ParsedBib, name: str, problems: list[str]) -> list[BibRecord]:
    """Records for every entry; an entry that cannot be read is a problem, not a crash."""
    by_key = {entry.key.lower(): entry for entry in parsed.entries}
    records: list[BibRecord] = []
    for entry in parsed.entries:
        try:
            text = parsed.source.text[entry.start : entry.end]
            own = entry.fields
            crossref = entry.first().get("crossref")
            parent = by_key.get(crossref.value.strip().lower()) if crossref else None
            inherited = (
                inherit(entry.entry_type, parent.entry_type, parent.fields, own) if parent else []
            )
            record = StoredRecord(entry.entry_type, entry.key, own, inherited)
            values = {**dict(reversed(inherited)), **dict(reversed(own))}
            warnings = [f"{entry.key}: {w}" for w in entry.warnings]
            promote(record, values, warnings, entry.key)
            bib = BibRecord(
                entry.key,
                entry.line,
                record,
                entry_hash(text),
                crossref.value.strip() if crossref else None,
                _ids(values),
                warnings,
            )
        except Exception as exc:  # one odd entry must not stop the others
            problems.append(f"{name}:line {entry.line}: {entry.key}: cannot read the entry ({exc})")
            continue
        records.append(bib)
    return records


def _ids(values: dict[str, FieldValue]) -> list[str]:
    ids = values.get("ids")
    return [key.strip() for key in ids.value.split(",") if key.strip()] if ids else []


def inherit(
    child_type: str,
    parent_type: str,
    parent_fields: list[tuple[str, FieldValue]],
    own: list[tuple[str, FieldValue]],
) -> list[tuple[str, FieldValue]]:
    """The fields a crossref child gets from its parent, as biber gives them: the same name
    (BibTeX's rule), or for a part of a book-like parent its title as `booktitle` and so on.
    Fields the child has itself are not inherited."""
    have = {name for name, _ in own}
    inherited: dict[str, FieldValue] = {}
    renames = (
        _RENAMED_FOR_PARTS if parent_type in _BOOK_PARENTS and child_type in _BOOK_PARTS else {}
    )
    for name, value in parent_fields:
        if name in _NEVER_INHERITED:
            continue
        target = renames.get(name, name) if name in renames else name
        if target is None or target in have or target in inherited:
            continue
        inherited[target] = value
        if name == "author" and child_type in ("inbook", "bookinbook", "suppbook"):
            inherited.setdefault("bookauthor", value)
    return list(inherited.items())


def decoded(value: FieldValue | str | None) -> str:
    """Plain text from a field value (LaTeX decoded); quick for values without markup."""
    if value is None:
        return ""
    text = value.value if isinstance(value, FieldValue) else value
    if not _PLAIN.search(text):
        return " ".join(text.replace("{", "").replace("}", "").split())
    return decode_latex(text)


class _Readable(Mapping[str, FieldValue]):
    """An entry's fields as Folio reads them: one longer than MAX_DECODED_CHARS reads as
    absent (decoding its LaTeX would take minutes) and is remembered in `skipped`. Fields
    Folio never reads (an abstract, a file list) are never looked at, so never decoded."""

    def __init__(self, values: dict[str, FieldValue]) -> None:
        self._values = values
        self.skipped: dict[str, int] = {}  # field name → its length

    def __getitem__(self, name: str) -> FieldValue:
        value = self._values[name]
        if len(value.value) > MAX_DECODED_CHARS:
            self.skipped.setdefault(name, len(value.value))
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def promote(
    record: StoredRecord, fields: dict[str, FieldValue], warnings: list[str], key: str
) -> None:
    """Read the modelled values (METADATA_FIELDS) from an entry's fields into `record`,
    with the field names each came from. Values Folio would refuse, and fields too long to
    decode, are left in the record only (with a warning)."""
    values = _Readable(fields)
    promoted: dict[str, Any] = dict.fromkeys(METADATA_FIELDS)
    sources: dict[str, list[str]] = {name: [] for name in METADATA_FIELDS}

    def take(attr: str, value: Any, names: list[str]) -> None:
        promoted[attr], sources[attr] = value, names

    for name in ("title", "subtitle"):
        if decoded(values.get(name)):
            take(name, decoded(values[name]), [name])
    if "title" not in fields:
        warnings.append(f"{key}: the entry has no title")
    if "author" in values:
        names = person_names(values["author"].value)
        if names:
            take("authors", names, ["author"])
    date, date_fields = _date(values)
    if date:
        take("date", date, date_fields)
    site_field = next(
        (name for name in _SITE_FIELDS.get(record.entry_type, _DEFAULT_SITE_FIELDS)
         if decoded(values.get(name))),
        None,
    )  # fmt: skip
    if site_field:
        take("site", decoded(values[site_field]), [site_field])
    url, url_field = _url(values)
    if url:
        take("url", url, [url_field])
    record.doi = normal_doi(values["doi"].value) if "doi" in values else None
    if record.doi is None and url:
        record.doi = normal_doi(url) if "doi.org/" in url else None
    for name in ("addendum", "note"):
        republished = _REPUBLISHED.search(decoded(values.get(name)))
        if republished:
            take("republished_by", republished.group(1).strip(), [name])
            break
    for name in ("langid", "language"):
        language = _language(decoded(values.get(name)))
        if language:
            take("language", language, [name])
            break
    kind = _kind(record.entry_type, decoded(values.get("entrysubtype")).lower(), bool(url))
    if kind:
        take("type", kind, ["entrysubtype"] if "entrysubtype" in values else [])
    warnings.extend(
        f"{key}: {name} kept in the record only: {length:,} characters is too long to read "
        f"(the limit is {MAX_DECODED_CHARS:,})"
        for name, length in values.skipped.items()
    )
    _check(promoted, sources, warnings, key)
    record.promoted, record.sources = promoted, sources


def person_names(raw: str) -> list[str]:
    """ "First von Last Jr" for each name of a BibTeX name list (an organisation in braces
    stays whole)."""
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    names = []
    for name in split_multiple_persons_names(raw):
        try:
            parts = parse_single_name_into_parts(name, strict=False)
            words = [*parts.first, *parts.von, *parts.last, *parts.jr]
        except Exception:
            words = [name]
        person = decoded(" ".join(words))
        if person:
            names.append(person)
    return names


def _date(values: Mapping[str, FieldValue]) -> tuple[str | None, list[str]]:
    from library.metadata import check_date

    if "date" in values:
        start = decoded(values["date"]).split("/")[0].strip().rstrip("~?%")
        try:
            return check_date(start), ["date"]
        except InvalidValue:
            year_at = re.match(r"\d{4}\b", start)
            return (year_at.group(), ["date"]) if year_at else (None, [])
    # `{\noopsort{1973c}}1981` (a sorting trick) is 1981: commands and their arguments go.
    year_text = _COMMAND_GROUP.sub("", values["year"].value) if "year" in values else ""
    year_match = re.match(r"\d{4}(?!\d)", decoded(year_text))
    if not year_match:
        return None, []
    year = year_match.group()
    month = decoded(values.get("month")).lower().rstrip(".")
    number = int(month) if month.isdigit() else _MONTHS.get(month, _MONTHS.get(month[:3]))
    if number and 1 <= number <= 12:
        return f"{year}-{number:02d}", ["year", "month"]
    return year, ["year"]


def _url(values: Mapping[str, FieldValue]) -> tuple[str | None, str]:
    if "url" in values and values["url"].value.strip():
        return _URL_ESCAPES.sub(r"\1", values["url"].value.strip()), "url"
    match = _URL_MACRO.search(values["howpublished"].value) if "howpublished" in values else None
    return (match.group(1), "howpublished") if match else (None, "")


def _language(value: str) -> str | None:
    value = value.strip().lower()
    if value in _LANGUAGES:
        return _LANGUAGES[value]
    return value if re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*", value) else None


def _kind(entry_type: str, subtype: str, has_url: bool) -> str | None:
    """Folio's type for a BibTeX type; None for a @misc without a URL, which says nothing."""
    if entry_type == "article":
        return {"newspaper": "article-newspaper", "magazine": "article-magazine"}.get(
            subtype, "article-journal"
        )
    if entry_type == "misc":
        return "webpage" if has_url else None
    return _ENTRY_KINDS.get(entry_type, "document")


def _check(
    promoted: dict[str, Any], sources: dict[str, list[str]], warnings: list[str], key: str
) -> None:
    """Drop (with a warning) values Folio would refuse from `folio edit`; the record keeps
    the fields they came from."""
    from library.metadata import check_changes

    for name, value in list(promoted.items()):
        if value in (None, "", []):
            promoted[name], sources[name] = None, []
            continue
        try:
            promoted.update(check_changes({name: value}))
        except InvalidValue as exc:
            warnings.append(f"{key}: {name} kept in the record only: {exc}")
            promoted[name], sources[name] = None, []


# ---------------------------------------------------------------------------------------------
# Planning and applying an import


@dataclass
class ImportPlan:
    """What importing one record will do: add an article, change one, or (a second entry
    with a DOI seen earlier in the file) keep its key as an alias of the first."""

    record: BibRecord
    article: Article | None
    changes: dict[str, Any]
    conflicts: list[str]
    matched_by: str | None = None
    duplicate_of: BibRecord | None = None
    note: str | None = None
    old_fields: dict[str, str] = field(default_factory=dict)  # the stored record's values

    def conflict(self, name: str) -> tuple[Any, Any]:
        """The library's value and the entry's for a field that differs."""
        if name in self.changes:
            return getattr(self.article, name), self.changes[name]
        new = self.record.record.first().get(name)
        return self.old_fields.get(name), new.value if new else None


def plan_imports(
    conn: sqlite3.Connection, records: list[BibRecord], path: Path | None = None
) -> list[ImportPlan]:
    """A plan for every record, matched against the library as it is now (an entry this
    file held before, under the same key, is the same article)."""
    from library.bibsync import seen_entries

    known = {}
    if path is not None:
        known = {k: e.article_pk for k, e in seen_entries(conn, path).items() if e.article_pk}
    matcher = Matcher(conn, known)
    first_by_doi: dict[str, BibRecord] = {}
    plans = []
    for record in records:
        first = first_by_doi.get(record.doi) if record.doi else None
        if first is not None:
            plans.append(ImportPlan(record, None, {}, [], "doi", duplicate_of=first))
            continue
        if record.doi:
            first_by_doi[record.doi] = record
        plans.append(_plan(conn, matcher, record))
    return plans


def _plan(conn: sqlite3.Connection, matcher: Matcher, record: BibRecord) -> ImportPlan:
    match = matcher.match(record)
    if match.pk is None:
        return ImportPlan(record, None, dict(record.fields), [], note=match.note)
    article = articles.article_by_pk(conn, match.pk)
    changes: dict[str, Any] = {}
    conflicts: list[str] = []
    for name, value in record.fields.items():
        current = getattr(article, name)
        if value == current:
            continue
        changes[name] = value
        if current not in (None, "", []):
            conflicts.append(name)
    old = record_of(conn, article.pk)
    conflicts += _field_conflicts(old, record.record)
    before = {name: value.value for name, value in old.first().items()} if old else {}
    return ImportPlan(record, article, changes, conflicts, match.how, old_fields=before)


def _field_conflicts(old: StoredRecord | None, new: StoredRecord) -> list[str]:
    """Fields of the stored record that the new entry gives another value (the modelled
    ones are compared as values instead)."""
    if old is None:
        return []
    modelled = {name for names in new.sources.values() for name in names}
    before = old.first()
    return [
        name
        for name, value in new.first().items()
        if name in before
        and before[name] != value
        and name not in modelled
        and not (name == "doi" and normal_doi(before[name].value) == normal_doi(value.value))
    ]


@dataclass
class ImportOutcome:
    """What happened to one record."""

    key: str
    status: str  # added | updated | unchanged | alias
    article: Article
    note: str | None = None


_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def import_bib(
    conn: sqlite3.Connection,
    read: ReadBib,
    overwrite: Callable[[BibRecord], bool],
) -> list[ImportOutcome]:
    """Import every record inside the caller's transaction. A matched article's differing
    fields change only where `overwrite(record)` says so; the entry is remembered as read
    from this file (for `export --merge`) unless something of it was declined."""
    from library.bibsync import remember_entries

    outcomes: list[ImportOutcome] = []
    pk_by_key: dict[str, int] = {}
    seen: list[tuple[str, str, int]] = []
    for plan in plan_imports(conn, read.records, read.path):
        outcome, accepted = _apply(conn, plan, overwrite)
        outcomes.append(outcome)
        pk_by_key[plan.record.key.lower()] = outcome.article.pk
        if accepted:
            seen.append((plan.record.key, plan.record.text_sha256, outcome.article.pk))
    _link_crossrefs(conn, read.records, pk_by_key)
    if read.path is not None:
        remember_entries(conn, read.path, seen)
    return outcomes


def _apply(
    conn: sqlite3.Connection, plan: ImportPlan, overwrite: Callable[[BibRecord], bool]
) -> tuple[ImportOutcome, bool]:
    record = plan.record
    now = articles.now_iso()
    if plan.duplicate_of is not None:
        first = plan.duplicate_of
        pk = key_owner(conn, first.key)
        article = articles.article_by_pk(conn, pk) if pk is not None else None
        if article is None:  # the first could not be stored under its key: find it by DOI
            article = articles.article_by_pk(conn, Matcher(conn).match(first).pk or -1)
        kept = add_alias(conn, article.pk, record.key)
        how = "kept as an alias of" if kept else "not kept (the key is taken); it duplicates"
        note: str | None = (
            f"{record.key} (line {record.line}) has the same DOI ({record.doi}) as "
            f"{first.key} (line {first.line}): {how} {article.citekey}"
        )
        return ImportOutcome(record.key, "alias", article, note), False
    if plan.article is None:
        return _add(conn, plan, now), True
    allowed = not plan.conflicts or overwrite(record)
    changes = {n: v for n, v in plan.changes.items() if allowed or n not in plan.conflicts}
    article = plan.article
    old = record_of(conn, article.pk)
    merged: StoredRecord | None = _merged_record(old, record.record, allowed)
    if changes:
        article = articles.update_metadata(conn, article, changes)
    if old is None and _folio_would_write(article, record.record):
        merged = None  # Folio's own export read back: it holds nothing Folio lacks
    if merged is not None and merged != old:
        save_record(conn, article.pk, merged, now)
    status = "updated" if changes or (merged is not None and merged != old) else "unchanged"
    if record.key.lower() != article.citekey.lower():
        add_alias(conn, article.pk, record.key)
    _add_aliases(conn, article.pk, record.aliases)
    kept_note = f"{record.key}: kept the library's {', '.join(plan.conflicts)}"
    return ImportOutcome(record.key, status, article, None if allowed else kept_note), allowed


def _folio_would_write(article: Article, record: StoredRecord) -> bool:
    """Whether the entry is what Folio's own BibLaTeX export of the article writes (same
    type, every field the same): then it brings nothing to keep."""
    from library.bibentries import biblatex_entry

    try:
        ours = biblatex_entry(article)
    except InvalidValue:
        return False
    written = {f.name: " ".join(f.value.split()) for f in ours.fields}
    theirs = {name: " ".join(value.value.split()) for name, value in record.fields}
    return ours.entry_type == record.entry_type and theirs.items() <= written.items()


def _merged_record(old: StoredRecord | None, new: StoredRecord, allowed: bool) -> StoredRecord:
    """The record to store for a matched article: the entry's (or, when its differing
    values were declined, the stored one), plus every field only the other one has."""
    if old is None:
        return new
    base, extra = (new, old) if allowed else (old, new)
    have = set(base.names())
    merged = StoredRecord(
        base.entry_type,
        base.bib_key,
        [*base.fields, *[(n, v) for n, v in extra.fields if n not in have]],
        base.inherited or extra.inherited,
        base.promoted,
        base.sources,
        base.doi or extra.doi,
        base.crossref_pk or extra.crossref_pk,  # linked again after the import if it moved
    )
    return merged


def import_found(conn: sqlite3.Connection, record: BibRecord) -> ImportOutcome:
    """Import one record a look-up found (by DOI, arXiv id or ISBN: library.lookups),
    inside the caller's transaction. It is matched as an entry of a .bib is (DOI, URL,
    title + first author + year). A new work becomes a metadata-only article whose key comes
    from the library's formula and whose values are marked found; an article already here
    gets only the values it lacks (values that differ are kept, and named in the note) and
    the record's other fields."""
    [plan] = plan_imports(conn, [record])
    now = articles.now_iso()
    if plan.article is None:
        return _add(conn, plan, now, origin="found")
    article = plan.article
    fill = {name: value for name, value in plan.changes.items() if name not in plan.conflicts}
    if fill:
        article = articles.update_metadata(conn, article, fill, origin="found")
    record.record.bib_key = article.citekey
    old = record_of(conn, article.pk)
    merged = _merged_record(old, record.record, allowed=False)
    if merged != old:
        save_record(conn, article.pk, merged, now)
    status = "updated" if fill or merged != old else "unchanged"
    note = None
    if plan.conflicts:
        note = f"kept the library's {', '.join(plan.conflicts)}, which the look-up gives otherwise"
    return ImportOutcome(article.citekey, status, article, note)


def _add(
    conn: sqlite3.Connection, plan: ImportPlan, now: str, origin: Origin = "user"
) -> ImportOutcome:
    """A new metadata-only article for the plan's record: under the entry's key when it is
    free (a found record's key is not the user's: the formula makes one), its values marked
    typed by the user (or `origin`)."""
    record = plan.record
    key = record.key
    own_key = origin == "user"
    key_free = own_key and bool(CITEKEY_PATTERN.match(key)) and key_owner(conn, key) is None
    extracted = Extracted(
        "", {name: MetaValue(value, origin) for name, value in plan.changes.items() if value}
    )
    version = articles.SourceVersion(_EMPTY_SHA256, BIB_FORMAT, None, None)
    article = articles.insert_article(conn, extracted, version, key if key_free else None)
    if not own_key:
        record.record.bib_key = article.citekey
    save_record(conn, article.pk, record.record, now)
    notes = [plan.note] if plan.note and own_key else []
    if not key_free and not plan.note and own_key:
        reason = "is taken" if CITEKEY_PATTERN.match(key) else "is not a valid Folio key"
        notes.append(f"{key}: the key {reason}; the article's key is {article.citekey}")
    elif plan.note and own_key:
        notes.append(f"added as {article.citekey}")
    _add_aliases(conn, article.pk, record.aliases)
    return ImportOutcome(key, "added", article, "; ".join(notes) or None)


def _add_aliases(conn: sqlite3.Connection, pk: int, aliases: list[str]) -> None:
    for alias in aliases:
        if CITEKEY_PATTERN.match(alias):
            add_alias(conn, pk, alias)


def _link_crossrefs(
    conn: sqlite3.Connection, records: list[BibRecord], pk_by_key: dict[str, int]
) -> None:
    """Point each crossref child's record at its parent's article (so the link follows
    the parent's key if it changes)."""
    for record in records:
        if not record.crossref:
            continue
        child = pk_by_key.get(record.key.lower())
        parent = pk_by_key.get(record.crossref.lower()) or key_owner(conn, record.crossref)
        if child is not None and parent is not None and parent != child:
            conn.execute(
                "UPDATE bib_records SET crossref_pk = ? WHERE article_pk = ?", (parent, child)
            )
