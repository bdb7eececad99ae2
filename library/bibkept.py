"""Exporting an article that came from a .bib file: its record is written back as it came
in (entry type, every field, raw LaTeX), except the modelled values edited in Folio since,
which Folio writes itself. Folio's own additions (fields its export has that the record
lacks) are added; an access date is never invented for a reference Folio did not capture.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from library.articles import Article
from library.bibentries import BibEntry, BibField, EncodingProblem
from library.bibimport import _SITE_FIELDS, BIB_FORMAT
from library.bibrecords import StoredRecord, citekeys_of, records_for
from library.bibtext import MONTH_MACROS
from library.extracted import METADATA_FIELDS
from library.latex import encode_ascii, latex_field

# The fields through which Folio's export writes each modelled value.
ATTRIBUTE_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "subtitle": ("subtitle",),
    "authors": ("author",),
    "date": ("date", "year", "month"),
    "site": ("journaltitle", "journal", "organization", "institution", "publisher"),
    "url": ("url", "howpublished"),
    "language": ("langid",),
    "republished_by": ("addendum", "note"),
    "type": ("entrysubtype", "type"),
}
# Every field name Folio's export writes for its modelled values, plus those it derives
# from them (the access date, the bibtex flavour's sort key).
MODELLED_NAMES = frozenset(
    {name for names in ATTRIBUTE_FIELDS.values() for name in names} | {"urldate", "key"}
)
# Fields whose value is written as is, never escaped or spelled in ASCII.
VERBATIM = frozenset({"url", "doi", "eprint", "file", "pdf", "verba", "verbb", "verbc"})
# Folio's own fields that win over the record's (the keys an article is cited by).
FOLIO_WINS = frozenset({"ids"})
# biblatex types and what classic BibTeX calls them.
_BIBTEX_TYPES = {
    "online": "misc",
    "www": "misc",
    "thesis": "phdthesis",
    "report": "techreport",
    "mvbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "reference": "book",
    "mvreference": "book",
    "bookinbook": "inbook",
    "suppbook": "inbook",
    "suppcollection": "incollection",
    "inreference": "incollection",
    "mvproceedings": "proceedings",
}
_BIBTEX_STANDARD = frozenset(
    """article book booklet conference inbook incollection inproceedings manual
    mastersthesis misc phdthesis proceedings techreport unpublished""".split()
)
_BIBTEX_FIELDS = {"journaltitle": "journal", "location": "address"}


@dataclass
class KeptEntry(BibEntry):
    """An entry written from a record: also what its crossref parent gave it, so the link
    can be kept when the parent is in the same file and replaced by the fields otherwise."""

    crossref: str | None = None  # the parent's current key
    inherited: list[BibField] = field(default_factory=list)
    own: list[BibField] = field(default_factory=list)

    def relink(self, present: set[str]) -> None:
        """Keep `crossref` if its parent's key is in `present` (lowercased keys of the
        file being written), else write the inherited fields in its place."""
        if self.crossref is None:
            return
        if self.crossref.lower() in present:
            self.fields = list(self.own)
            return
        have = {f.name for f in self.own}
        kept = [f for f in self.own if f.name != "crossref"]
        self.fields = kept + [f for f in self.inherited if f.name not in have]


@dataclass
class KeptRecords:
    """The records of the articles being exported, and their crossref parents' keys."""

    records: dict[int, StoredRecord] = field(default_factory=dict)
    parent_keys: dict[int, str] = field(default_factory=dict)


def load_kept(conn: sqlite3.Connection, articles: Iterable[Article]) -> KeptRecords:
    """The records behind these articles (one query per 900) and their parents' keys."""
    records = records_for(conn, [article.pk for article in articles])
    parents = sorted({r.crossref_pk for r in records.values() if r.crossref_pk is not None})
    return KeptRecords(records, citekeys_of(conn, parents))


def kept_doi(article: Article, kept: KeptRecords) -> str | None:
    """The DOI the article's record gives, as written there (without a resolver prefix)."""
    from library.bibmatch import DOI_PREFIX, normal_doi

    record = kept.records.get(article.pk)
    raw = record.first().get("doi") if record else None
    if raw is None or normal_doi(raw.value) is None:
        return None
    return DOI_PREFIX.sub("", raw.value.strip())


def _value(article: Article, attr: str) -> object:
    value = getattr(article, attr)
    return value if value not in ("", []) else None


def edited(article: Article, record: StoredRecord) -> set[str]:
    """The modelled values that differ from what the record said (edited in Folio)."""
    return {a for a in METADATA_FIELDS if _value(article, a) != record.promoted.get(a)}


def kept_entry(
    folio: BibEntry, article: Article, kept: KeptRecords | None, flavour: str
) -> BibEntry:
    """The entry to write for `article`: Folio's own (`folio`) when it has no record, else
    its record written back with Folio's edits and additions."""
    record = kept.records.get(article.pk) if kept else None
    if record is None:
        if article.format == BIB_FORMAT:  # a reference read from a .bib: nobody accessed it
            folio.fields = [f for f in folio.fields if f.name != "urldate"]
        return folio
    changed = edited(article, record)
    drop = {name for attr in changed for name in record.sources.get(attr, [])}
    entry_type = folio.entry_type if "type" in changed else record.entry_type
    entry = KeptEntry(entry_type, folio.key)
    seen: set[str] = set()
    for name, value in record.fields:
        if name in seen or name in drop:
            continue  # a repeated field is written once, as BibTeX reads it
        seen.add(name)
        entry.fields.append(BibField(name, value.value, value.bare))
    for attr in sorted(changed, key=METADATA_FIELDS.index):
        for item in _edited_fields(attr, folio, article, record, flavour):
            _put(entry, item)
    names = {f.name for f in entry.fields}
    for item in folio.fields:
        web_capture = item.name == "urldate" and article.format != BIB_FORMAT
        if item.name in FOLIO_WINS or (item.name not in names and item.name not in MODELLED_NAMES):
            _put(entry, item)
        elif web_capture and item.name not in names and "url" in names:
            entry.fields.append(item)  # Folio captured the page itself: a true access date
    entry.problems = list(folio.problems)
    _link(entry, record, kept)
    return to_bibtex(entry) if flavour == "bibtex" else entry


def _put(entry: BibEntry, item: BibField) -> None:
    """Set a field: replace it where it stands, or add it at the end."""
    for index, current in enumerate(entry.fields):
        if current.name == item.name:
            entry.fields[index] = item
            return
    entry.fields.append(item)


def _edited_fields(
    attr: str, folio: BibEntry, article: Article, record: StoredRecord, flavour: str
) -> list[BibField]:
    """The fields that write an edited value: Folio's own, named as the record names it."""
    value = getattr(article, attr)
    sources = record.sources.get(attr, [])
    ascii_only = flavour == "bibtex"
    if not value:
        return []
    if attr == "date" and (sources[:1] == ["year"] or flavour == "bibtex"):
        date = str(value)
        fields = [BibField("year", date[:4])]
        if len(date) >= 7:
            fields.append(BibField("month", MONTH_MACROS[int(date[5:7]) - 1], bare=True))
        return fields
    if attr == "site":
        name = sources[0] if sources else _site_field(record.entry_type)
        return [BibField(name, latex_field(str(value), ascii_only=ascii_only).text)]
    if attr == "url":
        return [BibField("url", str(value))]
    if attr == "republished_by":
        name = sources[0] if sources else ("note" if ascii_only else "addendum")
        text = latex_field(f"Republished by {value}", ascii_only=ascii_only).text
        return [BibField(name, text)]
    names = ATTRIBUTE_FIELDS[attr]
    return [item for item in folio.fields if item.name in names and item.name != "howpublished"]


def _site_field(entry_type: str) -> str:
    return _SITE_FIELDS.get(entry_type, ("organization",))[0]


def _link(entry: KeptEntry, record: StoredRecord, kept: KeptRecords | None) -> None:
    """Remember the crossref parent (by its current key) and the inherited fields."""
    entry.own = list(entry.fields)
    parent = kept.parent_keys.get(record.crossref_pk) if kept and record.crossref_pk else None
    if parent is None:
        return  # a crossref to an entry Folio does not have stays as the file wrote it
    entry.crossref = parent
    # The parent's key as the record wrote it, unless it has changed (keys ignore case).
    entry.own = [
        BibField("crossref", parent)
        if f.name == "crossref" and f.value.strip().lower() != parent.lower()
        else f
        for f in entry.own
    ]
    entry.inherited = [BibField(n, v.value, v.bare) for n, v in record.inherited]
    entry.fields = list(entry.own)


def link_crossrefs(entries: list[BibEntry], present: set[str]) -> list[BibEntry]:
    """Entries with each crossref kept when its parent is in `present` (else the parent's
    fields written in), parents after their children as BibTeX needs."""
    parents = set()
    for entry in entries:
        if isinstance(entry, KeptEntry):
            entry.relink(present)
            if entry.crossref and entry.crossref.lower() in present:
                parents.add(entry.crossref.lower())
    return sorted(entries, key=lambda e: e.key.lower() in parents)


def to_bibtex(entry: KeptEntry) -> KeptEntry:
    """A record's entry for classic BibTeX: its types and field names, year and month for
    a date, ASCII with LaTeX spellings (what cannot be spelled is reported)."""
    kind = _BIBTEX_TYPES.get(entry.entry_type, entry.entry_type)
    entry.entry_type = kind if kind in _BIBTEX_STANDARD else "misc"
    for attribute in ("own", "fields", "inherited"):
        setattr(entry, attribute, _bibtex_fields(entry, getattr(entry, attribute)))
    return entry


def _bibtex_fields(entry: KeptEntry, fields: list[BibField]) -> list[BibField]:
    names = {f.name for f in fields}
    out: list[BibField] = []
    for item in fields:
        name = _BIBTEX_FIELDS.get(item.name, item.name)
        if name != item.name and name in names:
            continue  # the BibTeX name is there already
        if item.name == "date" and "year" not in names:
            date = item.value.split("/")[0]
            out.append(BibField("year", date[:4]))
            if len(date) >= 7 and date[5:7].isdigit() and 1 <= int(date[5:7]) <= 12:
                out.append(BibField("month", MONTH_MACROS[int(date[5:7]) - 1], bare=True))
            continue
        if item.name == "date":
            continue
        if name == "institution" and entry.entry_type.endswith("thesis"):
            name = "school"
        out.append(BibField(name, _ascii_value(entry, name, item.value), item.bare))
    return out


def _ascii_value(entry: KeptEntry, name: str, value: str) -> str:
    if value.isascii():
        return value
    if name in VERBATIM:
        return quote(value, safe="".join(chr(c) for c in range(33, 127)))
    encoded = encode_ascii(value)
    if encoded.lost and not any(p.field == name for p in entry.problems):
        entry.problems.append(EncodingProblem(entry.key, name, encoded.lost))
    return encoded.text
