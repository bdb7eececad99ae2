"""Anchor notes to quoted passages of an article's stored text, and find them again after edits.

Pure functions: no database, no I/O. The model is the W3C Web Annotation one (a quote with its
context plus a position), re-anchored the way the Hypothesis client does it, with two of its
flaws fixed: a fuzzy candidate must clear a minimum score (and a floor on the quote alone), and
the quote, context and position scores are kept apart. Matching stays near-linear: candidates
come from verbatim seeds found with ``str.find``; only small windows are aligned (rapidfuzz).

Offsets are Python ``str`` indexes (code points) into the stored text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from notes.normalised_text import NormalisedText, cached_view, normalise, normalise_quote

CONTEXT_CHARS = 32

# A fuzzy candidate's combined score (50·quote + 20·prefix + 20·suffix + 2·position, over 92)
# must reach MIN_SCORE. Unrelated stretches of news prose are about 0.16 alike (Levenshtein
# similarity of 32-character windows; the average of two such pairs exceeds 0.39 one time in a
# thousand), so with unrelated context even a perfect quote scores at most (50 + 40·0.39 + 2)
# / 92 ≈ 0.73: a note follows an edited passage only where part of its surroundings came
# along, and a look-alike sentence elsewhere is refused. With intact context a quote of 0.54
# would do, so the quote floor below is what binds; with context 0.7 the quote needs 0.66.
MIN_SCORE = 0.75

# The quote alone must be at least this similar, so that a note never lands on whatever now sits
# between its old prefix and suffix (a deleted sentence) on context alone.
QUOTE_FLOOR = 0.6

# A window whose rough alignment (rapidfuzz partial ratio, 0-100, which is never much below the
# Levenshtein similarity) is this poor cannot clear QUOTE_FLOOR: skip the precise alignment.
ROUGH_CUTOFF = 100 * QUOTE_FLOOR - 10

# Extra characters compared beside a context that the start or end of the text cut short.
EDGE_SLACK = 8

# Shorter quotes are too ambiguous to match approximately: found verbatim or orphaned.
MIN_FUZZY_CHARS = 8

# Weights of the combined fuzzy score (the Hypothesis client's).
QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50.0, 20.0, 20.0, 2.0

# Seeding limits: a piece of the quote found more often than this says little about where the
# quote is, and only this many candidate regions are aligned per quote.
MAX_SEED_HITS = 64
MAX_CANDIDATES = 4
# A very common quote ("the") whose context is gone has its context compared at this many
# verbatim hits only, the nearest to its old position.
MAX_VERBATIM_SCORED = 500

_WORD = re.compile(r"\w{3,}")


# ---------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class Selector:
    """What is stored for an annotation: the quote, its context and where it was."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class Anchor:
    """Where a selector's passage is now, how it was found and how sure we are."""

    start: int
    end: int
    state: str  # "anchored", "moved", "fuzzy" or "orphan"
    score: float
    quote_score: float
    context_score: float
    position_score: float


# ---------------------------------------------------------------------------------------------
# Selectors and quote search


def selector_at(text: str, start: int, end: int) -> Selector:
    """The selector for the passage text[start:end], with CONTEXT_CHARS of context each side."""
    _check_offsets(text, start, end)
    return Selector(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        start=start,
        end=end,
    )


def _check_offsets(text: str, start: int, end: int) -> None:
    """Raise a user-readable ValueError unless 0 <= start < end <= len(text)."""
    if start < 0 or end < 0:
        raise ValueError(f"offset {min(start, end)} is negative")
    if start > end:
        raise ValueError(f"offsets {start}..{end} are reversed")
    if start == end:
        raise ValueError(f"offsets {start}..{end} select nothing")
    if end > len(text):
        raise ValueError(f"offset {end} is past the end of the text ({len(text)} characters)")


def find_quote(text: str, quote: str, prefix: str = "", suffix: str = "") -> list[tuple[int, int]]:
    """Every stored-text span matching a typed or pasted quote, ignoring typography and case.

    A typed quote means whole words ("sandbank" is not the start of "sandbanks"): matches
    that cut a word count only when there is no whole-word match.
    """
    needle = normalise_quote(quote)
    if not needle:
        raise ValueError("the quote is empty")
    view = cached_view(text)
    want_before = normalise_quote(prefix)
    want_after = normalise_quote(suffix)
    whole: list[tuple[int, int]] = []
    partial: list[tuple[int, int]] = []
    for start in _find_all(view.text, needle):
        end = start + len(needle)
        if not (view.starts_group(start) and view.ends_group(end)):
            continue  # the match begins or ends inside one stored char (e.g. within "…")
        if want_before and not _ends_with(view.text, start, want_before):
            continue
        if want_after and not view.text[end : end + len(want_after) + 1].lstrip(" ").startswith(
            want_after
        ):
            continue
        (partial if _cuts_a_word(view.text, start, end) else whole).append(
            view.to_stored(start, end)
        )
    return whole or partial


def _cuts_a_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] begins or ends inside a word: a typed quote means whole words
    ("sandbank" is not the start of "sandbanks")."""
    return (start > 0 and text[start].isalnum() and text[start - 1].isalnum()) or (
        end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    )


def _ends_with(text: str, end: int, wanted: str) -> bool:
    """Whether text[:end], ignoring trailing spaces, ends with wanted."""
    return text[max(0, end - len(wanted) - 1) : end].rstrip(" ").endswith(wanted)


def _find_all(haystack: str, needle: str, start: int = 0, end: int | None = None) -> Iterator[int]:
    """Every (possibly overlapping) index of needle in haystack[start:end]."""
    stop = len(haystack) if end is None else end
    index = haystack.find(needle, start, stop)
    while index != -1:
        yield index
        index = haystack.find(needle, index + 1, stop)


def context_of(text: str, start: int, end: int, width: int = 40) -> tuple[str, str]:
    """The text just before and after a span, on one line, for showing an occurrence."""
    _check_offsets(text, start, end)
    return _one_line(text[max(0, start - width) : start]), _one_line(text[end : end + width])


def _one_line(text: str) -> str:
    """Text with every whitespace run shown as one space (edges kept as a single space)."""
    return re.sub(r"\s+", " ", text)


def closest_passages(text: str, quote: str, limit: int = 3) -> list[tuple[int, int, float]]:
    """The passages most like a quote that was not found: (start, end, similarity), best first."""
    needle = normalise_quote(quote)
    if not needle:
        raise ValueError("the quote is empty")
    view = cached_view(text)
    regions = _word_seed_regions(view.text, needle)
    # The single best window over the whole text (rapidfuzz, bit-parallel) catches what word
    # seeds miss, such as a quote whose every word is misspelt.
    if len(view.text) >= len(needle):
        overall = fuzz.partial_ratio_alignment(needle, view.text)
        if overall is not None:
            regions.append(overall.dest_start)
    found: list[tuple[int, int, float]] = []
    for diagonal in regions:
        span = _align_near(view.text, needle, diagonal, slack=len(needle) // 2 + 8)
        if span is None:
            continue
        start, end = span
        similarity = Levenshtein.normalized_similarity(needle, view.text[start:end])
        found.append((start, end, similarity))
    found.sort(key=lambda item: (-item[2], item[0]))
    chosen: list[tuple[int, int, float]] = []
    for start, end, similarity in found:
        if any(start < e and s < end for s, e, _ in chosen):
            continue
        chosen.append((start, end, similarity))
        if len(chosen) == limit:
            break
    return [(*view.to_stored(s, e), round(sim, 4)) for s, e, sim in chosen]


def _word_seed_regions(haystack: str, needle: str, regions: int = 12) -> list[int]:
    """Likely start positions of needle: where most of its words occur at the right distances."""
    bucket = max(16, len(needle) // 2)
    votes: dict[int, set[str]] = {}
    for match in _WORD.finditer(needle):
        word = match.group()
        for hits, index in enumerate(_find_all(haystack, word)):
            if hits >= 20 * MAX_SEED_HITS:
                break
            votes.setdefault((index - match.start()) // bucket, set()).add(word)
    ranked = sorted(votes.items(), key=lambda item: -sum(len(w) for w in item[1]))
    return [key * bucket for key, _ in ranked[:regions]]


# ---------------------------------------------------------------------------------------------
# Re-anchoring


def reanchor(text: str, selector: Selector) -> Anchor:
    """Find a selector's passage in a (possibly edited) text."""
    return _Reanchorer(text).reanchor(selector)


def reanchor_all(text: str, selectors: Sequence[Selector]) -> list[Anchor]:
    """reanchor() for many selectors on one text, sharing the per-text work."""
    engine = _Reanchorer(text)
    order = sorted(range(len(selectors)), key=lambda i: selectors[i].start)
    results: list[Anchor | None] = [None] * len(selectors)
    shift = 0
    for index in order:
        anchor = engine.reanchor(selectors[index], shift)
        results[index] = anchor
        if anchor.state != "orphan":
            shift = anchor.start - selectors[index].start
    return [anchor for anchor in results if anchor is not None]


@dataclass(frozen=True)
class _Candidate:
    """A scored place where a selector's passage might be now."""

    start: int
    end: int
    quote_score: float
    prefix_score: float
    suffix_score: float
    position_score: float

    @property
    def context_score(self) -> float:
        """Prefix and suffix similarity together."""
        return (self.prefix_score + self.suffix_score) / 2

    @property
    def score(self) -> float:
        """The combined score, in [0, 1]."""
        total = (
            QUOTE_WEIGHT * self.quote_score
            + PREFIX_WEIGHT * self.prefix_score
            + SUFFIX_WEIGHT * self.suffix_score
            + POSITION_WEIGHT * self.position_score
        )
        return total / (QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT)


def _context_lengths(selector: Selector, prefix: str, suffix: str) -> tuple[int, int]:
    """How much text before and after a candidate to compare with prefix and suffix.

    A context cut short by the start or end of the text says the passage was there: compare
    a little more text than it holds, so that a candidate elsewhere does not match an empty
    (or short) context for free."""
    before = len(prefix) + (EDGE_SLACK if len(selector.prefix) < CONTEXT_CHARS else 0)
    after = len(suffix) + (EDGE_SLACK if len(selector.suffix) < CONTEXT_CHARS else 0)
    return before, after


def _context_similarity(expected: str, found: str) -> float:
    """Similarity of a context; none expected (the passage began or ended the text) is a full
    match at the same edge and an unknown (0.5) elsewhere."""
    if not expected:
        return 0.5 if found else 1.0
    return _similarity(expected, found)


def _similarity(expected: str, found: str) -> float:
    """Levenshtein similarity in [0, 1]; two empty strings are identical."""
    return Levenshtein.normalized_similarity(expected, found)


# A verbatim hit elsewhere whose surroundings are mostly gone may be the same words in
# another place (a repeated phrase, a deleted paragraph): it is shown as "check it" unless the
# quote is long enough to be unique, and a very short quote is orphaned instead.
WEAK_CONTEXT = 0.5
UNIQUE_QUOTE_CHARS = 64


def _checked_move(selector: Selector, anchor: Anchor) -> Anchor:
    """A verbatim move, flagged or refused when its context no longer vouches for it."""
    if anchor.context_score >= WEAK_CONTEXT or len(selector.exact) >= UNIQUE_QUOTE_CHARS:
        return anchor
    if len(selector.exact) < MIN_FUZZY_CHARS:
        return _orphan(selector, None)
    return replace(anchor, state="fuzzy", score=_combined(anchor))


def _combined(anchor: Anchor) -> float:
    """The weighted score of a verbatim hit (quote 1.0, context as measured)."""
    total = QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT
    return (
        QUOTE_WEIGHT * anchor.quote_score
        + (PREFIX_WEIGHT + SUFFIX_WEIGHT) * anchor.context_score
        + POSITION_WEIGHT * anchor.position_score
    ) / total


class _Reanchorer:
    """Re-anchors selectors on one text; the normalised view is built only when needed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._view: NormalisedText | None = None

    @property
    def view(self) -> NormalisedText:
        """The normalised view of the text (built on first use)."""
        if self._view is None:
            self._view = cached_view(self.text)
        return self._view

    def position_score(self, start: int, selector: Selector) -> float:
        """How close a stored-text start is to the selector's, relative to the text length."""
        return max(0.0, 1.0 - abs(start - selector.start) / max(len(self.text), 1))

    def reanchor(self, selector: Selector, shift: int = 0) -> Anchor:
        """Position, then verbatim, then normalised, then fuzzy; else an orphan."""
        text, exact = self.text, selector.exact
        if exact and text[selector.start : selector.end] == exact:
            return self._found(selector, selector.start, "anchored")
        if exact:
            start = self._nearby_verbatim(selector, shift) if shift else None
            if start is None:
                start = self._best_verbatim(selector)
            if start is not None:
                return _checked_move(selector, self._found(selector, start, "moved"))
        return self._normalised_or_fuzzy(selector)

    def _found(self, selector: Selector, start: int, state: str) -> Anchor:
        """An anchor for a verbatim hit of the selector's exact text at start."""
        end = start + len(selector.exact)
        prefix, suffix = self._verbatim_context(selector, start, end)
        return Anchor(
            start=start,
            end=end,
            state=state,
            score=1.0,
            quote_score=1.0,
            context_score=(prefix + suffix) / 2,
            position_score=self.position_score(start, selector),
        )

    def _verbatim_context(self, selector: Selector, start: int, end: int) -> tuple[float, float]:
        """Prefix and suffix similarity of a stored-text span's surroundings."""
        before_chars, after_chars = _context_lengths(selector, selector.prefix, selector.suffix)
        before = self.text[max(0, start - before_chars) : start]
        after = self.text[end : end + after_chars]
        return _context_similarity(selector.prefix, before), _context_similarity(
            selector.suffix, after
        )

    def _nearby_verbatim(self, selector: Selector, shift: int) -> int | None:
        """The best verbatim hit when the neighbours' shift finds the quote with its context
        intact: then the best hit lies within |shift| of the old start (same answer as the
        whole-text search, without scanning the whole text)."""
        guess = selector.start + shift
        exact = selector.exact
        if guess < 0 or self.text[guess : guess + len(exact)] != exact:
            return None
        if self._verbatim_context(selector, guess, guess + len(exact)) != (1.0, 1.0):
            return None
        reach = abs(shift)
        lo = max(0, selector.start - reach)
        hi = selector.start + reach + len(exact)
        hits = [
            hit
            for hit in _find_all(self.text, exact, lo, hi)
            if self._verbatim_context(selector, hit, hit + len(exact)) == (1.0, 1.0)
        ]
        return min(hits, key=lambda hit: (abs(hit - selector.start), hit))

    def _best_verbatim(self, selector: Selector) -> int | None:
        """The verbatim hit with the best context, then nearest the old position."""
        exact = selector.exact
        # Hits with their whole context intact are found at C speed, as one string.
        whole = selector.prefix + exact + selector.suffix
        intact = [
            hit + len(selector.prefix)
            for hit in _find_all(self.text, whole)
            if self._verbatim_context(
                selector, hit + len(selector.prefix), hit + len(whole) - len(selector.suffix)
            )
            == (1.0, 1.0)
        ]
        if intact:
            return min(intact, key=lambda hit: (abs(hit - selector.start), hit))
        hits = _nearest(list(_find_all(self.text, exact)), selector.start)
        best: tuple[float, int, int] | None = None
        for hit in hits:
            prefix, suffix = self._verbatim_context(selector, hit, hit + len(exact))
            key = (-(prefix + suffix), abs(hit - selector.start), hit)
            if best is None or key < best:
                best = key
        return None if best is None else best[2]

    # Normalised and fuzzy stages work in the normalised view.

    def _normalised_or_fuzzy(self, selector: Selector) -> Anchor:
        """Stages 2b (normalised verbatim) and 3 (fuzzy), else an orphan."""
        quote, prefix, suffix = _normalised_parts(selector)
        if not quote:
            return _orphan(selector, None)
        old_start = self.view.from_stored(selector.start)
        hits = _nearest(
            [
                hit
                for hit in _find_all(self.view.text, quote)
                if self.view.starts_group(hit) and self.view.ends_group(hit + len(quote))
            ],
            old_start,
        )
        if hits:
            candidate = max(
                (self._score(selector, quote, prefix, suffix, h, h + len(quote)) for h in hits),
                key=lambda c: (c.context_score, c.position_score, -c.start),
            )
            return Anchor(
                start=candidate.start,
                end=candidate.end,
                state="moved",
                score=1.0,
                quote_score=candidate.quote_score,
                context_score=candidate.context_score,
                position_score=candidate.position_score,
            )
        if len(quote) < MIN_FUZZY_CHARS:
            return _orphan(selector, None)
        return self._fuzzy(selector, quote, prefix, suffix)

    def _score(
        self, selector: Selector, quote: str, prefix: str, suffix: str, start: int, end: int
    ) -> _Candidate:
        """Score normalised span start..end; the result carries stored-text offsets."""
        view = self.view.text
        stored_start, stored_end = self.view.to_stored(start, end)
        before_chars, after_chars = _context_lengths(selector, prefix, suffix)
        return _Candidate(
            start=stored_start,
            end=stored_end,
            quote_score=_similarity(quote, view[start:end]),
            prefix_score=_context_similarity(prefix, view[max(0, start - before_chars) : start]),
            suffix_score=_context_similarity(suffix, view[end : end + after_chars]),
            position_score=self.position_score(stored_start, selector),
        )

    def _fuzzy(self, selector: Selector, quote: str, prefix: str, suffix: str) -> Anchor:
        """The best approximate match that clears both floors, else an orphan."""
        max_errors = min(256, len(quote) // 2, int((1 - QUOTE_FLOOR) * len(quote)))
        old_start = self.view.from_stored(selector.start)
        diagonals = _seed_diagonals(self.view.text, quote, prefix, suffix, max_errors, old_start)
        candidates: dict[tuple[int, int], _Candidate] = {}
        for diagonal in diagonals:
            span = _align_near(
                self.view.text, quote, diagonal, max_errors + 8, (prefix, suffix), ROUGH_CUTOFF
            )
            if span is not None and span not in candidates:
                candidates[span] = self._score(selector, quote, prefix, suffix, *span)
        accepted = [c for c in candidates.values() if c.quote_score >= QUOTE_FLOOR]
        best = max(accepted, key=lambda c: (c.score, -c.start), default=None)
        if best is not None and best.score >= MIN_SCORE:
            return _scored_anchor(best, best.start, best.end, "fuzzy")
        rejected = max(candidates.values(), key=lambda c: (c.score, -c.start), default=None)
        return _orphan(selector, rejected)


def _nearest(hits: list[int], position: int) -> list[int]:
    """The MAX_VERBATIM_SCORED hits nearest a position (all of them when there are few)."""
    if len(hits) <= MAX_VERBATIM_SCORED:
        return hits
    return sorted(hits, key=lambda hit: (abs(hit - position), hit))[:MAX_VERBATIM_SCORED]


def _orphan(selector: Selector, best_rejected: _Candidate | None) -> Anchor:
    """An orphan keeps its old offsets and reports the best candidate it refused."""
    if best_rejected is None:
        return Anchor(selector.start, selector.end, "orphan", 0.0, 0.0, 0.0, 0.0)
    return _scored_anchor(best_rejected, selector.start, selector.end, "orphan")


def _scored_anchor(candidate: _Candidate, start: int, end: int, state: str) -> Anchor:
    """An anchor at start..end carrying a candidate's scores (rounded for display)."""
    return Anchor(
        start=start,
        end=end,
        state=state,
        score=round(candidate.score, 4),
        quote_score=round(candidate.quote_score, 4),
        context_score=round(candidate.context_score, 4),
        position_score=round(candidate.position_score, 4),
    )


def _normalised_parts(selector: Selector) -> tuple[str, str, str]:
    """The selector's quote, prefix and suffix in the normalised view, normalised together so
    whitespace at the joins collapses as it does in the text; edge spaces move to the context."""
    joined = normalise(selector.prefix + selector.exact + selector.suffix)
    quote_start = joined.from_stored(len(selector.prefix))
    quote_end = joined.from_stored(len(selector.prefix) + len(selector.exact))
    while quote_start < quote_end and joined.text[quote_start] == " ":
        quote_start += 1
    while quote_end > quote_start and joined.text[quote_end - 1] == " ":
        quote_end -= 1
    text = joined.text
    return text[quote_start:quote_end], text[:quote_start], text[quote_end:]


def _seed_diagonals(
    haystack: str, quote: str, prefix: str, suffix: str, max_errors: int, old_start: int
) -> list[int]:
    """Likely normalised start positions of an edited quote, best first.

    Seeds are pieces of the quote and the context nearest it, found verbatim (str.find): an
    edit of a few words spoils a few pieces and leaves the rest. Hits of all seeds that agree
    on a start (within max_errors) form a region; regions with most distinct seeds win.
    """
    seeds: list[tuple[str, int]] = []  # (piece, offset of the quote's start from the piece's)
    pieces = max(2, min(len(quote) // 24, 16))
    size = len(quote) / pieces
    for number in range(pieces):
        start, end = round(number * size), round((number + 1) * size)
        seeds.append((quote[start:end], start))
    context = min(CONTEXT_CHARS, 24)
    if len(prefix) >= 8:
        seeds.append((prefix[-context:], -len(prefix[-context:])))
    if len(suffix) >= 8:
        seeds.append((suffix[:context], len(quote)))
    hits: list[tuple[int, int]] = []  # (diagonal, seed number)
    for number, (piece, offset) in enumerate(seeds):
        found = []
        for index in _find_all(haystack, piece):
            found.append(index - offset)
            if len(found) > MAX_SEED_HITS:
                break
        if len(found) <= MAX_SEED_HITS:
            hits.extend((diagonal, number) for diagonal in found)
    regions = _cluster(sorted(hits), band=max_errors + 1)
    regions.sort(key=lambda region: (-region[1], abs(region[0] - old_start)))
    diagonals = [diagonal for diagonal, _ in regions[:MAX_CANDIDATES]]
    return [*diagonals, old_start]


def _cluster(hits: list[tuple[int, int]], band: int) -> list[tuple[int, int]]:
    """Group sorted (diagonal, seed) hits lying within band of each other: (median, seeds)."""
    regions: list[tuple[int, int]] = []
    group: list[tuple[int, int]] = []
    for hit in hits:
        if group and hit[0] - group[-1][0] > band:
            regions.append(_region(group))
            group = []
        group.append(hit)
    if group:
        regions.append(_region(group))
    return regions


def _region(group: list[tuple[int, int]]) -> tuple[int, int]:
    """A cluster's representative diagonal and its number of distinct seeds."""
    return group[len(group) // 2][0], len({seed for _, seed in group})


def _align_near(
    haystack: str,
    quote: str,
    diagonal: int,
    slack: int,
    context: tuple[str, str] = ("", ""),
    cutoff: float = 0.0,
) -> tuple[int, int] | None:
    """The span of haystack near a start position that best matches quote (normalised
    offsets), trimmed of edge spaces; None when nothing there is close enough.

    context is the (normalised) text expected just before and after the quote; it decides
    where the span's ends go when the edit is at an end of the quote. Windows whose rough
    similarity (0-100) is below cutoff are given up early."""
    lo = max(0, diagonal - slack)
    hi = min(len(haystack), diagonal + len(quote) + slack)
    if hi - lo < len(quote):  # near an end of the text: widen the window inwards
        lo = max(0, hi - len(quote))
        hi = min(len(haystack), lo + len(quote))
    window = haystack[lo:hi]
    if not window.strip(" "):
        return None
    if len(window) >= len(quote):
        rough = fuzz.partial_ratio_alignment(quote, window, score_cutoff=cutoff)
        if rough is None:
            return None
        start, end = lo + rough.dest_start, lo + rough.dest_end
    else:
        start, end = lo, hi
    radius = min(32, max(8, len(quote) // 4))
    start, end = _refine(haystack, quote, start, end, radius, context)
    while start < end and haystack[start] == " ":
        start += 1
    while end > start and haystack[end - 1] == " ":
        end -= 1
    return (start, end) if start < end else None


def _refine(
    haystack: str, quote: str, start: int, end: int, radius: int, context: tuple[str, str]
) -> tuple[int, int]:
    """Move a rough span's ends to where quote and the context nearest it align best, then
    preferring ends that cut words only where the quote did, then the smallest move."""
    before, after = context[0][-8:], context[1][:8]
    cuts_start = _cuts_word_at_start(before + quote, len(before))
    cuts_end = _cuts_word_at_end(quote + after, len(quote))
    for _ in range(2):
        end = min(
            range(max(start + 1, end - radius), min(len(haystack), end + radius) + 1),
            key=lambda e: (
                Levenshtein.distance(quote, haystack[start:e])
                + Levenshtein.distance(after, haystack[e : e + len(after)]),
                _cuts_word_at_end(haystack, e) != cuts_end,
                abs(e - end),
            ),
        )
        start = min(
            range(max(0, start - radius), min(end - 1, start + radius) + 1),
            key=lambda s: (
                Levenshtein.distance(quote, haystack[s:end])
                + Levenshtein.distance(before, haystack[max(0, s - len(before)) : s]),
                _cuts_word_at_start(haystack, s) != cuts_start,
                abs(s - start),
            ),
        )
    return start, end


def _cuts_word_at_start(text: str, start: int) -> bool:
    """Whether a span starting at start begins inside a word."""
    return 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum()


def _cuts_word_at_end(text: str, end: int) -> bool:
    """Whether a span ending at end stops inside a word."""
    return 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
