"""Clean text and metadata from text captured from the web (plain text or Markdown).

A researcher who copies an article out of a browser also copies the page around it:
navigation, "Skip to content", share and subscribe prompts, comment forms, category
footers. This module removes that furniture from the *ends* of the text only, and reads
the title, subtitle, authors, date and site from the header lines around the headline.

Being conservative is the point. The middle of an article is never touched: a "Share
this" line between two paragraphs is as likely to be quoted text as page chrome, and
losing a sentence of the article is worse than keeping a button label. At the ends, a
line goes only when it is a known furniture phrase, a metadata line (byline, dateline),
a keyword list, or a short line that is not a sentence (no sentence punctuation).

Only the lines at the two ends are classified, so the cost does not grow with the
length of the article body. Dates are read by `library.webdates`, author names by
`library.bylines`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from library.bylines import authors_in_sentence, byline_remainder, parse_authors
from library.extracted import Extracted, FieldValue
from library.webdates import DATE, SEPARATORS, iso_from_match

__all__ = [
    "extract_web_text",
    "guess_title",
    "strip_furniture",
]

# --- Line kinds -------------------------------------------------------------------------
FURNITURE = "furniture"  # a known page-furniture phrase ("Skip to content", "Share this")
META = "meta"  # a byline, dateline, date, source URL or "News from <site>" line
LIST = "list"  # a keyword/tag list: many short comma-separated items, no sentence
PROSE = "prose"  # a sentence or a paragraph: article text
BODY = "body"  # Markdown code or table lines: article text that is never reshaped
SHORT = "short"  # anything else: headlines, navigation labels, captions

_TEXT_KINDS = (PROSE, BODY)

# Lines longer than this are never furniture or metadata: furniture is short.
_MAX_FURNITURE_WORDS = 30
_MAX_META_WORDS = 20
# A trailing line without sentence punctuation up to this length is navigation...
_MAX_NAV_WORDS = 10
# ...unless more than this many such unknown labels come in a row: that is a list or
# verse ending the article, not a menu (menus are made of known phrases or are short).
_MAX_LABEL_RUN = 4
# A capture without any prose keeps its text; its metadata is read from this many lines.
_NO_PROSE_META_LINES = 12
# Metadata is read from this many lines at the top and just above the body: bylines and
# datelines sit there, and a long navigation header in between is not worth reading.
_HEADER_WINDOW = 12
# A line this long is a paragraph even when the capture lost its final full stop.
_PARAGRAPH_WORDS = 25
_MAX_HEADLINE_WORDS = 25
_MAX_SUBTITLE_WORDS = 35
# What may hang under a "Recommended for you" heading and still count as teasers.
_TEASER_MAX_PARAGRAPHS = 2
_TEASER_MAX_WORDS = 60  # each
# A guessed title: the first sentence if it is short, else this many words.
_GUESS_WORDS = 10
_GUESS_WHOLE_SENTENCE_WORDS = 12

# --- Furniture phrases ------------------------------------------------------------------
# Whole-line labels, matched after trailing punctuation and counts ("Comments (3)") are
# removed. These are buttons, menu items and section headings of the page, not sentences.
_FURNITURE_LABEL = re.compile(
    r"(?:"
    r"skip to (?:main )?(?:content|navigation|menu)|(?:main )?menu|home|search|close"
    r"|sign in|log ?in|sign up|register|my account|subscribe(?: now)?|newsletter"
    r"|share(?: this(?: article| story| post| page)?)?|share on \w+|tweet|e-?mail|print"
    r"|pin(?: it)?|whatsapp|telegram|reddit|linkedin|facebook|twitter|copy link"
    r"|like this|(?:like )?loading|like|related|advertisement|sponsored(?: content)?"
    r"|(?:\d+ )?(?:comments?|responses?|replies)|no comments|add a comment|write a comment"
    r"|click to comment|show comments|view comments|join the (?:conversation|discussion)"
    r"|reply|leave a (?:comment|reply)|post a comment"
    r"|recommended(?: for you| reading| articles| stories)?|you (?:may|might) also like"
    r"|related (?:posts|articles|stories|content|reading|news)"
    r"|more (?:stories|news|articles|posts)|popular (?:posts|articles|stories)"
    r"|most (?:read|popular|viewed|shared)|trending(?: now| stories)?"
    r"|top (?:trends|stories|posts|news)|latest (?:news|posts|stories|articles)"
    r"|read (?:more|next|also)|also read|continue reading"
    r"|(?:back |scroll |go )?to top|top|connect with us|follow us|stay connected"
    r"|toggle navigation|navigation|(?:previous|next|older|newer) (?:posts?|articles?)"
    r"|listen to this article|bookmark|download pdf"
    r")",
    re.IGNORECASE,
)
# Headings under which the rest of the page is about other articles: short prose after
# one of these (teasers, an editorial-board box) goes with it. Comment headings are not
# here: a reader's short comment cannot be told from an article's last paragraph.
_END_HEADING = re.compile(
    r"(?:recommended(?: for you| reading| articles| stories)?|you (?:may|might) also like"
    r"|related (?:posts|articles|stories|content|reading|news)"
    r"|more (?:stories|news|articles|posts)|popular (?:posts|articles|stories)"
    r"|most (?:read|popular|viewed|shared)|trending(?: now| stories)?"
    r"|top (?:trends|stories|posts|news)|latest (?:news|posts|stories|articles))",
    re.IGNORECASE,
)
_LABEL_NOISE = re.compile(r"[\s:.…!|»›→<>*#-]*(?:\(\d+\))?[\s:.…!|»›→<>*#-]*$")
# Prefixes that only page furniture starts with, for short lines ("More in Economy",
# "Follow Acme on Twitter", "Help Acme: donate…"). Kept to short lines because a real
# sentence can begin "More in sorrow than…".
_FURNITURE_SHORT_PREFIX = re.compile(
    r"(?:more (?:in|from|on) \S|follow (?:us|me|@)|find us on\b|like us on\b|join us on\b"
    r"|read more\b|continue reading\b|share (?:on|via)\b|help \S+:|donate\b|support us\b"
    r"|photo(?:graph)?:|image(?: credit)?:|posted in\b|tagged\b)",
    re.IGNORECASE,
)
_SOCIAL_SUFFIX = re.compile(
    r"\b(?:on|via)\s+(?:twitter|facebook|youtube|instagram|linkedin|telegram|tiktok"
    r"|whatsapp|mastodon|bluesky|threads|x)\W*$",
    re.IGNORECASE,
)
# Phrases distinctive enough to mark a line of up to _MAX_FURNITURE_WORDS words.
_FURNITURE_PHRASE = re.compile(
    r"^(?:skip to\b|post a comment\b|leave a (?:comment|reply)\b|enter your e-?mail\b"
    r"|subscribe (?:to|via|by|for|now|and)\b|sign up (?:for|to)\b"
    r"|get (?:our|the) (?:newsletter|latest)\b|share this\b"
    r"|(?:categor(?:y|ies)|tags?|filed under|topics?)\s*:|©|\(c\)\s|copyright\b)"
    r"|bloggers like this|\bviews?\s*:\s*[\d,]+\s*$|all rights reserved"
    r"|we use cookies|this (?:site|website) uses cookies|by continuing to (?:use|browse)"
    r"|your e-?mail address will not be published|required fields are marked",
    re.IGNORECASE,
)
# Evidence that the page is a blog (Blogger and WordPress comment/like furniture).
_BLOG_CUE = re.compile(
    r"bloggers like this|post a comment|(?:older|newer) posts?\b|\bblog\b|\bposted by\b",
    re.IGNORECASE,
)

# --- Sentences --------------------------------------------------------------------------
_CLOSERS = "\"'”’»)]*_"
_TERMINAL = ".?!…"
# A sentence boundary: end punctuation, optional closing quotes, space, a capital. Not
# after an initial ("James M. Dorsey") or a common abbreviation ("Dr. Rubin").
_SENTENCE_BREAK = re.compile(
    r"(?<!\b[A-Z])(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)(?<!\bJr)(?<!\bSr)"
    r"(?<!\bvs)(?<!\bNo)(?<!\bProf)(?<!\bGen)(?<!\bSen)(?<!\bRep)(?<!\bCol)(?<!\bLt)"
    r"(?P<end>[.!?…][\"'”’»)\]]*)\s+[\"'“‘«(\[]?[A-Z0-9]"
)
_WORD = re.compile(r"\w")
_LIST_MARKER = re.compile(r"^(?:[-*+•]|\d{1,3}[.)])\s+")

# --- Markdown, for classifying lines only (the text itself keeps its markup) -----------
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s+|$)")
_MD_HEADING_CLOSE = re.compile(r"\s+#+\s*$")
_MD_QUOTE = re.compile(r"^(?:>\s?)+")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_MD_EMPHASIS = re.compile(r"\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w)|`+|<[^>]+>")
_MD_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")

# --- Date lines -------------------------------------------------------------------------
# Words that may surround a date on a date line ("Published on Wed, 3 March 2021, 10:15").
_DATE_NOISE = re.compile(
    r"\b(?:published|posted|updated|last|first|modified|created|dated?|on|at|am|pm|a\.m\.?"
    r"|p\.m\.?|utc|gmt|[ecmp][sd]t|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)"
    r"(?:day)?|\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)\b\.?",
    re.IGNORECASE,
)

# --- Sites and type ---------------------------------------------------------------------
_PAGE_SITE = re.compile(
    r"^(?:(?:latest\s+)?(?:news|articles|stories|updates|posts)\s+from|welcome\s+to)"
    r"\s+(?:the\s+)?(?P<site>\S.{1,100}?)[\s.!:]*$",
    re.IGNORECASE,
)
_URL_LINE = re.compile(
    r"^(?:(?:source|url|link|original(?:ly published)?(?: at| on)?|read (?:the )?"
    r"(?:original|more) (?:at|on))\s*:?\s*)?<?(?P<url>https?://[^\s<>]+)>?$",
    re.IGNORECASE,
)
_MAGAZINE = re.compile(
    r"\b(?:magazine|review|affairs|policy|weekly|monthly|quarterly|digest|diplomat"
    r"|economist|atlantic|new yorker|newsweek|spectator|wired|forbes)\b",
    re.IGNORECASE,
)

# End punctuation of a guessed title, also when closing quotes follow it ("…tonight.”").
_GUESS_END_PUNCT = re.compile(r"\s*[.,;:–—-]+(?=[\"'”’»)\]]*$)")
_GUESS_CUT_PUNCT = re.compile(r"\s*[.,;:–—?!…-]+(?=[\"'”’»)\]]*$)")
_GUESS_STOPWORDS = frozenset(
    "a an the and or but of to in on at for with by from as that which who is are was"
    " were be been has have had its their his her".split()
)


# --- Public functions -------------------------------------------------------------------


def guess_title(text: str) -> str | None:
    """A short title made from the first sentence of `text`, or None when it has no words.

    The whole sentence when it is short, else its first words cut at a word boundary,
    without dangling small words or trailing punctuation.
    """
    first_line = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if not first_line:
        return None
    brk = _SENTENCE_BREAK.search(first_line)
    sentence = first_line[: brk.end("end")] if brk else first_line
    words = sentence.split()
    if len(words) <= _GUESS_WHOLE_SENTENCE_WORDS:
        # A whole sentence: a question or exclamation mark is part of its meaning.
        title = _GUESS_END_PUNCT.sub("", " ".join(words))
    else:
        kept = words[:_GUESS_WORDS]
        while len(kept) > 3 and kept[-1].strip(_CLOSERS + ",;:").lower() in _GUESS_STOPWORDS:
            kept.pop()
        title = _GUESS_CUT_PUNCT.sub("", " ".join(kept))
    return _balance_quotes(title) or None


def strip_furniture(text: str, *, markdown: bool = False) -> str:
    """`text` without the page furniture at its start and end (see the module docstring)."""
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
    tables and headings are never stripped. When stripping would leave nothing, the
    original text is kept.
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


# --- The document, classified lazily ------------------------------------------------------


@dataclass(slots=True)
class _Meta:
    """What a metadata line says."""

    authors: list[str] = field(default_factory=list)
    date: str | None = None
    site: str | None = None  # the publication named in a dateline ("Foreign Policy, …")
    page_site: str | None = None  # the site the capture comes from ("News from …")
    url: str | None = None


@dataclass(slots=True)
class _Line:
    """One non-blank line and what it looks like to a reader."""

    pos: int  # index in the document's list of lines
    plain: str  # stripped, and for Markdown without link/emphasis markup
    kind: str
    words: int
    heading: bool = False  # a Markdown heading: content, never stripped for its shape
    list_item: bool = False  # starts with a list marker: content unless it is a link
    meta: _Meta | None = None


class _Document:
    """The lines of a text; non-blank lines are classified on first use only."""

    def __init__(self, text: str, markdown: bool) -> None:
        self.text = text
        self.markdown = markdown
        self.lines = text.split("\n")
        self.nonblank = [i for i, line in enumerate(self.lines) if line.strip()]
        self.count = len(self.nonblank)
        self._cache: dict[int, _Line] = {}
        self._code = _code_positions(self.lines) if markdown else frozenset()

    def may_be_text(self, k: int) -> bool:
        """A cheap test that the k-th line could be prose or code (most labels fail it)."""
        if k in self._cache:
            return self._cache[k].kind in _TEXT_KINDS
        pos = self.nonblank[k]
        raw = self.lines[pos]
        if self.markdown and (
            pos in self._code
            or "](" in raw
            or raw.lstrip()[:1] == "|"
            or raw.startswith("    ")
            or not _WORD.search(raw)
        ):
            return True
        return _ends_sentence(raw.strip()) or len(raw.split()) >= 12

    def may_be_content(self, k: int) -> bool:
        """Whether a line above an untitled body is a list item or heading (content shapes)."""
        raw = self.lines[self.nonblank[k]]
        if not (_LIST_MARKER.match(raw.lstrip()) or (self.markdown and _MD_HEADING.match(raw))):
            return False  # a cheap test first: most lines up there are neither
        line = self.line(k)
        return line.list_item or line.heading

    def line(self, k: int) -> _Line:
        """The k-th non-blank line, classified."""
        cached = self._cache.get(k)
        if cached is None:
            pos = self.nonblank[k]
            cached = _classify(pos, self.lines[pos], self.markdown, pos in self._code)
            self._cache[k] = cached
        return cached

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
        fence = _MD_FENCE.match(line) is not None
        if inside or fence:
            positions.add(pos)
        if fence:
            inside = not inside
    return frozenset(positions)


def _classify(pos: int, raw: str, markdown: bool, in_code: bool) -> _Line:
    """Decide what kind of line `raw` is; the order of the checks matters."""
    stripped = raw.strip()
    # Code, tables, indented code, rules and setext underlines are Markdown structure:
    # part of the article as written, never furniture and never a headline.
    if in_code or (
        markdown
        and (stripped.startswith("|") or raw.startswith("    ") or not _WORD.search(stripped))
    ):
        return _Line(pos, stripped, BODY, len(stripped.split()))
    heading = markdown and _MD_HEADING.match(raw) is not None
    list_item = _LIST_MARKER.match(stripped) is not None
    link_only = False
    plain = stripped
    if markdown:
        plain, link_only = _demark(stripped)
    words = len(plain.split())
    line = _Line(pos, plain, SHORT, words, heading, list_item and not link_only)
    if not _WORD.search(plain):
        return line  # rules, separators, bullets: not text
    if words <= _MAX_FURNITURE_WORDS and _is_furniture(plain, words):
        line.kind = FURNITURE
    elif words <= _MAX_META_WORDS and (meta := _parse_meta(plain)) is not None:
        line.kind, line.meta = META, meta
    elif _is_keyword_list(plain):
        line.kind = LIST
    elif _is_prose(plain, words):
        line.kind = PROSE
    return line


def _demark(line: str) -> tuple[str, bool]:
    """A Markdown line as read, and whether it was nothing but links (a nav menu item)."""
    text = _MD_HEADING.sub("", line)
    text = _MD_HEADING_CLOSE.sub("", text) if text != line else text
    text = _LIST_MARKER.sub("", _MD_QUOTE.sub("", text))
    link_only = bool(_MD_LINK.search(text)) and not _MD_LINK.sub("", text).strip(" |•·-*")
    text = _MD_LINK.sub(r"\1", _MD_IMAGE.sub(r"\1", text))
    return _MD_EMPHASIS.sub("", text).strip(), link_only


def _is_furniture(plain: str, words: int) -> bool:
    """Whether a short line is a known piece of page furniture."""
    label = _LABEL_NOISE.sub("", plain)
    if _FURNITURE_LABEL.fullmatch(label):
        return True
    if words <= 8 and (_FURNITURE_SHORT_PREFIX.match(plain) or _SOCIAL_SUFFIX.search(plain)):
        return True
    return _FURNITURE_PHRASE.search(plain) is not None


def _is_keyword_list(plain: str) -> bool:
    """Whether a line is a tag list: four or more short comma-separated items, no sentence."""
    if plain.count(",") < 4 or _ends_sentence(plain):
        return False
    items = plain.split(",")
    return sum(len(item.split()) for item in items) <= 4 * len(items)


def _is_prose(plain: str, words: int) -> bool:
    """Whether a line is a sentence or a paragraph (rather than a label or headline)."""
    if _ends_sentence(plain) or words >= _PARAGRAPH_WORDS:
        return True
    return words >= 12 and _SENTENCE_BREAK.search(plain) is not None


def _ends_sentence(plain: str) -> bool:
    """Whether the line ends with sentence punctuation, perhaps inside quotes."""
    end = plain.rstrip(_CLOSERS + " ")
    return bool(end) and end[-1] in _TERMINAL


def _parse_meta(plain: str) -> _Meta | None:
    """A byline, date line, dateline, source URL or site line, or None."""
    if (rest := byline_remainder(plain)) is not None:
        date_match = DATE.search(rest)
        date = iso_from_match(date_match) if date_match else None
        if date_match:
            rest = rest[: date_match.start()]
        authors = parse_authors(rest)
        if authors or (rest[:1].isupper() and len(rest.split()) <= 6):
            # An agency byline ("By Reuters") is still a byline: not a headline.
            return _Meta(authors=authors, date=date)
        return None
    if match := _URL_LINE.match(plain):
        return _Meta(url=match.group("url"))
    if match := _PAGE_SITE.match(plain):
        return _Meta(page_site=match.group("site"))
    if (date_match := DATE.search(plain)) is not None:
        return _date_line(plain, date_match)
    return None


def _date_line(plain: str, match: re.Match[str]) -> _Meta | None:
    """A line made of a date, date words, and at most a publication name beside it."""
    date = iso_from_match(match)
    if date is None:
        return None
    before = _DATE_NOISE.sub("", plain[: match.start()]).strip()
    after = _DATE_NOISE.sub("", plain[match.end() :]).strip()
    before_name, after_name = before.strip(SEPARATORS), after.strip(SEPARATORS)
    if not before_name and not after_name:
        return _Meta(date=date)
    # A name only counts beside a separator: "The March 2021 Floods" is a headline.
    if before_name and not after_name and before[-1:] in SEPARATORS:
        site = before_name
    elif after_name and not before_name and after[:1] in SEPARATORS:
        site = after_name
    else:
        return None
    if len(site.split()) > 6 or not site[:1].isupper() or _ends_sentence(site):
        return None
    return _Meta(date=date, site=site)


def _balance_quotes(title: str) -> str:
    """Drop an opening quote or bracket whose closing half was cut off."""
    for opening, closing in (("“", "”"), ("‘", "’"), ("(", ")"), ("«", "»")):
        if title.count(opening) > title.count(closing):
            cut = title.rfind(opening)
            title = (title[:cut] + title[cut + 1 :]).strip()
    if title.count('"') % 2:
        cut = title.rfind('"')
        title = (title[:cut] + title[cut + 1 :]).strip()
    return title


# --- Layout: where the headline, the body and the trailing furniture are -----------------


@dataclass(slots=True)
class _Layout:
    """Indices (into the non-blank lines) that divide a capture into its parts."""

    title: int | None  # the headline line, kept in the text
    subtitle: int | None  # a one-sentence standfirst under the headline, kept
    body_start: int  # the first line of the article body
    body_end: int  # the last kept line
    first_text: int  # the first prose (or Markdown code) line
    dropped_tail: list[int] = field(default_factory=list)


def _find_layout(doc: _Document, known_title: FieldValue | None) -> _Layout | None:
    """Find headline, body and trailing furniture; None when there is no prose at all."""
    first_text = _next_text(doc, 0)
    if first_text is None:
        return None  # labels only: better keep everything than guess what to cut
    title = _known_title_line(doc, known_title, first_text)
    if title is None:
        title = _headline_before(doc, first_text)
    if title is None and _looks_like_headline(doc, first_text):
        title = first_text
    after_title = first_text if title is None else title + 1
    # Lines between the headline and the first sentence after it (bylines, datelines).
    body_start = _next_text(doc, after_title)
    if body_start is None:
        body_start = min(after_title, doc.count - 1)
    subtitle = None
    if title is not None and _may_be_subtitle(doc, title, body_start):
        subtitle = body_start
        body_start = _next_text(doc, subtitle + 1) or subtitle + 1
    layout = _Layout(title, subtitle, body_start, doc.count - 1, first_text)
    _find_tail(doc, layout)
    return layout


def _next_text(doc: _Document, start: int) -> int | None:
    """The first prose or code line from `start` on, or None."""
    return next(
        (
            k
            for k in range(start, doc.count)
            if doc.may_be_text(k) and doc.line(k).kind in _TEXT_KINDS
        ),
        None,
    )


def _header_lines(upto: int) -> list[int]:
    """The header lines worth reading for metadata: the first ones and those above `upto`."""
    if upto <= 2 * _HEADER_WINDOW:
        return list(range(upto))
    return [*range(_HEADER_WINDOW), *range(upto - _HEADER_WINDOW, upto)]


def _known_title_line(doc: _Document, known: FieldValue | None, limit: int) -> int | None:
    """The line (up to the first prose line) that shows the title the caller already knows."""
    if known is None or not isinstance(known.value, str):
        return None
    wanted = _title_key(known.value)
    candidates = _header_lines(limit + 1)
    return next((k for k in candidates if _title_key(doc.line(k).plain) == wanted), None)


def _title_key(text: str) -> str:
    """A title compared loosely: case, spacing and end punctuation do not matter."""
    return " ".join(text.split()).rstrip(_TERMINAL + _CLOSERS).casefold()


def _headline_before(doc: _Document, first_text: int) -> int | None:
    """The headline above the first prose line: the nearest label that is not furniture.

    Metadata lines (byline, dateline) may sit between it and the body. The nearest one
    wins because site navigation sits above a headline, not between it and the article.
    """
    for k in range(first_text - 1, -1, -1):
        line = doc.line(k)
        if line.kind == META:
            continue
        if (
            line.kind == SHORT
            and not line.list_item
            and line.words <= _MAX_HEADLINE_WORDS
            and _WORD.search(line.plain)
        ):
            return k
        return None
    return None


def _looks_like_headline(doc: _Document, k: int) -> bool:
    """Whether a first prose line is in fact a one-sentence headline over the body.

    A question or exclamation qualifies; a line ending in a full stop only when the next
    paragraph is at least twice as long, since a short first paragraph is just as common.
    """
    if k + 1 >= doc.count:
        return False
    line = doc.line(k)
    if line.kind != PROSE or line.words > 20 or line.list_item:
        return False
    if _SENTENCE_BREAK.search(line.plain) or not (line.plain[:1].isupper() or line.heading):
        return False
    end = line.plain.rstrip(_CLOSERS + " ")[-1:]
    if end in "?!" or line.heading:
        return True
    return end in ".…" and doc.line(k + 1).words >= 2 * line.words


def _may_be_subtitle(doc: _Document, title: int, k: int) -> bool:
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
        or _SENTENCE_BREAK.search(line.plain) is not None
        or k - title > _HEADER_WINDOW  # a standfirst sits right under its headline
        or any(doc.line(j).kind == META for j in range(title + 1, k))
    ):
        return False
    next_text = _next_text(doc, k + 1)
    if next_text is None or next_text - k > _HEADER_WINDOW:
        return False
    header = (*_header_lines(title), *range(k + 1, next_text))
    return any(doc.line(j).kind == META for j in header)


def _find_tail(doc: _Document, layout: _Layout) -> None:
    """Walk up from the end over furniture, metadata and navigation labels."""
    end = doc.count - 1
    label_run: list[int] = []  # unknown short labels in a row, dropped tentatively
    while end > layout.body_start:
        line = doc.line(end)
        if _is_trailing_label(line):
            label_run.append(end)
            if len(label_run) > _MAX_LABEL_RUN:
                break  # a list or verse, not a menu: the run stays in the text
            end -= 1
            continue
        layout.dropped_tail.extend(label_run)
        label_run = []
        if line.kind in (FURNITURE, LIST, META):
            layout.dropped_tail.append(end)
            end -= 1
            continue
        if line.kind == PROSE and (heading := _end_heading_above(doc, end, layout)) is not None:
            layout.dropped_tail.extend(range(end, heading - 1, -1))
            end = heading - 1
            continue
        break
    if len(label_run) > _MAX_LABEL_RUN:
        end = label_run[0]
    else:
        layout.dropped_tail.extend(label_run)
    layout.body_end = end


def _is_trailing_label(line: _Line) -> bool:
    """A short line at the end without sentence punctuation: a menu item or widget title."""
    return (
        line.kind == SHORT
        and line.words <= _MAX_NAV_WORDS
        and not line.heading
        and not line.list_item
    )


def _end_heading_above(doc: _Document, end: int, layout: _Layout) -> int | None:
    """A "Recommended for you"-style heading above a few short paragraphs at the end.

    What follows such a heading is about other pages (teasers, an editorial-board box).
    It goes only inside the footer — with furniture already
    found below it — and only when short, so that a widget heading left between the
    article's paragraphs cannot take the article's last sentences with it.
    """
    if not any(doc.line(k).kind == FURNITURE for k in layout.dropped_tail):
        return None
    paragraphs = 0
    for k in range(end, layout.body_start, -1):
        line = doc.line(k)
        if line.kind == FURNITURE and _END_HEADING.fullmatch(_LABEL_NOISE.sub("", line.plain)):
            return k
        if line.kind in _TEXT_KINDS:
            paragraphs += 1
            if paragraphs > _TEASER_MAX_PARAGRAPHS or line.words > _TEASER_MAX_WORDS:
                return None
    return None


def _kept_positions(doc: _Document, layout: _Layout) -> list[int]:
    """Non-blank line indices kept in the clean text, in order."""
    start = layout.title if layout.title is not None else layout.body_start
    title_key = _title_key(doc.line(layout.title).plain) if layout.title is not None else None
    kept = []
    if layout.title is None:
        # No headline: lines above the body are labels, except content shapes.
        kept = [k for k in range(start) if doc.may_be_content(k)]
    for k in range(start, layout.body_start):
        line = doc.line(k)
        if k in (layout.title, layout.subtitle) or _keep_header_line(line, title_key):
            kept.append(k)
    kept.extend(range(layout.body_start, layout.body_end + 1))
    return kept


def _keep_header_line(line: _Line, title_key: str | None) -> bool:
    """Whether a line between the headline and the body stays (bylines and datelines do)."""
    if line.kind in (FURNITURE, LIST):
        return False
    if title_key is not None and _title_key(line.plain) == title_key:
        return False  # the headline repeated
    return line.kind != SHORT or line.heading or line.words > 3


# --- Fields -------------------------------------------------------------------------------


def _collect_fields(
    doc: _Document, layout: _Layout, known: dict[str, FieldValue]
) -> dict[str, FieldValue]:
    """The metadata fields: those the caller knows, then what the header and footer say."""
    found: dict[str, FieldValue] = {}
    if layout.title is not None:
        found["title"] = FieldValue(_clean_title(doc.line(layout.title).plain))
    else:
        guessed = guess_title(doc.line(_first_prose(doc, layout.first_text)).plain)
        if guessed:
            found["title"] = FieldValue(guessed, "guessed")
    if layout.subtitle is not None:
        # A standfirst is a sentence and keeps its full stop, unlike a headline.
        found["subtitle"] = FieldValue(" ".join(doc.line(layout.subtitle).plain.split()))
    header = [doc.line(k) for k in _header_lines(layout.body_start)]
    tail = [doc.line(k) for k in layout.dropped_tail]
    metas = [line.meta for line in header + tail if line.meta is not None]
    authors = next((m.authors for m in metas if m.authors), None) or _writes_authors(doc, layout)
    if authors:
        found["authors"] = FieldValue(authors)
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
    found["type"] = FieldValue(_guess_type(site, page_site, header + tail), "guessed")
    return {**found, **known}


def _first_prose(doc: _Document, start: int) -> int:
    """The first prose line from `start` on (code and rules make poor titles), else `start`."""
    return next(
        (k for k in range(start, doc.count) if doc.may_be_text(k) and doc.line(k).kind == PROSE),
        start,
    )


def _writes_authors(doc: _Document, layout: _Layout) -> list[str]:
    """Authors named at the end of the standfirst or first paragraph ("… Writes Jane Doe")."""
    for k in (layout.subtitle, layout.body_start):
        if k is None or k >= doc.count or doc.line(k).kind != PROSE:
            continue
        plain = doc.line(k).plain
        breaks = list(_SENTENCE_BREAK.finditer(plain))
        last = plain[breaks[-1].end() - 1 :] if breaks else plain
        if authors := authors_in_sentence(last):
            return authors
    return []


def _guess_type(site: str | None, page_site: str | None, furniture: list[_Line]) -> str:
    """The CSL type the furniture suggests; "webpage" without evidence."""
    if site:
        # A dateline naming a publication: a news piece, from a magazine or a paper.
        return "article-magazine" if _MAGAZINE.search(site) else "article-newspaper"
    if any(_BLOG_CUE.search(line.plain) for line in furniture):
        return "post-weblog"
    if page_site and _BLOG_CUE.search(page_site):
        return "post-weblog"
    return "webpage"


def _clean_title(plain: str) -> str:
    """A headline as a title: one line, no closing full stop (a ? or ! stays)."""
    title = " ".join(plain.split())
    if title.endswith(".") and not title.endswith("..."):
        title = title[:-1]
    return title


def _unstripped(doc: _Document, known: dict[str, FieldValue]) -> Extracted:
    """The text as it came, with a guessed title, for captures that are all labels."""
    head = [doc.line(k) for k in range(min(doc.count, _NO_PROSE_META_LINES))]
    first = next((line for line in head if line.kind != FURNITURE), None)
    fields: dict[str, FieldValue] = {}
    metas = [line.meta for line in head if line.meta is not None]
    if authors := next((m.authors for m in metas if m.authors), None):
        fields["authors"] = FieldValue(authors)
    if date := next((m.date for m in metas if m.date), None):
        fields["date"] = FieldValue(date)
    if first is not None and (title := guess_title(first.plain)):
        fields["title"] = FieldValue(_clean_title(title), "guessed")
    fields["type"] = FieldValue("webpage", "guessed")
    return Extracted(text=doc.text, fields={**fields, **known})
