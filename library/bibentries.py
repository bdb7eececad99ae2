"""Articles as BibLaTeX (UTF-8, for biber) or classic BibTeX (ASCII, for .bst styles) entries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from library.articles import Article
from library.babel import babel_language
from library.errors import InvalidValue
from library.latex import Encoded, latex_field
from library.names import is_organisation, person_name_parts

FLAVOURS = ("biblatex", "bibtex")
MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass
class BibField:
    """One field: its name, its value as written between braces (or bare, for month macros)."""

    name: str
    value: str
    bare: bool = False


@dataclass
class EncodingProblem:
    """Characters of one field that the ASCII flavour could not spell (written as `?`)."""

    key: str
    field: str
    chars: list[str]

    def message(self) -> str:
        """A one-line report naming the entry, the field and the characters."""
        unique = "".join(dict.fromkeys(self.chars))
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(self.chars))
        return (
            f"{self.key}: {self.field}: {len(self.chars)} character(s) with no ASCII/LaTeX "
            f"spelling written as '?': {unique} ({codes})"
        )


@dataclass
class BibEntry:
    """One entry ready to write, with what could not be encoded and what the type lacks."""

    entry_type: str
    key: str
    fields: list[BibField] = field(default_factory=list)
    problems: list[EncodingProblem] = field(default_factory=list)

    def add(
        self, name: str, encoded: Encoded | str | None, bare: bool = False, source: str = ""
    ) -> None:
        """Add a field (skipped when empty), remembering characters the encoding lost (as
        lost from `source`, the metadata field the value came from, when it is not `name`)."""
        if encoded is None:
            return
        if isinstance(encoded, str):
            encoded = Encoded(encoded)
        if not encoded.text:
            return
        if encoded.lost:
            self.problems.append(EncodingProblem(self.key, source or name, encoded.lost))
        self.fields.append(BibField(name, encoded.text, bare))

    def get(self, name: str) -> str | None:
        """The written value of a field, or None."""
        return next((f.value for f in self.fields if f.name == name), None)

    def render(self) -> str:
        """The entry as .bib text (no trailing newline)."""
        lines = [f"@{self.entry_type}{{{self.key},"]
        for item in self.fields:
            value = item.value if item.bare else f"{{{item.value}}}"
            lines.append(f"  {item.name} = {value},")
        lines.append("}")
        return "\n".join(lines)


def render_entries(entries: list[BibEntry]) -> str:
    """Entries as the text of a .bib file, a blank line between them."""
    return "".join(entry.render() + "\n\n" for entry in entries).rstrip("\n") + "\n"


def bib_name(name: str, *, ascii_only: bool) -> Encoded:
    """One author as BibTeX reads it: "von Last, Jr, First", or a braced organisation."""
    if is_organisation(name):
        encoded = latex_field(name, ascii_only=ascii_only)
        return Encoded("{" + encoded.text + "}", encoded.lost)
    first, von, last, jr = person_name_parts(name)
    lost: list[str] = []

    def part(text: str) -> str:
        encoded = latex_field(text, ascii_only=ascii_only)
        lost.extend(encoded.lost)
        # "and" inside a name would split it in two.
        return " ".join("{and}" if w.lower() == "and" else w for w in encoded.text.split(" "))

    head = " ".join(filter(None, [part(von) if von else "", part(last)]))
    written = ", ".join(filter(None, [head, part(jr) if jr else "", part(first) if first else ""]))
    return Encoded(written, lost)


def bib_names(names: list[str], *, ascii_only: bool) -> Encoded | None:
    """An author list joined with " and ", or None when there are none."""
    if not names:
        return None
    encoded = [bib_name(name, ascii_only=ascii_only) for name in names]
    return Encoded(" and ".join(e.text for e in encoded), [ch for e in encoded for ch in e.lost])


def checked_url(article: Article) -> str | None:
    """The article's URL as written (never escaped); InvalidValue when it is malformed."""
    from library.metadata import check_url

    if not article.url:
        return None
    try:
        return check_url(article.url)
    except InvalidValue as exc:
        reason = str(exc).removeprefix("--url: ")
        raise InvalidValue(f"{article.citekey}: cannot export the url: {reason}") from None


def _text(value: str | None, ascii_only: bool) -> Encoded | None:
    return latex_field(value, ascii_only=ascii_only) if value else None


def _title(value: str | None, ascii_only: bool) -> Encoded | None:
    return latex_field(value, ascii_only=ascii_only, protect_case=True) if value else None


def access_date(article: Article) -> str:
    """The date the article was read: the day it was added to the library."""
    return article.added_at[:10]


_PERIODICAL_SUBTYPES = {"article-newspaper": "newspaper", "article-magazine": "magazine"}
# Words a short title does not end on (Chicago: keep the key words, drop the glue).
_GLUE_WORDS = frozenset(
    "a an the and or but nor of in on at to for from by with as into under over about".split()
)
_SUBTITLE = re.compile(r"\s*(?::|\s[-\u2013\u2014]\s)\s*")
SHORT_TITLE_WORDS = 4


@dataclass(frozen=True)
class EntryExtras:
    """What an entry shows besides the article's own metadata: its tags (`keywords`) and
    its old keys (`ids`, so biblatex resolves \\cite{old})."""

    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


NO_EXTRAS = EntryExtras()


def short_title(title: str | None) -> str | None:
    """A title short enough for an author-less citation, or None when the title already
    is: the main title before a subtitle, else its first four words (up to a comma) without
    a dangling "of" or "the"."""
    if not title:
        return None
    words = _SUBTITLE.split(title, maxsplit=1)[0].split()
    if len(words) > SHORT_TITLE_WORDS:
        words = words[:SHORT_TITLE_WORDS]
        for index, word in enumerate(words[:-1]):
            if word.endswith((",", ";")):
                words = words[: index + 1]
                break
    while len(words) > 1 and words[-1].lower().strip(",;") in _GLUE_WORDS:
        words.pop()
    short = " ".join(words).rstrip(",;")
    return short if short and short != " ".join(title.split()) else None


def _urls(url: str | None, ascii_only: bool) -> str | None:
    return _ascii_url(url) if url and ascii_only else url


def biblatex_entry(
    article: Article, extras: EntryExtras = NO_EXTRAS, ascii_only: bool = False
) -> BibEntry:
    """The article as a BibLaTeX entry: UTF-8 for biber, or with `ascii_only` every
    non-ASCII character as a LaTeX command (for pdflatex), as Better BibTeX's option does."""
    url = _urls(checked_url(article), ascii_only)
    kind = article.type or "webpage"
    entry = BibEntry("online" if url else "misc", article.citekey)
    if kind in (*_PERIODICAL_SUBTYPES, "article-journal") and article.site:
        entry.entry_type = "article"
    elif kind == "report":
        entry.entry_type = "report"
    elif kind == "book":
        entry.entry_type = "book"
    entry.add("ids", ",".join(extras.aliases) or None)
    entry.add("author", bib_names(article.authors, ascii_only=ascii_only))
    entry.add("title", _title(article.title, ascii_only))
    entry.add("subtitle", _title(article.subtitle, ascii_only))
    if not article.authors:
        # biblatex labels an author-less work by its title: a short one, not twelve words.
        entry.add("shorttitle", _title(short_title(article.title), ascii_only))
    entry.add("date", article.date)
    site = _text(article.site, ascii_only)
    if entry.entry_type == "article":
        entry.add("journaltitle", site)
        entry.add("entrysubtype", _PERIODICAL_SUBTYPES.get(kind))
    elif entry.entry_type == "report":
        entry.add("institution", site)
        entry.add("type", "report")
    elif entry.entry_type == "book":
        entry.add("publisher", site)
    else:
        entry.add("organization", site)
    entry.add("url", url)
    entry.add("urldate", access_date(article) if url else None)
    entry.add("langid", babel_language(article.language))
    entry.add("keywords", _keywords(extras, ascii_only))
    if article.republished_by:
        entry.add(
            "addendum",
            latex_field(f"Republished by {article.republished_by}", ascii_only=ascii_only),
        )
    return entry


def _keywords(extras: EntryExtras, ascii_only: bool) -> Encoded | None:
    """The article's tags as one comma-separated `keywords` value (tags hold no commas)."""
    return _text(", ".join(extras.tags), ascii_only) if extras.tags else None


def _ascii_url(url: str) -> str:
    """A URL with its non-ASCII characters percent-encoded (the rest untouched)."""
    return quote(url, safe="".join(chr(c) for c in range(33, 127)))


def bibtex_entry(article: Article, extras: EntryExtras = NO_EXTRAS) -> BibEntry:
    """The article as a classic BibTeX entry: ASCII with LaTeX escapes, for .bst styles.

    plain, apalike and plainnat print no `url` field in most entry types (plainnat does in
    some, and would print it twice): the URL goes into `howpublished` or `note`, which all
    three print. A work without an author has its title in the author position, as APA and
    Chicago author-date cite anonymous works: plainnat would print a `key` field there and
    drop the year from the citation label."""
    url = _urls(checked_url(article), True)
    kind = article.type or "webpage"
    title = article.title
    if title and article.subtitle:
        title = f"{title}: {article.subtitle}"
    entry = BibEntry("misc", article.citekey)
    container = "howpublished"
    if article.authors or not title:
        if kind in (*_PERIODICAL_SUBTYPES, "article-journal") and article.site:
            entry.entry_type, container = "article", "journal"
        elif kind == "report":
            entry.entry_type, container = "techreport", "institution"
        elif kind == "book":
            entry.entry_type, container = "book", "publisher"
        entry.add("author", bib_names(article.authors, ascii_only=True))
        entry.add("title", _title(title, True))
    else:
        anonymous = latex_field(title, ascii_only=True)
        entry.add("author", Encoded("{" + anonymous.text + "}", anonymous.lost), source="title")
    site = _text(article.site, True)
    url_text = f"\\url{{{url}}}" if url else ""
    if container == "howpublished":
        parts = [site.text if site else "", url_text]
        entry.add(
            "howpublished", Encoded(", ".join(filter(None, parts)), site.lost if site else [])
        )
    else:
        entry.add(container, site)
    if article.date:
        entry.add("year", article.date[:4])
        if len(article.date) >= 7:
            entry.add("month", MONTH_MACROS[int(article.date[5:7]) - 1], bare=True)
    entry.add("keywords", _keywords(extras, True))
    notes: list[Encoded] = []
    if url_text and container != "howpublished":
        notes.append(Encoded(url_text))
    if article.republished_by:
        notes.append(latex_field(f"Republished by {article.republished_by}", ascii_only=True))
    if url:
        notes.append(Encoded(f"Accessed {access_date(article)}"))
    if notes:
        entry.add(
            "note", Encoded(". ".join(n.text for n in notes), [ch for n in notes for ch in n.lost])
        )
    return entry


def article_entry(
    article: Article, flavour: str, extras: EntryExtras = NO_EXTRAS, ascii_only: bool = False
) -> BibEntry:
    """The entry for `article` in `flavour` (biblatex, or bibtex: always ASCII)."""
    if flavour == "biblatex":
        return biblatex_entry(article, extras, ascii_only)
    if flavour == "bibtex":
        return bibtex_entry(article, extras)
    raise InvalidValue(f"unknown flavour '{flavour}' (choose from {', '.join(FLAVOURS)})")


def missing_for_biblatex(entry: BibEntry) -> list[str]:
    """Fields biblatex's data model expects for this entry type that Folio does not know."""
    missing: list[str] = []
    if entry.get("crossref") is not None:
        return missing  # biber takes what is missing from the parent
    if entry.get("date") is None and entry.get("year") is None:
        missing.append("date")
    if entry.entry_type in ("article", "book", "report") and entry.get("author") is None:
        missing.append("author")
    return missing
