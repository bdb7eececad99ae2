"""Segments of an article's text and their fingerprints: how the same passage is recognised
in another article, verbatim or in another translation.

A text is cut into segments: sentences, and the clause before a colon that opens a quote
(`Serenko told the publication: “Our sources say…` is two segments), so that a quote
matches its source whatever the reporter wrote around it. Each segment keeps its offsets
in the stored text.

Two views of a segment make copies look alike:
- `comparable`: lower-case words (transliterated to ASCII: `Масуд` is `masud`), for the
  character-level similarity that aligns segments;
- its *skeleton*: the content words (not "the", "of"…) without vowels or doubled letters,
  and with z/s, k/q/c, w/v as one letter, so spellings of one name agree
  (`Massoud`/`Masood` → `msd`, `jihadists`/`Jahidists` → `jhdsts`, `realise`/`realize`).
A segment's fingerprints are the two smallest hashes of its skeleton's runs of three words
(a bottom-2 min-hash): two copies of a segment share one as long as most of their runs
agree, so a changed word ("under way"/"underway", "the Taliban"/"IG-Khorasan") rarely hides
a passage of two sentences, while two unrelated sentences seldom share one. Its sketch, the
eight smallest, tells a copy (several in common) from a segment that only shares a common
phrase with it (one), without reading the other text.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from library.stopwords import all_function_words

__all__ = [
    "PRINTS_PER_SEGMENT",
    "Segment",
    "Segmented",
    "comparable",
    "segments",
    "skeleton",
    "sketch_overlap",
    "text_prints",
]

# Content words per shingle, hashes kept per segment, and how many content words a segment
# needs to have any.
SHINGLE = 3
PRINTS_PER_SEGMENT = 3
SKETCH = 8
MIN_CONTENT_WORDS = 4
# Where a segment ends: a sentence (end punctuation, closing quotes, a space, then a
# capital or a digit, perhaps after an opening quote), a colon or semicolon that opens a
# quote, or a line. Abbreviations ("Dr. Rubin") split a sentence in two, in every copy alike.
_BREAK = re.compile(
    r"[.!?…。！？][\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9])|[:;](?=\s+[\"“‘«„])|\n\s*"
)
# Typography to ASCII before transliteration: most web text is ASCII but for its quote
# marks and dashes, and `anyascii` costs more than everything else here.
_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys("“”„‟«»″", '"'),
        **dict.fromkeys("‘’‚‛′‹›", "'"),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        **dict.fromkeys("\u00a0\u2009\u202f\u200b\u00ad", " "),
        "…": "...",
    }
)
# A word of the stored text, as `comparable` splits it (letters and digits, not "_").
_TEXT_WORDS = re.compile(r"[^\W_]+")
_URL = re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WORDS = re.compile(r"[a-z0-9]+")
# Letters that spellings and transliterations swap: realise/realize, Kabul/Qabul,
# Wladimir/Vladimir (vowels are dropped: Massoud/Masood).
_SPELLINGS = bytes.maketrans(b"zkqw", b"sccv")
# The second and later letters of a run of one letter (replaced by nothing: a literal
# replacement, which `re` does without calling back into Python).
_DOUBLED = re.compile(rb"(?<=([a-z]))\1+")
# Runs of spaces (left where words were taken out), and each run of SHINGLE words of a
# skeleton (overlapping: one starts at every word).
_SPACES = re.compile(rb" {2,}")
_RUNS = re.compile(rb"(?=(?<![^ ])([^ ]+" + rb"(?: [^ ]+)" * (SHINGLE - 1) + rb"))")
# A word of one letter or digit (what is left of "way", "you").
_SINGLE = re.compile(rb"\b[a-z0-9]\b")


class Segment(NamedTuple):
    """One sentence or clause: its offsets in the text and its comparable words. (A tuple:
    a text has hundreds, and making one costs less than a dataclass.)"""

    start: int
    end: int
    words: str  # `comparable(text[start:end])`


@dataclass(frozen=True, slots=True)
class Segmented:
    """A text and its segments."""

    text: str
    segments: list[Segment]

    @classmethod
    def of(cls, text: str) -> Segmented:
        """The text cut into segments."""
        return cls(text, segments(text))

    def word_offsets(self, segment: Segment) -> list[tuple[int, int]] | None:
        """Where each of the segment's comparable words is in the text (None when the text's
        words cannot be matched one for one: a script transliterated into several words)."""
        piece = self.text[segment.start : segment.end]
        if "://" in piece or "www." in piece:  # left out of the words: blanked, same length
            piece = _URL.sub(lambda url: " " * len(url.group()), piece)
        found = [
            (segment.start + m.start(), segment.start + m.end())
            for m in _TEXT_WORDS.finditer(piece)
        ]
        return found if len(found) == segment.words.count(" ") + 1 else None


def segments(text: str) -> list[Segment]:
    """The text's segments in order (those with no word left out)."""
    found: list[Segment] = []
    start = 0
    for end in [*(match.end() for match in _BREAK.finditer(text)), len(text)]:
        piece = text[start:end]
        words = comparable(piece)
        if words:
            first = start + len(piece) - len(piece.lstrip())
            found.append(Segment(first, first + len(piece.strip()), words))
        start = end
    return found


def comparable(text: str) -> str:
    """`text` as lower-case ASCII words separated by single spaces; web addresses left out
    (two sentences that cite one long URL are not alike for that)."""
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    if not text.isascii():
        text = _NON_ASCII.sub(_to_ascii, text)
    return " ".join(_WORDS.findall(text.lower()))


def _to_ascii(match: re.Match[str]) -> str:
    """A run of non-ASCII characters in ASCII: typography mapped, letters transliterated."""
    plain = match.group().translate(_TYPOGRAPHY)
    if plain.isascii():
        return plain
    from anyascii import anyascii

    return str(anyascii(plain))


def skeleton(words: str) -> list[bytes]:
    """The content words of comparable `words`, without vowels and doubled letters."""
    return skeletons([words])[0].split()


def skeletons(lines: Sequence[str]) -> list[bytes]:
    """The skeleton of each of several comparable texts, its words separated by single
    spaces (done together: one pass of each byte operation over all of them)."""
    stop = _stop_words()
    kept = "\n".join(
        " ".join([word for word in line.split() if word not in stop]) for line in lines
    )
    folded = kept.encode().translate(_SPELLINGS, b"aeiouy")
    stripped = _SPACES.sub(b" ", _SINGLE.sub(b"", _DOUBLED.sub(b"", folded)))
    return [line.strip(b" ") for line in stripped.split(b"\n")]


@dataclass(frozen=True, slots=True)
class TextPrints:
    """A text's fingerprints, as (hash, segment index) pairs, and each segment's sketch: the
    SKETCH smallest hashes of its runs (16 bits of each), compared to tell a copy of a
    segment from one that only shares a common phrase."""

    prints: list[tuple[int, int]]
    sketches: list[tuple[int, ...]]


def text_prints(found: Sequence[Segment]) -> TextPrints:
    """The fingerprints of a text's segments: for each segment of MIN_CONTENT_WORDS content
    words or more, the PRINTS_PER_SEGMENT smallest hashes of its skeleton's runs of SHINGLE
    words; and the sketch of every segment (empty for the shorter ones)."""
    crc = zlib.crc32
    runs = _RUNS.findall
    prints: list[tuple[int, int]] = []
    sketches: list[tuple[int, ...]] = []
    for index, line in enumerate(skeletons([segment.words for segment in found])):
        if line.count(b" ") + 1 < MIN_CONTENT_WORDS:
            sketches.append(())
            continue
        hashes = sorted(set(map(crc, runs(line))))
        prints.extend((value, index) for value in hashes[:PRINTS_PER_SEGMENT])
        sketches.append(tuple(value % 65521 + 1 for value in hashes[:SKETCH]))
    return TextPrints(prints, sketches)


def sketch_overlap(mine: Sequence[int], theirs: Sequence[int]) -> int:
    """How many hashes two segments' sketches share (a copy shares most; a segment that only
    has a common phrase in common, one or two)."""
    return len(set(mine).intersection(theirs))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """Function words, as comparable words (ASCII): they carry no fingerprint."""
    return frozenset(comparable(" ".join(all_function_words())).split())
