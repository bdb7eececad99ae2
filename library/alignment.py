"""Aligning two articles' segments into the passages they share.

The fingerprints of `library.fingerprints` say where to look: pairs of segments (one in
each article) that share a fingerprint. From each such seed the alignment walks along the
text in both articles, forwards and backwards, comparing the next segments by character
similarity, so it follows a passage through changed words, a sentence one translation
split in two, a sentence left out or added in between. Runs of matching segments are the
shared passages. Only segments next to a match are ever compared: the cost is that of the
passages found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from library.fingerprints import Segment, Segmented

__all__ = ["SharedPassage", "align", "segments_match", "similarity"]

# Two segments match when they are this similar (characters, 0–1)…
MATCH = 0.72
# …or, for a short segment (fewer characters than LONG_SEGMENT), this similar.
SHORT_MATCH = 0.86
LONG_SEGMENT = 60
# A segment contained in a much longer one (a sentence the other text split in two, a
# quote inside a longer sentence) matches when it is this long and this similar to a part
# of the longer one.
CONTAINED_MIN = 40
CONTAINED_MATCH = 0.9
LONGER = 0.9  # "much shorter": under this share of the other's length
# A passage of one segment counts when it is this long in both texts and this similar (a
# single sentence quoted whole); a passage of several segments when they add up to this
# many characters.
SINGLE_MIN = 90
SINGLE_MATCH = 0.85
PASSAGE_MIN = 70
# How far (in segments) the alignment looks past a matched pair for the next one, and the
# steps it tries, in order: the next segment in both texts; a sentence one text split in
# two; a segment one text added; a segment both changed beyond recognition.
REACH = 2
STEPS = ((1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (2, 2))


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """A passage of text A found in text B: offsets in both, how similar, how many segments."""

    start: int
    end: int
    other_start: int
    other_end: int
    similarity: float
    segments: int


def similarity(left: str, right: str) -> float:
    """How alike two comparable segments are (0–1): their character similarity, or, for a
    segment much shorter than the other, how well it matches the best part of the longer."""
    score = fuzz.ratio(left, right) / 100
    short, long = (left, right) if len(left) <= len(right) else (right, left)
    if len(short) >= CONTAINED_MIN and len(short) < LONGER * len(long):
        contained = fuzz.partial_ratio(short, long, score_cutoff=CONTAINED_MATCH * 100) / 100
        if contained >= CONTAINED_MATCH:
            return max(score, contained)
    return score


def _matches(left: str, right: str, score: float) -> bool:
    if min(len(left), len(right)) < LONG_SEGMENT:
        return score >= SHORT_MATCH
    return score >= MATCH


def segments_match(left: str, right: str) -> bool:
    """Whether two comparable segments are copies of one another (the test alignment uses)."""
    return _matches(left, right, similarity(left, right))


def align(me: Segmented, them: Segmented, seeds: Iterable[tuple[int, int]]) -> list[SharedPassage]:
    """The passages text `me` shares with text `them`, grown from `seeds` (index pairs of
    segments that share a fingerprint), in the order of `me`."""
    mine, theirs = me.segments, them.segments
    matched: dict[tuple[int, int], float] = {}
    tested: dict[tuple[int, int], bool] = {}

    def matches(pair: tuple[int, int]) -> bool:
        if pair not in tested:
            i, j = pair
            tested[pair] = False
            if 0 <= i < len(mine) and 0 <= j < len(theirs):
                left, right = mine[i].words, theirs[j].words
                score = similarity(left, right)
                if _matches(left, right, score):
                    matched[pair] = score
                    tested[pair] = True
        return tested[pair]

    for seed in dict.fromkeys(seeds):
        if seed in tested or not matches(seed):
            continue
        for sign in (1, -1):
            i, j = seed
            while True:
                for di, dj in STEPS:
                    step = (i + sign * di, j + sign * dj)
                    if matches(step):
                        i, j = step
                        break
                else:
                    break
    return [
        passage
        for group in _runs(matched)
        if (passage := _passage(me, them, group, matched)) is not None
    ]


def _runs(matched: dict[tuple[int, int], float]) -> list[list[tuple[int, int]]]:
    """Matched pairs grouped into runs: a pair within REACH segments of another, in both
    texts, is in its run (connected components, found by union-find)."""
    parent = {pair: pair for pair in matched}

    def root(pair: tuple[int, int]) -> tuple[int, int]:
        while parent[pair] != pair:
            parent[pair] = parent[parent[pair]]
            pair = parent[pair]
        return pair

    by_row: dict[int, list[tuple[int, int]]] = {}
    for pair in sorted(matched):
        i, j = pair
        for row in range(i - REACH, i + 1):
            for other in by_row.get(row, ()):
                if abs(other[1] - j) <= REACH:
                    parent[root(other)] = root(pair)
        by_row.setdefault(i, []).append(pair)
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for pair in sorted(matched):
        groups.setdefault(root(pair), []).append(pair)
    return list(groups.values())


def _passage(
    me: Segmented,
    them: Segmented,
    group: list[tuple[int, int]],
    matched: dict[tuple[int, int], float],
) -> SharedPassage | None:
    """The passage a run of matched pairs covers, or None when it is too short to count.
    Where a segment at either end holds more than the other text's (a reporter's lead-in
    before a quote), the passage starts or ends where the quoted words do."""
    mine, theirs = me.segments, them.segments
    rows = sorted({i for i, _ in group})
    columns = sorted({j for _, j in group})
    length = sum(len(mine[i].words) for i in rows)
    if len(rows) == 1 and len(columns) == 1:
        (pair,) = group
        shorter = min(length, len(theirs[pair[1]].words))
        if shorter < SINGLE_MIN or matched[pair] < SINGLE_MATCH:
            return None
    elif length < PASSAGE_MIN:
        return None
    weights = {pair: len(mine[pair[0]].words) + len(theirs[pair[1]].words) for pair in group}
    score = sum(matched[pair] * weight for pair, weight in weights.items()) / sum(weights.values())
    first = min(group)  # the first row, with its first column
    last = max(group)
    first_column = min(group, key=lambda pair: (pair[1], pair[0]))
    last_column = max(group, key=lambda pair: (pair[1], pair[0]))
    return SharedPassage(
        _edge(me, mine[first[0]], theirs[first[1]].words, start=True),
        _edge(me, mine[last[0]], theirs[last[1]].words, start=False),
        _edge(them, theirs[first_column[1]], mine[first_column[0]].words, start=True),
        _edge(them, theirs[last_column[1]], mine[last_column[0]].words, start=False),
        round(score, 3),
        len(rows),
    )


def _edge(text: Segmented, segment: Segment, other_words: str, *, start: bool) -> int:
    """Where a passage starts (or ends) in `segment`: at its edge, or, when it is much
    longer than the segment it matched, where the matched words begin (or end) in it."""
    if len(segment.words) * LONGER <= len(other_words):
        return segment.start if start else segment.end
    found = fuzz.partial_ratio_alignment(other_words, segment.words)
    if found is None or found.score / 100 < CONTAINED_MATCH:
        return segment.start if start else segment.end
    offsets = text.word_offsets(segment)
    if offsets is None:
        return segment.start if start else segment.end
    if start:
        return offsets[segment.words.count(" ", 0, found.dest_start)][0]
    return offsets[segment.words.count(" ", 0, max(found.dest_end - 1, 0))][1]
