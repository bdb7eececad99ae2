"""Clean text and metadata from text captured from the web (plain text or Markdown).

A researcher who copies an article out of a browser also copies the page around it:
navigation, "Skip to content", share and subscribe prompts, teasers for other articles,
comment threads, cookie banners, footers. Folio first finds the article — the densest
block of prose, see `library.capture_block` — then trims outwards: the headline, its
standfirst and the byline and dateline above the block are kept; what lies beyond the
block goes. Inside the article nothing is touched: a "Share this" line between two
paragraphs is as likely to be quoted text as page chrome, and losing a sentence of the
article is worse than keeping a button label.

Metadata is read from the lines around the headline (bylines, datelines, "News from
<site>") and just below the article (a source URL). A title is *found* only when a line
has a headline's shape right above the body (`library.webtitles`); otherwise it is made
from the first sentence and marked *guessed*. Lines are classified by
`library.weblines`, dates read by `library.webdates`, names by `library.bylines`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from library.bylines import authors_in_sentence
from library.capture_block import find_block
from library.extracted import Extracted, FieldValue
from library.furniture import is_comment_heading, is_end_heading
from library.sentences import SENTENCE_BREAK, cjk_characters, last_sentence
from library.stopwords import TOKEN, function_words
from library.weblines import (
    BODY,
    FURNITURE,
    LIST,
    META,
    PROSE,
    SHORT,
    Line,
    classify,
    function_share,
    is_text,
    signal,
)
from library.webtitles import (
    clean_title,
    guess_title,
    has_headline_shape,
    title_key,
)

__all__ = [
    "extract_web_text",
    "guess_title",
    "strip_furniture",
]

# A capture without any prose keeps its text; its metadata is read from this many lines.
_NO_PROSE_META_LINES = 12
# Blog furniture ("Older posts", "bloggers like this") is looked for this far below the body.
_TYPE_CUE_LINES = 200
# Metadata is read from this many lines at the top and just above the body: bylines and
# datelines sit there, and a long navigation header in between is not worth reading.
_HEADER_WINDOW = 12
_MAX_SUBTITLE_WORDS = 35
# A trailing line continues the article (verse, a closing list) when it is this short and
# at least this much of it is function words.
_FRAGMENT_WORDS = 12
_FRAGMENT_FUNCTION = 0.25
_LIST_INTRO_WORDS = 4
# A header inside the block is taken when the prose above it is at most this share of
# the prose from it on; header lines are at most this far apart.
_HEADER_PROSE_SHARE = 0.3
_HEADER_GAP = 4
# A headline is confirmed when the first lines of the body share this much of its words.
_LEAD_LINES = 4
_ECHO_SHARE = 0.2
_ECHO_CHARS = 3000
_ECHO_MIN_LETTERS = 3
_ECHO_STEM = 5

_MAGAZINE = re.compile(
    r"\b(?:magazine|review|affairs|policy|weekly|monthly|quarterly|digest|diplomat"
    r"|economist|atlantic|new yorker|newsweek|spectator|wired|forbes)\b",
    re.IGNORECASE,
)
# Evidence that the page is a blog (Blogger and WordPress comment/like furniture).
_BLOG_CUE = re.compile(
    r"bloggers like this|post a comment|(?:older|newer) posts?\b|\bblog\b|\bposted by\b",
    re.IGNORECASE,
)


# --- Public functions -------------------------------------------------------------------


def strip_furniture(text: str, *, markdown: bool = False) -> str:
    """`text` without the page furniture around the article (see the module docstring)."""
    return extract_web_text(text, markdown=markdown).text


def extract_web_text(
    text: str,
    known: Mapping[str, FieldValue] | None = None,
    *,
    markdown: bool = False,
) -> Extracted:
    """Clean text and metadata from a web capture.

    `known` holds fields the caller already found (Markdown front matter); they win over
    anything read from the text, and a known title tells where the headline is. With
    `markdown`, link and emphasis markup is ignored when judging a line, and code blocks,
    tables and headings next to the article are kept. When the capture has no prose at
    all, or stripping would leave nothing, the original text is kept.
    """
    known = dict(known or {})
    doc = _Document(text, markdown)
    if doc.count == 0:
        return Extracted(text=text, fields=known)
    layout = _find_layout(doc, known.get("title"))
    if layout is None:
        return _unstripped(doc, known)
    kept = _kept_positions(doc, layout)
    clean = doc.render(kept) if len(kept) < doc.count else text
    if not clean.strip():
        return _unstripped(doc, known)
    fields = _collect_fields(doc, layout, known)
    return Extracted(text=clean, fields=fields)


# --- The document -------------------------------------------------------------------------


class _Document:
    """The lines of a text; non-blank lines are classified on first use."""

    def __init__(self, text: str, markdown: bool) -> None:
        self.text = text
        self.markdown = markdown
        self.lines = text.split("\n")
        self.nonblank = [i for i, line in enumerate(self.lines) if line.strip()]
        self.count = len(self.nonblank)
        self._cache: dict[int, Line] = {}
        self._code = _code_positions(self.lines) if markdown else frozenset()

    def line(self, k: int) -> Line:
        """The k-th non-blank line, classified."""
        cached = self._cache.get(k)
        if cached is None:
            pos = self.nonblank[k]
            cached = classify(pos, self.lines[pos], self.markdown, pos in self._code)
            self._cache[k] = cached
        return cached

    @cached_property
    def function_words(self) -> frozenset[str]:
        """The function words of the capture's language (empty for CJK and unlisted ones)."""
        longest = sorted((self.lines[pos] for pos in self.nonblank), key=len, reverse=True)
        return function_words(longest[:200])

    def render(self, kept: list[int]) -> str:
        """The kept non-blank lines, with the blank lines that followed each kept line."""
        keep = set(kept)
        out: list[str] = []
        first, last = self.nonblank[kept[0]], self.nonblank[kept[-1]]
        previous_kept = True
        k = kept[0]
        for pos in range(first, last + 1):
            line = self.lines[pos]
            if line.strip():
                previous_kept = k in keep
                if previous_kept:
                    out.append(line)
                k += 1
            elif previous_kept:
                out.append(line)  # blank lines inside the body stay exactly as they were
        return "\n".join(out) + ("\n" if self.text.endswith("\n") else "")


def _code_positions(lines: list[str]) -> frozenset[int]:
    """Positions of Markdown lines inside fenced code blocks (fences included)."""
    inside = False
    positions: set[int] = set()
    for pos, line in enumerate(lines):
        stripped = line.lstrip(" ")
        fence = len(line) - len(stripped) <= 3 and stripped.startswith(("```", "~~~"))
        if inside or fence:
            positions.add(pos)
        if fence:
            inside = not inside
    return frozenset(positions)


# --- Layout: where the headline, the body and the end of the article are -------------------


@dataclass(slots=True)
class _Layout:
    """Indices (into the non-blank lines) that divide a capture into its parts."""

    title: int | None  # the headline line, kept in the text
    subtitle: int | None  # a one-sentence standfirst under the headline, kept
    body_start: int  # the first line of the article body
    body_end: int  # the last kept line
    first_text: int  # the first line of the article block
    footer: list[int] = field(default_factory=list)  # metadata lines just below the body


def _find_layout(doc: _Document, known_title: FieldValue | None) -> _Layout | None:
    """Find headline, body and its end; None when the capture has no prose at all."""
    signals = [signal(doc.line(k), doc.function_words, doc.markdown) for k in range(doc.count)]
    block = find_block(signals)
    if block is None:
        return None
    end = _extend_end(doc, block.end)
    start, title = block.start, _known_title_line(doc, known_title, block.start)
    if title is None:
        title = _headline_before(doc, start)
    if title is None:
        start, title = _article_header(doc, start, end)
    if title is None and _looks_like_headline(doc, start, end):
        title = start
    body_start = start
    if title is not None and title >= start:
        body_start = _next_text(doc, title + 1, end) or min(title + 1, end)
    subtitle = None
    if title is not None and _may_be_subtitle(doc, title, body_start, end):
        subtitle = body_start
        body_start = _next_text(doc, subtitle + 1, end) or subtitle + 1
    body_start = min(body_start, end)
    return _Layout(title, subtitle, body_start, end, start, _footer(doc, end))


def _article_header(doc: _Document, start: int, end: int) -> tuple[int, int | None]:
    """The block's start moved down to the article's own header when no headline sits
    above the block and it begins with other text (a sign-in prompt, a site's tagline)
    above a headline and its byline or dateline; and the headline, if inside the block.

    The header is a line that states who or when (a byline, a dateline) with the body right
    under it, and the headline just above it — or just below it, on pages that put the
    date first. It is taken only when what lies above it is a small part of the block.
    """
    for meta in range(start, min(end, start + _HEADER_WINDOW)):
        if not _states_who_or_when(doc.line(meta)):
            continue
        below = _next_filled(doc, meta + 1, end)
        if below is not None and _headline_below(doc, below, end):
            headline: int | None = below  # the date first, then the headline
        else:
            headline = _headline_before(doc, meta, lowest=start, echo=True)
        first = meta if headline is None else min(meta, headline)
        above = _prose_words(doc, start, first)
        if first == start or above <= _HEADER_PROSE_SHARE * _prose_words(doc, first, end + 1):
            return first, headline
        return start, None
    return start, None


def _states_who_or_when(line: Line) -> bool:
    """A byline or dateline: a metadata line naming people, an agency or a date."""
    meta = line.meta
    return (
        line.kind == META
        and meta is not None
        and bool(meta.date or meta.authors or meta.organisation)
    )


def _next_filled(doc: _Document, k: int, end: int) -> int | None:
    """The first line from k (up to `end`) that is not metadata, furniture or a rule."""
    for j in range(k, min(end + 1, k + _HEADER_GAP)):
        line = doc.line(j)
        if line.kind not in (META, FURNITURE) and _has_words(line):
            return j
    return None


def _headline_below(doc: _Document, k: int, end: int) -> bool:
    """Whether line k, right under a dateline, is a headline over the body that follows."""
    line = doc.line(k)
    if not _is_headline_candidate(line):
        return False
    body = _next_text(doc, k + 1, min(end, k + _HEADER_GAP))
    return body is not None and _echoed_below(doc, line, body)


def _prose_words(doc: _Document, start: int, stop: int) -> int:
    """How many words of prose lines [start, stop) hold."""
    return sum(doc.line(k).words for k in range(start, stop) if doc.line(k).kind == PROSE)


def _footer(doc: _Document, end: int) -> list[int]:
    """The lines just below the article that may state its metadata ("Posted by … on …",
    "Source: <url>"): up to the first paragraph or comment heading, since a comment's
    date is not the article's."""
    footer = []
    for k in range(end + 1, min(doc.count, end + 1 + _HEADER_WINDOW)):
        line = doc.line(k)
        if line.kind == PROSE or is_comment_heading(line.plain, line.words):
            break
        footer.append(k)
    return footer


def _extend_end(doc: _Document, end: int) -> int:
    """The article's end moved over the lines that continue it after its last paragraph.

    Markdown code, tables, headings and list items are the article's own structure;
    in plain text, short lines made of function words are verse, and a list introduced
    by a line ending in a colon is the article's list.
    """
    in_list = doc.line(end).plain.endswith(":")
    while end + 1 < doc.count:
        line = doc.line(end + 1)
        if in_list and line.list_item and line.kind not in (FURNITURE, LIST, META):
            end += 1
        elif _continues(doc, line):
            end += 1
            in_list = line.plain.endswith(":")
        else:
            break
    return end


def _continues(doc: _Document, line: Line) -> bool:
    """Whether a line after the article's last paragraph still belongs to it."""
    if line.kind in (FURNITURE, LIST, META):
        return False
    if doc.markdown and (line.kind == BODY or line.heading or line.list_item):
        return not (line.heading and _is_end_heading(line))
    if line.kind not in (SHORT, PROSE) or line.words > _FRAGMENT_WORDS or line.list_item:
        return False
    share = function_share(line.plain, doc.function_words)
    if line.plain.endswith(":"):
        return line.words >= _LIST_INTRO_WORDS and not _is_end_heading(line)
    return line.plain[:1].islower() and share >= _FRAGMENT_FUNCTION


def _is_end_heading(line: Line) -> bool:
    return is_end_heading(line.plain, line.words)


def _next_text(doc: _Document, start: int, end: int) -> int | None:
    """The first prose or code line from `start` up to `end`, or None."""
    return next((k for k in range(start, end + 1) if is_text(doc.line(k))), None)


def _header_lines(upto: int) -> list[int]:
    """The header lines worth reading for metadata: the first ones and those above `upto`."""
    if upto <= 2 * _HEADER_WINDOW:
        return list(range(upto))
    return [*range(_HEADER_WINDOW), *range(upto - _HEADER_WINDOW, upto)]


def _known_title_line(doc: _Document, known: FieldValue | None, limit: int) -> int | None:
    """The line (up to the block's first line) that shows the title the caller already knows."""
    if known is None or not isinstance(known.value, str):
        return None
    wanted = title_key(known.value)
    candidates = _header_lines(limit + 1)
    return next((k for k in candidates if title_key(doc.line(k).plain) == wanted), None)


def _headline_before(
    doc: _Document, start: int, *, lowest: int = 0, echo: bool = False
) -> int | None:
    """The headline right above line `start`, when a line there has a headline's shape.

    Bylines, datelines and reading times may sit between the headline and the body,
    and so may share buttons; the first other line up is the only candidate, since site
    navigation and teasers sit above a headline, not between it and the article. The
    body must also repeat some of its words, unless the capture starts with it (a short
    line, not a sentence) and `echo` is not asked for.
    """
    for k in range(start - 1, max(lowest - 1, start - 1 - _HEADER_WINDOW), -1):
        line = doc.line(k)
        if line.kind in (META, FURNITURE) or (line.kind == SHORT and not _has_words(line)):
            continue
        if not _is_headline_candidate(line):
            return None
        first_line = k == 0 and line.kind == SHORT and not echo
        return k if first_line or _echoed_below(doc, line, start) else None
    return None


def _is_headline_candidate(line: Line) -> bool:
    """A short line, or a one-sentence question or exclamation, shaped like a headline."""
    return (
        (line.kind == SHORT or (line.kind == PROSE and _is_question_headline(line)))
        and not line.list_item
        and has_headline_shape(line.plain, line.words)
        and not _is_end_heading(line)
    )


def _echoed_below(doc: _Document, line: Line, start: int) -> bool:
    """Whether the article's first paragraphs repeat some of a headline's words.

    A headline announces what the lead tells; a section name, a button or a teaser
    title above the article shares none of its words with it.
    """
    wanted = _content_words(line.plain, doc.function_words)
    if not wanted:
        return False
    lead: set[str] = set()
    for k in range(start, min(doc.count, start + _LEAD_LINES)):
        lead |= _content_words(doc.line(k).plain, doc.function_words)
    return len(wanted & lead) >= max(1, _ECHO_SHARE * len(wanted))


def _is_content_word(token: str, function_words: frozenset[str]) -> bool:
    return len(token) >= _ECHO_MIN_LETTERS and not token.isdigit() and token not in function_words


def _content_words(text: str, function_words: frozenset[str]) -> set[str]:
    """A text's words that carry meaning, cut to a common stem (CJK: character pairs)."""
    words: set[str] = set()
    for token in TOKEN.findall(text[:_ECHO_CHARS].lower()):
        if cjk_characters(token):
            words.update(token[i : i + 2] for i in range(len(token) - 1))
        elif _is_content_word(token, function_words):
            words.add(token[:_ECHO_STEM])
    return words


def _is_question_headline(line: Line) -> bool:
    """A one-sentence question or exclamation: a headline even though it ends like prose."""
    end_mark = line.plain.rstrip("\"'”’»)]*_ ")[-1:]
    return end_mark in "?!" and SENTENCE_BREAK.search(line.plain) is None


def _has_words(line: Line) -> bool:
    return any(char.isalnum() for char in line.plain)


def _looks_like_headline(doc: _Document, k: int, end: int) -> bool:
    """Whether the block's first line is in fact a one-sentence headline over the body.

    A Markdown heading, a question or an exclamation qualifies; a line ending in a full
    stop only when it opens the whole capture and the next paragraph is at least twice
    as long, since a short first paragraph is just as common. Unless the capture starts
    with it, the body must repeat some of its words, as it does a headline's.
    """
    if k + 1 > end:
        return False
    line = doc.line(k)
    if line.kind != PROSE or line.words > 20 or line.list_item:
        return False
    if SENTENCE_BREAK.search(line.plain) or not (line.plain[:1].isupper() or line.heading):
        return False
    end_mark = line.plain.rstrip("\"'”’»)]*_ ")[-1:]
    if not (
        end_mark in "?!"
        or line.heading
        or (k == 0 and end_mark in ".…" and doc.line(k + 1).words >= 2 * line.words)
    ):
        return False
    return k == 0 or _echoed_below(doc, line, k + 1)


def _may_be_subtitle(doc: _Document, title: int, k: int, end: int) -> bool:
    """Whether the first sentence under a headline is its standfirst rather than the lead.

    A standfirst sits right under the headline, and the header around the two has a
    byline or dateline: that editorial layout is the evidence, since a one-sentence
    lead and a standfirst look the same otherwise. A sentence *after* the byline is
    the lead.
    """
    line = doc.line(k)
    if (
        line.kind != PROSE
        or line.heading
        or line.words > _MAX_SUBTITLE_WORDS
        or SENTENCE_BREAK.search(line.plain) is not None
        or k - title > _HEADER_WINDOW  # a standfirst sits right under its headline
        or any(doc.line(j).kind == META for j in range(title + 1, k))
    ):
        return False
    next_text = _next_text(doc, k + 1, end)
    if next_text is None or next_text - k > _HEADER_WINDOW:
        return False
    header = (*_header_lines(title), *range(k + 1, next_text))
    return any(doc.line(j).kind == META for j in header)


def _kept_positions(doc: _Document, layout: _Layout) -> list[int]:
    """Non-blank line indices kept in the clean text, in order."""
    kept: list[int] = []
    if layout.title is None:
        # No headline: Markdown headings and list items right above the body stay.
        first = layout.body_start
        while first > 0 and doc.markdown and _is_md_content(doc.line(first - 1)):
            first -= 1
        kept = list(range(first, layout.body_start))
    else:
        title_text = title_key(doc.line(layout.title).plain)
        # A dateline above the headline (date-first layouts) stays with it.
        kept = [k for k in range(layout.first_text, layout.title) if doc.line(k).kind == META]
        kept.append(layout.title)
        for k in range(layout.title + 1, layout.body_start):
            if k == layout.subtitle or _keep_header_line(doc.line(k), title_text):
                kept.append(k)
    kept.extend(range(layout.body_start, layout.body_end + 1))
    return kept


def _is_md_content(line: Line) -> bool:
    return line.heading or line.list_item or line.kind == BODY


def _keep_header_line(line: Line, title_text: str) -> bool:
    """Whether a line between the headline and the body stays (bylines and datelines do)."""
    if line.kind in (FURNITURE, LIST):
        return False
    if title_key(line.plain) == title_text:
        return False  # the headline repeated
    return line.kind != SHORT or line.heading or line.words > 3


# --- Fields -------------------------------------------------------------------------------


def _collect_fields(
    doc: _Document, layout: _Layout, known: dict[str, FieldValue]
) -> dict[str, FieldValue]:
    """The metadata fields: those the caller knows, then what the header and footer say."""
    found: dict[str, FieldValue] = {}
    if layout.title is not None:
        found["title"] = FieldValue(clean_title(doc.line(layout.title).plain))
    else:
        guessed = guess_title(doc.line(_first_prose(doc, layout.first_text)).plain)
        if guessed:
            found["title"] = FieldValue(guessed, "guessed")
    if layout.subtitle is not None:
        # A standfirst is a sentence and keeps its full stop, unlike a headline.
        found["subtitle"] = FieldValue(" ".join(doc.line(layout.subtitle).plain.split()))
    header = [doc.line(k) for k in _header_lines(layout.body_start)]
    footer = [doc.line(k) for k in layout.footer]
    metas = [line.meta for line in header + footer if line.meta is not None]
    authors = next((m.authors for m in metas if m.authors), None) or _writes_authors(doc, layout)
    if authors:
        found["authors"] = FieldValue(authors)
    elif organisation := next((m.organisation for m in metas if m.organisation), None):
        found["authors"] = FieldValue([organisation])
    if date := next((m.date for m in metas if m.date), None):
        found["date"] = FieldValue(date)
    if url := next((m.url for m in metas if m.url), None):
        found["url"] = FieldValue(url)
    site = next((m.site for m in metas if m.site), None)
    page_site = next((m.page_site for m in metas if m.page_site), None)
    if site:
        found["site"] = FieldValue(site)
        if page_site and page_site.casefold() != site.casefold():
            found["republished_by"] = FieldValue(page_site)
    elif page_site:
        found["site"] = FieldValue(page_site)
    after = range(layout.body_end + 1, min(doc.count, layout.body_end + 1 + _TYPE_CUE_LINES))
    around = header + [doc.line(k) for k in after]
    found["type"] = FieldValue(_guess_type(site, page_site, around), "guessed")
    return {**found, **known}


def _first_prose(doc: _Document, start: int) -> int:
    """The first prose line from `start` on (code and rules make poor titles), else `start`."""
    return next((k for k in range(start, doc.count) if doc.line(k).kind == PROSE), start)


def _writes_authors(doc: _Document, layout: _Layout) -> list[str]:
    """Authors named at the end of the standfirst or first paragraph ("… Writes Jane Doe")."""
    for k in (layout.subtitle, layout.body_start):
        if k is None or k >= doc.count or doc.line(k).kind != PROSE:
            continue
        if authors := authors_in_sentence(last_sentence(doc.line(k).plain)):
            return authors
    return []


def _guess_type(site: str | None, page_site: str | None, around: list[Line]) -> str:
    """The CSL type the lines around the article suggest; "webpage" without evidence."""
    if site:
        # A dateline naming a publication: a news piece, from a magazine or a paper.
        return "article-magazine" if _MAGAZINE.search(site) else "article-newspaper"
    if any(_BLOG_CUE.search(line.plain) for line in around):
        return "post-weblog"
    if page_site and _BLOG_CUE.search(page_site):
        return "post-weblog"
    return "webpage"


def _unstripped(doc: _Document, known: dict[str, FieldValue]) -> Extracted:
    """The text as it came, with a guessed title, for captures without any prose."""
    head = [doc.line(k) for k in range(min(doc.count, _NO_PROSE_META_LINES))]
    first = next((line for line in head if line.kind != FURNITURE), None)
    fields: dict[str, FieldValue] = {}
    metas = [line.meta for line in head if line.meta is not None]
    if authors := next((m.authors for m in metas if m.authors), None):
        fields["authors"] = FieldValue(authors)
    if date := next((m.date for m in metas if m.date), None):
        fields["date"] = FieldValue(date)
    if first is not None and (title := guess_title(first.plain)):
        fields["title"] = FieldValue(clean_title(title), "guessed")
    fields["type"] = FieldValue("webpage", "guessed")
    return Extracted(text=doc.text, fields={**fields, **known})
