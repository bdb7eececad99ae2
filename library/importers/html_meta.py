"""Metadata of an HTML page: trafilatura's findings, cleaned, plus what it does not read.

Titles lose the site's own name and section labels ("Opinion | …", "… – TechCrunch");
authors go through the byline cleaner (`library.bylines`), so a date, a weekday, a
credential or an agency stuck to a name does not become a person; a fact-check's date is
the date of the check, not of the claim checked; the language and the CSL type come
from the page's markup.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from library.bylines import clean_byline
from library.extracted import FieldValue
from library.furniture import is_end_heading, is_furniture
from library.textnorm import normalize_text
from library.webdates import parse_date

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["clean_page_title", "json_ld_items", "page_fields"]

_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_TITLE_GUESS_LENGTH = 200
_CONTENT_LANGUAGE = (
    "//meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')='content-language']/@content"
)
# What separates a title from the site's name or a section label in <title>/og:title.
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—·»/:]{1,2}|-{1,2})\s+")
# Section labels that open or close a title without being part of it.
_SECTION_LABELS = frozenset(
    "opinion analysis review reviews editorial commentary comment live video watch news"
    " breaking exclusive explainer interview feature photos podcast perspective letters"
    " column blog world politics business sport sports tech technology science culture"
    " meinung kommentar tribune opinión análisis".split()
)
_WORD = re.compile(r"\w+")

# schema.org / Open Graph types that name a CSL type unambiguously. A bare "article"
# could be news, a blog post or a paper, so it stays a guessed "webpage".
_PAGE_TYPES = {
    "newsarticle": "article-newspaper",
    "analysisnewsarticle": "article-newspaper",
    "opinionnewsarticle": "article-newspaper",
    "reportagenewsarticle": "article-newspaper",
    "reviewnewsarticle": "article-newspaper",
    "blogposting": "post-weblog",
    "liveblogposting": "post-weblog",
    "scholarlyarticle": "article-journal",
    "medicalscholarlyarticle": "article-journal",
    "report": "report",
    "book": "book",
}


def page_fields(document: Any, tree: HtmlElement, text: str) -> dict[str, FieldValue]:
    """Metadata fields from trafilatura's findings plus what it does not read (language, type)."""
    site = _clean(getattr(document, "sitename", None))
    url = _clean(getattr(document, "url", None))
    byline = clean_byline(_author_parts(getattr(document, "author", None)))
    found: dict[str, str | list[str] | None] = {
        "title": _title(document, tree, site, url),
        "authors": byline.authors() or None,
        "date": _fact_check_date(tree) or _iso_date(getattr(document, "date", None)),
        "site": site or byline.site or (byline.organisation if byline.people else None),
        "url": url,
        "language": _language(tree),
    }
    fields = {key: FieldValue(value) for key, value in found.items() if value}
    if "title" not in fields:
        fields["title"] = FieldValue(_first_line(text), "guessed")
    page_type = _page_type(tree)
    fields["type"] = FieldValue(page_type) if page_type else FieldValue("webpage", "guessed")
    return fields


def _title(document: Any, tree: HtmlElement, site: str | None, url: str | None) -> str | None:
    """The page's title: trafilatura's, else the <h1> or <title>, cleaned; a button or
    section label ("Share this", "Related News") is no title."""
    headings = _headings(tree)
    candidates = [_clean(getattr(document, "title", None)), *headings, *_title_tags(tree)]
    for candidate in candidates:
        title = clean_page_title(candidate, site, url, headings)
        if title is not None and not _is_label(title):
            return title
    return None


def _is_label(title: str) -> bool:
    """A page-furniture label where a title should be ("Share this", "★ Featured")."""
    words = len(title.split())
    plain = title.strip("★☆•·|»«> ")
    return (
        is_furniture(plain, words)
        or is_end_heading(plain, words)
        or plain.casefold() in _SECTION_LABELS
        or plain.casefold() in ("featured", "home", "untitled")
    )


def _title_tags(tree: HtmlElement) -> list[str]:
    """The <title> and og:title of the page."""
    values = [t.text_content() for t in tree.xpath("//title")[:1]]
    values += [str(v) for v in tree.xpath("//meta[@property='og:title']/@content")[:1]]
    return [cleaned for value in values if (cleaned := _clean(value))]


def clean_page_title(
    title: str | None, site: str | None, url: str | None, headings: list[str]
) -> str | None:
    """A page title without the site's name or a section label at either end.

    "Opinion | The Case for Mills" → "The Case for Mills"; "Rivers – TechCrunch" →
    "Rivers" when the site is TechCrunch (or techcrunch.com). A title that is only
    separators and menu words is no title (None).
    """
    if title is None or len(_WORD.findall(title)) < 1:
        return None
    names = {_key(name) for name in (site, _host_name(url)) if name}
    names.discard("")
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) > 1:
        while len(parts) > 1 and _is_site_or_section(parts[-1], names):
            parts.pop()
        while len(parts) > 1 and _is_site_or_section(parts[0], names):
            parts.pop(0)
        for heading in headings:
            # The page's own headline, when it is one of the parts, is the title.
            if _key(heading) in {_key(part) for part in parts}:
                return " ".join(heading.split())
        title = " – ".join(part.strip() for part in parts) if len(parts) > 1 else parts[0]
    title = " ".join(title.split()).strip(" |–—-·»:")
    return title if len(_WORD.findall(title)) >= 1 and _key(title) not in names else None


def json_ld_items(tree: HtmlElement) -> list[dict[str, Any]]:
    """The page's JSON-LD objects: top-level ones and the members of their @graph."""
    found: list[dict[str, Any]] = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):  # malformed, or nested beyond the parser's limit
            continue
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            graph = item.get("@graph")
            members = graph if isinstance(graph, list) else []
            found += [entry for entry in [item, *members] if isinstance(entry, dict)]
    return found


def _key(text: str) -> str:
    """A name compared loosely: letters and digits only, no leading "the", no TLD."""
    text = text.casefold().strip()
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"\.(?:com|org|net|co\.uk|fr|de|es|cz|it|nl|info)$", "", text)
    return "".join(_WORD.findall(text))


def _host_name(url: str | None) -> str | None:
    """The distinctive part of a URL's host: "techcrunch" for https://www.techcrunch.com/…"""
    if not url:
        return None
    host = urlsplit(url).netloc.lower().split(":")[0]
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp")]
    return labels[-2] if len(labels) >= 2 else (labels[0] if labels else None)


def _is_site_or_section(part: str, names: set[str]) -> bool:
    """Whether one end of a title names the site or a section rather than the article."""
    key = _key(part)
    if not key:
        return True
    if part.strip().casefold() in _SECTION_LABELS:
        return True
    return any(key == name or (len(name) >= 4 and (name in key or key in name)) for name in names)


def _headings(tree: HtmlElement) -> list[str]:
    """The text of the page's <h1> elements, for telling the headline inside a <title>."""
    return [
        " ".join(normalize_text(h.text_content()).split())
        for h in tree.xpath("//h1")[:3]
        if h.text_content().strip()
    ]


def _author_parts(value: object) -> list[str]:
    """Trafilatura's "A; B" author string as its parts."""
    if not isinstance(value, str):
        return []
    return [part for part in (_clean(piece) for piece in value.split(";")) if part]


def _fact_check_date(tree: HtmlElement) -> str | None:
    """A fact-check's own publication date (ClaimReview datePublished), not the claim's.

    A fact-check page carries two dates: when the claim was made (itemReviewed) and when
    the check was published; date extractors often pick the first.
    """
    for item in json_ld_items(tree):
        if "claimreview" in (kind.lower() for kind in _strings(item.get("@type"))):
            published = item.get("datePublished")
            if isinstance(published, str) and (date := parse_date(published)):
                return date
    return None


def _clean(value: object) -> str | None:
    """A metadata string on one line with visible controls, or None when blank."""
    if not isinstance(value, str):
        return None
    return " ".join(normalize_text(value).split()) or None


def _iso_date(value: object) -> str | None:
    """The date if it is ISO `YYYY[-MM[-DD]]`, as trafilatura is asked to give it."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    return None


def _first_line(text: str) -> str:
    """The text's first line, shortened, as a guessed title."""
    line = text.lstrip().split("\n", 1)[0].strip()
    if len(line) > _TITLE_GUESS_LENGTH:
        line = line[:_TITLE_GUESS_LENGTH].rsplit(" ", 1)[0] + "…"
    return line


def _language(tree: HtmlElement) -> str | None:
    """The page language: <html lang>, then Content-Language, then og:locale (as a BCP 47 tag)."""
    candidates = [
        tree.get("lang"),
        tree.get("xml:lang"),
        *tree.xpath(_CONTENT_LANGUAGE),
        *tree.xpath("//meta[@property='og:locale']/@content"),
    ]
    for candidate in candidates:
        tag = str(candidate).strip().split(",")[0].strip() if candidate else ""
        if _LANGUAGE_TAG.fullmatch(tag):
            return tag.replace("_", "-")
    return None


def _page_type(tree: HtmlElement) -> str | None:
    """A CSL type from og:type or JSON-LD @type when they name one unambiguously."""
    declared = [str(value) for value in tree.xpath("//meta[@property='og:type']/@content")]
    declared += [kind for item in json_ld_items(tree) for kind in _strings(item.get("@type"))]
    for value in declared:
        # JSON-LD may spell a type as a full schema.org URL.
        mapped = _PAGE_TYPES.get(value.strip().lower().rsplit("/", 1)[-1])
        if mapped:
            return mapped
    return None


def _strings(value: object) -> list[str]:
    """A JSON value that should be a string or a list of strings, as a list of strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
