"""Articles as BibLaTeX (UTF-8, for biber) or classic BibTeX (ASCII, for .bst styles) entries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from library.articles import Article
from library.errors import InvalidValue
from library.latex import Encoded, latex_field

FLAVOURS = ("biblatex", "bibtex")
MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# Words that mark an author string as an organisation, written whole as one braced name.
_ORGANISATION_WORDS = frozenset(
    """association institute institution committee news agency council center centre
    university foundation organization organisation ministry department office press group
    network times bureau service society union party commission company corporation
    inc ltd llc team staff editors editorial board club project media forum
    tribune herald journal magazine daily review channel radio television tv""".split()
)
# Lowercase name particles: they do not count towards an organisation's word count.
_PARTICLES = frozenset("de del della der di da dos du la le van von den ter bin ibn al el".split())
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_WORD_CHARS = re.compile(r"[^\w]+")


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

    def add(self, name: str, encoded: Encoded | str | None, bare: bool = False) -> None:
        """Add a field (skipped when empty), remembering characters the encoding lost."""
        if encoded is None:
            return
        if isinstance(encoded, str):
            encoded = Encoded(encoded)
        if not encoded.text:
            return
        if encoded.lost:
            self.problems.append(EncodingProblem(self.key, name, encoded.lost))
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


def is_organisation(name: str) -> bool:
    """Whether an author string names an organisation rather than a person."""
    if "," in name:
        return False
    words = name.split()
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return True
    if re.search(r"[\d()&@/]", name):
        return True
    if len(words) == 1:
        return False
    bare_words = [_WORD_CHARS.sub("", word).lower() for word in words]
    if any(word in _ORGANISATION_WORDS for word in bare_words):
        return True
    counted = [w for w in words if w.lower() not in _SUFFIXES and w.lower() not in _PARTICLES]
    return len(counted) > 3


def person_name_parts(name: str) -> tuple[str, str, str, str]:
    """(first, von, last, jr) of a person written "First von Last" or "von Last, First"."""
    if "," in name:
        pieces = [piece.strip() for piece in name.split(",")]
        last_words = pieces[0].split()
        von = [w for w in last_words[:-1] if w[:1].islower()]
        last = " ".join(last_words[len(von) :])
        jr = pieces[1] if len(pieces) > 2 else ""
        first = pieces[-1] if len(pieces) > 1 else ""
        return first, " ".join(von), last, jr
    words = name.split()
    jr = ""
    if len(words) > 2 and words[-1].lower() in _SUFFIXES:
        jr = words.pop()
    if len(words) == 1:
        return "", "", words[0], jr
    last = words[-1]
    von_start = len(words) - 1
    while von_start > 1 and words[von_start - 1][:1].islower():
        von_start -= 1
    return " ".join(words[:von_start]), " ".join(words[von_start:-1]), last, jr


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


def biblatex_entry(article: Article) -> BibEntry:
    """The article as a BibLaTeX entry (UTF-8; biber reads it)."""
    url = checked_url(article)
    kind = article.type or "webpage"
    entry = BibEntry("online" if url else "misc", article.citekey)
    if kind in (*_PERIODICAL_SUBTYPES, "article-journal") and article.site:
        entry.entry_type = "article"
    elif kind == "report":
        entry.entry_type = "report"
    elif kind == "book":
        entry.entry_type = "book"
    entry.add("author", bib_names(article.authors, ascii_only=False))
    entry.add("title", _title(article.title, False))
    entry.add("subtitle", _title(article.subtitle, False))
    entry.add("date", article.date)
    if entry.entry_type == "article":
        entry.add("journaltitle", _text(article.site, False))
        entry.add("entrysubtype", _PERIODICAL_SUBTYPES.get(kind))
    elif entry.entry_type == "report":
        entry.add("institution", _text(article.site, False))
        entry.add("type", "report")
    elif entry.entry_type == "book":
        entry.add("publisher", _text(article.site, False))
    else:
        entry.add("organization", _text(article.site, False))
    entry.add("url", url)
    entry.add("urldate", access_date(article) if url else None)
    if article.republished_by:
        entry.add(
            "addendum", latex_field(f"Republished by {article.republished_by}", ascii_only=False)
        )
    return entry


def _ascii_url(url: str) -> str:
    """A URL with its non-ASCII characters percent-encoded (the rest untouched)."""
    return quote(url, safe="".join(chr(c) for c in range(33, 127)))


def bibtex_entry(article: Article) -> BibEntry:
    """The article as a classic BibTeX entry: ASCII with LaTeX escapes, for .bst styles."""
    url = checked_url(article)
    url = _ascii_url(url) if url else None
    kind = article.type or "webpage"
    entry = BibEntry("misc", article.citekey)
    container = "howpublished"
    if kind in (*_PERIODICAL_SUBTYPES, "article-journal") and article.site:
        entry.entry_type, container = "article", "journal"
    elif kind == "report":
        entry.entry_type, container = "techreport", "institution"
    elif kind == "book":
        entry.entry_type, container = "book", "publisher"
    entry.add("author", bib_names(article.authors, ascii_only=True))
    if not article.authors:
        # Without `key`, author-year styles such as plainnat print the title as the author.
        entry.add("key", _text(article.site or article.title, True))
    title = article.title
    if title and article.subtitle:
        title = f"{title}: {article.subtitle}"
    entry.add("title", _title(title, True))
    site = _text(article.site, True)
    if container == "howpublished":
        parts = [site.text if site else "", f"\\url{{{url}}}" if url else ""]
        entry.add(
            "howpublished", Encoded(", ".join(filter(None, parts)), site.lost if site else [])
        )
    else:
        entry.add(container, site)
    if article.date:
        entry.add("year", article.date[:4])
        if len(article.date) >= 7:
            entry.add("month", MONTH_MACROS[int(article.date[5:7]) - 1], bare=True)
    if entry.entry_type != "misc":
        entry.add("url", url)
    notes: list[Encoded] = []
    if article.republished_by:
        notes.append(latex_field(f"Republished by {article.republished_by}", ascii_only=True))
    if url:
        notes.append(Encoded(f"Accessed {access_date(article)}"))
    if notes:
        entry.add(
            "note", Encoded(". ".join(n.text for n in notes), [ch for n in notes for ch in n.lost])
        )
    return entry


def article_entry(article: Article, flavour: str) -> BibEntry:
    """The entry for `article` in `flavour` (biblatex or bibtex)."""
    if flavour == "biblatex":
        return biblatex_entry(article)
    if flavour == "bibtex":
        return bibtex_entry(article)
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
