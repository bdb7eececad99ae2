"""A typography-insensitive view of a text, with an offset map back to the stored text.

Quotes people type or paste differ from the stored text in quote marks, dashes, spaces, soft
hyphens, ellipses and case; matching happens in this view and offsets map back exactly.
"""

from __future__ import annotations

import bisect
import functools
import re
from array import array
from dataclasses import dataclass

_IGNORABLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # soft hyphen, zero-width chars, BOM
# Single and double quote marks are one class: publications nest them either way round
# ("‘jihadi businessmen’" in one copy, "“jihadi businessmen”" in another), and people type
# apostrophes as ' ` or ´.
_PLAIN_FORMS = {
    '"': "'`\u00b4\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"
    "\u2018\u2019\u201a\u201b\u2032\u2039\u203a",
    "-": "\u2010\u2011\u2012\u2013\u2014\u2015\u2212",
}
# Every whitespace character (str.isspace) is below U+3001.
_ONE_TO_ONE = {
    **{c: plain for plain, chars in _PLAIN_FORMS.items() for c in chars},
    **{chr(i): " " for i in range(0x3001) if chr(i).isspace() and i != 0x20},
}
_ONE_TO_ONE_RE = re.compile("[" + re.escape("".join(_ONE_TO_ONE)) + "]")
# After the one-to-one replacements: runs of two or more spaces/ignorable characters, a lone
# ignorable, or an ellipsis. These, and the rare letters that case-fold to several (ß, ﬁ),
# are the only places where the normalised view is not one char per stored char.
_IRREGULAR = re.compile(f"[ {_IGNORABLE}]{{2,}}|[{_IGNORABLE}]|\u2026")


@dataclass(frozen=True)
class NormalisedText:
    """A typography-insensitive view of a text, mapped back to the stored text by segments:
    a linear segment maps char by char, a constant one (a collapsed whitespace run, an
    expanded "…" or "ß") maps all its chars to one stored char."""

    text: str
    segment_starts: array[int]  # normalised index where each segment starts
    segment_origins: array[int]  # stored index of each segment's first char
    segment_linear: bytearray

    def origin(self, j: int) -> int:
        """The stored index of the char that produced normalised char j."""
        k = bisect.bisect_right(self.segment_starts, j) - 1
        offset = j - self.segment_starts[k] if self.segment_linear[k] else 0
        return self.segment_origins[k] + offset

    def starts_group(self, j: int) -> bool:
        """Whether normalised char j is the first one produced by its stored character."""
        return j == 0 or self.origin(j - 1) != self.origin(j)

    def ends_group(self, j: int) -> bool:
        """Whether normalised char j - 1 is the last one produced by its stored character."""
        return j == len(self.text) or self.origin(j) != self.origin(j - 1)

    def to_stored(self, start: int, end: int) -> tuple[int, int]:
        """The stored-text span of normalised span start..end (end exclusive, non-empty)."""
        return self.origin(start), self.origin(end - 1) + 1

    def from_stored(self, index: int) -> int:
        """The first normalised index whose stored char is at or after a stored index."""
        k = bisect.bisect_right(self.segment_origins, index) - 1
        if k < 0:
            return 0
        start, origin = self.segment_starts[k], self.segment_origins[k]
        if origin == index:
            return start
        following = (
            self.segment_starts[k + 1] if k + 1 < len(self.segment_starts) else len(self.text)
        )
        if self.segment_linear[k] and index - origin < following - start:
            return start + index - origin
        return following


class _ViewBuilder:
    """Accumulates the normalised text and its segment map."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.starts = array("q")
        self.origins = array("q")
        self.linear = bytearray()

    def add(self, piece: str, origin: int, linear: bool = True) -> None:
        """Append normalised chars produced from the stored text at origin."""
        if not piece:
            return
        self.parts.append(piece)
        self.starts.append(self.length)
        self.origins.append(origin)
        self.linear.append(linear or len(piece) == 1)
        self.length += len(piece)

    def add_folded(self, plain: str, start: int, end: int) -> None:
        """Append plain[start:end] case-folded, a segment per stretch that folds one-to-one."""
        folded = plain[start:end].casefold()
        if len(folded) == end - start:
            self.add(folded, start)
            return
        run = start  # rare: letters such as ß or ﬁ fold to several characters
        for index in range(start, end):
            piece = plain[index].casefold()
            if len(piece) != 1:
                self.add(plain[run:index].casefold(), run)
                self.add(piece, index, linear=False)
                run = index + 1
        self.add(plain[run:end].casefold(), run)

    def build(self) -> NormalisedText:
        """The finished view."""
        return NormalisedText("".join(self.parts), self.starts, self.origins, self.linear)


def normalise(text: str) -> NormalisedText:
    """The normalised view of a text: plain quotes and dashes, one space per whitespace run,
    no soft hyphens or zero-width chars, '…' as '...', case-folded."""
    plain = _ONE_TO_ONE_RE.sub(lambda match: _ONE_TO_ONE[match.group()], text)
    builder = _ViewBuilder()
    position = 0
    for match in _IRREGULAR.finditer(plain):
        builder.add_folded(plain, position, match.start())
        run = match.group()
        if run == "\u2026":
            builder.add("...", match.start(), linear=False)
        elif " " in run:
            builder.add(" ", match.start() + run.index(" "))
        position = match.end()
    builder.add_folded(plain, position, len(plain))
    return builder.build()


def normalise_quote(quote: str) -> str:
    """A typed quote as the normalised view would show it, without edge whitespace."""
    return normalise(quote).text.strip(" ")


@functools.lru_cache(maxsize=4)
def cached_view(text: str) -> NormalisedText:
    """The normalised view of a text, kept for the few texts last searched."""
    return normalise(text)
