"""Articles as CSL-JSON items, the bibliography format pandoc's citeproc reads."""

from __future__ import annotations

import re
from typing import Any

from library.articles import Article
from library.bibentries import NO_EXTRAS, EntryExtras, access_date, checked_url, short_title
from library.names import is_organisation, person_name_parts

_EDGES = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
_QUOTE_MARKS = re.compile('["\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a]')
_MARKUP_TAG = re.compile(r"<(?=/?(?:i|b|sup|sub|span|sc)\b)", re.IGNORECASE)
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\S+)$", re.IGNORECASE)


def protect_case(title: str) -> str:
    """The title with every run of words that hold a capital after the first character
    wrapped in `<span class="nocase">`, so sentence-case styles do not lowercase them.

    Quote marks and other punctuation around a word stay outside its span: citeproc pairs
    quote marks across the title, and a span that opens inside a quotation and closes
    outside it (`<span class="nocase">"We</span> are"`) is printed as literal text. Tags
    that citeproc would read as markup in the title itself are defused with a word joiner.
    """
    title = _MARKUP_TAG.sub("<\u2060", " ".join(title.split()))
    out: list[str] = []
    run: list[str] = []  # protected words waiting to be wrapped together

    def close_run() -> None:
        if run:
            out.append(f'<span class="nocase">{" ".join(run)}</span>')
            run.clear()

    for position, word in enumerate(title.split(" ") if title else []):
        lead, core, trail = _EDGES.match(word).groups()  # type: ignore[union-attr]
        checked = core[1:] if position == 0 else core
        protect = any(ch.isupper() for ch in checked) and not _QUOTE_MARKS.search(core)
        if protect and not lead:
            run.append(core)
            if trail:
                close_run()
                out[-1] += trail
            continue
        close_run()
        if protect:
            out.append(f'{lead}<span class="nocase">{core}</span>{trail}')
        else:
            out.append(word)
    close_run()
    return " ".join(out)


def csl_name(name: str) -> dict[str, str]:
    """One author as a CSL name: family/given for a person, literal for an organisation."""
    if is_organisation(name):
        return {"literal": name}
    first, von, last, jr = person_name_parts(name)
    parsed = {"family": last, "given": first, "non-dropping-particle": von, "suffix": jr}
    return {part: value for part, value in parsed.items() if value}


def csl_date(iso: str) -> dict[str, list[list[int]]]:
    """A `YYYY[-MM[-DD]]` date as CSL date-parts."""
    return {"date-parts": [[int(part) for part in iso.split("-")]]}


def csl_item(article: Article, extras: EntryExtras = NO_EXTRAS) -> dict[str, Any]:
    """The article as one CSL-JSON item (type names are CSL's already), its tags as
    `keyword` and, without an author, a `title-short` for the citation."""
    url = checked_url(article)
    item: dict[str, Any] = {"id": article.citekey, "type": article.type or "webpage"}
    title = article.title or ""
    if article.subtitle:
        title = f"{title}: {article.subtitle}" if title else article.subtitle
    if title:
        item["title"] = protect_case(title)
    if article.authors:
        item["author"] = [csl_name(name) for name in article.authors]
    elif short_title(article.title):
        item["title-short"] = protect_case(short_title(article.title) or "")
    if article.site:
        item["container-title"] = article.site
    if article.date:
        item["issued"] = csl_date(article.date)
    if url:
        item["URL"] = url
        item["accessed"] = csl_date(access_date(article))
        doi = _DOI_URL.match(url)
        if doi:
            item["DOI"] = doi.group(1)
    if article.language:
        item["language"] = article.language
    if article.republished_by:
        item["note"] = f"Republished by {article.republished_by}"
    if extras.tags:
        item["keyword"] = ", ".join(extras.tags)
    return item


def csl_items(
    articles: list[Article], extras: dict[int, EntryExtras] | None = None
) -> list[dict[str, Any]]:
    """CSL-JSON items for these articles, in order (`extras`: tags by article pk)."""
    extras = extras or {}
    return [csl_item(article, extras.get(article.pk, NO_EXTRAS)) for article in articles]
