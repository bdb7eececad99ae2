"""Snippets: passages of an article around the words a query matched, with offsets."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from library.index_schema import fold

CONTEXT_BEFORE = 60
WINDOW = 220


@dataclass(frozen=True)
class Snippet:
    """A passage of the article: `text[start:end]` with matched words at `highlights`.

    Offsets are code points into the article's stored text; `text` has line breaks shown as
    spaces (same length, so offsets inside it are `highlight - start`).
    """

    start: int
    end: int
    text: str
    highlights: tuple[tuple[int, int], ...]

    def to_json(self) -> dict[str, object]:
        """The snippet as plain JSON data."""
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "highlights": [list(span) for span in self.highlights],
        }


_SEPARATORS = re.compile(r"[-‐\s+]+")
# Words with a letter beyond ASCII: the only ones whose folded form can differ from the text.
_NON_ASCII_WORD = re.compile(r"\w*[^\W\x00-\x7f]\w*")


@functools.lru_cache(maxsize=32)
def _pattern(words: frozenset[str]) -> re.Pattern[str]:
    """One pattern for a query's words, built once for all of its hits. A word written with a
    hyphen or a space (`isis-k`, an alias `islamic state`) matches with either, or none."""
    alternatives = "|".join(
        sorted(
            (r"[-‐\s]*".join(map(re.escape, _SEPARATORS.split(word))) for word in words),
            key=len,
            reverse=True,
        )
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def find_matches(text: str, terms: Iterable[str]) -> list[tuple[int, int, str]]:
    """Spans of `text` whose words are among `terms` (index terms: folded, lower case)."""
    wanted = frozenset(term.strip() for term in terms if term.strip())
    if not wanted:
        return []
    # The regex engine finds the terms as written, case-insensitively; words with accents
    # or other scripts are folded the way the analyzer does.
    matches = [(m.start(), m.end(), m.group().lower()) for m in _pattern(wanted).finditer(text)]
    if text.isascii():
        return matches
    folded = [
        (m.start(), m.end(), word)
        for m in _NON_ASCII_WORD.finditer(text)
        if (word := fold(m.group())) in wanted
    ]
    if not folded:
        return matches
    merged: list[tuple[int, int, str]] = []
    for match in sorted(set(matches) | set(folded)):
        if not merged or match[0] >= merged[-1][1]:
            merged.append(match)
    return merged


def make_snippets(text: str, terms: Iterable[str], count: int = 2) -> list[Snippet]:
    """Up to `count` passages holding the most distinct matched terms; the opening when
    nothing in the text matched (a hit on the title alone)."""
    matches = find_matches(text, terms)
    if not matches:
        return [_snippet(text, 0, [])] if text else []
    chosen: list[tuple[int, int]] = []
    for _ in range(count):
        best = _best_window(text, matches, chosen)
        if best is None:
            break
        chosen.append(best)
    chosen.sort()
    return [
        _snippet(text, start, [(s, e) for s, e, _ in matches if start <= s and e <= end], end)
        for start, end in chosen
    ]


def _best_window(
    text: str, matches: list[tuple[int, int, str]], taken: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The window around a match holding the most distinct terms, not overlapping `taken`."""
    best: tuple[int, int, int] | None = None
    right = 0
    for left, (anchor, _, _) in enumerate(matches):
        start = max(0, anchor - CONTEXT_BEFORE)
        end = min(len(text), start + WINDOW)
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        right = max(right, left)
        while right < len(matches) and matches[right][1] <= end:
            right += 1
        distinct = len({term for _, _, term in matches[left:right]})
        if best is None or distinct > best[0]:
            best = (distinct, start, end)
    if best is None:
        return None
    return _snap(text, best[1], best[2])


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Move window edges to word boundaries so no word is cut in half."""
    if start > 0:
        space = text.rfind(" ", max(0, start - 20), start)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.find(" ", end, end + 20)
        end = space if space >= 0 else end
    return start, end


def _snippet(
    text: str, start: int, highlights: list[tuple[int, int]], end: int | None = None
) -> Snippet:
    if end is None:
        start, end = _snap(text, start, min(len(text), start + WINDOW))
    return Snippet(start, end, text[start:end].replace("\n", " "), tuple(highlights))
