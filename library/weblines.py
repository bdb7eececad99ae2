"""One line of a web capture, classified: prose, furniture, metadata, a list, or a label.

`classify` reads one line the way a person skimming the page would; `signal` turns that
reading into what `library.capture_block` weighs to find the article. Dates are read by
`library.webdates`, names by `library.bylines`, furniture phrases by `library.furniture`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from library.bylines import agency_name, byline_remainder, clean_byline, is_role_line
from library.capture_block import LineSignal
from library.furniture import (
    is_comment_heading,
    is_end_heading,
    is_furniture,
    is_reading_time,
    is_thread_cue,
)
from library.sentences import SENTENCE_BREAK, cjk_characters, ends_sentence, word_weight
from library.stopwords import TOKEN
from library.webdates import DATE, SEPARATORS, iso_from_match
from library.webtitles import has_headline_shape

__all__ = ["BODY", "FURNITURE", "LIST", "META", "PROSE", "SHORT", "Line", "Meta", "classify"]

# --- Line kinds -------------------------------------------------------------------------
FURNITURE = "furniture"  # a known page-furniture phrase ("Skip to content", "Share this")
META = "meta"  # a byline, dateline, date, reading time, source URL or "News from <site>" line
LIST = "list"  # a keyword/tag list: many short comma-separated items, no sentence
PROSE = "prose"  # a sentence or a paragraph: article text
BODY = "body"  # Markdown code or table lines: article text that is never reshaped
SHORT = "short"  # anything else: headlines, navigation labels, captions

TEXT_KINDS = (PROSE, BODY)

# Lines longer than this are never metadata: a byline or dateline is short.
_MAX_META_WORDS = 20
_MAX_META_CHARS = 400
# A line this long is a paragraph even when the capture lost its final full stop.
_PARAGRAPH_WORDS = 25
# What makes a line count as prose when weighing where the article is: a sentence of at
# least this many words with this share of function words, or a long line with that
# share (languages without a function-word list go by length and punctuation only).
_PROSE_SENTENCE_WORDS = 6
_PROSE_SENTENCE_FUNCTION = 0.15
_PROSE_LINE_WORDS = 20
_PROSE_LINE_FUNCTION = 0.2
_CJK_SENTENCE_WEIGHT = 5
_CJK_LINE_WEIGHT = 15
# Long lines are judged on their start: this many characters say enough.
_SAMPLE_CHARS = 400
# A comment's signature line is at most this long ("Jane on March 3, 2021 at 10:15 pm").
_CUE_WORDS = 15
# Letters below this share of a line's characters make it data (numbers, code, symbols).
_DATA_LETTERS = 0.5

# A row of menu items or teaser titles on one line: "News • Sport • Weather".
_INLINE_SEPARATOR = re.compile(r"\s[|•·»]\s")
_MENU_SEPARATORS = 2
_WORD = re.compile(r"\w")
_LETTER = re.compile(r"[^\W\d_]")
_LIST_MARKER = re.compile(r"^(?:[-*+•□◦○☆★■▪●◆◇▶►»›]+|\d{1,3}[.)])(?:\s+|$)")

# --- Markdown, for classifying lines only (the text itself keeps its markup) -----------
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
_MD_QUOTE = re.compile(r"^(?:>\s?)+")
# Link text and targets exclude their own opening bracket, so that a line of a million
# "[" costs one step per character rather than a scan to the end from each of them.
_MD_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()]*\)")
_MD_LINK = re.compile(r"\[([^\[\]]*)\](?:\([^()]*\)|\[[^\[\]]*\])")
_MD_EMPHASIS = re.compile(r"\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w)|`+|<[^>\n]{1,500}>")

# --- Date lines, times, sites -----------------------------------------------------------
# Words that may surround a date on a date line ("Published on Wed, 3 March 2021, 10:15").
_DATE_NOISE = re.compile(
    r"\b(?:published|posted|updated|last|first|modified|created|dated?|on|at|am|pm|a\.m\.?"
    r"|p\.m\.?|utc|gmt|[ecmp][sd]t|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)"
    r"(?:day)?|\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)\b\.?",
    re.IGNORECASE,
)
_TIME_OR_AGO = re.compile(
    r"\b\d{1,2}:\d{2}\b|\b(?:\d{1,4}|an?|one)\s+(?:minutes?|hours?|days?|weeks?|months?"
    r"|years?)\s+ago\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b",
    re.IGNORECASE,
)
# Every date DATE reads has digits: lines without any are spared its cost.
_DIGIT = re.compile(r"\d")
_AGO_WORDS = re.compile(r"\b(?:an?|one)\s+(?:minute|hour|day|week|month|year)\s+ago\b", re.I)
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


@dataclass(slots=True)
class Meta:
    """What a metadata line says."""

    authors: list[str] = field(default_factory=list)
    organisation: str | None = None  # an agency or site named in a byline
    date: str | None = None
    site: str | None = None  # the publication named in a dateline ("Foreign Policy, …")
    page_site: str | None = None  # the site the capture comes from ("News from …")
    url: str | None = None


@dataclass(slots=True)
class Line:
    """One non-blank line and what it looks like to a reader."""

    pos: int  # index in the document's list of lines
    plain: str  # stripped, and for Markdown without link/emphasis markup
    kind: str
    words: int
    heading: bool = False  # a Markdown heading: content, never stripped for its shape
    list_item: bool = False  # starts with a list marker: content unless it is a link
    meta: Meta | None = None


def classify(pos: int, raw: str, markdown: bool, in_code: bool) -> Line:
    """Decide what kind of line `raw` is; the order of the checks matters."""
    stripped = raw.strip()
    # Code, tables, indented code, rules and setext underlines are Markdown structure:
    # part of the article as written, never furniture and never a headline.
    if in_code or (
        markdown
        and (stripped.startswith("|") or raw.startswith("    ") or not _WORD.search(stripped))
    ):
        return Line(pos, stripped, BODY, len(stripped.split()))
    heading = markdown and _MD_HEADING.match(raw) is not None
    marker = _LIST_MARKER.match(stripped)
    link_only = False
    plain = stripped
    if markdown:
        plain, link_only = _demark(stripped)
    elif marker is not None:
        plain = stripped[marker.end() :]
    words = len(plain.split())
    line = Line(pos, plain, SHORT, words, heading, marker is not None and not link_only)
    if not _WORD.search(plain):
        return line  # rules, separators, bullets: not text
    if is_furniture(plain, words):
        line.kind = FURNITURE
    elif (
        words <= _MAX_META_WORDS
        and len(plain) <= _MAX_META_CHARS
        and (meta := _parse_meta(plain)) is not None
    ):
        line.kind, line.meta = META, meta
    elif _is_keyword_list(plain):
        line.kind = LIST
    elif _is_prose(plain, words):
        line.kind = PROSE
    return line


def signal(line: Line, function_words: frozenset[str], markdown: bool) -> LineSignal:
    """How a classified line counts when weighing where the article is."""
    weight = word_weight(line.plain)
    if line.kind == BODY:
        return LineSignal(weight, prose=False, data=True, content=True)
    data = line.kind != PROSE and _is_data(line.plain)  # a sentence is never data
    return LineSignal(
        weight,
        prose=line.kind in (PROSE, SHORT) and _reads_as_prose(line.plain, weight, function_words),
        furniture=line.kind in (FURNITURE, LIST),
        data=data,
        content=line.heading or (line.list_item and weight >= 3 and not data),
        cue=_is_cue(line, weight, data),
        sentence=line.kind == PROSE
        and ends_sentence(line.plain)
        and weight < _PROSE_SENTENCE_WORDS,
        title_like=line.kind == SHORT
        and not line.list_item
        and has_headline_shape(line.plain, line.words),
        comment_heading=not line.list_item and is_comment_heading(line.plain, line.words),
        end_heading=is_end_heading(line.plain, line.words) and (line.heading or not markdown),
    )


def is_text(line: Line) -> bool:
    """A prose or Markdown code/table line: the article's own text."""
    return line.kind in TEXT_KINDS


def function_share(plain: str, function_words: frozenset[str]) -> float:
    """The share of a line's words that are function words ("the", "of", "que", "und"),
    judged on its first few dozen words (enough to tell, and bounded on long lines)."""
    tokens = TOKEN.findall(plain[:_SAMPLE_CHARS].lower())
    return sum(map(function_words.__contains__, tokens)) / len(tokens) if tokens else 0.0


def _reads_as_prose(plain: str, weight: float, function_words: frozenset[str]) -> bool:
    """Whether a line is the article's kind of prose, not a teaser, a menu row or a label."""
    if len(_INLINE_SEPARATOR.findall(plain)) >= _MENU_SEPARATORS:
        return False
    sentence = ends_sentence(plain)
    if cjk_characters(plain):
        return (sentence and weight >= _CJK_SENTENCE_WEIGHT) or weight >= _CJK_LINE_WEIGHT
    share = function_share(plain, function_words) if function_words else 1.0
    if sentence and weight >= _PROSE_SENTENCE_WORDS:
        return share >= _PROSE_SENTENCE_FUNCTION
    return weight >= _PROSE_LINE_WORDS and share >= _PROSE_LINE_FUNCTION


def _is_cue(line: Line, weight: float, data: bool) -> bool:
    """A comment's signature line: a short dated line, a "Reply" button, "Jane said:"."""
    if data or weight > _CUE_WORDS or len(line.plain) > _MAX_META_CHARS:
        return False
    if is_thread_cue(line.plain, line.words) or byline_remainder(line.plain) is not None:
        return True
    if ends_sentence(line.plain) and weight >= _PROSE_SENTENCE_WORDS:
        return False
    if _DIGIT.search(line.plain) is None:
        return _AGO_WORDS.search(line.plain) is not None  # "an hour ago"
    return _TIME_OR_AGO.search(line.plain) is not None or DATE.search(line.plain) is not None


def _is_data(plain: str) -> bool:
    """Numbers, symbols or code rather than words (chart labels, table cells, listings)."""
    compact = "".join(plain[:_SAMPLE_CHARS].split())
    return not compact or len(_LETTER.findall(compact)) < _DATA_LETTERS * len(compact)


def _demark(line: str) -> tuple[str, bool]:
    """A Markdown line as read, and whether it was nothing but links (a nav menu item)."""
    text = line
    if heading := _MD_HEADING.match(text):
        text = text[heading.end() :].rstrip()
        closed = text.rstrip("#")
        if closed != text and (not closed or closed[-1].isspace()):
            text = closed.rstrip()  # an ATX closing sequence: "## Title ##"
    text = _MD_QUOTE.sub("", text)
    if marker := _LIST_MARKER.match(text.lstrip()):
        text = text.lstrip()[marker.end() :]
    link_only = bool(_MD_LINK.search(text)) and not _MD_LINK.sub("", text).strip(" |•·-*")
    text = _MD_LINK.sub(r"\1", _MD_IMAGE.sub(r"\1", text))
    return _MD_EMPHASIS.sub("", text).strip(), link_only


def _is_keyword_list(plain: str) -> bool:
    """Whether a line is a tag list: four or more short comma-separated items, no sentence."""
    if plain.count(",") < 4 or ends_sentence(plain):
        return False
    items = plain.split(",")
    return sum(len(item.split()) for item in items) <= 4 * len(items)


def _is_prose(plain: str, words: int) -> bool:
    """Whether a line is a sentence or a paragraph (rather than a label or headline)."""
    if ends_sentence(plain) or words >= _PARAGRAPH_WORDS:
        return True
    return words >= 12 and SENTENCE_BREAK.search(plain) is not None


def _parse_meta(plain: str) -> Meta | None:
    """A byline, date line, dateline, reading time, source URL or site line, or None."""
    if (rest := byline_remainder(plain)) is not None:
        date_match = DATE.search(rest) if _DIGIT.search(rest) else None
        date = iso_from_match(date_match) if date_match else None
        if date_match:
            rest = rest[: date_match.start()]
        byline = clean_byline(rest, leading=True)
        if byline.named_anything or (rest[:1].isupper() and len(rest.split()) <= 6):
            # An agency byline ("By Reuters") is still a byline: not a headline.
            return Meta(authors=byline.people, organisation=byline.organisation, date=date)
        return None
    if is_reading_time(plain):
        return Meta()
    if (agency := agency_name(plain)) is not None:
        return Meta(organisation=agency)  # "THE CANADIAN PRESS" on a line of its own
    if is_role_line(plain):
        return Meta()  # "Seattle Times business reporter", under or over a byline
    if match := _URL_LINE.match(plain):
        return Meta(url=match.group("url"))
    if match := _PAGE_SITE.match(plain):
        return Meta(page_site=match.group("site"))
    if _DIGIT.search(plain) and (date_match := DATE.search(plain)) is not None:
        return _date_line(plain, date_match)
    return None


def _date_line(plain: str, match: re.Match[str]) -> Meta | None:
    """A line made of a date, date words, and at most a publication name beside it."""
    date = iso_from_match(match)
    if date is None:
        return None
    # Other dates on the line ("Published 27 July 2017, updated 28 July 2017") are noise too.
    before = _DATE_NOISE.sub("", DATE.sub("", plain[: match.start()])).strip()
    after = _DATE_NOISE.sub("", DATE.sub("", plain[match.end() :])).strip()
    before_name, after_name = before.strip(SEPARATORS), after.strip(SEPARATORS)
    if not before_name and not after_name:
        return Meta(date=date)
    # A name only counts beside a separator: "The March 2021 Floods" is a headline.
    if before_name and not after_name and before[-1:] in SEPARATORS:
        site = before_name
    elif after_name and not before_name and after[:1] in SEPARATORS:
        site = after_name
    else:
        return None
    if len(site.split()) > 6 or not site[:1].isupper() or ends_sentence(site):
        return None
    return Meta(date=date, site=site)
