"""Titles of web captures: when a line is a headline, and a title made up when none is.

A title is *found* only when a line has a headline's shape and place: right above the
article body (bylines, datelines and reading times may sit between), a few words long,
not a label, a list item, a breadcrumb, a section name or a teaser heading. Otherwise
`guess_title` makes one from the first sentence and the caller marks it *guessed*.
"""

from __future__ import annotations

import re

from library.sentences import CLOSERS, TERMINAL, cjk_characters, first_sentence

__all__ = ["clean_title", "guess_title", "has_headline_shape", "title_key"]

_MIN_HEADLINE_WORDS = 3
_MIN_CJK_HEADLINE_CHARACTERS = 5
MAX_HEADLINE_WORDS = 25
# Breadcrumbs, navigation rows, pagers and field labels: "Home » World » Asia",
# "News | Sport | Weather", "« Previous Story", "Location: New York", "Courtesy of …".
_NOT_A_HEADLINE = re.compile(
    r"\s[|»›>/]\s|^you are here\b|^[«»←→‹›]|[«»←→‹›]$|^[\w-]+:\s"
    r"|^(?:courtesy|photo|image|credit|source|member since|posted|published|updated|filed)\b",
    re.IGNORECASE,
)
# A guessed title: the first sentence if it is short, else this many words.
_GUESS_WORDS = 10
_GUESS_WHOLE_SENTENCE_WORDS = 12
_GUESS_CJK_CHARACTERS = 30
# End punctuation of a guessed title, also when closing quotes follow it ("…tonight.”").
_GUESS_END_PUNCT = re.compile(r"[.,;:–—-]+(?=[\"'”’»)\]]*$)")
_GUESS_CUT_PUNCT = re.compile(r"[.,;:–—?!…-]+(?=[\"'”’»)\]]*$)")
_GUESS_STOPWORDS = frozenset(
    "a an the and or but of to in on at for with by from as that which who is are was"
    " were be been has have had its their his her".split()
)


def has_headline_shape(plain: str, words: int) -> bool:
    """Whether a short line could be a headline: a few words, no label or breadcrumb shape."""
    if cjk_characters(plain) >= _MIN_CJK_HEADLINE_CHARACTERS:
        return words <= MAX_HEADLINE_WORDS
    if not _MIN_HEADLINE_WORDS <= words <= MAX_HEADLINE_WORDS:
        return False
    if plain.rstrip().endswith(":") or _NOT_A_HEADLINE.search(plain):
        return False
    return any(char.isalpha() for char in plain[:3])


def guess_title(text: str) -> str | None:
    """A short title made from the first sentence of `text`, or None when it has no words.

    The whole sentence when it is short, else its first words cut at a word boundary,
    without dangling small words or trailing punctuation. Chinese and Japanese sentences
    are cut after a few dozen characters.
    """
    first_line = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if not first_line:
        return None
    sentence = first_sentence(first_line)
    if cjk_characters(sentence) and len(sentence.split()) <= 2:
        return _balance_quotes(_cut_cjk(sentence)) or None
    words = sentence.split()
    if len(words) <= _GUESS_WHOLE_SENTENCE_WORDS:
        # A whole sentence: a question or exclamation mark is part of its meaning.
        title = _strip_end(_GUESS_END_PUNCT, " ".join(words))
    else:
        kept = words[:_GUESS_WORDS]
        while len(kept) > 3 and kept[-1].strip(CLOSERS + ",;:").lower() in _GUESS_STOPWORDS:
            kept.pop()
        title = _strip_end(_GUESS_CUT_PUNCT, " ".join(kept))
    return _balance_quotes(title) or None


def clean_title(plain: str) -> str:
    """A headline as a title: one line, no closing full stop (a ? or ! stays)."""
    title = " ".join(plain.split())
    if title.endswith((".", "。")) and not title.endswith("..."):
        title = title[:-1]
    return title


def title_key(text: str) -> str:
    """A title compared loosely: case, spacing and end punctuation do not matter."""
    return " ".join(text.split()).rstrip(TERMINAL + CLOSERS).casefold()


def _cut_cjk(sentence: str) -> str:
    """A CJK sentence as a title: without its end mark, cut when long."""
    sentence = sentence.rstrip(TERMINAL + CLOSERS + " ")
    return sentence if len(sentence) <= _GUESS_CJK_CHARACTERS else sentence[:_GUESS_CJK_CHARACTERS]


def _strip_end(pattern: re.Pattern[str], title: str) -> str:
    """`title` without the end punctuation `pattern` finds (searched near the end only)."""
    tail = title[-20:]
    match = pattern.search(tail)
    if match is None:
        return title
    return (title[: len(title) - len(tail) + match.start()] + tail[match.end() :]).rstrip()


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
